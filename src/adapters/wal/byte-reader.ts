import type { TextDecoder } from 'util';

/** Thrown when bytes that passed their checksum still do not decode: a bug or a format mismatch. */
export class DecodeError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'DecodeError';
  }
}

/**
 * A bounds-checked little-endian reader over `[start, end)` of one buffer. Every read checks the
 * bytes left before it allocates, so a damaged length can never ask for more than the input holds.
 */
export class ByteReader {
  private readonly view: DataView;
  offset: number;

  /** Reads stop here; a scan may move `offset` and `end` to reuse one reader across records. */
  constructor(readonly buf: Uint8Array, start: number, public end: number) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.offset = start;
  }

  private need(n: number): void {
    if (n > this.end - this.offset) throw new DecodeError(`need ${n} bytes, ${this.end - this.offset} left`, this.offset);
  }

  remaining(): number {
    return this.end - this.offset;
  }

  u8(): number {
    if (this.offset >= this.end) this.need(1);
    return this.buf[this.offset++];
  }

  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.offset, true);
    this.offset += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return v;
  }

  f64(): number {
    if (this.offset + 8 > this.end) this.need(8);
    const v = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return v;
  }

  /**
   * The hot readers (u8, f64, varint) test their bounds inline and call `need` only to throw: a
   * replay's first events run unoptimized, where every call counts (C4).
   */
  varint(): number {
    const buf = this.buf;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.offset >= this.end) this.need(1);
      const b = buf[this.offset++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
    throw new DecodeError('varint longer than 8 bytes', this.offset);
  }

  /**
   * A copy of the next `n` bytes: decoded values must never pin a whole segment buffer, nor share
   * the replay's reused read window, whose bytes the next read overwrites. (`slice` of a Buffer is a
   * view, not a copy: with it, a SCRAM credential or a member's assignment read in the first MiB of
   * a segment came back as whatever a later chunk put there.)
   */
  bytes(n: number): Uint8Array {
    this.need(n);
    const view = this.buf.subarray(this.offset, this.offset + n);
    // The same kind as the input (a Buffer's own `slice` is a view; a Uint8Array's copies).
    const out = Buffer.isBuffer(view) ? Buffer.from(view) : view.slice();
    this.offset += n;
    return out;
  }

  utf8(decoder: TextDecoder): string {
    const n = this.varint();
    this.need(n);
    const s = decoder.decode(this.buf.subarray(this.offset, this.offset + n));
    this.offset += n;
    return s;
  }
}
