import type { AbortedTxn, PartitionProducerState } from './partition-producer-state';
import type { ProducerBatch, ProducerEntry } from './producer-state';

/**
 * The plain-data form of a partition's producer state in a `.snapshot` file (PS-40): bigints as
 * decimal strings. `decodeProducerSnapshot` rejects anything that is not exactly this shape (the
 * caller then rebuilds from the log), so a damaged or foreign file never becomes state.
 */
export const PRODUCER_SNAPSHOT_VERSION = 1;

export const encodeProducerSnapshot = (s: PartitionProducerState): unknown => ({
  version: PRODUCER_SNAPSHOT_VERSION,
  producers: [...s.producers.values()].map((e) => ({
    producerId: e.producerId.toString(),
    epoch: e.epoch,
    lastTimestamp: e.lastTimestamp.toString(),
    batches: e.batches.map((b) => [b.firstSeq, b.lastSeq, b.firstOffset.toString(), b.lastOffset.toString(), b.timestamp.toString()]),
  })),
  ongoing: [...s.ongoing].map(([pid, first]) => [pid.toString(), first.toString()]),
  aborted: s.aborted.map((a) => [a.producerId.toString(), a.firstOffset.toString(), a.lastOffset.toString(), a.lastStableOffset.toString()]),
});

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const big = (v: unknown): bigint => {
  if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw new Error('not an integer string');
  return BigInt(v);
};
const arr = (v: unknown): unknown[] => {
  if (!Array.isArray(v)) throw new Error('not an array');
  return v;
};

export const decodeProducerSnapshot = (raw: unknown): PartitionProducerState | null => {
  try {
    const o = raw as Record<string, unknown>;
    if (o === null || typeof o !== 'object' || o.version !== PRODUCER_SNAPSHOT_VERSION) return null;
    const producers = new Map<bigint, ProducerEntry>();
    for (const p of arr(o.producers)) {
      const e = p as Record<string, unknown>;
      if (!isInt(e.epoch)) return null;
      const batches: ProducerBatch[] = arr(e.batches).map((b) => {
        const [firstSeq, lastSeq, firstOffset, lastOffset, timestamp] = arr(b);
        if (!isInt(firstSeq) || !isInt(lastSeq)) throw new Error('bad sequence');
        return { firstSeq, lastSeq, firstOffset: big(firstOffset), lastOffset: big(lastOffset), timestamp: big(timestamp) };
      });
      const producerId = big(e.producerId);
      producers.set(producerId, { producerId, epoch: e.epoch, batches, lastTimestamp: big(e.lastTimestamp) });
    }
    const ongoing = new Map<bigint, bigint>(arr(o.ongoing).map((x) => {
      const [pid, first] = arr(x);
      return [big(pid), big(first)];
    }));
    const aborted: AbortedTxn[] = arr(o.aborted).map((x) => {
      const [producerId, firstOffset, lastOffset, lastStableOffset] = arr(x);
      return { producerId: big(producerId), firstOffset: big(firstOffset), lastOffset: big(lastOffset), lastStableOffset: big(lastStableOffset) };
    });
    return { producers, ongoing, aborted };
  } catch {
    return null;
  }
};
