/**
 * Group and offset events: what happened, in the past tense, as plain data (STYLE.md).
 * Offsets and timestamps are JS numbers (exact up to 2^53; the Kafka adapter rejects larger ones).
 * Byte payloads (member metadata, assignments) are Uint8Array so the domain needs no Buffer.
 *
 * PE-10: every change of a group is an event. Kafka's hard state (PE-1…PE-4: GroupCreated,
 * AssignmentsSynced, a GenerationBumped that empties the group, StaticMemberReplaced, the offset
 * events, GroupDeleted) is what a reload keeps; the membership events (MemberJoined, MemberUpdated,
 * MemberLeft, RebalanceStarted, a GenerationBumped with members) tell the rest of the story and are
 * journaled without delaying any response. `recover` (PE-11) turns a replayed aggregate into what
 * Kafka's reload of the hard state gives and records GroupRecovered when that changed something.
 *
 * The MetaLog stores events with a self-describing value encoding (src/adapters/wal/value-codec.ts):
 * a field an old release did not write reads back as `undefined`, which every fold tolerates.
 */

import type { GroupHistory } from './history';
import { CONSUMER_GROUP_EVENT_TYPES, type ConsumerGroupEvent } from './consumer/consumer-events';
import type { ConsumerGroupSnapshotData } from './consumer/consumer-snapshot';

export type { ConsumerGroupEvent };

/** A protocol a member supports; `topics` is its parsed consumer subscription, null if unparseable (OF-21). */
export interface MemberProtocol {
  readonly name: string;
  readonly metadata: Uint8Array;
  readonly topics: readonly string[] | null;
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
  /** Partitions in `assignment` as the adapter parsed it (history, PE-13); null/absent when unknown. */
  readonly assignedPartitions?: number | null;
}

/** Why a member left the group (PE-10); KIP-345 admin removals by instance id are LeaveGroup too. */
export type MemberLeftReason =
  /** CG-53: the member (or an admin, by instance id) sent LeaveGroup. */
  | 'LeaveGroup'
  /** CG-46: no heartbeat within the session timeout (or the new-member join timeout, CG-47). */
  | 'SessionTimeout'
  /** CG-32: a dynamic member did not rejoin before the rebalance timeout. */
  | 'JoinTimeout'
  /** CG-49: the member never sent SyncGroup for its generation. */
  | 'SyncTimeout'
  /** CG-23: it rejoined a full group (`group.max.size`). */
  | 'GroupMaxSize'
  /** KC-26 (consumer groups): it did not revoke its partitions within its rebalance timeout. */
  | 'RebalanceTimeout';

/** What started a rebalance: the event that caused it (history and GenerationBumped name it). */
export type RebalanceTrigger =
  /** A new member joined; `replacedMemberId` when a static member came back under a new id (CG-60). */
  | { readonly kind: 'MemberJoined'; readonly memberId: string; readonly replacedMemberId: string | null }
  /** A known member rejoined: changed metadata, or the leader's rejoin that always rebalances (CG-25). */
  | { readonly kind: 'MemberUpdated'; readonly memberId: string; readonly change: 'metadata' | 'leader-rejoin' }
  | { readonly kind: 'MemberLeft'; readonly memberId: string; readonly reason: MemberLeftReason }
  /** CG-74: after a restart the group held more members than `group.max.size`. */
  | { readonly kind: 'GroupRecovered'; readonly reason: 'over-capacity' }
  /** KC-24 (consumer groups): subscribed topics were created, deleted or grew. */
  | { readonly kind: 'MetadataChanged' };

/** The classic group state names (Describe/List strings). */
export type ClassicGroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export type GroupEvent =
  /** CG-28 / PE-3(a): a JoinGroup created the group (Kafka persists it empty at generation 0). */
  | { readonly type: 'GroupCreated'; readonly groupId: string; readonly at: number }
  /** CG-26 / CG-24: a new member joined (and awaits the join phase); CG-60 when it replaces a static member. */
  | {
      readonly type: 'MemberJoined';
      readonly groupId: string;
      readonly memberId: string;
      readonly instanceId: string | null;
      readonly clientId: string;
      readonly clientHost: string;
      readonly protocolType: string;
      readonly protocols: readonly MemberProtocol[];
      readonly sessionTimeoutMs: number;
      readonly rebalanceTimeoutMs: number;
      /** The static member's previous id, whose assignment and leadership the new id takes over. */
      readonly replacedMemberId: string | null;
      readonly at: number;
    }
  /** CG-25: a known member sent JoinGroup for the rebalance; `protocols` null = unchanged. */
  | {
      readonly type: 'MemberUpdated';
      readonly groupId: string;
      readonly memberId: string;
      readonly clientId: string;
      readonly clientHost: string;
      readonly protocolType: string;
      readonly protocols: readonly MemberProtocol[] | null;
      readonly sessionTimeoutMs: number;
      readonly rebalanceTimeoutMs: number;
      readonly at: number;
    }
  /** CG-23 / CG-32 / CG-46 / CG-49 / CG-53: a member was removed, and why. */
  | { readonly type: 'MemberLeft'; readonly groupId: string; readonly memberId: string; readonly reason: MemberLeftReason; readonly at: number }
  /** CG-27: the group entered PreparingRebalance. */
  | { readonly type: 'RebalanceStarted'; readonly groupId: string; readonly trigger: RebalanceTrigger; readonly at: number }
  /**
   * CG-32: the join phase completed: generation + 1 with these members (→ CompletingRebalance), or
   * with none (→ Empty, CG-13: Kafka persists that one, PE-3(c)).
   */
  | {
      readonly type: 'GenerationBumped';
      readonly groupId: string;
      readonly generation: number;
      readonly protocolType: string | null;
      readonly protocolName: string | null;
      readonly leaderId: string | null;
      readonly memberIds: readonly string[];
      /** The trigger of the rebalance this generation ends (null when unknown). */
      readonly trigger: RebalanceTrigger | null;
      readonly at: number;
    }
  /** CG-42 / PE-3(b): the leader's SyncGroup assignments for `generation` (full group metadata); → Stable. */
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
  /** Written by releases before the event core (CG-13 / PE-3(c)); folded as an Empty group at `generation`. */
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
      /** The new member's full protocol list (absent in logs of earlier releases: the selected one only). */
      readonly protocols?: readonly MemberProtocol[];
      readonly at?: number;
    }
  /**
   * PE-11: on load, the group was normalized to what Kafka's reload of its hard state gives (a
   * rebalance in progress falls back to the last synced generation; members keep only the selected
   * protocol). Folding it performs exactly that normalization.
   */
  | {
      readonly type: 'GroupRecovered';
      readonly groupId: string;
      readonly fromState: ClassicGroupState;
      readonly fromGeneration: number;
      readonly generation: number;
      readonly at: number;
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
  /** CG-72 / CG-73 / PE-4: the group, its offsets and its history are gone. */
  | { readonly type: 'GroupDeleted'; readonly groupId: string }
  /** Snapshots only (PE-9): one group's aggregate and bounded history as of the snapshot position. */
  | { readonly type: 'GroupSnapshot'; readonly groupId: string; readonly group: GroupSnapshotData; readonly history: GroupHistory | null }
  /** Snapshots only (PE-9): one KIP-848 group's aggregate and bounded history. */
  | { readonly type: 'ConsumerGroupSnapshot'; readonly groupId: string; readonly group: ConsumerGroupSnapshotData; readonly history: GroupHistory | null }
  /** KIP-848 (PE-5, PE-6): see consumer/consumer-events.ts. */
  | ConsumerGroupEvent
  ;

/**
 * The hard state a reload would give, kept while a rebalance is in progress (ClassicGroup.base), in
 * plain data; also the common part of a group in a snapshot.
 */
export interface GroupBaseData {
  readonly state: ClassicGroupState;
  readonly stateTimestamp: number | null;
  readonly protocolType: string | null;
  readonly protocolName: string | null;
  readonly generation: number;
  readonly leaderId: string | null;
  readonly members: readonly MemberData[];
}

/**
 * A classic member in a snapshot, in the fields and order snapshots have always held (the aggregate
 * keeps the assignment as a one-byte string since issue 14; group-snapshot.ts converts).
 */
export interface MemberData {
  readonly memberId: string;
  readonly instanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly rebalanceTimeoutMs: number;
  readonly sessionTimeoutMs: number;
  readonly protocolType: string;
  readonly protocols: readonly MemberProtocol[];
  readonly assignment: Uint8Array;
  /** Absent in snapshots of releases before PE-13's partition counts. */
  readonly assignedPartitions?: number | null;
}

/** Plain-data form of a classic group aggregate in a snapshot (offsets travel as OffsetCommitted events). */
export interface GroupSnapshotData extends GroupBaseData {
  readonly previousState: ClassicGroupState;
  readonly joined: readonly string[];
  readonly membersAdded: number;
  readonly trigger: RebalanceTrigger | null;
  readonly rebalanceStartedAt: number | null;
  readonly base: GroupBaseData | null;
  readonly subscribedTopics: readonly string[] | null;
}

const GROUP_EVENT_TYPES: ReadonlySet<string> = new Set([
  'GroupCreated',
  'MemberJoined',
  'MemberUpdated',
  'MemberLeft',
  'RebalanceStarted',
  'GenerationBumped',
  'AssignmentsSynced',
  'GroupEmptied',
  'StaticMemberReplaced',
  'GroupRecovered',
  'OffsetCommitted',
  'OffsetDeleted',
  'OffsetsExpired',
  'GroupDeleted',
  'GroupSnapshot',
  'ConsumerGroupSnapshot',
  ...CONSUMER_GROUP_EVENT_TYPES,
]);

/** True when a MetaLog event belongs to the group coordinator (the log also holds topic events). */
export const isGroupEvent = (event: { readonly type: string }): event is GroupEvent => GROUP_EVENT_TYPES.has(event.type);

/**
 * Events Kafka persists (PE-1…PE-6; every KIP-848 event mirrors a record): a request whose events include one is answered only once they
 * are durable (GEN-5). The others ride the next group commit without delaying a response (PE-10).
 */
export const isHardEvent = (event: GroupEvent): boolean => {
  switch (event.type) {
    case 'MemberJoined':
    case 'MemberUpdated':
    case 'MemberLeft':
    case 'RebalanceStarted':
    case 'GroupRecovered':
      return false;
    case 'GenerationBumped':
      return event.memberIds.length === 0;
    default:
      return true;
  }
};
