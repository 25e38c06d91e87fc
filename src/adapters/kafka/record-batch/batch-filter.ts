import * as zlib from 'zlib';
import { Attribute, BATCH_HEADER_SIZE, BatchOffset, Compression } from './batch-header';
import type { RawRecord } from './batch-records';
import { rewriteCrc } from './batch-rewrite';
import { encodeVarint, encodeVarlong } from './varint';

/** Whether the batch carries a KIP-534 delete horizon (attribute bit 6: the base timestamp is the horizon). */
export const deleteHorizonOf = (batch: Buffer): bigint | null =>
  (batch.readInt16BE(BatchOffset.attributes) & Attribute.deleteHorizon) !== 0 ? batch.readBigInt64BE(BatchOffset.baseTimestamp) : null;

/**
 * Rebuilds a batch that keeps only `kept` of its records, as Kafka's MemoryRecords.filterTo does:
 * same base offset, producer fields, base sequence and codec; each record keeps its offset delta;
 * lastOffsetDelta is the last kept record's (an empty batch keeps the original, Kafka's
 * RETAIN_EMPTY, so a producer's last sequence survives). With `deleteHorizonMs` the batch is stamped
 * (KIP-534): attribute bit 6 set, the base timestamp becomes the horizon and every record's
 * timestamp delta is re-encoded against it, so each record's absolute timestamp is unchanged.
 */
export const filterBatch = (batch: Buffer, kept: ReadonlyArray<RawRecord>, deleteHorizonMs: bigint | null): Buffer => {
  const attrs = batch.readInt16BE(BatchOffset.attributes);
  const oldBase = batch.readBigInt64BE(BatchOffset.baseTimestamp);
  const logAppendTime = (attrs & Attribute.timestampType) !== 0;
  const newBase = deleteHorizonMs ?? oldBase;
  let maxTimestamp = -1n;
  const parts: Buffer[] = [];
  for (const r of kept) {
    const ts = oldBase + r.timestampDelta;
    if (ts > maxTimestamp) maxTimestamp = ts;
    const body =
      newBase === oldBase
        ? r.body
        : Buffer.concat([r.body.subarray(0, 1), encodeVarlong(ts - newBase), r.body.subarray(r.afterTimestamp)]);
    parts.push(encodeVarint(body.length), body);
  }
  let records = Buffer.concat(parts);
  if ((attrs & Attribute.compressionMask) === Compression.gzip && kept.length > 0) records = zlib.gzipSync(records);
  const out = Buffer.alloc(BATCH_HEADER_SIZE + records.length);
  batch.copy(out, 0, 0, BATCH_HEADER_SIZE);
  records.copy(out, BATCH_HEADER_SIZE);
  out.writeInt32BE(out.length - 12, BatchOffset.batchLength);
  out.writeInt16BE(deleteHorizonMs === null ? attrs : attrs | Attribute.deleteHorizon, BatchOffset.attributes);
  if (kept.length > 0) out.writeInt32BE(kept[kept.length - 1].offsetDelta, BatchOffset.lastOffsetDelta);
  out.writeBigInt64BE(newBase, BatchOffset.baseTimestamp);
  // LogAppendTime batches carry the append time in maxTimestamp: it stays.
  if (!logAppendTime && kept.length > 0) out.writeBigInt64BE(maxTimestamp, BatchOffset.maxTimestamp);
  out.writeInt32BE(kept.length, BatchOffset.recordsCount);
  rewriteCrc(out, 0);
  return out;
};
