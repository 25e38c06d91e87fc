import { DecodeError } from './decode-error';

/**
 * Bounds-checked cursor over a frame. Every read checks the bytes left first, so a hostile length can
 * neither make Node throw a RangeError nor make us allocate for data that is not there (STYLE "The codec").
 * Byte slices are views on the frame (no copy): they stay valid as long as the frame is not reused.
 */
export class Reader {
  pos: number;
  readonly end: number;

  constructor(readonly buf: Buffer, offset = 0, end = buf.length) {
    if (offset < 0 || offset > end || end > buf.length) throw new DecodeError(`offset ${offset} outside frame of ${buf.length} bytes`);
    this.pos = offset;
    this.end = end;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new DecodeError(`${what}: need ${n} bytes, ${this.end - this.pos} left at offset ${this.pos}`);
    }
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.pos++);
  }

  uint8(): number {
    this.need(1, 'uint8');
    return this.buf[this.pos++];
  }

  bool(): boolean {
    this.need(1, 'bool');
    return this.buf[this.pos++] !== 0;
  }

  int16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    this.need(2, 'uint16');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    this.need(8, 'int64');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  float64(): number {
    this.need(8, 'float64');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /**
   * Unsigned varint (KIP-482), at most 5 bytes for 32 bits; a longer one is malformed, which also stops a
   * non-terminating varint from scanning the whole frame. Returns 0..2^32-1.
   */
  uvarint(): number {
    let value = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) throw new DecodeError(`unsigned varint truncated at offset ${this.pos}`);
      const b = this.buf[this.pos++];
      value += (b & 0x7f) * 2 ** (7 * i);
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) throw new DecodeError('unsigned varint exceeds 32 bits');
        return value;
      }
    }
    throw new DecodeError('unsigned varint longer than 5 bytes');
  }

  /** A view of the next n bytes (n already validated as non-negative by the caller). */
  slice(n: number, what: string): Buffer {
    this.need(n, what);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /**
   * UTF-8 text. Invalid sequences become U+FFFD, like Java's `new String(bytes, UTF_8)` in Kafka's
   * readers: lossy, never an error (so such strings do not re-encode to the same bytes).
   */
  utf8(n: number, what: string): string {
    this.need(n, what);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  skip(n: number, what: string): void {
    this.need(n, what);
    this.pos += n;
  }
}
