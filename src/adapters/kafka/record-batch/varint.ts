/**
 * Zig-zag varints of the record format v2 (protobuf `sint32`/`sint64`). Readers return null when
 * the bytes end before the varint does, so a malformed record is a value, not an exception.
 */
export interface VarintRead<T> {
  readonly value: T;
  readonly next: number;
}

/** Reads a zig-zag varint of at most 5 bytes at `pos`, not past `end`. */
export const readVarint = (buf: Buffer, pos: number, end: number): VarintRead<number> | null => {
  let raw = 0;
  let shift = 0;
  for (let i = pos; i < end && shift <= 28; i++) {
    const b = buf[i];
    raw |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value: (raw >>> 1) ^ -(raw & 1), next: i + 1 };
    shift += 7;
  }
  return null;
};

/** Reads a zig-zag varlong of at most 10 bytes at `pos`, not past `end`. */
export const readVarlong = (buf: Buffer, pos: number, end: number): VarintRead<bigint> | null => {
  let raw = 0n;
  let shift = 0n;
  for (let i = pos; i < end && shift <= 63n; i++) {
    const b = buf[i];
    raw |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return { value: (raw >> 1n) ^ -(raw & 1n), next: i + 1 };
    shift += 7n;
  }
  return null;
};

/** Encodes a zig-zag varint (32-bit signed). */
export const encodeVarint = (value: number): Buffer => {
  let raw = ((value << 1) ^ (value >> 31)) >>> 0;
  const out: number[] = [];
  while (raw > 0x7f) {
    out.push((raw & 0x7f) | 0x80);
    raw >>>= 7;
  }
  out.push(raw);
  return Buffer.from(out);
};

/** Encodes a zig-zag varlong (64-bit signed). */
export const encodeVarlong = (value: bigint): Buffer => {
  let raw = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n));
  const out: number[] = [];
  while (raw > 0x7fn) {
    out.push(Number(raw & 0x7fn) | 0x80);
    raw >>= 7n;
  }
  out.push(Number(raw));
  return Buffer.from(out);
};
