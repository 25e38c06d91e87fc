/**
 * Group and offset events: what happened, in the past tense, as plain data (STYLE.md).
 * Offsets and timestamps are JS numbers (exact up to 2^53; the Kafka adapter rejects larger ones).
 * Byte payloads (member metadata, assignments) are Uint8Array so the domain needs no Buffer.
 *
 * Only hard state is written (PE-1…PE-4): the classic group's metadata is persisted when a
 * generation's assignments are synced, when a join phase ends with no members, when a group is
 * created empty, and on a static-member replacement without rebalance. Joins, leaves, heartbeats and
 * the in-progress rebalance are soft state (PE-10), so a crash mid-rebalance replays to the last
 * synced generation (PE-11).
 *
 * The MetaLog stores events with a self-describing value encoding (src/adapters/wal/value-codec.ts), so a new
 * field or event needs no schema change there; an old reader must still be able to fold what it finds.
 */

/** A (protocol name, metadata bytes) pair as a member announced it in JoinGroup. */
export interface ProtocolMetadata {
  readonly name: string;
  readonly metadata: Uint8Array;
}

/** One member of a synced generation, as Kafka's GroupMetadata record stores it (PE-2). */
export interface SyncedMember {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  /** Metadata of the selected protocol (PE-7: the only protocol a reloaded member supports). */
  readonly subscription: Uint8Array;
  /** Topics parsed from `subscription` by the Kafka adapter; null when unparseable (OF-21). */
  readonly subscribedTopics: readonly string[] | null;
  readonly assignment: Uint8Array;
}

export type GroupEvent =
  /** CG-28 / PE-3(a): JoinGroup created the group and had nothing else to write. */
  | { readonly type: 'GroupCreated'; readonly groupId: string; readonly at: number }
  /** CG-42 / PE-3(b): the leader's SyncGroup assignments for `generation` (full group metadata). */
  | {
      readonly type: 'AssignmentsSynced';
      readonly groupId: string;
      readonly generation: number;
      readonly protocolType: string;
      readonly protocolName: string;
      readonly leaderId: string;
      readonly members: readonly SyncedMember[];
      readonly at: number;
    }
  /**
   * CG-13 / CG-16 / PE-3(c): a join phase ended with no members, so the group became Empty at
   * `generation`. Also used by snapshots for member-less groups (`at` null = never transitioned).
   */
  | {
      readonly type: 'GroupEmptied';
      readonly groupId: string;
      readonly generation: number;
      readonly protocolType: string | null;
      readonly at: number | null;
    }
  /** CG-60 / PE-3(d): a static member rejoined under a new member id without a rebalance. */
  | {
      readonly type: 'StaticMemberReplaced';
      readonly groupId: string;
      readonly instanceId: string;
      readonly oldMemberId: string;
      readonly newMemberId: string;
      readonly clientId: string;
      readonly clientHost: string;
      readonly rebalanceTimeoutMs: number;
      readonly sessionTimeoutMs: number;
      readonly subscription: Uint8Array;
      readonly subscribedTopics: readonly string[] | null;
    }
  /** OF-6 / PE-1: one committed partition. Creates a simple group if the group is missing (PE-8). */
  | {
      readonly type: 'OffsetCommitted';
      readonly groupId: string;
      readonly topic: string;
      readonly partition: number;
      readonly offset: number;
      /** −1 = absent (OF-5). */
      readonly leaderEpoch: number;
      readonly metadata: string;
      readonly commitTimestamp: number;
      readonly expireTimestamp: number | null;
    }
  /** OF-41 / OF-22 / PE-1: tombstone of one partition's offset. */
  | { readonly type: 'OffsetDeleted'; readonly groupId: string; readonly topic: string; readonly partition: number }
  /** OF-20 / CG-73: the retention job removed these offsets. */
  | {
      readonly type: 'OffsetsExpired';
      readonly groupId: string;
      readonly partitions: ReadonlyArray<{ readonly topic: string; readonly partition: number }>;
    }
  /** CG-72 / CG-73 / PE-4: the group and all its offsets are gone. */
  | { readonly type: 'GroupDeleted'; readonly groupId: string };

const GROUP_EVENT_TYPES: ReadonlySet<string> = new Set([
  'GroupCreated',
  'AssignmentsSynced',
  'GroupEmptied',
  'StaticMemberReplaced',
  'OffsetCommitted',
  'OffsetDeleted',
  'OffsetsExpired',
  'GroupDeleted',
]);

/** True when a MetaLog event belongs to the group coordinator (the log also holds topic events). */
export const isGroupEvent = (event: { readonly type: string }): event is GroupEvent => GROUP_EVENT_TYPES.has(event.type);
