/**
 * fast-check arbitraries derived from the same schema table the codec interprets: for one (message,
 * version) they produce values in exactly the shape decoding yields (every field present, absent and
 * untagged-but-unsent fields at their defaults, unknown tagged fields only in flexible structs).
 */
import fc from 'fast-check';
import { elementTypeOf, fieldDefault } from '../../../src/adapters/kafka/protocol/field-default';
import type { FieldSchema, MessageSchema } from '../../../src/adapters/kafka/protocol/schema';
import { inRange, parseVersionRange } from '../../../src/adapters/kafka/protocol/version-range';

type Arb = fc.Arbitrary<unknown>;

const has = (spec: string | undefined, v: number) => inRange(parseVersionRange(spec), v);

function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

const bytesArb = fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a));

function primitiveArb(type: string): Arb {
  switch (type) {
    case 'bool': return fc.boolean();
    case 'int8': return fc.integer({ min: -128, max: 127 });
    case 'int16': return fc.integer({ min: -32768, max: 32767 });
    case 'uint16': return fc.integer({ min: 0, max: 0xffff });
    case 'int32': return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'uint32': return fc.integer({ min: 0, max: 0xffffffff });
    case 'int64': return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64': return fc.double();
    case 'uuid': return fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a).toString('base64url'));
    // 'binary' never yields lone surrogates, which UTF-8 cannot carry (they would decode as U+FFFD).
    case 'string': return fc.string({ unit: 'binary', maxLength: 10 });
    case 'bytes': case 'records': return bytesArb;
    default: throw new Error(`no arbitrary for ${type}`);
  }
}

function unknownTaggedArb(knownTags: Set<number>): fc.Arbitrary<{ tag: number; data: Buffer }[]> {
  return fc.uniqueArray(fc.integer({ min: 0, max: 300 }).filter((t) => !knownTags.has(t)), { maxLength: 3 })
    .chain((tags) => fc.tuple(...tags.sort((a, b) => a - b).map((tag) => bytesArb.map((data) => ({ tag, data })))));
}

function fieldArb(f: FieldSchema, version: number, flexible: boolean, depth: number): Arb {
  const nullable = has(f.nullableVersions, version);
  const el = elementTypeOf(f.type);
  const isStruct = f.fields !== undefined;
  const one: Arb = isStruct ? structArb(f.fields ?? [], version, flexible, depth + 1) : primitiveArb(el);
  let arb: Arb = f.type.startsWith('[]') ? fc.array(one, { maxLength: depth === 0 ? 3 : 2 }) : one;
  if (nullable) arb = fc.option(arb, { nil: null, freq: 4 });
  return arb;
}

export function structArb(fields: readonly FieldSchema[], version: number, flexible: boolean, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const parts: Record<string, Arb> = {};
  const knownTags = new Set<number>();
  for (const f of fields) {
    if (f.tag !== undefined) knownTags.add(f.tag);
    const key = camel(f.name);
    if (!has(f.versions, version)) {
      const { make } = fieldDefault(f);
      parts[key] = fc.constant(null).map(() => make());
      continue;
    }
    const tagged = has(f.taggedVersions, version);
    parts[key] = fieldArb(f, version, flexible || tagged, depth);
  }
  const base = fc.record(parts);
  if (!flexible) return base;
  return fc.tuple(base, fc.oneof(fc.constant([]), unknownTaggedArb(knownTags))).map(([o, unknown]) => {
    if (unknown.length > 0) (o as Record<string, unknown>)._unknownTaggedFields = unknown;
    return o;
  });
}

export function messageArb(schema: MessageSchema, version: number): fc.Arbitrary<Record<string, unknown>> {
  return structArb(schema.fields, version, has(schema.flexibleVersions, version));
}

export function versionsOf(schema: MessageSchema): number[] {
  const { min, max } = parseVersionRange(schema.validVersions);
  const out: number[] = [];
  for (let v = min; v <= max; v++) out.push(v);
  return out;
}
