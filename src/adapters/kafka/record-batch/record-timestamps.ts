import { Attribute, BatchOffset, Compression } from './batch-header';
import { isRecordLayoutError, walkRecords } from './record-walk';

/** An offset with the timestamp of its record (ListOffsets answers). */
export interface OffsetAndTimestamp {
  readonly offset: bigint;
  readonly timestamp: bigint;
}

/**
 * Per-record (offset, timestamp) of the stored batch at `pos`. Under LogAppendTime every record
 * carries the batch's maxTimestamp. Compressed batches are not inflated: they answer with one
 * entry, the batch's base offset and maxTimestamp (a documented approximation for ListOffsets).
 */
export const recordTimestamps = (buf: Buffer, pos: number): OffsetAndTimestamp[] => {
  const baseOffset = buf.readBigInt64BE(pos + BatchOffset.baseOffset);
  const attrs = buf.readInt16BE(pos + BatchOffset.attributes);
  const maxTimestamp = buf.readBigInt64BE(pos + BatchOffset.maxTimestamp);
  const count = buf.readInt32BE(pos + BatchOffset.recordsCount);
  if ((attrs & Attribute.compressionMask) !== Compression.none) return [{ offset: baseOffset, timestamp: maxTimestamp }];
  const walked = walkRecords(buf, pos, count);
  if (isRecordLayoutError(walked)) return [{ offset: baseOffset, timestamp: maxTimestamp }];
  if ((attrs & Attribute.timestampType) !== 0) {
    return walked.map((r) => ({ offset: baseOffset + BigInt(r.offsetDelta), timestamp: maxTimestamp }));
  }
  const baseTimestamp = buf.readBigInt64BE(pos + BatchOffset.baseTimestamp);
  return walked.map((r) => ({ offset: baseOffset + BigInt(r.offsetDelta), timestamp: baseTimestamp + r.timestampDelta }));
};

/** First record of the batch at `pos` whose timestamp is ≥ `target`, or null. */
export const firstRecordAtOrAfter = (buf: Buffer, pos: number, target: bigint): OffsetAndTimestamp | null =>
  recordTimestamps(buf, pos).find((r) => r.timestamp >= target) ?? null;

/** The record of the batch at `pos` with the largest timestamp (the first of equals), or null if none. */
export const maxTimestampRecord = (buf: Buffer, pos: number): OffsetAndTimestamp | null => {
  let best: OffsetAndTimestamp | null = null;
  for (const r of recordTimestamps(buf, pos)) if (best === null || r.timestamp > best.timestamp) best = r;
  return best;
};
