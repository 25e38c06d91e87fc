import { Attribute, BatchOffset } from '../kafka/record-batch/batch-header';
import { decodeRawRecords, type RawRecord } from '../kafka/record-batch/batch-records';
import { deleteHorizonOf, filterBatch } from '../kafka/record-batch/batch-filter';
import { CleanerKeyIndex, mapKey } from './cleaner-key-index';

/** What the second pass of a cleaning needs besides the key index. */
export interface BatchCleaningRules {
  readonly nowMs: bigint;
  /** `delete.retention.ms`: the horizon stamped on a batch whose tombstone is kept for the first time. */
  readonly deleteRetentionMs: bigint;
}

/** The fate of one batch: what to write (null: nothing), and what changed. */
export interface CleanedBatch {
  readonly out: Buffer | null;
  readonly recordsRemoved: number;
  /** False when `out` is the input batch, byte for byte. */
  readonly changed: boolean;
  /** The delete horizon of a kept tombstone in `out`, if any (the log is due again then). */
  readonly pendingHorizonMs: bigint | null;
}

const keep = (batch: Buffer): CleanedBatch => ({ out: batch, recordsRemoved: 0, changed: false, pendingHorizonMs: null });

/**
 * Cleans one batch against the key index (Kafka's LogCleaner.cleanInto / shouldRetainRecord):
 * - control batches (transaction markers) are kept as they are;
 * - batches of an aborted transaction are removed; of an undecided one, kept whole;
 * - a batch the broker cannot inflate (snappy, lz4, zstd) is kept whole;
 * - a record is kept only if it is the latest of its key; keyless records are removed (Kafka);
 * - a kept tombstone stamps its batch with a delete horizon (KIP-534) the first time, and is removed
 *   by a later pass once the horizon has passed — unless an opaque or undecided batch precedes it;
 * - a batch left with no record is dropped, except the last batch of a producer, kept empty so that
 *   producer's epoch and last sequence survive (Kafka's RETAIN_EMPTY).
 */
export const cleanBatch = (batch: Buffer, index: CleanerKeyIndex, rules: BatchCleaningRules): CleanedBatch => {
  const attrs = batch.readInt16BE(BatchOffset.attributes);
  if ((attrs & Attribute.control) !== 0) return keep(batch);
  const base = batch.readBigInt64BE(BatchOffset.baseOffset);
  const pid = batch.readBigInt64BE(BatchOffset.producerId);
  const transactional = (attrs & Attribute.transactional) !== 0;
  const outcome = transactional ? index.outcome(pid, base) : 'committed';
  if (outcome === 'undecided') return keep(batch);
  const records = decodeRawRecords(batch);
  if (records === null) return keep(batch);
  const isLastOfProducer = pid >= 0n && index.lastBatchOfProducer.get(pid) === base;
  if (outcome === 'aborted') {
    return { out: isLastOfProducer ? filterBatch(batch, [], null) : null, recordsRemoved: records.length, changed: true, pendingHorizonMs: null };
  }
  const horizon = deleteHorizonOf(batch);
  const mayDropTombstones = index.firstUnsafeOffset === null || base < index.firstUnsafeOffset;
  const kept: RawRecord[] = [];
  let tombstoneKept = false;
  for (const r of records) {
    if (r.key === null) continue;
    const offset = base + BigInt(r.offsetDelta);
    if (index.latest.get(mapKey(r.key)) !== offset) continue;
    if (r.value === null) {
      if (horizon !== null && rules.nowMs >= horizon && mayDropTombstones) continue;
      tombstoneKept = true;
    }
    kept.push(r);
  }
  const stamp = tombstoneKept && horizon === null ? rules.nowMs + rules.deleteRetentionMs : null;
  const pendingHorizonMs = tombstoneKept ? (stamp ?? horizon) : null;
  if (kept.length === records.length && stamp === null) return { ...keep(batch), pendingHorizonMs };
  const removed = records.length - kept.length;
  if (kept.length === 0 && !isLastOfProducer) return { out: null, recordsRemoved: removed, changed: true, pendingHorizonMs: null };
  return { out: filterBatch(batch, kept, stamp), recordsRemoved: removed, changed: true, pendingHorizonMs };
};
