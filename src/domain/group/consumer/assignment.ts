/**
 * A KIP-848 assignment as plain data: partitions keyed by topic id, in canonical form (topics sorted
 * by id, partitions ascending, no empty topic). Events carry it as is (the MetaLog's value codec
 * stores plain arrays), and the canonical form makes equality a linear scan.
 */
export interface TopicPartitions {
  readonly topicId: string;
  readonly partitions: readonly number[];
}

export type Assignment = readonly TopicPartitions[];

export const EMPTY_ASSIGNMENT: Assignment = [];

/** Mutable working form: topic id → partitions. */
export type AssignmentMap = Map<string, Set<number>>;

/** The canonical plain form of a working map. */
export const fromMap = (map: ReadonlyMap<string, ReadonlySet<number>>): Assignment => {
  const out: TopicPartitions[] = [];
  for (const [topicId, set] of map) {
    if (set.size === 0) continue;
    out.push({ topicId, partitions: [...set].sort((a, b) => a - b) });
  }
  return out.sort((a, b) => (a.topicId < b.topicId ? -1 : a.topicId > b.topicId ? 1 : 0));
};

/** A working copy of an assignment. */
export const toMap = (a: Assignment): AssignmentMap => {
  const m: AssignmentMap = new Map();
  for (const t of a) m.set(t.topicId, new Set(t.partitions));
  return m;
};

/** Canonicalizes untrusted input (duplicates, order, empty topics). */
export const normalize = (a: ReadonlyArray<{ readonly topicId: string; readonly partitions: readonly number[] }>): Assignment => {
  const m: AssignmentMap = new Map();
  for (const t of a) {
    let set = m.get(t.topicId);
    if (set === undefined) m.set(t.topicId, (set = new Set()));
    for (const p of t.partitions) set.add(p);
  }
  return fromMap(m);
};

export const sameAssignment = (a: Assignment, b: Assignment): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.topicId !== y.topicId || x.partitions.length !== y.partitions.length) return false;
    for (let j = 0; j < x.partitions.length; j++) if (x.partitions[j] !== y.partitions[j]) return false;
  }
  return true;
};

export const partitionCount = (a: Assignment): number => {
  let n = 0;
  for (const t of a) n += t.partitions.length;
  return n;
};

/** Does `a` hold this partition? */
export const holds = (a: Assignment, topicId: string, partition: number): boolean => {
  for (const t of a) if (t.topicId === topicId) return t.partitions.includes(partition);
  return false;
};

/** KC-21: is every partition of `owned` in `target` (null owned = not a subset)? */
export const isSubset = (owned: Assignment | null, target: Assignment): boolean => {
  if (owned === null) return false;
  for (const t of owned) {
    const inTarget = target.find((x) => x.topicId === t.topicId);
    if (inTarget === undefined) {
      if (t.partitions.length > 0) return false;
      continue;
    }
    for (const p of t.partitions) if (!inTarget.partitions.includes(p)) return false;
  }
  return true;
};

/** Does `owned` (null = unknown, assume yes) still hold any partition of `revoking`? */
export const ownsAnyOf = (owned: Assignment | null, revoking: AssignmentMap): boolean => {
  if (owned === null) return true;
  for (const t of owned) {
    const pending = revoking.get(t.topicId);
    if (pending === undefined) continue;
    for (const p of t.partitions) if (pending.has(p)) return true;
  }
  return false;
};
