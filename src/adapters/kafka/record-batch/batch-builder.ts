import { Attribute, BATCH_HEADER_SIZE, BatchOffset, LOG_OVERHEAD } from './batch-header';
import { rewriteCrc } from './batch-rewrite';
import { encodeVarint, encodeVarlong } from './varint';

/** One record to put in a built batch. */
export interface RecordSpec {
  readonly key?: Buffer | string | null;
  readonly value?: Buffer | string | null;
  readonly headers?: ReadonlyArray<{ readonly key: string; readonly value: Buffer | string | null }>;
  /** Absolute timestamp; defaults to the batch's base timestamp. */
  readonly timestamp?: bigint;
}

/** Batch-level fields of a built batch; everything defaults to a plain non-idempotent batch. */
export interface BatchSpec {
  readonly baseOffset?: bigint;
  readonly partitionLeaderEpoch?: number;
  readonly baseTimestamp?: bigint;
  readonly producerId?: bigint;
  readonly producerEpoch?: number;
  readonly baseSequence?: number;
  readonly transactional?: boolean;
  readonly control?: boolean;
  /** Codec bits; the records are NOT compressed, so only tests of "stored untouched" should set it. */
  readonly compression?: number;
  readonly records: ReadonlyArray<RecordSpec>;
}

const bytesOf = (v: Buffer | string | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : v;

const lengthPrefixed = (b: Buffer | null): Buffer[] => (b === null ? [encodeVarint(-1)] : [encodeVarint(b.length), b]);

const encodeRecord = (r: RecordSpec, index: number, baseTimestamp: bigint): Buffer => {
  const headers = r.headers ?? [];
  const body = Buffer.concat([
    Buffer.from([0]),
    encodeVarlong((r.timestamp ?? baseTimestamp) - baseTimestamp),
    encodeVarint(index),
    ...lengthPrefixed(bytesOf(r.key)),
    ...lengthPrefixed(bytesOf(r.value)),
    encodeVarint(headers.length),
    ...headers.flatMap((h) => [...lengthPrefixed(Buffer.from(h.key, 'utf8')), ...lengthPrefixed(bytesOf(h.value))]),
  ]);
  return Buffer.concat([encodeVarint(body.length), body]);
};

/** Builds one magic-2 record batch with a correct CRC-32C (uncompressed records; for tests and tools). */
export const buildRecordBatch = (spec: BatchSpec): Buffer => {
  const baseTimestamp = spec.baseTimestamp ?? 0n;
  const records = Buffer.concat(spec.records.map((r, i) => encodeRecord(r, i, baseTimestamp)));
  const buf = Buffer.alloc(BATCH_HEADER_SIZE + records.length);
  let maxTimestamp = -1n;
  for (const r of spec.records) {
    const ts = r.timestamp ?? baseTimestamp;
    if (ts > maxTimestamp) maxTimestamp = ts;
  }
  const attributes =
    (spec.compression ?? 0) |
    (spec.transactional === true ? Attribute.transactional : 0) |
    (spec.control === true ? Attribute.control : 0);
  buf.writeBigInt64BE(spec.baseOffset ?? 0n, BatchOffset.baseOffset);
  buf.writeInt32BE(buf.length - LOG_OVERHEAD, BatchOffset.batchLength);
  buf.writeInt32BE(spec.partitionLeaderEpoch ?? -1, BatchOffset.partitionLeaderEpoch);
  buf.writeInt8(2, BatchOffset.magic);
  buf.writeInt16BE(attributes, BatchOffset.attributes);
  buf.writeInt32BE(spec.records.length - 1, BatchOffset.lastOffsetDelta);
  buf.writeBigInt64BE(baseTimestamp, BatchOffset.baseTimestamp);
  buf.writeBigInt64BE(maxTimestamp, BatchOffset.maxTimestamp);
  buf.writeBigInt64BE(spec.producerId ?? -1n, BatchOffset.producerId);
  buf.writeInt16BE(spec.producerEpoch ?? -1, BatchOffset.producerEpoch);
  buf.writeInt32BE(spec.baseSequence ?? -1, BatchOffset.baseSequence);
  buf.writeInt32BE(spec.records.length, BatchOffset.recordsCount);
  records.copy(buf, BATCH_HEADER_SIZE);
  rewriteCrc(buf, 0);
  return buf;
};
