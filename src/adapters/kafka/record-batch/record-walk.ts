import { BatchOffset, LOG_OVERHEAD } from './batch-header';
import { readVarint, readVarlong } from './varint';

/** What the offset and timestamp lookups need from one record of an uncompressed batch. */
export interface RecordPosition {
  readonly offsetDelta: number;
  readonly timestampDelta: bigint;
}

/** Why a record's layout is rejected; `index` is the record's position in the batch. */
export interface RecordLayoutError {
  readonly index: number;
  readonly reason: string;
}

/**
 * Walks the records of the uncompressed batch at `pos` (whose size was already checked), checking
 * that each record's varints and lengths stay inside its declared length and that the records fill
 * the batch exactly. Returns the records' deltas or the first layout error.
 */
export const walkRecords = (
  buf: Buffer,
  pos: number,
  recordsCount: number,
): RecordPosition[] | RecordLayoutError => {
  const end = pos + buf.readInt32BE(pos + BatchOffset.batchLength) + LOG_OVERHEAD;
  let at = pos + BatchOffset.records;
  const out: RecordPosition[] = [];
  for (let index = 0; index < recordsCount; index++) {
    const len = readVarint(buf, at, end);
    if (len === null || len.value < 0) return { index, reason: 'bad record length' };
    const recEnd = len.next + len.value;
    if (recEnd > end) return { index, reason: 'record extends past the batch' };
    // attributes (int8)
    let p = len.next + 1;
    const ts = readVarlong(buf, p, recEnd);
    if (ts === null) return { index, reason: 'bad timestampDelta' };
    const od = readVarint(buf, ts.next, recEnd);
    if (od === null) return { index, reason: 'bad offsetDelta' };
    p = od.next;
    for (const field of ['key', 'value'] as const) {
      const l = readVarint(buf, p, recEnd);
      if (l === null || l.value < -1) return { index, reason: `bad ${field} length` };
      p = l.next + Math.max(0, l.value);
      if (p > recEnd) return { index, reason: `${field} extends past the record` };
    }
    const hc = readVarint(buf, p, recEnd);
    if (hc === null || hc.value < 0) return { index, reason: 'bad header count' };
    p = hc.next;
    for (let h = 0; h < hc.value; h++) {
      const kl = readVarint(buf, p, recEnd);
      // Header keys are never null (DefaultRecord.readHeaders).
      if (kl === null || kl.value < 0) return { index, reason: 'bad header key length' };
      p = kl.next + kl.value;
      const vl = p <= recEnd ? readVarint(buf, p, recEnd) : null;
      if (vl === null || vl.value < -1) return { index, reason: 'bad header value length' };
      p = vl.next + Math.max(0, vl.value);
      if (p > recEnd) return { index, reason: 'header extends past the record' };
    }
    if (p !== recEnd) return { index, reason: 'record length does not match its fields' };
    out.push({ offsetDelta: od.value, timestampDelta: ts.value });
    at = recEnd;
  }
  if (at !== end) return { index: recordsCount, reason: 'bytes left after the last record' };
  return out;
};

/** Narrows a `walkRecords` result to its error case. */
export const isRecordLayoutError = (r: RecordPosition[] | RecordLayoutError): r is RecordLayoutError =>
  !Array.isArray(r);
