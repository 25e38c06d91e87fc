import { DecodeError } from './decode-error';
import { EncodeError } from './encode-error';
import type { Reader } from './reader';
import { uuidFromBytes, uuidToBytes } from './uuid';
import type { Writer } from './writer';

/*
 * The interpreter's leaf codecs (message-codec.ts compiles structs from them): strings, bytes, the
 * fixed-width and variable-length numbers, uuids, records and arrays, each in its classic and
 * compact (flexible-version) form. Wire rules: ../shared/kafka-protocol/README.md "Types and their encoding".
 */

export interface TypeCodec {
  readonly read: (r: Reader) => any;
  readonly write: (w: Writer, v: any) => void;
  /** Fewest bytes one value can take: bounds array counts before anything is allocated. */
  readonly minSize: number;
}

const MAX_STRING_BYTES = 0x7fff;

export function stringCodec(label: string, compact: boolean, nullable: boolean): TypeCodec {
  const nullOrFail = (): null => {
    if (nullable) return null;
    throw new DecodeError(`${label}: null for a non-nullable string`);
  };
  return {
    minSize: compact ? 1 : 2,
    read: compact
      ? (r) => {
        const n = r.uvarint();
        if (n === 0) return nullOrFail();
        const len = n - 1;
        if (len > MAX_STRING_BYTES) throw new DecodeError(`${label}: string length ${len} exceeds ${MAX_STRING_BYTES}`);
        return r.utf8(len, label);
      }
      : (r) => {
        const len = r.int16();
        if (len === -1) return nullOrFail();
        if (len < 0) throw new DecodeError(`${label}: negative string length ${len}`);
        return r.utf8(len, label);
      },
    write: (w, v) => {
      if (v === null) {
        if (!nullable) throw new EncodeError(`${label}: null for a non-nullable string`);
        if (compact) w.uvarint(0);
        else w.int16(-1);
        return;
      }
      if (typeof v !== 'string') throw new EncodeError(`${label}: expected a string, got ${typeof v}`);
      const len = Buffer.byteLength(v, 'utf8');
      if (len > MAX_STRING_BYTES) throw new EncodeError(`${label}: string of ${len} bytes exceeds ${MAX_STRING_BYTES}`);
      if (compact) w.uvarint(len + 1);
      else w.int16(len);
      w.utf8(v, len);
    },
  };
}

export function bytesCodec(label: string, compact: boolean, nullable: boolean): TypeCodec {
  const nullOrFail = (): null => {
    if (nullable) return null;
    throw new DecodeError(`${label}: null for non-nullable bytes`);
  };
  return {
    minSize: compact ? 1 : 4,
    read: compact
      ? (r) => {
        const n = r.uvarint();
        if (n === 0) return nullOrFail();
        return r.slice(n - 1, label);
      }
      : (r) => {
        const len = r.int32();
        if (len === -1) return nullOrFail();
        if (len < 0) throw new DecodeError(`${label}: negative bytes length ${len}`);
        return r.slice(len, label);
      },
    write: (w, v) => {
      if (v === null) {
        if (!nullable) throw new EncodeError(`${label}: null for non-nullable bytes`);
        if (compact) w.uvarint(0);
        else w.int32(-1);
        return;
      }
      if (!Buffer.isBuffer(v)) throw new EncodeError(`${label}: expected a Buffer`);
      if (compact) w.uvarint(v.length + 1);
      else w.int32(v.length);
      w.raw(v);
    },
  };
}

function numberCheck(label: string, v: unknown): number {
  if (typeof v !== 'number') throw new EncodeError(`${label}: expected a number, got ${typeof v}`);
  return v;
}

export function primitiveCodec(label: string, type: string, compact: boolean, nullable: boolean): TypeCodec {
  switch (type) {
    case 'bool':
      return {
        minSize: 1, read: (r) => r.bool(), write: (w, v) => {
          if (typeof v !== 'boolean') throw new EncodeError(`${label}: expected a boolean`);
          w.bool(v);
        },
      };
    case 'int8': return { minSize: 1, read: (r) => r.int8(), write: (w, v) => w.int8(numberCheck(label, v)) };
    case 'int16': return { minSize: 2, read: (r) => r.int16(), write: (w, v) => w.int16(numberCheck(label, v)) };
    case 'uint16': return { minSize: 2, read: (r) => r.uint16(), write: (w, v) => w.uint16(numberCheck(label, v)) };
    case 'int32': return { minSize: 4, read: (r) => r.int32(), write: (w, v) => w.int32(numberCheck(label, v)) };
    case 'uint32': return { minSize: 4, read: (r) => r.uint32(), write: (w, v) => w.uint32(numberCheck(label, v)) };
    case 'float64': return { minSize: 8, read: (r) => r.float64(), write: (w, v) => w.float64(numberCheck(label, v)) };
    case 'int64':
      return {
        minSize: 8,
        read: (r) => r.int64(),
        write: (w, v) => {
          if (typeof v === 'bigint') w.int64(v);
          else if (typeof v === 'number' && Number.isSafeInteger(v)) w.int64(BigInt(v));
          else throw new EncodeError(`${label}: expected a bigint`);
        },
      };
    case 'uuid': return { minSize: 16, read: (r) => uuidFromBytes(r.slice(16, label)), write: (w, v) => w.raw(uuidToBytes(v)) };
    case 'string': return stringCodec(label, compact, nullable);
    case 'bytes': case 'records': return bytesCodec(label, compact, nullable);
    default: throw new Error(`${label}: unknown primitive type ${type}`);
  }
}

export const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'int32', 'int64', 'uint16', 'uint32', 'float64', 'uuid', 'string', 'bytes', 'records']);

export function arrayCodec(label: string, element: TypeCodec, compact: boolean, nullable: boolean): TypeCodec {
  // An element of an empty struct still counts one byte, so a huge count can never pass the bound.
  const perElement = Math.max(1, element.minSize);
  const readElements = (r: Reader, n: number): any[] => {
    if (n * perElement > r.remaining()) {
      throw new DecodeError(`${label}: array of ${n} elements cannot fit in ${r.remaining()} bytes`);
    }
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = element.read(r);
    return out;
  };
  const nullOrFail = (): null => {
    if (nullable) return null;
    throw new DecodeError(`${label}: null for a non-nullable array`);
  };
  return {
    minSize: compact ? 1 : 4,
    read: compact
      ? (r) => {
        const n = r.uvarint();
        return n === 0 ? nullOrFail() : readElements(r, n - 1);
      }
      : (r) => {
        const n = r.int32();
        if (n === -1) return nullOrFail();
        if (n < 0) throw new DecodeError(`${label}: negative array length ${n}`);
        return readElements(r, n);
      },
    write: (w, v) => {
      if (v === null) {
        if (!nullable) throw new EncodeError(`${label}: null for a non-nullable array`);
        if (compact) w.uvarint(0);
        else w.int32(-1);
        return;
      }
      if (!Array.isArray(v)) throw new EncodeError(`${label}: expected an array`);
      if (compact) w.uvarint(v.length + 1);
      else w.int32(v.length);
      for (const e of v) element.write(w, e);
    },
  };
}
