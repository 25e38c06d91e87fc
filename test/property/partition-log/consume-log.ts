import type { PartitionLog } from '../../../src/ports/partition-log';
import { batchPositions, readRecords } from '../../../src/adapters/kafka/record-batch/record-reader';

/**
 * What a consumer reading a partition log from its start ends with: the key → value map (a null
 * value deletes its key), the offsets it saw, and how many tombstones it met. Skips records below
 * the fetch position (a batch may start before it) and follows compaction gaps.
 */
export const consumeLog = async (log: PartitionLog): Promise<{ map: Map<string, string>; offsets: bigint[]; tombstones: number }> => {
  const map = new Map<string, string>();
  const offsets: bigint[] = [];
  let tombstones = 0;
  for (let o = log.logStartOffset(); o < log.logEndOffset(); ) {
    const buf = await log.read(o, 1 << 16);
    if (buf.length === 0) break;
    let next = o;
    for (const { position } of batchPositions(buf)) {
      const last = buf.readBigInt64BE(position) + BigInt(buf.readInt32BE(position + 23));
      for (const r of readRecords(buf, position)) {
        if (r.offset < o) continue;
        offsets.push(r.offset);
        if (r.key === null) continue;
        if (r.value === null) {
          tombstones++;
          map.delete(r.key.toString());
        } else map.set(r.key.toString(), r.value.toString());
      }
      if (last + 1n > next) next = last + 1n;
    }
    o = next;
  }
  return { map, offsets, tombstones };
};
