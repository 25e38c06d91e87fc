import { BatchOffset } from '../kafka/record-batch/batch-header';
import { firstRecordAtOrAfter, maxTimestampRecord, type OffsetAndTimestamp } from '../kafka/record-batch/record-timestamps';
import { scanBatches } from './batch-scan';
import type { LogSegment } from './log-segment';

/* Lookups by timestamp over a partition's segments (ListOffsets), through each segment's time index. */

const scanSegment = (seg: LogSegment, fromRel: number, visit: (buf: Buffer, at: number) => boolean): Promise<number> =>
seg.withReader(() => scanBatches(seg.fh, seg.offsetIndex.lookup(fromRel), seg.committedSize, visit));

/** ListOffsets by time: the first record whose timestamp is at or after `timestamp`. */
export async function offsetForTimestamp(segments: readonly LogSegment[], timestamp: bigint): Promise<OffsetAndTimestamp | null> {
  for (const seg of [...segments]) {
    if (seg.largestTimestamp < timestamp) continue;
    const fromRel = seg.timeIndex.offsetBefore(timestamp);
    const from = seg.baseOffset + BigInt(fromRel);
    let hit: OffsetAndTimestamp | null = null;
    await scanSegment(seg, fromRel, (buf, at) => {
      const last = buf.readBigInt64BE(at) + BigInt(buf.readInt32BE(at + BatchOffset.lastOffsetDelta));
      if (last < from || buf.readBigInt64BE(at + BatchOffset.maxTimestamp) < timestamp) return true;
      hit = firstRecordAtOrAfter(buf, at, timestamp);
      return hit === null;
    });
    if (hit !== null) return hit;
  }
  return null;
}

/** ListOffsets MAX_TIMESTAMP (KIP-734): the record with the largest timestamp. */
export async function maxTimestamp(segments: readonly LogSegment[]): Promise<OffsetAndTimestamp | null> {
  let best: LogSegment | null = null;
  for (const seg of segments) {
    if (seg.committedSize > 0 && (best === null || seg.largestTimestamp > best.largestTimestamp)) best = seg;
  }
  if (best === null) return null;
  const seg = best;
  const { from } = seg.timeIndex.rangeOf(seg.largestTimestamp);
  const fromOffset = seg.baseOffset + BigInt(from);
  let hit: OffsetAndTimestamp | null = null;
  await scanSegment(seg, from, (buf, at) => {
    const last = buf.readBigInt64BE(at) + BigInt(buf.readInt32BE(at + BatchOffset.lastOffsetDelta));
    if (last < fromOffset || buf.readBigInt64BE(at + BatchOffset.maxTimestamp) !== seg.largestTimestamp) return true;
    hit = maxTimestampRecord(buf, at);
    return false;
  });
  return hit;
}
