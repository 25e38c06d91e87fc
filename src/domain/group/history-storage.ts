/**
 * PE-13 storage (issue 14, C5): generation records keep their members as columns, and reports and
 * snapshots read them back through `expandRecord` / `expandHistory` as the objects they always saw.
 */
import type { GenerationRecord, GroupHistory, HistoryMember } from './history';

/**
 * A member column of a stored record: one value when every member of the record has it (group-mates
 * usually run the same client on the same host, and most have no instance id), else one per member.
 */
export type MemberColumn<T> = T | readonly T[];

/**
 * A generation record as the projection keeps it (issue 14, C5): its members as columns, not one
 * object per member (~64 B each, ×1 per record a member appears in). Read through `expandRecord`,
 * which gives the `GenerationRecord` the reports and snapshots have always seen.
 */
export interface StoredRecord extends Omit<GenerationRecord, 'members'> {
  readonly memberIds: readonly string[];
  readonly instanceIds: MemberColumn<string | null>;
  readonly clientIds: MemberColumn<string>;
  readonly clientHosts: MemberColumn<string>;
  readonly partitions: MemberColumn<number | null>;
}

/** A group's history as the projection keeps it: `GroupHistory` with stored records. */
export interface StoredHistory extends Omit<GroupHistory, 'generations'> {
  readonly generations: readonly StoredRecord[];
}


/** `values` as one column: the shared value when all are equal (`whenEmpty` for none), else the list. */
export const column = <T>(values: T[], whenEmpty: T): MemberColumn<T> => {
  if (values.length === 0) return whenEmpty;
  const first = values[0]!;
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return values;
  return first;
};

const at = <T>(c: MemberColumn<T>, i: number): T => (Array.isArray(c) ? (c as readonly T[])[i]! : (c as T));

export interface MemberFields {
  readonly memberIds: readonly string[];
  readonly instanceIds: MemberColumn<string | null>;
  readonly clientIds: MemberColumn<string>;
  readonly clientHosts: MemberColumn<string>;
  readonly partitions: MemberColumn<number | null>;
}

/** The columns of `members` (one canonical form: equal lists give equal columns). */
export const columnsOf = (members: readonly HistoryMember[]): MemberFields => ({
  memberIds: members.map((m) => m.memberId),
  instanceIds: column(members.map((m) => m.instanceId), null),
  clientIds: column(members.map((m) => m.clientId), ''),
  clientHosts: column(members.map((m) => m.clientHost), ''),
  partitions: column(members.map((m) => m.partitions), null),
});

/** The members of a stored record, one object each, as `GenerationRecord` has them. */
export const recordMembers = (r: MemberFields): HistoryMember[] =>
  r.memberIds.map((memberId, i) => ({
    memberId,
    instanceId: at(r.instanceIds, i),
    clientId: at(r.clientIds, i),
    clientHost: at(r.clientHosts, i),
    partitions: at(r.partitions, i),
  }));

/** A record built field by field in `GenerationRecord`'s order with `members`' columns in its place. */
export const storedRecord = (r: Omit<GenerationRecord, 'members'>, members: MemberFields): StoredRecord => ({
  generation: r.generation,
  startedAt: r.startedAt,
  joinedAt: r.joinedAt,
  endedAt: r.endedAt,
  outcome: r.outcome,
  trigger: r.trigger,
  protocolType: r.protocolType,
  protocolName: r.protocolName,
  leaderId: r.leaderId,
  memberIds: members.memberIds,
  instanceIds: members.instanceIds,
  clientIds: members.clientIds,
  clientHosts: members.clientHosts,
  partitions: members.partitions,
  // The usual first generation: every member joined; one list serves both (records are immutable).
  joined: sameIds(r.joined, members.memberIds) ? members.memberIds : r.joined,
  left: r.left,
});

const sameIds = (a: readonly string[], b: readonly string[]): boolean => {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** A stored record as reports and snapshots read it (the same fields, in the same order, as before issue 14). */
export const expandRecord = (r: StoredRecord): GenerationRecord => ({
  generation: r.generation,
  startedAt: r.startedAt,
  joinedAt: r.joinedAt,
  endedAt: r.endedAt,
  outcome: r.outcome,
  trigger: r.trigger,
  protocolType: r.protocolType,
  protocolName: r.protocolName,
  leaderId: r.leaderId,
  members: recordMembers(r),
  joined: r.joined,
  left: r.left,
});

/** A stored history as reports and snapshots read it. O(members over its records). */
export const expandHistory = (h: StoredHistory): GroupHistory => ({
  groupId: h.groupId,
  generations: h.generations.map(expandRecord),
  leftSinceGeneration: h.leftSinceGeneration,
  openedAt: h.openedAt,
  notes: h.notes,
});

/** A history read from a snapshot, stored: `expandHistory(storeHistory(h))` deep-equals `h`. */
export const storeHistory = (h: GroupHistory): StoredHistory => ({
  groupId: h.groupId,
  generations: h.generations.map((r) => storedRecord(r, columnsOf(r.members))),
  leftSinceGeneration: h.leftSinceGeneration,
  openedAt: h.openedAt,
  notes: h.notes,
});
