import { DecodeError } from './decode-error';
import { EncodeError, UnsupportedVersionError } from './encode-error';
import { camelCase, elementTypeOf, fieldDefault } from './field-default';
import { MESSAGE_SCHEMAS } from './messages.generated';
import { Reader } from './reader';
import { arrayCodec, PRIMITIVES, primitiveCodec, type TypeCodec } from './primitive-codecs';
import type { FieldSchema, MessageSchema, TaggedField } from './schema';
import { inRange, parseVersionRange } from './version-range';
import { Writer } from './writer';

/*
 * The interpreter: a message schema plus a version compiles once into a tree of closures (one reader and
 * one writer per field), cached per (message, version). Wire rules follow ../shared/kafka-protocol/README.md
 * ("Types and their encoding", "Flexible versions", "Tagged fields", "Nullable fields", "ignorable").
 */

type Obj = Record<string, any>;

interface CompiledField {
  readonly key: string;
  readonly name: string;
  readonly ignorable: boolean;
  /** The tag when the field lives in the tagged section in this version, else -1. */
  readonly tag: number;
  readonly make: () => any;
  readonly isDefault: (v: unknown) => boolean;
  /** Null when the field is absent from this version. */
  readonly codec: TypeCodec | null;
}

export interface CompiledStruct {
  readonly label: string;
  readonly version: number;
  readonly fields: readonly CompiledField[];
  readonly regular: readonly CompiledField[];
  readonly tagged: readonly CompiledField[];
  readonly byTag: ReadonlyMap<number, CompiledField>;
  readonly absent: readonly CompiledField[];
  readonly flexible: boolean;
  readonly minSize: number;
}

function structFieldCodec(struct: CompiledStruct, nullable: boolean, tagged: boolean): TypeCodec {
  const label = struct.label;
  return {
    minSize: struct.minSize + (nullable ? 1 : 0),
    read: (r) => {
      if (nullable) {
        // README "Nullable fields": int8 marker (-1 null), or an unsigned varint (0 null) in a tagged section.
        const isNull = tagged ? r.uvarint() === 0 : r.int8() < 0;
        if (isNull) return null;
      }
      return readStruct(r, struct);
    },
    write: (w, v) => {
      if (v === null) {
        if (!nullable) throw new EncodeError(`${label}: null for a non-nullable struct`);
        if (tagged) w.uvarint(0);
        else w.int8(-1);
        return;
      }
      if (nullable) {
        if (tagged) w.uvarint(1);
        else w.int8(1);
      }
      writeStruct(w, v, struct);
    },
  };
}

function compileField(parent: string, f: FieldSchema, version: number, flexible: boolean): CompiledField {
  const { make, isDefault } = fieldDefault(f);
  const key = camelCase(f.name);
  const present = inRange(parseVersionRange(f.versions), version);
  const tagged = present && f.taggedVersions !== undefined && inRange(parseVersionRange(f.taggedVersions), version);
  const base = { key, name: f.name, ignorable: f.ignorable === true, tag: tagged ? (f.tag as number) : -1, make, isDefault };
  if (!present) return { ...base, codec: null };
  const label = `${parent}.${f.name}`;
  const nullable = inRange(parseVersionRange(f.nullableVersions), version);
  // Only string and bytes may override flexibility (RequestHeader.ClientId keeps its int16 length).
  const compactText = tagged || (flexible && (f.flexibleVersions === undefined || inRange(parseVersionRange(f.flexibleVersions), version)));
  const isArray = f.type.startsWith('[]');
  const el = elementTypeOf(f.type);
  let codec: TypeCodec;
  if (PRIMITIVES.has(el)) {
    codec = isArray
      ? arrayCodec(label, primitiveCodec(label, el, compactText, false), flexible || tagged, nullable)
      : primitiveCodec(label, el, compactText, nullable);
  } else {
    const struct = compileStruct(label, f.fields ?? [], version, flexible || tagged);
    codec = isArray
      ? arrayCodec(label, structFieldCodec(struct, false, false), flexible || tagged, nullable)
      : structFieldCodec(struct, nullable, tagged);
  }
  return { ...base, codec };
}

export function compileStruct(label: string, schemaFields: readonly FieldSchema[], version: number, flexible: boolean): CompiledStruct {
  const fields = schemaFields.map((f) => compileField(label, f, version, flexible));
  const regular = fields.filter((f) => f.codec !== null && f.tag < 0);
  const tagged = fields.filter((f) => f.codec !== null && f.tag >= 0).sort((a, b) => a.tag - b.tag);
  const absent = fields.filter((f) => f.codec === null);
  let minSize = flexible ? 1 : 0;
  for (const f of regular) minSize += (f.codec as TypeCodec).minSize;
  return {
    label, version, fields, regular, tagged, absent, flexible, minSize,
    byTag: new Map(tagged.map((f) => [f.tag, f])),
  };
}

export function readStruct(r: Reader, s: CompiledStruct): Obj {
  const o: Obj = {};
  for (const f of s.fields) o[f.key] = f.codec !== null && f.tag < 0 ? f.codec.read(r) : f.make();
  if (s.flexible) readTaggedSection(r, s, o);
  return o;
}

function readTaggedSection(r: Reader, s: CompiledStruct, o: Obj): void {
  const count = r.uvarint();
  // Each tagged field takes at least two bytes (tag and size), so a bogus count fails before any work.
  if (count * 2 > r.remaining()) throw new DecodeError(`${s.label}: ${count} tagged fields cannot fit in ${r.remaining()} bytes`);
  let unknown: TaggedField[] | undefined;
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    r.need(size, `${s.label} tagged field ${tag}`);
    const f = s.byTag.get(tag);
    if (f) {
      const sub = new Reader(r.buf, r.pos, r.pos + size);
      o[f.key] = (f.codec as TypeCodec).read(sub);
      if (sub.remaining() !== 0) throw new DecodeError(`${s.label}.${f.name}: tagged field size ${size} does not match its value`);
    } else {
      (unknown ??= []).push({ tag, data: r.buf.subarray(r.pos, r.pos + size) });
    }
    r.pos += size;
  }
  if (unknown) o._unknownTaggedFields = unknown;
}

export function writeStruct(w: Writer, v: any, s: CompiledStruct): void {
  if (v === null || typeof v !== 'object') throw new EncodeError(`${s.label}: expected an object`);
  for (const f of s.regular) {
    const x = v[f.key];
    (f.codec as TypeCodec).write(w, x === undefined ? f.make() : x);
  }
  for (const f of s.absent) {
    if (!f.ignorable && !f.isDefault(v[f.key])) {
      throw new UnsupportedVersionError(`${s.label}.${f.name} is not in version ${s.version} and is not ignorable, but has a non-default value`);
    }
  }
  const unknown: TaggedField[] | undefined = v._unknownTaggedFields;
  if (s.flexible) writeTaggedSection(w, v, s, unknown);
  else if (unknown !== undefined && unknown.length > 0) {
    throw new EncodeError(`${s.label}: tagged fields given for non-flexible version ${s.version}`);
  }
}

function writeTaggedSection(w: Writer, v: Obj, s: CompiledStruct, unknown: TaggedField[] | undefined): void {
  // README "Tagged fields": written only when different from the default, in ascending tag order.
  const known = s.tagged.length === 0 ? s.tagged : s.tagged.filter((f) => !f.isDefault(v[f.key]));
  const extra = unknown === undefined || unknown.length === 0 ? [] : [...unknown].sort((a, b) => a.tag - b.tag);
  w.uvarint(known.length + extra.length);
  let i = 0;
  let j = 0;
  let last = -1;
  while (i < known.length || j < extra.length) {
    const takeKnown = j >= extra.length || (i < known.length && known[i].tag < extra[j].tag);
    if (takeKnown) {
      const f = known[i++];
      const tmp = new Writer(64);
      (f.codec as TypeCodec).write(tmp, v[f.key]);
      w.uvarint(f.tag);
      w.uvarint(tmp.pos);
      w.raw(tmp.result());
      last = f.tag;
    } else {
      const t = extra[j++];
      if (!Number.isInteger(t.tag) || t.tag <= last || s.byTag.has(t.tag)) {
        throw new EncodeError(`${s.label}: unknown tagged field ${t.tag} duplicates another tag`);
      }
      if (!Buffer.isBuffer(t.data)) throw new EncodeError(`${s.label}: unknown tagged field ${t.tag} data is not a Buffer`);
      w.uvarint(t.tag);
      w.uvarint(t.data.length);
      w.raw(t.data);
      last = t.tag;
    }
  }
}

const SCHEMAS_BY_NAME = new Map<string, MessageSchema>(MESSAGE_SCHEMAS.map((s) => [s.name, s]));
const REQUESTS = new Map<number, MessageSchema>();
const RESPONSES = new Map<number, MessageSchema>();
for (const s of MESSAGE_SCHEMAS) {
  if (s.apiKey === undefined) continue;
  if (s.type === 'request') REQUESTS.set(s.apiKey, s);
  else if (s.type === 'response') RESPONSES.set(s.apiKey, s);
}

export function schemaByName(name: string): MessageSchema | undefined {
  return SCHEMAS_BY_NAME.get(name);
}

export function requestSchema(apiKey: number): MessageSchema | undefined {
  return REQUESTS.get(apiKey);
}

export function responseSchema(apiKey: number): MessageSchema | undefined {
  return RESPONSES.get(apiKey);
}

export function isValidVersion(schema: MessageSchema, version: number): boolean {
  return Number.isInteger(version) && inRange(parseVersionRange(schema.validVersions), version);
}

export function isFlexibleVersion(schema: MessageSchema, version: number): boolean {
  return inRange(parseVersionRange(schema.flexibleVersions), version);
}

const plans = new Map<MessageSchema, CompiledStruct[]>();

/** The compiled reader/writer tree for one (message, version); the caller has checked the version. */
export function messagePlan(schema: MessageSchema, version: number): CompiledStruct {
  let byVersion = plans.get(schema);
  if (!byVersion) {
    byVersion = [];
    plans.set(schema, byVersion);
  }
  let plan = byVersion[version];
  if (!plan) {
    plan = compileStruct(schema.name, schema.fields, version, isFlexibleVersion(schema, version));
    byVersion[version] = plan;
  }
  return plan;
}

/** Decodes one message body at r's position; any non-DecodeError escaping the readers is converted. */
export function readMessage(schema: MessageSchema, version: number, r: Reader): any {
  if (!isValidVersion(schema, version)) throw new DecodeError(`${schema.name} has no version ${version}`);
  try {
    return readStruct(r, messagePlan(schema, version));
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    throw new DecodeError(`${schema.name} v${version}: ${(err as Error).message}`);
  }
}

export function writeMessage(schema: MessageSchema, version: number, w: Writer, body: object): void {
  if (!isValidVersion(schema, version)) throw new UnsupportedVersionError(`${schema.name} has no version ${version}`);
  writeStruct(w, body, messagePlan(schema, version));
}

/** Skips a tagged-field section whose fields this reader has no schema for (request/response headers). */
export function skipTaggedSection(r: Reader, label: string): void {
  const count = r.uvarint();
  if (count * 2 > r.remaining()) throw new DecodeError(`${label}: ${count} tagged fields cannot fit in ${r.remaining()} bytes`);
  for (let i = 0; i < count; i++) {
    r.uvarint();
    r.skip(r.uvarint(), `${label} tagged field`);
  }
}
