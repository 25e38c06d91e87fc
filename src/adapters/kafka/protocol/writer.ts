import { EncodeError } from './encode-error';

/**
 * Growable output buffer: doubles when full, so encoding is amortised O(size) with a handful of
 * allocations and no per-field Buffer.concat.
 */
export class Writer {
  buf: Buffer;
  /** Position in `buf`; once raw() has kept a byte string by reference, `length()` is the whole size. */
  pos = 0;
  /** Pieces finished before `buf` (views and byte strings kept by reference), and their total size. */
  private chunks: Buffer[] | null = null;
  private chunkedBytes = 0;

  /**
   * @param rawByReference raw() keeps byte strings at least this long as pieces of their own
   *   instead of copying them (pieces() returns them; for frames a socket writes in one go).
   */
  constructor(
    initialSize = 256,
    private readonly rawByReference = Infinity,
  ) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  int8(v: number): void {
    this.ensure(1);
    this.pos = this.buf.writeInt8(v, this.pos);
  }

  uint8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  int16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }

  uint16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeUInt16BE(v, this.pos);
  }

  int32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }

  uint32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeUInt32BE(v, this.pos);
  }

  int64(v: bigint): void {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64BE(v, this.pos);
  }

  float64(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleBE(v, this.pos);
  }

  uvarint(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new EncodeError(`unsigned varint out of range: ${v}`);
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  raw(b: Buffer): void {
    if (b.length >= this.rawByReference) {
      (this.chunks ??= []).push(this.buf.subarray(0, this.pos), b);
      this.chunkedBytes += this.pos + b.length;
      this.buf = Buffer.allocUnsafe(256);
      this.pos = 0;
      return;
    }
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  /** Writes the UTF-8 bytes of s, whose byte length the caller already computed. */
  utf8(s: string, byteLength: number): void {
    this.ensure(byteLength);
    this.pos += this.buf.write(s, this.pos, byteLength, 'utf8');
  }

  /** The bytes written so far (a view, no copy). Not for a writer with byte strings by reference. */
  result(): Buffer {
    if (this.chunks !== null) throw new EncodeError('result() of a writer holding byte strings by reference: use pieces()');
    return this.buf.subarray(0, this.pos);
  }

  /** Bytes written so far, over every chunk. */
  length(): number {
    return this.chunkedBytes + this.pos;
  }

  /** The bytes written so far, in order: views and the byte strings kept by reference. */
  pieces(): Buffer[] {
    const last = this.buf.subarray(0, this.pos);
    return this.chunks === null ? [last] : [...this.chunks, last];
  }
}

/** Unsigned varint size in bytes, for a value already known to be in 0..2^32-1. */
export function uvarintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}
