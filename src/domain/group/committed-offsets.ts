/**
 * OF-6: a group's committed offsets, held as per-topic tables indexed by partition number that hold
 * numbers, not objects (issue 14: C5 measured ~160 B of live objects per offset — a 7-field object, a
 * `topic\0partition` key string, a Map slot, a heap number — and C4's replay allocated all of them per
 * OffsetCommitted event). A table is three plain arrays of numbers (V8 keeps them unboxed), plus an
 * array of expire timestamps and one of metadata strings only while some partition has one.
 *
 * Canonical layout, so that two folds of equivalent events are deep-equal whatever their history
 * (the snapshot property: replay(snapshot) ≡ state): a partition without an offset is a hole in
 * every array; no array ends in a hole (length = highest partition holding a value + 1); a topic
 * without offsets has no table; an optional array with no value is null.
 *
 * Partitions are Kafka partition indexes (0 ≤ p < 2^31); the adapters reject any other (OF-1).
 * The tables are owned by the aggregate and changed only by `evolve` (STYLE.md: mutation confined
 * to one fold step); readers get `CommittedOffset` values, fresh objects never shared with the table.
 */
import type { GroupEvent } from './events';

type OffsetCommittedEvent = Extract<GroupEvent, { type: 'OffsetCommitted' }>;

/** A committed offset as stored (OF-6); leaderEpoch −1 = absent. */
export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: number;
  readonly expireTimestamp: number | null;
}

/** One topic's committed offsets, indexed by partition number. */
export interface TopicOffsets {
  readonly offset: number[];
  readonly leaderEpoch: number[];
  readonly commitTimestamp: number[];
  /** Set partitions only; null while no partition has an expire timestamp (OF-6: v2–v4 retention). */
  expireTimestamp: number[] | null;
  /** Non-empty metadata only; null while every partition's metadata is ''. */
  metadata: string[] | null;
}

/** A group's committed offsets: one table per topic (in first-commit order), and how many in all. */
export interface GroupOffsets {
  readonly topics: Map<string, TopicOffsets>;
  size: number;
}

/** No offsets. */
export const emptyGroupOffsets = (): GroupOffsets => ({ topics: new Map(), size: 0 });

const newTable = (): TopicOffsets => ({ offset: [], leaderEpoch: [], commitTimestamp: [], expireTimestamp: null, metadata: null });

/**
 * Copy on write for snapshots (C6): a snapshot keeps the tables it was taken from, and a fold that
 * changes one of them first puts a copy in its place. A snapshot so costs only the tables folds
 * change while it is written (before: a copy of every table, up front, which doubled the heap of
 * an offsets-heavy broker for the snapshot's duration and let it outgrow its limit). A table stays
 * marked after its snapshot is written, so its next change copies it once more and the old one
 * becomes garbage: at most one copy per changed table per snapshot. Kept beside the tables, not in
 * them, so two equal states stay deep-equal; `capturedAny` keeps a process that never took a
 * snapshot (a replay) off the lookup.
 */
const captured = new WeakSet<TopicOffsets>();
let capturedAny = false;

const cloneTable = (t: TopicOffsets): TopicOffsets => ({
  offset: t.offset.slice(),
  leaderEpoch: t.leaderEpoch.slice(),
  commitTimestamp: t.commitTimestamp.slice(),
  expireTimestamp: t.expireTimestamp === null ? null : t.expireTimestamp.slice(),
  metadata: t.metadata === null ? null : t.metadata.slice(),
});

/** The table a fold may change in place: `t`, or its copy put in its place if a snapshot holds `t`. */
const writable = (offsets: GroupOffsets, topic: string, t: TopicOffsets): TopicOffsets => {
  if (!capturedAny || !captured.has(t)) return t;
  const copy = cloneTable(t);
  offsets.topics.set(topic, copy);
  return copy;
};

/** Drops trailing holes (keeps the canonical length after a removal). */
const trim = <T>(a: T[]): void => {
  let n = a.length;
  while (n > 0 && a[n - 1] === undefined) n--;
  if (n !== a.length) a.length = n;
};

const valueAt = (topic: string, t: TopicOffsets, p: number): CommittedOffset => ({
  topic,
  partition: p,
  offset: t.offset[p]!,
  leaderEpoch: t.leaderEpoch[p]!,
  metadata: t.metadata?.[p] ?? '',
  commitTimestamp: t.commitTimestamp[p]!,
  expireTimestamp: t.expireTimestamp?.[p] ?? null,
});

/** The committed offset of one partition, if any (a fresh value). */
export const committedOffset = (offsets: GroupOffsets, topic: string, partition: number): CommittedOffset | undefined => {
  const t = offsets.topics.get(topic);
  return t === undefined || t.offset[partition] === undefined ? undefined : valueAt(topic, t, partition);
};

/** Does the partition have a committed offset? */
export const hasCommittedOffset = (offsets: GroupOffsets, topic: string, partition: number): boolean =>
  offsets.topics.get(topic)?.offset[partition] !== undefined;

/** Calls `f` with every committed offset: topics in first-commit order, partitions ascending. */
export const forEachCommittedOffset = (offsets: GroupOffsets, f: (o: CommittedOffset) => void): void => {
  for (const [topic, t] of offsets.topics) {
    const o = t.offset;
    for (let p = 0; p < o.length; p++) if (o[p] !== undefined) f(valueAt(topic, t, p));
  }
};

/** Every committed offset, in `forEachCommittedOffset` order. */
export const listCommittedOffsets = (offsets: GroupOffsets): CommittedOffset[] => {
  const out: CommittedOffset[] = [];
  forEachCommittedOffset(offsets, (o) => out.push(o));
  return out;
};

/** Folds one commit (OffsetCommitted): the partition's offset, epoch, metadata and timestamps replace any previous ones. */
export const putCommittedOffset = (
  offsets: GroupOffsets,
  topic: string,
  partition: number,
  offset: number,
  leaderEpoch: number,
  metadata: string,
  commitTimestamp: number,
  expireTimestamp: number | null,
): void => {
  let t = offsets.topics.get(topic);
  if (t === undefined) offsets.topics.set(topic, (t = newTable()));
  // `writable` only when a snapshot ever captured a table: a replay's commits run unoptimized at first (C4).
  else if (capturedAny) t = writable(offsets, topic, t);
  if (t.offset[partition] === undefined) offsets.size++;
  t.offset[partition] = offset;
  t.leaderEpoch[partition] = leaderEpoch;
  t.commitTimestamp[partition] = commitTimestamp;
  if (expireTimestamp !== null) (t.expireTimestamp ??= [])[partition] = expireTimestamp;
  else if (t.expireTimestamp !== null && t.expireTimestamp[partition] !== undefined) t.expireTimestamp = removed(t.expireTimestamp, partition);
  if (metadata !== '') (t.metadata ??= [])[partition] = metadata;
  else if (t.metadata !== null && t.metadata[partition] !== undefined) t.metadata = removed(t.metadata, partition);
};

/** The optional array without partition `p`'s value: null once it holds none. */
const removed = <T>(a: T[], p: number): T[] | null => {
  delete a[p];
  trim(a);
  return a.length === 0 ? null : a;
};

/** Folds one tombstone (OffsetDeleted, OffsetsExpired); a partition without an offset is a no-op. */
export const removeCommittedOffset = (offsets: GroupOffsets, topic: string, partition: number): void => {
  const held = offsets.topics.get(topic);
  if (held === undefined || held.offset[partition] === undefined) return;
  const t = writable(offsets, topic, held);
  offsets.size--;
  for (const a of [t.offset, t.leaderEpoch, t.commitTimestamp]) {
    delete a[partition];
    trim(a);
  }
  if (t.expireTimestamp !== null && t.expireTimestamp[partition] !== undefined) t.expireTimestamp = removed(t.expireTimestamp, partition);
  if (t.metadata !== null && t.metadata[partition] !== undefined) t.metadata = removed(t.metadata, partition);
  if (t.offset.length === 0) offsets.topics.delete(topic);
};

/**
 * `offsets` as they are now, unchanged by later folds (a snapshot's capture): the same tables,
 * marked so that a fold copies one before changing it (copy on write, above); no copy is made here.
 */
export const captureGroupOffsets = (offsets: GroupOffsets): GroupOffsets => {
  for (const t of offsets.topics.values()) captured.add(t);
  if (offsets.topics.size > 0) capturedAny = true;
  return { topics: new Map(offsets.topics), size: offsets.size };
};

/** The OffsetCommitted events that rebuild `offsets` for `groupId` (PE-9), made one at a time, in `forEachCommittedOffset` order. */
export function* offsetCommittedEvents(groupId: string, offsets: GroupOffsets): Generator<OffsetCommittedEvent> {
  for (const [topic, t] of offsets.topics) {
    const o = t.offset;
    for (let p = 0; p < o.length; p++) {
      if (o[p] === undefined) continue;
      yield {
        type: 'OffsetCommitted',
        groupId,
        topic,
        partition: p,
        offset: o[p]!,
        leaderEpoch: t.leaderEpoch[p]!,
        metadata: t.metadata?.[p] ?? '',
        commitTimestamp: t.commitTimestamp[p]!,
        expireTimestamp: t.expireTimestamp?.[p] ?? null,
      };
    }
  }
}
