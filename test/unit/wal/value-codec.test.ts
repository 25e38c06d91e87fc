import fc from 'fast-check';
import { ByteReader, DecodeError } from '../../../src/adapters/wal/byte-reader';
import { ByteWriter } from '../../../src/adapters/wal/byte-writer';
import { Tag, ValueDecoder, ValueEncoder } from '../../../src/adapters/wal/value-codec';

/** The self-describing value encoding of MetaLog records and snapshots (benchmarks.md Part D.4). */
const SEED = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() % 2 ** 31;

const plain = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.maxSafeInteger(),
    fc.bigInt(),
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.constantFrom('groupId', 'topic', 'consumer', 'range'),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

const roundTrip = (values: unknown[]): unknown[] => {
  const out = new ByteWriter(16);
  const enc = new ValueEncoder();
  for (const v of values) enc.encode(out, v);
  const bytes = out.toBytes();
  const r = new ByteReader(bytes, 0, bytes.length);
  const dec = new ValueDecoder();
  const back = values.map(() => dec.decode(r));
  expect(r.remaining()).toBe(0);
  return back;
};

describe('value codec', () => {
  test(`any plain data round-trips through one shared dictionary (fast-check seed=${SEED})`, () => {
    // eslint-disable-next-line no-console
    console.log(`value-codec seed=${SEED} (replay with SEED=${SEED})`);
    fc.assert(
      fc.property(fc.array(plain, { maxLength: 8 }), (values) => {
        expect(roundTrip(values)).toEqual(values);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  test('-0, NaN, ±2^53 and int32 edges keep their exact value', () => {
    const values = [-0, 0, NaN, Infinity, -Infinity, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 127, -128, 128, -129, 0.1];
    const back = roundTrip(values) as number[];
    values.forEach((v, i) => expect(Object.is(back[i], v)).toBe(true));
  });

  test('a repeated key or short string is written once, then referenced by id (interning)', () => {
    const event = { type: 'OffsetCommitted', groupId: 'payments-consumers', topic: 'payments' };
    const out = new ByteWriter();
    const enc = new ValueEncoder();
    enc.encode(out, event);
    const first = out.length;
    enc.encode(out, event);
    const second = out.length - first;
    expect(second).toBeLessThan(first / 3);
    expect(enc.dictionarySize).toBe(6);
  });

  test('a decoder that scans from the start rebuilds the dictionary; one that starts mid-stream cannot', () => {
    const out = new ByteWriter();
    const enc = new ValueEncoder();
    enc.encode(out, { k: 'v' });
    const mid = out.length;
    enc.encode(out, { k: 'v' });
    const bytes = out.toBytes();
    const fromMid = new ValueDecoder();
    expect(() => fromMid.decode(new ByteReader(bytes, mid, bytes.length))).toThrow(DecodeError);
    const full = new ValueDecoder();
    const r = new ByteReader(bytes, 0, bytes.length);
    full.decode(r);
    expect(full.decode(r)).toEqual({ k: 'v' });
  });

  test('counts larger than the bytes left are rejected before allocating', () => {
    for (const tag of [Tag.Array, Tag.Object, Tag.Bytes, Tag.StrRaw]) {
      const out = new ByteWriter();
      out.u8(tag);
      out.varint(2 ** 31 - 1);
      const bytes = out.toBytes();
      expect(() => new ValueDecoder().decode(new ByteReader(bytes, 0, bytes.length))).toThrow(DecodeError);
    }
  });

  test('functions and symbols are not data', () => {
    expect(() => new ValueEncoder().encode(new ByteWriter(), { f: () => 1 })).toThrow(TypeError);
  });
});

describe('value codec object shapes (compiled factories)', () => {
  const roundTrip = (v: unknown) => {
    const out = new ByteWriter();
    new ValueEncoder().encode(out, v);
    const b = out.view8().slice();
    return new ValueDecoder().decode(new ByteReader(b, 0, b.length));
  };

  it('a "__proto__" key from disk is an own property, never the prototype', () => {
    const d = roundTrip(JSON.parse('{"__proto__": {"polluted": 1}, "a": 2}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(Object.keys(d)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keys that need quoting and many shapes decode exactly', () => {
    const values = [{ 'a"b': 1, "c'd": 2, 'e\\nf': 3 }, { x: 1 }, { x: 1, y: [{ x: 2 }, { y: 3 }] }, {}];
    for (const v of values) expect(roundTrip(v)).toEqual(v);
  });

  it('shapes are shared by every decoder (one factory per key list), and past the cap of 4,096 new shapes still decode exactly, built key by key', () => {
    // One shape through two decoders (each roundTrip has its own): the same object both times.
    expect(roundTrip({ shared: 1, shape: 2 })).toStrictEqual(roundTrip({ shared: 1, shape: 2 }));
    // More distinct key lists (keys from disk) than the cache holds, each still exact.
    for (let i = 0; i < 5_000; i++) {
      const v = { [`k${i}`]: i, tail: [i], __proto__key: i % 2 === 0 ? null : 'x' };
      expect(roundTrip(v)).toStrictEqual(v);
    }
    const last = roundTrip(JSON.parse('{"late-a": 1, "__proto__": 2}')) as Record<string, unknown>;
    expect(Object.keys(last)).toEqual(['late-a', '__proto__']);
    expect(Object.getPrototypeOf(last)).toBe(Object.prototype);
  });
});

describe('ByteWriter.utf8 (every string of the MetaLog and snapshots)', () => {
  const textEncoder = new TextEncoder();
  /** What `utf8` must write: varint(byte length) then the bytes `TextEncoder.encode` gives. */
  const reference = (s: string): Uint8Array => {
    const bytes = textEncoder.encode(s);
    const out: number[] = [];
    for (let n = bytes.length; ; n = Math.floor(n / 128)) {
      if (n < 128) {
        out.push(n);
        break;
      }
      out.push((n % 128) | 128);
    }
    return Uint8Array.from([...out, ...bytes]);
  };
  const written = (s: string, lead = 0): Uint8Array => {
    const out = new ByteWriter(4);
    for (let i = 0; i < lead; i++) out.u8(0xaa);
    out.utf8(s, textEncoder);
    return out.view8().slice(lead);
  };

  test('the bytes equal varint(length) + TextEncoder.encode at the 128-byte edges (ASCII, 2- and 3-byte units, lone surrogates)', () => {
    const edges = ['', 'a'.repeat(41), 'a'.repeat(42), 'a'.repeat(127), 'a'.repeat(128), 'a'.repeat(300), 'é'.repeat(63), 'é'.repeat(64), '€'.repeat(42), '€'.repeat(43), `${'a'.repeat(125)}€`, '\ud800x', 'x\udfff'];
    for (const s of edges) for (const lead of [0, 3]) expect(written(s, lead)).toEqual(reference(s));
  });

  test('any string round-trips through ByteReader.utf8 with the reference bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ maxLength: 200 })), fc.nat(5), (s, lead) => {
        const bytes = written(s, lead);
        expect(bytes).toEqual(reference(s));
        expect(new ByteReader(bytes, 0, bytes.length).utf8(new TextDecoder())).toBe(new TextDecoder().decode(textEncoder.encode(s)));
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
});
