/**
 * What producer state needs from a stored record batch (magic 2 header, and for a control batch the
 * type in its record key, MK-1). A pure reader over bytes: the partition writer rebuilds producer
 * state, open transactions and the aborted index by folding these (PS-40).
 */
export interface BatchSummary {
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  /** Byte length of the whole batch (log overhead included). */
  readonly size: number;
  readonly maxTimestamp: bigint;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordCount: number;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
  /** COMMIT = 1, ABORT = 0 for a transaction marker; null for data or other control batches. */
  readonly controlType: number | null;
}

const HEADER = 61;
export const CONTROL_ABORT = 0;
export const CONTROL_COMMIT = 1;

/** Reads a zigzag varint at `pos`; returns [value, next position] or null when cut short. */
const varint = (b: Uint8Array, pos: number): [number, number] | null => {
  let result = 0;
  let shift = 0;
  for (let i = pos; i < b.length && shift <= 28; i++) {
    const byte = b[i]!;
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [(result >>> 1) ^ -(result & 1), i + 1];
    shift += 7;
  }
  return null;
};

/** The control type of an uncompressed control batch's first record (key: int16 version, int16 type). */
const controlTypeOf = (b: Uint8Array, view: DataView, start: number, end: number): number | null => {
  let pos = start + HEADER;
  const len = varint(b, pos);
  if (len === null) return null;
  pos = len[1] + 1; // attributes int8
  const tsDelta = varint(b, pos);
  if (tsDelta === null) return null;
  const offDelta = varint(b, tsDelta[1]);
  if (offDelta === null) return null;
  const keyLen = varint(b, offDelta[1]);
  if (keyLen === null || keyLen[0] < 4 || keyLen[1] + 4 > end) return null;
  return view.getInt16(keyLen[1] + 2);
};

/** Summaries of the whole batches in `bytes` (a partial batch at the end is ignored). */
export const summarizeBatches = (bytes: Uint8Array): BatchSummary[] => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: BatchSummary[] = [];
  let pos = 0;
  while (pos + HEADER <= bytes.length) {
    const size = view.getInt32(pos + 8) + 12;
    if (size < HEADER || pos + size > bytes.length) break;
    const baseOffset = view.getBigInt64(pos);
    const attributes = view.getInt16(pos + 21);
    const isControl = (attributes & 0x20) !== 0;
    out.push({
      baseOffset,
      lastOffset: baseOffset + BigInt(view.getInt32(pos + 23)),
      size,
      maxTimestamp: view.getBigInt64(pos + 35),
      producerId: view.getBigInt64(pos + 43),
      producerEpoch: view.getInt16(pos + 51),
      baseSequence: view.getInt32(pos + 53),
      recordCount: view.getInt32(pos + 57),
      isTransactional: (attributes & 0x10) !== 0,
      isControl,
      controlType: isControl && (attributes & 0x07) === 0 ? controlTypeOf(bytes, view, pos, pos + size) : null,
    });
    pos += size;
  }
  return out;
};
