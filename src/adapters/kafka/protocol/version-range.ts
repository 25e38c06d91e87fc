/** A parsed version attribute: "3" (just 3), "3-5", "3+" (open-ended), "none" (empty). */
export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

/** Open-ended ranges run to the largest int16, the widest a version field on the wire can hold. */
export const OPEN_END = 0x7fff;

const NONE: VersionRange = { min: 1, max: 0 };

/** Parsed ranges by spec text: the codec asks for a schema's ranges on every message it reads or writes. */
const parsed = new Map<string, VersionRange>();

export function parseVersionRange(spec: string | undefined): VersionRange {
  if (spec === undefined || spec === 'none') return NONE;
  let range = parsed.get(spec);
  if (range === undefined) {
    range = parseSpec(spec);
    parsed.set(spec, range);
  }
  return range;
}

function parseSpec(spec: string): VersionRange {
  const plus = /^(\d+)\+$/.exec(spec);
  if (plus) return { min: Number(plus[1]), max: OPEN_END };
  const span = /^(\d+)-(\d+)$/.exec(spec);
  if (span) return { min: Number(span[1]), max: Number(span[2]) };
  if (/^\d+$/.test(spec)) return { min: Number(spec), max: Number(spec) };
  throw new Error(`invalid version range "${spec}"`);
}

export function inRange(range: VersionRange, version: number): boolean {
  return version >= range.min && version <= range.max;
}
