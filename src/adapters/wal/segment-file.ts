import * as CRC32 from 'crc-32';

/**
 * MetaLog segment files: `<base position, 20 digits>.wal`, a 32-byte header, then record frames, then
 * zeros up to the preallocated size (benchmarks.md Part D.3: preallocation makes fdatasync cheaper,
 * and then the frame's length + CRC is the only way to find the end of data).
 *
 * Header: magic "CWAL" | version u16 | header bytes u16 | base position f64 | reserved (12) | crc32 of bytes 0..28.
 */
export const SEGMENT_HEADER_BYTES = 32;
export const SEGMENT_VERSION = 1;
const MAGIC = [0x43, 0x57, 0x41, 0x4c]; // "CWAL"
const NAME = /^(\d{20})\.wal$/;

export const segmentName = (base: number): string => `${String(base).padStart(20, '0')}.wal`;

/** The base position a segment file name carries, or null when the name is not a segment's. */
export const parseSegmentName = (name: string): number | null => {
  const m = NAME.exec(name);
  return m ? Number(m[1]) : null;
};

export const encodeSegmentHeader = (base: number): Uint8Array => {
  const out = new Uint8Array(SEGMENT_HEADER_BYTES);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint16(4, SEGMENT_VERSION, true);
  view.setUint16(6, SEGMENT_HEADER_BYTES, true);
  view.setFloat64(8, base, true);
  view.setUint32(28, CRC32.buf(out.subarray(0, 28)) >>> 0, true);
  return out;
};

export type HeaderCheck = { readonly ok: true; readonly base: number } | { readonly ok: false; readonly reason: string };

export const decodeSegmentHeader = (buf: Uint8Array): HeaderCheck => {
  if (buf.length < SEGMENT_HEADER_BYTES) return { ok: false, reason: `header short (${buf.length} bytes)` };
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (view.getUint32(28, true) !== CRC32.buf(buf.subarray(0, 28)) >>> 0) return { ok: false, reason: 'header checksum mismatch' };
  if (MAGIC.some((b, i) => buf[i] !== b)) return { ok: false, reason: 'bad magic' };
  const version = view.getUint16(4, true);
  if (version !== SEGMENT_VERSION) return { ok: false, reason: `unsupported segment version ${version}` };
  return { ok: true, base: view.getFloat64(8, true) };
};
