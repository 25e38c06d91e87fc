import { MESSAGE_SCHEMAS } from '../../../src/adapters/kafka/protocol';
import type { FieldSchema } from '../../../src/adapters/kafka/protocol/schema';
import { inRange, parseVersionRange } from '../../../src/adapters/kafka/protocol/version-range';

const camel = (name: string): string => name[0]!.toLowerCase() + name.slice(1);

const prune = (fields: readonly FieldSchema[], version: number, value: any): any => {
  if (value === null || typeof value !== 'object') return value;
  const out: any = {};
  for (const f of fields) {
    const key = camel(f.name);
    if (!(key in value) || !inRange(parseVersionRange(f.versions), version)) continue;
    const v = value[key];
    if (f.fields !== undefined && Array.isArray(v)) out[key] = v.map((e) => prune(f.fields!, version, e));
    else if (f.fields !== undefined && v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) out[key] = prune(f.fields, version, v);
    else out[key] = v;
  }
  return out;
};

/** Drops the fields a message version lacks, so one request template serves every version (tests only). */
export const shapeForVersion = (messageName: string, version: number, body: object): object => {
  const schema = MESSAGE_SCHEMAS.find((m) => m.name === messageName);
  if (schema === undefined) throw new Error(`no schema ${messageName}`);
  return prune(schema.fields, version, body);
};
