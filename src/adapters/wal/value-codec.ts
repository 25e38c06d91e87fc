import { ByteReader, DecodeError } from './byte-reader';
import { TextDecoder, TextEncoder } from 'util';
import type { ByteWriter } from './byte-writer';

/**
 * Self-describing compact binary encoding for plain data (MetaLog records and snapshots).
 * No per-event schema: each value carries a one-byte tag, so any plain-data event round-trips and
 * the group/topic event unions can change without a codec change.
 *
 * Strings (object keys and short string values) are interned in a dictionary that lives as long as
 * one segment or one snapshot file: the first use writes `STR_DEF utf8` and gets the next id, later
 * uses write `STR_REF id`. A reader that decodes the file from its start rebuilds the same
 * dictionary, which is why replay from a mid-segment position still scans from the segment start
 * (benchmarks.md Part D.4: interned ids and fixed-width integers are where replay speed comes from).
 */
export const enum Tag {
  Null = 0,
  False = 1,
  True = 2,
  Int8 = 3,
  Int32 = 4,
  Float64 = 5,
  BigInt = 6,
  StrDef = 7,
  StrRef = 8,
  StrRaw = 9,
  Bytes = 10,
  Array = 11,
  Object = 12,
  Undefined = 13,
}

/** Longer strings (metadata blobs) are written raw: interning them would only grow the dictionary. */
const MAX_INTERNED_LENGTH = 64;
/** Cap per file so a pathological workload cannot grow the writer's map without bound. */
const MAX_DICTIONARY_SIZE = 1 << 20;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: false });

/** Writer side of one file's string dictionary. */
export class ValueEncoder {
  private readonly ids = new Map<string, number>();

  /** Seeds the dictionary from strings a reader recovered (reopening a segment to append to it). */
  static continuing(strings: readonly string[]): ValueEncoder {
    const enc = new ValueEncoder();
    strings.forEach((s, i) => enc.ids.set(s, i));
    return enc;
  }

  get dictionarySize(): number {
    return this.ids.size;
  }

  encode(out: ByteWriter, value: unknown): void {
    switch (typeof value) {
      case 'string':
        this.string(out, value);
        return;
      case 'number':
        if (Number.isInteger(value) && !Object.is(value, -0)) {
          if (value >= -128 && value <= 127) {
            out.u8(Tag.Int8);
            out.u8(value & 0xff);
            return;
          }
          if (value >= -0x80000000 && value <= 0x7fffffff) {
            out.u8(Tag.Int32);
            out.i32(value);
            return;
          }
        }
        out.u8(Tag.Float64);
        out.f64(value);
        return;
      case 'boolean':
        out.u8(value ? Tag.True : Tag.False);
        return;
      case 'bigint':
        out.u8(Tag.BigInt);
        out.utf8(value.toString(), textEncoder);
        return;
      case 'undefined':
        out.u8(Tag.Undefined);
        return;
      case 'object':
        if (value === null) {
          out.u8(Tag.Null);
        } else if (value instanceof Uint8Array) {
          out.u8(Tag.Bytes);
          out.varint(value.length);
          out.bytes(value);
        } else if (Array.isArray(value)) {
          out.u8(Tag.Array);
          out.varint(value.length);
          for (const item of value) this.encode(out, item);
        } else {
          const keys = Object.keys(value);
          out.u8(Tag.Object);
          out.varint(keys.length);
          for (const key of keys) {
            this.string(out, key, true);
            this.encode(out, (value as Record<string, unknown>)[key]);
          }
        }
        return;
      default:
        // Functions and symbols are not data: an event holding one is a bug upstream.
        throw new TypeError(`cannot encode a ${typeof value} in a MetaLog event`);
    }
  }

  /**
   * A string field of a compact event codec (event-codecs.ts), in the same dictionary: varint code
   * 0 = null, 1 = defined here (interned), 2 = raw, n ≥ 3 = reference to id n − 3.
   */
  str(out: ByteWriter, s: string | null): void {
    if (s === null) {
      out.varint(0);
      return;
    }
    const id = this.ids.get(s);
    if (id !== undefined) {
      out.varint(id + 3);
      return;
    }
    if (s.length <= MAX_INTERNED_LENGTH && this.ids.size < MAX_DICTIONARY_SIZE) {
      this.ids.set(s, this.ids.size);
      out.varint(1);
    } else {
      out.varint(2);
    }
    out.utf8(s, textEncoder);
  }

  /** A self-describing value (a field of kind `v` of a compact event codec). */
  value(out: ByteWriter, v: unknown): void {
    this.encode(out, v);
  }

  private string(out: ByteWriter, s: string, isKey = false): void {
    const id = this.ids.get(s);
    if (id !== undefined) {
      out.u8(Tag.StrRef);
      out.varint(id);
      return;
    }
    if ((isKey || s.length <= MAX_INTERNED_LENGTH) && this.ids.size < MAX_DICTIONARY_SIZE) {
      this.ids.set(s, this.ids.size);
      out.u8(Tag.StrDef);
    } else {
      out.u8(Tag.StrRaw);
    }
    out.utf8(s, textEncoder);
  }
}

/**
 * One node per key sequence seen so far (a trie keyed by the interned key strings). Events of one
 * type always carry the same keys in the same order, so each type gets one compiled factory that
 * builds its objects as a literal with fixed keys — far cheaper than assigning computed keys one at
 * a time (replay speed, benchmarks.md Part D.4).
 */
interface ShapeNode {
  readonly keys: readonly string[];
  readonly next: Map<string, ShapeNode>;
  factory: ((values: unknown[]) => Record<string, unknown>) | null;
}

/** An object of `keys` and `values` built key by key (any key, `__proto__` included, as an own property). */
const objectOf = (keys: readonly string[], values: readonly unknown[]): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  keys.forEach((key, i) => Object.defineProperty(out, key, { value: values[i], enumerable: true, writable: true, configurable: true }));
  return out;
};

/** Keys come from disk: JSON-quoted in the literal; `__proto__` or a repeated key takes the generic path. */
const compileFactory = (keys: readonly string[]): ((values: unknown[]) => Record<string, unknown>) => {
  if (keys.length > 64 || keys.includes('__proto__') || new Set(keys).size !== keys.length) {
    return (values) => objectOf(keys, values);
  }
  return new Function('v', `return {${keys.map((k, i) => `${JSON.stringify(k)}: v[${i}]`).join(', ')}};`) as (
    values: unknown[],
  ) => Record<string, unknown>;
};

/**
 * The object shapes (key lists) met by every decoder of this process, each with its compiled factory:
 * keys are strings, not a file's dictionary ids, so every segment and snapshot shares them (issue 14,
 * C4: a decoder per segment or snapshot compiled each factory again with `new Function`, ~10 ms of a
 * start that loads a snapshot of 1,000 groups). Bounded, since keys come from disk: once full, a new
 * shape's objects are built key by key.
 */
const SHAPES: ShapeNode = { keys: [], next: new Map(), factory: null };
const MAX_SHAPES = 4096;
let shapeCount = 0;

/** Reader side of one file's string dictionary. */
export class ValueDecoder {
  readonly strings: string[] = [];

  decode(r: ByteReader, depth = 0): unknown {
    if (depth > 256) throw new DecodeError('nesting deeper than 256', r.offset);
    const tag = r.u8();
    switch (tag) {
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Int8:
        return (r.u8() << 24) >> 24;
      case Tag.Int32:
        return r.i32();
      case Tag.Float64:
        return r.f64();
      case Tag.BigInt:
        return BigInt(r.utf8(textDecoder));
      case Tag.StrDef:
      case Tag.StrRef:
      case Tag.StrRaw:
        return this.stringAfterTag(r, tag);
      case Tag.Bytes:
        return r.bytes(r.varint());
      case Tag.Array: {
        const n = r.varint();
        // Every element takes at least one byte: a count larger than the bytes left is damage.
        if (n > r.remaining()) throw new DecodeError(`array of ${n} in ${r.remaining()} bytes`, r.offset);
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = this.decode(r, depth + 1);
        return out;
      }
      case Tag.Object: {
        const n = r.varint();
        if (n * 2 > r.remaining()) throw new DecodeError(`object of ${n} keys in ${r.remaining()} bytes`, r.offset);
        const values = new Array<unknown>(n);
        let node = SHAPES;
        // Set only once the shape cache is full: this object's keys, built as it is read.
        let keys: string[] | null = null;
        for (let i = 0; i < n; i++) {
          const key = this.stringAfterTag(r, r.u8());
          if (keys !== null) keys.push(key);
          else {
            const next = node.next.get(key);
            if (next !== undefined) node = next;
            else if (shapeCount < MAX_SHAPES) {
              shapeCount++;
              const added: ShapeNode = { keys: [...node.keys, key], next: new Map(), factory: null };
              node.next.set(key, added);
              node = added;
            } else keys = [...node.keys, key];
          }
          values[i] = this.decode(r, depth + 1);
        }
        if (keys !== null) return objectOf(keys, values);
        node.factory ??= compileFactory(node.keys);
        return node.factory(values);
      }
      case Tag.Undefined:
        return undefined;
      default:
        throw new DecodeError(`unknown value tag ${tag}`, r.offset - 1);
    }
  }

  /** Reads a string field written by `ValueEncoder.str`. */
  str(r: ByteReader): string | null {
    const code = r.varint();
    if (code >= 3) {
      const id = code - 3;
      if (id >= this.strings.length) throw new DecodeError(`string id ${id} not defined`, r.offset);
      return this.strings[id]!;
    }
    if (code === 0) return null;
    const s = r.utf8(textDecoder);
    if (code === 1) this.strings.push(s);
    return s;
  }

  /** Reads a value written by `ValueEncoder.value`. */
  value(r: ByteReader): unknown {
    return this.decode(r);
  }

  private stringAfterTag(r: ByteReader, tag: number): string {
    if (tag === Tag.StrRef) {
      const id = r.varint();
      if (id >= this.strings.length) throw new DecodeError(`string id ${id} not defined`, r.offset);
      return this.strings[id];
    }
    if (tag === Tag.StrDef) {
      const s = r.utf8(textDecoder);
      this.strings.push(s);
      return s;
    }
    if (tag === Tag.StrRaw) return r.utf8(textDecoder);
    throw new DecodeError(`expected a string tag, got ${tag}`, r.offset - 1);
  }
}
