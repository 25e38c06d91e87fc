import * as CRC32 from 'crc-32';
import * as zlib from 'zlib';

/**
 * The MetaLog record frame (STYLE.md "The WAL", etcd's `wal` encoder):
 *
 *   length u32 LE | crc32(type + payload) u32 LE | type u8 | payload
 *
 * `length` counts type + payload. The frame carries its own length and checksum, so the end of valid
 * data is found without trusting anything else: a reader stops at the first frame that is short or
 * fails its checksum. A zero `length` is never written; it marks the preallocated, never-written
 * remainder of a segment.
 */
export const FRAME_HEADER_BYTES = 8;
/** Record types: event batches in the value encoding (release 0.1) … */
export const RECORD_EVENTS = 1;
/** … and event batches whose events carry a compact codec id (event-codecs.ts), written since 0.2. */
export const RECORD_EVENTS_TYPED = 2;
/** Both event-batch record types. */
export const isEventsRecord = (type: number): boolean => type === RECORD_EVENTS || type === RECORD_EVENTS_TYPED;
/** Ceiling on one record so a damaged length is rejected outright (etcd's `maxEntryLimit`). */
export const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export type FrameRead =
  | { readonly kind: 'record'; readonly type: number; readonly payloadStart: number; readonly end: number }
  /** Fewer than a header's bytes left, or `length` says more than the bytes left. */
  | { readonly kind: 'short' }
  /** `length` is zero: never-written (preallocated or zeroed) space. */
  | { readonly kind: 'zero' }
  | { readonly kind: 'bad-crc' }
  | { readonly kind: 'eof' };

/**
 * CRC-32 (IEEE) of a byte range as an unsigned 32-bit number: zlib's native one where Node has it
 * (20.15+; C4: the open checks every frame, and the JavaScript table loop was ~10 % of a recovery),
 * else the `crc-32` package. Both compute the same checksum (test/unit/wal/record-frame.test.ts).
 * `seed` continues a checksum over earlier bytes (the result of `crc32` over them).
 */
export const crc32 = (bytes: Uint8Array, seed = 0): number => (nativeCrc32 !== undefined ? nativeCrc32(bytes, seed) : CRC32.buf(bytes, seed) >>> 0);

const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 of `type + payload` as an unsigned 32-bit number. */
export const frameCrc = (buf: Uint8Array, typeAt: number, end: number): number => crc32(buf.subarray(typeAt, end));

/**
 * Reads the frame at `offset` of `buf[..limit)` without allocating: checks length against the bytes
 * left first. `checkCrc` false skips the checksum for bytes this process verified moments ago.
 */
export const readFrameAt = (buf: Uint8Array, view: DataView, offset: number, limit: number, checkCrc = true): FrameRead => {
  if (offset === limit) return { kind: 'eof' };
  if (limit - offset < FRAME_HEADER_BYTES) {
    for (let i = offset; i < limit; i++) if (buf[i] !== 0) return { kind: 'short' };
    return { kind: 'zero' };
  }
  const length = view.getUint32(offset, true);
  if (length === 0) return { kind: 'zero' };
  if (length > MAX_RECORD_BYTES || length > limit - offset - FRAME_HEADER_BYTES) return { kind: 'short' };
  const typeAt = offset + FRAME_HEADER_BYTES;
  const end = typeAt + length;
  if (checkCrc && view.getUint32(offset + 4, true) !== frameCrc(buf, typeAt, end)) return { kind: 'bad-crc' };
  return { kind: 'record', type: buf[typeAt], payloadStart: typeAt + 1, end };
};

/** Fills in length and CRC of a frame whose header space (8 bytes) and body were written at `frameStart`. */
export const sealFrame = (buf: Uint8Array, frameStart: number, frameEnd: number): void => {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const typeAt = frameStart + FRAME_HEADER_BYTES;
  view.setUint32(frameStart, frameEnd - typeAt, true);
  view.setUint32(frameStart + 4, frameCrc(buf, typeAt, frameEnd), true);
};
