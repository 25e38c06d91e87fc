import type { SyncedMember } from './events';

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

/**
 * The hard (persisted) state of one group: what replaying its records rebuilds (PE-7, PE-8).
 * A group with members reloads as Stable, one without as Empty.
 */
export interface GroupRecord {
  readonly groupId: string;
  /** null = none (simple group, or a classic group never joined). */
  protocolType: string | null;
  generation: number;
  protocolName: string | null;
  leaderId: string | null;
  /** null = unknown (simple group created by a commit). */
  currentStateTimestamp: number | null;
  /** Members of the last synced generation, in record order. */
  readonly members: Map<string, SyncedMember>;
  /** Keyed by `offsetKey(topic, partition)`. */
  readonly offsets: Map<string, CommittedOffset>;
}

/** Every group's hard state. Folded by `evolve`; owned by whoever folds it. */
export interface GroupsState {
  readonly groups: Map<string, GroupRecord>;
}

/** The state before any event. */
export const initialGroupsState = (): GroupsState => ({ groups: new Map() });

/** Map key of a partition's offset (topic names cannot contain NUL). */
export const offsetKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** An empty group record, as PE-8 creates for a commit to a missing group. */
export const emptyGroupRecord = (groupId: string): GroupRecord => ({
  groupId,
  protocolType: null,
  generation: 0,
  protocolName: null,
  leaderId: null,
  currentStateTimestamp: null,
  members: new Map(),
  offsets: new Map(),
});
