import type { FieldSchema } from './schema';
import { ZERO_UUID } from './uuid';

/** How one field's default is made and recognised; independent of the version being read or written. */
export interface FieldDefault {
  /** A fresh default value (arrays and structs are never shared between decoded messages). */
  readonly make: () => unknown;
  /** True for `undefined` too: encoders treat an omitted property as "the default". */
  readonly isDefault: (v: unknown) => boolean;
}

const cache = new WeakMap<FieldSchema, FieldDefault>();

export function elementTypeOf(type: string): string {
  return type.startsWith('[]') ? type.slice(2) : type;
}

/** The JSON default may be a string ("-1", "0x7fffffff"), a raw number, or null (README "Defaults"). */
function isNullDefault(d: FieldSchema['default']): boolean {
  return d === null || d === 'null';
}

function parseIntegerText(text: string): bigint {
  const t = text.trim();
  const negative = t.startsWith('-');
  const body = negative ? t.slice(1) : t;
  const v = BigInt(body);
  return negative ? -v : v;
}

function numericDefault(d: FieldSchema['default'], isFloat: boolean): number {
  if (d === undefined || d === null || typeof d === 'boolean') return 0;
  if (typeof d === 'number') return d;
  if (typeof d === 'boolean') return Number(d);
  return isFloat ? Number(d) : Number(parseIntegerText(d));
}

function bigintDefault(d: FieldSchema['default']): bigint {
  if (d === undefined || d === null || typeof d === 'boolean') return 0n;
  if (typeof d === 'number') return BigInt(d);
  if (typeof d === 'boolean') return BigInt(d);
  return parseIntegerText(d);
}

function structDefault(fields: readonly FieldSchema[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) o[camelCase(f.name)] = fieldDefault(f).make();
  return o;
}

export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function build(field: FieldSchema): FieldDefault {
  const d = field.default;
  const orUndefined = (pred: (v: unknown) => boolean) => (v: unknown) => v === undefined || pred(v);
  if (field.type.startsWith('[]')) {
    return isNullDefault(d)
      ? { make: () => null, isDefault: orUndefined((v) => v === null) }
      : { make: () => [], isDefault: orUndefined((v) => Array.isArray(v) && v.length === 0) };
  }
  switch (field.type) {
    case 'int8': case 'int16': case 'int32': case 'uint16': case 'uint32': case 'float64': {
      const n = numericDefault(d, field.type === 'float64');
      return { make: () => n, isDefault: orUndefined((v) => v === n || (Number.isNaN(n) && Number.isNaN(v))) };
    }
    case 'int64': {
      const n = bigintDefault(d);
      return {
        make: () => n,
        isDefault: orUndefined((v) => v === n || (typeof v === 'number' && Number.isInteger(v) && BigInt(v) === n)),
      };
    }
    case 'bool': {
      // AddPartitionsToTxn's VerifyOnly writes its default as a JSON boolean, the others as text.
      const b = d === 'true' || d === true;
      return { make: () => b, isDefault: orUndefined((v) => v === b) };
    }
    case 'string': {
      const s = isNullDefault(d) ? null : d === undefined ? '' : String(d);
      return { make: () => s, isDefault: orUndefined((v) => v === s) };
    }
    case 'bytes':
      return isNullDefault(d)
        ? { make: () => null, isDefault: orUndefined((v) => v === null) }
        : { make: () => Buffer.alloc(0), isDefault: orUndefined((v) => Buffer.isBuffer(v) && v.length === 0) };
    case 'records':
      return { make: () => null, isDefault: orUndefined((v) => v === null) };
    case 'uuid':
      return { make: () => ZERO_UUID, isDefault: orUndefined((v) => v === ZERO_UUID) };
    default: {
      const fields = field.fields ?? [];
      if (isNullDefault(d)) return { make: () => null, isDefault: orUndefined((v) => v === null) };
      return {
        make: () => structDefault(fields),
        isDefault: orUndefined((v) => {
          if (v === null || typeof v !== 'object') return false;
          const o = v as Record<string, unknown> & { _unknownTaggedFields?: unknown[] };
          if (o._unknownTaggedFields && o._unknownTaggedFields.length > 0) return false;
          return fields.every((f) => fieldDefault(f).isDefault(o[camelCase(f.name)]));
        }),
      };
    }
  }
}

export function fieldDefault(field: FieldSchema): FieldDefault {
  let fd = cache.get(field);
  if (!fd) {
    fd = build(field);
    cache.set(field, fd);
  }
  return fd;
}

/** An object holding every field of the struct at its default. */
export function defaultStruct(fields: readonly FieldSchema[]): Record<string, unknown> {
  return structDefault(fields);
}
