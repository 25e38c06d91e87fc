import { Attribute, BatchOffset, Compression, LOG_OVERHEAD } from './batch-header';
import { readVarint, readVarlong } from './varint';

/** One decoded record of an uncompressed batch (views into the batch buffer, not copies). */
export interface DecodedRecord {
  readonly offset: bigint;
  readonly timestamp: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: ReadonlyArray<{ readonly key: string; readonly value: Buffer | null }>;
}

const need = <T>(v: T | null): T => {
  if (v === null) throw new Error('malformed record (validate the batch before reading it)');
  return v;
};

/**
 * Decodes the records of the uncompressed batch at `pos`. Meant for batches that passed
 * `validateRecords` or came from a log; a malformed batch is a bug here and throws.
 */
export const readRecords = (buf: Buffer, pos: number): DecodedRecord[] => {
  const attrs = buf.readInt16BE(pos + BatchOffset.attributes);
  if ((attrs & Attribute.compressionMask) !== Compression.none) throw new Error('compressed batches are not decoded');
  const end = pos + buf.readInt32BE(pos + BatchOffset.batchLength) + LOG_OVERHEAD;
  const baseOffset = buf.readBigInt64BE(pos + BatchOffset.baseOffset);
  const baseTimestamp = buf.readBigInt64BE(pos + BatchOffset.baseTimestamp);
  const logAppend = (attrs & Attribute.timestampType) !== 0;
  const maxTimestamp = buf.readBigInt64BE(pos + BatchOffset.maxTimestamp);
  const count = buf.readInt32BE(pos + BatchOffset.recordsCount);
  const bytes = (at: number): { value: Buffer | null; next: number } => {
    const l = need(readVarint(buf, at, end));
    return l.value < 0 ? { value: null, next: l.next } : { value: buf.subarray(l.next, l.next + l.value), next: l.next + l.value };
  };
  const out: DecodedRecord[] = [];
  let at = pos + BatchOffset.records;
  for (let i = 0; i < count; i++) {
    const len = need(readVarint(buf, at, end));
    const ts = need(readVarlong(buf, len.next + 1, end));
    const od = need(readVarint(buf, ts.next, end));
    const key = bytes(od.next);
    const value = bytes(key.next);
    const hc = need(readVarint(buf, value.next, end));
    let p = hc.next;
    const headers: { key: string; value: Buffer | null }[] = [];
    for (let h = 0; h < hc.value; h++) {
      const k = bytes(p);
      const v = bytes(k.next);
      headers.push({ key: (k.value ?? Buffer.alloc(0)).toString('utf8'), value: v.value });
      p = v.next;
    }
    out.push({
      offset: baseOffset + BigInt(od.value),
      timestamp: logAppend ? maxTimestamp : baseTimestamp + ts.value,
      key: key.value,
      value: value.value,
      headers,
    });
    at = len.next + len.value;
  }
  return out;
};

/** Splits a blob of whole batches into (position, size) pairs without copying. */
export const batchPositions = (buf: Buffer): Array<{ position: number; size: number }> => {
  const out: Array<{ position: number; size: number }> = [];
  for (let pos = 0; pos + LOG_OVERHEAD <= buf.length; ) {
    const size = buf.readInt32BE(pos + BatchOffset.batchLength) + LOG_OVERHEAD;
    if (pos + size > buf.length) break;
    out.push({ position: pos, size });
    pos += size;
  }
  return out;
};
