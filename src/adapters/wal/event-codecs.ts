import type { MetaEvent } from '../../domain/meta-event';
import type { LogPosition, ReplaySink } from '../../ports/meta-log';
import { DecodeError, type ByteReader } from './byte-reader';
import type { ByteWriter } from './byte-writer';
import type { ValueDecoder, ValueEncoder } from './value-codec';

/**
 * Compact binary encodings of the hottest MetaLog events (issue 14: replay speed comes from the
 * format, benchmarks.md Part D.4). Each is a fixed field list under a codec id; its fields carry no
 * tags or key names, strings go through the segment's dictionary, integers are zigzag varints.
 * An event whose fields do not fit its schema exactly (a field missing, a wider number) is written
 * with codec id 0: the self-describing value encoding. Ids are forever: a schema is never changed,
 * a new field means a new id, so every log ever written stays readable.
 *
 * Field kinds: `s` string, `s?` string or null, `i` int32, `n` number (f64), `n?` number or null,
 * `a` array of strings, `a?` array of strings or null, `v` any value (self-describing), and
 * `{ record }` an object of exactly those fields (written in place, no tags or key names).
 */
type FlatKind = 's' | 's?' | 'i' | 'n' | 'n?' | 'a' | 'a?' | 'v';
type Fields = ReadonlyArray<readonly [string, Kind]>;
type Kind = FlatKind | { readonly record: Fields };

interface Schema {
  readonly id: number;
  readonly type: MetaEvent['type'];
  readonly fields: Fields;
}

/** A classic group's snapshot data (GroupSnapshotData), in the order snapshots write its keys. */
const GROUP_SNAPSHOT_DATA: Fields = [
  ['state', 's'], ['previousState', 's'], ['stateTimestamp', 'n?'], ['protocolType', 's?'], ['protocolName', 's?'], ['generation', 'i'],
  ['leaderId', 's?'], ['members', 'v'], ['joined', 'a'], ['membersAdded', 'i'], ['trigger', 'v'], ['rebalanceStartedAt', 'n?'], ['base', 'v'],
  ['subscribedTopics', 'a?'],
];

export const EVENT_SCHEMAS: readonly Schema[] = [
  {
    id: 1,
    type: 'OffsetCommitted',
    fields: [['groupId', 's'], ['topic', 's'], ['partition', 'i'], ['offset', 'n'], ['leaderEpoch', 'i'], ['metadata', 's'], ['commitTimestamp', 'n'], ['expireTimestamp', 'n?']],
  },
  { id: 2, type: 'OffsetDeleted', fields: [['groupId', 's'], ['topic', 's'], ['partition', 'i']] },
  { id: 3, type: 'GroupCreated', fields: [['groupId', 's'], ['at', 'n']] },
  {
    id: 4,
    type: 'MemberJoined',
    fields: [
      ['groupId', 's'], ['memberId', 's'], ['instanceId', 's?'], ['clientId', 's'], ['clientHost', 's'], ['protocolType', 's'],
      ['protocols', 'v'], ['sessionTimeoutMs', 'i'], ['rebalanceTimeoutMs', 'i'], ['replacedMemberId', 's?'], ['at', 'n'],
    ],
  },
  {
    id: 5,
    type: 'MemberUpdated',
    fields: [
      ['groupId', 's'], ['memberId', 's'], ['clientId', 's'], ['clientHost', 's'], ['protocolType', 's'], ['protocols', 'v'],
      ['sessionTimeoutMs', 'i'], ['rebalanceTimeoutMs', 'i'], ['at', 'n'],
    ],
  },
  { id: 6, type: 'MemberLeft', fields: [['groupId', 's'], ['memberId', 's'], ['reason', 's'], ['at', 'n']] },
  { id: 7, type: 'RebalanceStarted', fields: [['groupId', 's'], ['trigger', 'v'], ['at', 'n']] },
  {
    id: 8,
    type: 'GenerationBumped',
    fields: [
      ['groupId', 's'], ['generation', 'i'], ['protocolType', 's?'], ['protocolName', 's?'], ['leaderId', 's?'], ['memberIds', 'a'],
      ['trigger', 'v'], ['at', 'n'],
    ],
  },
  {
    id: 9,
    type: 'AssignmentsSynced',
    fields: [['groupId', 's'], ['generation', 'i'], ['protocolType', 's'], ['protocolName', 's'], ['leaderId', 's'], ['members', 'v'], ['at', 'n']],
  },
  // Snapshots only: a classic group's aggregate (C4's snapshot rows: as a value, each group took ~30
  // generic decode calls, the start's largest cost after a snapshot of 1,000 groups).
  { id: 10, type: 'GroupSnapshot', fields: [['groupId', 's'], ['group', { record: GROUP_SNAPSHOT_DATA }], ['history', 'v']] },
];

/** Writes one field value of a kind (the caller checked it fits). */
interface FieldWriter {
  str(out: ByteWriter, s: string | null): void;
  value(out: ByteWriter, v: unknown): void;
}

/** Reads one field value of a kind. */
interface FieldReader {
  str(r: ByteReader): string | null;
  value(r: ByteReader): unknown;
}

type Encode = (out: ByteWriter, e: Record<string, unknown>, w: FieldWriter) => void;
type Decode = (r: ByteReader, rd: FieldReader) => MetaEvent;

const FITS: Record<FlatKind, string> = {
  s: `typeof x === 'string'`,
  's?': `(x === null || typeof x === 'string')`,
  i: `(typeof x === 'number' && (x | 0) === x && !Object.is(x, -0))`,
  n: `typeof x === 'number'`,
  'n?': `(x === null || typeof x === 'number')`,
  a: `(Array.isArray(x) && x.every((s) => typeof s === 'string'))`,
  'a?': `(x === null || (Array.isArray(x) && x.every((s) => typeof s === 'string')))`,
  v: `x !== undefined`,
};

const WRITE: Record<FlatKind, string> = {
  s: 'w.str(out, x);',
  's?': 'w.str(out, x);',
  i: 'out.varint(((x << 1) ^ (x >> 31)) >>> 0);',
  n: 'out.f64(x);',
  'n?': 'if (x === null) out.u8(0); else { out.u8(1); out.f64(x); }',
  a: 'out.varint(x.length); for (const s of x) w.str(out, s);',
  'a?': 'if (x === null) out.varint(0); else { out.varint(x.length + 1); for (const s of x) w.str(out, s); }',
  v: 'w.value(out, x);',
};

const READ: Record<FlatKind, string> = {
  s: 'rd.str(r)',
  's?': 'rd.str(r)',
  i: '(z = r.varint(), (z >>> 1) ^ -(z & 1))',
  n: 'r.f64()',
  'n?': '(r.u8() === 0 ? null : r.f64())',
  a: 'readStrings(r, rd, r.varint())',
  'a?': 'readNullableStrings(r, rd, r.varint())',
  v: 'rd.value(r)',
};

interface Compiled {
  readonly fits: (e: Record<string, unknown>) => boolean;
  readonly encode: Encode;
  readonly decode: Decode;
}

/**
 * Compiled per field list: a fitness check, an encoder and an object-literal decoder (fixed shape,
 * fast replay). `type` is the event's type (an extra key, not written); null for a nested record,
 * whose fields are compiled the same way and called from its parent's code.
 */
const compileFields = (fields: Fields, type: string | null): Compiled => {
  const sub = fields.map(([, kind]) => (typeof kind === 'object' ? compileFields(kind.record, null) : null));
  const fitsOf = (kind: Kind, i: number): string =>
    typeof kind === 'object' ? `(x !== null && typeof x === 'object' && !Array.isArray(x) && sub[${i}].fits(x))` : FITS[kind];
  const writeOf = (kind: Kind, i: number): string => (typeof kind === 'object' ? `sub[${i}].encode(out, x, w);` : WRITE[kind]);
  const readOf = (kind: Kind, i: number): string => (typeof kind === 'object' ? `sub[${i}].decode(r, rd)` : READ[kind]);
  const fits = new Function(
    'sub',
    `return (e) => { if (Object.keys(e).length !== ${fields.length + (type === null ? 0 : 1)}) return false; let x;
       ${fields.map(([name, kind], i) => `x = e[${JSON.stringify(name)}]; if (!(${fitsOf(kind, i)})) return false;`).join('\n')}
       return true; };`,
  )(sub) as Compiled['fits'];
  const encode = new Function(
    'sub',
    `return (out, e, w) => { let x; ${fields.map(([name, kind], i) => `x = e[${JSON.stringify(name)}]; ${writeOf(kind, i)}`).join('\n')} };`,
  )(sub) as Encode;
  const decode = new Function(
    ...HELPER_NAMES,
    'sub',
    `return (r, rd) => { let z;
       ${fields.map(([, kind], i) => `const f${i} = ${readOf(kind, i)};`).join('\n')}
       return { ${type === null ? '' : `type: ${JSON.stringify(type)}, `}${fields.map(([name], i) => `${JSON.stringify(name)}: f${i}`).join(', ')} };
     };`,
  )(...HELPER_VALUES, sub) as Decode;
  return { fits, encode, decode };
};

const readStrings = (r: ByteReader, rd: FieldReader, n: number): string[] => {
  if (n > r.remaining()) throw new DecodeError(`string array of ${n} in ${r.remaining()} bytes`, r.offset);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const s = rd.str(r);
    if (s === null) throw new DecodeError('null in a string array', r.offset);
    out[i] = s;
  }
  return out;
};

/** Codec 'a?': 0 is null, n + 1 an array of n strings. */
const readNullableStrings = (r: ByteReader, rd: FieldReader, n: number): string[] | null => (n === 0 ? null : readStrings(r, rd, n - 1));

/**
 * The functions the generated readers call, by name. Named helpers (and the zigzag decode written
 * out with the reader's scratch `z`) rather than closures in the generated text: an inline
 * `((z) => …)(…)` built and called a closure per field read until V8 optimized the reader, and a
 * replay's first tens of thousands of events run unoptimized (C4).
 */
const HELPERS = { readStrings, readNullableStrings };
const HELPER_NAMES = Object.keys(HELPERS);
const HELPER_VALUES = Object.values(HELPERS);

const COMPILED = new Map(EVENT_SCHEMAS.map((s) => [s.type, { id: s.id, ...compileFields(s.fields, s.type) }] as const));
const BY_ID: ReadonlyArray<Decode | undefined> = (() => {
  const out: Array<Decode | undefined> = [];
  for (const s of EVENT_SCHEMAS) out[s.id] = COMPILED.get(s.type)!.decode;
  return out;
})();

/** Codec id 0: the event follows in the self-describing value encoding. */
const GENERIC = 0;

/** Writes one event: its compact codec when it fits, else codec 0 and the value encoding. */
export const encodeEvent = (out: ByteWriter, encoder: ValueEncoder, event: MetaEvent): void => {
  const codec = COMPILED.get(event.type);
  const e = event as unknown as Record<string, unknown>;
  if (codec !== undefined && codec.fits(e)) {
    out.u8(codec.id);
    codec.encode(out, e, encoder);
    return;
  }
  out.u8(GENERIC);
  encoder.value(out, event);
};

/** Reads one event written by `encodeEvent`. */
export const decodeEvent = (r: ByteReader, decoder: ValueDecoder): MetaEvent => {
  const id = r.u8();
  if (id === GENERIC) return decoder.decode(r) as MetaEvent;
  const decode = BY_ID[id];
  if (decode === undefined) throw new DecodeError(`unknown event codec ${id}`, r.offset - 1);
  return decode(r, decoder);
};

/** The parameters of `ReplaySink.offsetCommitted`, in order: codec 1's fields must be exactly these. */
const SINK_OFFSET_COMMITTED_FIELDS = ['groupId', 'topic', 'partition', 'offset', 'leaderEpoch', 'metadata', 'commitTimestamp', 'expireTimestamp'];

/**
 * Codec 1 (OffsetCommitted) read straight into `sink.offsetCommitted`, compiled from the same schema
 * as its decoder: the same reads in the same order, but no event object (issue 14, C4: a replay is
 * mostly commits, and building a 9-field object per commit cost more than folding it).
 */
const readOffsetCommittedTo: (r: ByteReader, rd: FieldReader, sink: ReplaySink) => void = (() => {
  const s = EVENT_SCHEMAS.find((x) => x.type === 'OffsetCommitted')!;
  if (s.id !== 1 || s.fields.map(([name]) => name).join() !== SINK_OFFSET_COMMITTED_FIELDS.join()) {
    throw new Error('event-codecs: the OffsetCommitted codec no longer matches ReplaySink.offsetCommitted');
  }
  return new Function(
    ...HELPER_NAMES,
    `return (r, rd, sink) => { let z;
       ${s.fields.map(([, kind], i) => `const f${i} = ${READ[kind as FlatKind]};`).join('\n')}
       sink.offsetCommitted(${s.fields.map((_, i) => `f${i}`).join(', ')});
     };`,
  )(...HELPER_VALUES) as (r: ByteReader, rd: FieldReader, sink: ReplaySink) => void;
})();

/**
 * Reads one event written by `encodeEvent` into `sink`: a compact OffsetCommitted through its fast
 * path (`offsetCommitted`), every other event as an object through `sink.event`.
 */
export const decodeEventTo = (r: ByteReader, decoder: ValueDecoder, sink: ReplaySink, position: LogPosition): void => {
  if (r.buf[r.offset] === 1 && r.offset < r.end) {
    r.offset++;
    readOffsetCommittedTo(r, decoder, sink);
    return;
  }
  sink.event(decodeEvent(r, decoder), position);
};
