/**
 * The KIP-848 consumer group aggregate (KC-1, KC-2): exactly what `evolve` folds from the group's
 * events, which mirror Kafka's records (PE-5). The group state (KC-3) is derived, never stored;
 * `partitionEpochs` (the owner epoch of every assigned or revoking partition, KC-26) is an index
 * derived from the members by the same folds — rebuilt, never read back from the log (PE-10).
 */
import { emptyGroupOffsets, type GroupOffsets } from '../committed-offsets';
import type { MemberProtocol } from '../events';
import type { Assignment } from './assignment';

/** KC-2 classicMemberMetadata: a member that speaks the classic protocol inside a KIP-848 group (KC-60). */
export interface ClassicMemberMetadata {
  readonly sessionTimeoutMs: number;
  /** Its JoinGroup protocols, in preference order (the first names its SyncGroup protocol). */
  readonly protocols: readonly MemberProtocol[];
}

/** KC-2 reconciliation states, with Kafka's wire values in ConsumerGroupCurrentMemberAssignment. */
export type ConsumerMemberState = 'STABLE' | 'UNREVOKED_PARTITIONS' | 'UNRELEASED_PARTITIONS' | 'UNKNOWN';

/** What Kafka's ConsumerGroupMemberMetadata record holds (PE-5). */
export interface ConsumerMemberMetadata {
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly subscribedTopicNames: readonly string[];
  /** Kafka 4.0 (v1): RE2/J syntax, full match; null or "" = none. */
  readonly subscribedTopicRegex: string | null;
  readonly serverAssignor: string | null;
  readonly rebalanceTimeoutMs: number;
  /** Set for a member using the classic protocol (JoinGroup/SyncGroup/Heartbeat); absent or null otherwise. */
  readonly classic?: ClassicMemberMetadata | null;
}

/** Does the member speak the classic protocol (KC-60)? */
export const usesClassicProtocol = (m: ConsumerMemberMetadata): boolean => m.classic !== undefined && m.classic !== null;

/** What Kafka's ConsumerGroupCurrentMemberAssignment record holds (PE-5). */
export interface ConsumerMemberAssignment {
  readonly memberEpoch: number;
  readonly previousMemberEpoch: number;
  readonly state: ConsumerMemberState;
  /** Partitions the member may use now. */
  readonly assigned: Assignment;
  /** Partitions it must give up before it may advance (KC-26). */
  readonly pendingRevocation: Assignment;
}

export interface ConsumerMember extends ConsumerMemberMetadata, ConsumerMemberAssignment {
  readonly memberId: string;
}

/** One subscribed, existing topic as the subscription metadata records it (KC-1, PE-5). */
export interface TopicMetadata {
  readonly topicId: string;
  readonly name: string;
  readonly partitions: number;
}

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable';

export interface ConsumerGroup {
  readonly kind: 'consumer';
  readonly groupId: string;
  groupEpoch: number;
  /** Epoch of the current target assignment (KC-1). */
  assignmentEpoch: number;
  /** The assignor that computed the current target assignment. */
  assignor: string | null;
  readonly members: Map<string, ConsumerMember>;
  /** instanceId → memberId. */
  readonly staticMembers: Map<string, string>;
  /** Target assignment per member (KC-25). */
  readonly targets: Map<string, Assignment>;
  /** Subscribed, existing topics, sorted by name (KC-24). */
  subscriptionMetadata: readonly TopicMetadata[];
  /** Kafka 4.0's ConsumerGroupRegularExpression: the topics each subscribed regex resolved to. */
  readonly regexes: Map<string, readonly string[]>;
  /** Derived: topic id → partition → epoch of the member holding or revoking it (KC-26). */
  readonly partitionEpochs: Map<string, Map<number, number>>;
  /** Wall-clock ms of the last group-epoch bump (history, ListGroups). */
  stateTimestamp: number | null;
  /** Per-topic tables (committed-offsets.ts), shared with the classic kind. */
  readonly offsets: GroupOffsets;
}

export const newConsumerGroup = (groupId: string, offsets: GroupOffsets = emptyGroupOffsets()): ConsumerGroup => ({
  kind: 'consumer',
  groupId,
  groupEpoch: 0,
  assignmentEpoch: 0,
  assignor: null,
  members: new Map(),
  staticMembers: new Map(),
  targets: new Map(),
  subscriptionMetadata: [],
  regexes: new Map(),
  partitionEpochs: new Map(),
  stateTimestamp: null,
  offsets,
});

/** A member as Kafka creates it before its first reconciliation: epoch 0, nothing assigned. */
export const newConsumerMember = (memberId: string, metadata: ConsumerMemberMetadata): ConsumerMember => ({
  memberId,
  ...metadata,
  memberEpoch: 0,
  previousMemberEpoch: 0,
  state: 'STABLE',
  assigned: [],
  pendingRevocation: [],
});

/** KC-3: the group state, derived from epochs and members. */
export const consumerGroupState = (g: ConsumerGroup): ConsumerGroupState => {
  if (g.members.size === 0) return 'Empty';
  if (g.groupEpoch > g.assignmentEpoch) return 'Assigning';
  for (const m of g.members.values()) {
    if (m.state !== 'STABLE' || m.memberEpoch !== g.assignmentEpoch) return 'Reconciling';
  }
  return 'Stable';
};

/** Is the member fully reconciled to `epoch`? */
export const isReconciledTo = (m: ConsumerMember, epoch: number): boolean => m.state === 'STABLE' && m.memberEpoch === epoch;

/** KC-26: the epoch of the member that holds or revokes the partition, −1 when free. */
export const partitionEpoch = (g: ConsumerGroup, topicId: string, partition: number): number =>
  g.partitionEpochs.get(topicId)?.get(partition) ?? -1;

/** The empty-string regex means "no regex" (librdkafka sends "" when it subscribes by names only). */
export const regexOf = (m: { readonly subscribedTopicRegex: string | null }): string | null =>
  m.subscribedTopicRegex === null || m.subscribedTopicRegex === '' ? null : m.subscribedTopicRegex;

/** Every topic name the member subscribes to: its names plus what its regex resolved to. */
export const memberTopicNames = (g: ConsumerGroup, m: ConsumerMemberMetadata): Set<string> => {
  const out = new Set(m.subscribedTopicNames);
  const regex = regexOf(m);
  if (regex !== null) for (const t of g.regexes.get(regex) ?? []) out.add(t);
  return out;
};

/** Does any member subscribe to `topic` (OF-41, OF-20 for KIP-848 groups)? */
export const consumerGroupSubscribesTo = (g: ConsumerGroup, topic: string): boolean => {
  for (const m of g.members.values()) if (memberTopicNames(g, m).has(topic)) return true;
  return false;
};
