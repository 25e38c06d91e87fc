import * as zlib from 'zlib';
import { Attribute, BATCH_HEADER_SIZE, BatchOffset, Compression, LOG_OVERHEAD } from './batch-header';
import { readVarint, readVarlong } from './varint';

/** One record of a batch as the log cleaner sees it: its fields and its encoded bytes. */
export interface RawRecord {
  readonly offsetDelta: number;
  readonly timestampDelta: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** The record without its length prefix: attributes, timestampDelta, offsetDelta, key, value, headers. */
  readonly body: Buffer;
  /** Where in `body` the fields after timestampDelta start (to re-encode the delta). */
  readonly afterTimestamp: number;
}

/** Codecs whose records the broker can read and write back: none, and gzip through Node's zlib. */
export const canRewriteCodec = (attributes: number): boolean => {
  const codec = attributes & Attribute.compressionMask;
  return codec === Compression.none || codec === Compression.gzip;
};

/** The records section of a batch, inflated when it is gzip; null for a codec the broker cannot read. */
const recordsSection = (batch: Buffer): Buffer | null => {
  const attrs = batch.readInt16BE(BatchOffset.attributes);
  const size = batch.readInt32BE(BatchOffset.batchLength) + LOG_OVERHEAD;
  const raw = batch.subarray(BATCH_HEADER_SIZE, size);
  switch (attrs & Attribute.compressionMask) {
    case Compression.none:
      return raw;
    case Compression.gzip:
      try {
        return zlib.gunzipSync(raw);
      } catch {
        return null;
      }
    default:
      return null;
  }
};

/**
 * Decodes the records of one whole batch (a log's batch: CRC and layout were checked on append).
 * Returns null when the codec is one the broker cannot inflate (snappy, lz4, zstd) or the bytes do
 * not parse: the cleaner then keeps the batch whole.
 */
export const decodeRawRecords = (batch: Buffer): RawRecord[] | null => {
  const section = recordsSection(batch);
  if (section === null) return null;
  const count = batch.readInt32BE(BatchOffset.recordsCount);
  const out: RawRecord[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const len = readVarint(section, at, section.length);
    if (len === null || len.value < 0 || len.next + len.value > section.length) return null;
    const end = len.next + len.value;
    const body = section.subarray(len.next, end);
    const ts = readVarlong(body, 1, body.length);
    if (ts === null) return null;
    const od = readVarint(body, ts.next, body.length);
    if (od === null) return null;
    const kl = readVarint(body, od.next, body.length);
    if (kl === null || kl.value < -1) return null;
    const keyEnd = kl.next + Math.max(0, kl.value);
    const vl = readVarint(body, keyEnd, body.length);
    if (vl === null || vl.value < -1 || vl.next + Math.max(0, vl.value) > body.length) return null;
    out.push({
      offsetDelta: od.value,
      timestampDelta: ts.value,
      key: kl.value < 0 ? null : body.subarray(kl.next, keyEnd),
      value: vl.value < 0 ? null : body.subarray(vl.next, vl.next + vl.value),
      body,
      afterTimestamp: ts.next,
    });
    at = end;
  }
  return out;
};

/** Control record types (the key of a control batch's record: int16 version, int16 type). */
export const ControlType = { ABORT: 0, COMMIT: 1 } as const;

/** The type of the control batch's marker (ABORT 0, COMMIT 1, others), or null if unreadable. */
export const controlTypeOf = (batch: Buffer): number | null => {
  const records = decodeRawRecords(batch);
  const key = records?.[0]?.key ?? null;
  return key === null || key.length < 4 ? null : key.readInt16BE(2);
};

/**
 * Whether a validated records blob holds a record without a key (Kafka's LogValidator refuses those
 * for compacted topics). Batches the broker cannot inflate (snappy, lz4, zstd) are not inspected.
 */
export const hasKeylessRecord = (blob: Buffer): boolean => {
  for (let pos = 0; pos + BATCH_HEADER_SIZE <= blob.length; ) {
    const size = blob.readInt32BE(pos + BatchOffset.batchLength) + LOG_OVERHEAD;
    const records = decodeRawRecords(blob.subarray(pos, pos + size));
    if (records !== null && records.some((r) => r.key === null)) return true;
    pos += size;
  }
  return false;
};
