/**
 * KIP-848 events (PE-5, PE-6). Each mirrors a record Kafka's coordinator writes for a consumer
 * group, so every one is hard state: a ConsumerGroupHeartbeat whose decision writes any is answered
 * only once they are durable (GEN-5). Kafka's records are "latest value per key"; ours are the
 * changes that produce those values, folded by the same `evolve` as the classic events.
 */
import type { Assignment } from './assignment';
import type { ConsumerMemberMetadata, ConsumerMemberState, TopicMetadata } from './consumer-group';

/** Why a member left a consumer group (KC-30…KC-32, KC-26). */
export type ConsumerLeftReason =
  /** KC-31: ConsumerGroupHeartbeat with member epoch −1. */
  | 'Leave'
  /** KC-28: no heartbeat within `group.consumer.session.timeout.ms`. */
  | 'SessionTimeout'
  /** KC-26: it did not revoke its partitions within its rebalance timeout. */
  | 'RebalanceTimeout'
  /** KC-62: a classic-protocol member sent LeaveGroup. */
  | 'LeaveGroup'
  /** KC-62: a classic-protocol member told to rejoin did not, within its rebalance timeout. */
  | 'JoinTimeout'
  /** KC-60: a classic-protocol member did not send SyncGroup within its rebalance timeout after joining. */
  | 'SyncTimeout';

/** What bumped the group epoch (history; Kafka logs it). */
export type EpochTrigger =
  | { readonly kind: 'MemberJoined'; readonly memberId: string }
  | { readonly kind: 'SubscriptionChanged'; readonly memberId: string }
  | { readonly kind: 'MemberLeft'; readonly memberId: string; readonly reason: ConsumerLeftReason }
  /** KC-24: topics were created, deleted or grew (or the metadata was stale after a restart). */
  | { readonly kind: 'MetadataChanged' };

export type ConsumerGroupEvent =
  /** ConsumerGroupMemberMetadata for a member the group did not have (KC-21, KC-22). */
  | { readonly type: 'ConsumerMemberJoined'; readonly groupId: string; readonly memberId: string; readonly member: ConsumerMemberMetadata; readonly at: number }
  /** ConsumerGroupMemberMetadata of a known member whose metadata changed (KC-23). */
  | { readonly type: 'ConsumerMemberUpdated'; readonly groupId: string; readonly memberId: string; readonly member: ConsumerMemberMetadata; readonly at: number }
  /**
   * KC-22: a static member that left with epoch −2 came back under a new member id: the new id takes
   * over its metadata (updated), target and assigned partitions at member epoch 0. Kafka writes the
   * old member's three tombstones (PE-6) and the new member's three records; this is that batch.
   */
  | {
      readonly type: 'ConsumerMemberReplaced';
      readonly groupId: string;
      readonly oldMemberId: string;
      readonly newMemberId: string;
      readonly member: ConsumerMemberMetadata;
      readonly at: number;
    }
  /** ConsumerGroupPartitionMetadata: the subscribed topics that exist, with ids and sizes (KC-24). */
  | { readonly type: 'SubscriptionMetadataChanged'; readonly groupId: string; readonly topics: readonly TopicMetadata[]; readonly at: number }
  /** Kafka 4.0's ConsumerGroupRegularExpression: a subscribed regex resolved to these topics; null = no longer used. */
  | { readonly type: 'RegexResolved'; readonly groupId: string; readonly regex: string; readonly topics: readonly string[] | null; readonly at: number }
  /** ConsumerGroupMetadata: the group epoch was bumped (by exactly one per request, KC-24). */
  | { readonly type: 'GroupEpochBumped'; readonly groupId: string; readonly epoch: number; readonly trigger: EpochTrigger; readonly at: number }
  /**
   * ConsumerGroupTargetAssignmentMember for each member whose target changed, then
   * ConsumerGroupTargetAssignmentMetadata{assignmentEpoch} (KC-25).
   */
  | {
      readonly type: 'TargetAssignmentComputed';
      readonly groupId: string;
      readonly assignmentEpoch: number;
      readonly assignor: string;
      readonly members: ReadonlyArray<{ readonly memberId: string; readonly partitions: Assignment }>;
      readonly at: number;
    }
  /** ConsumerGroupCurrentMemberAssignment: a reconciliation step (KC-26) or a static member's −2 leave (KC-32). */
  | {
      readonly type: 'MemberReconciled';
      readonly groupId: string;
      readonly memberId: string;
      readonly memberEpoch: number;
      readonly previousMemberEpoch: number;
      readonly state: ConsumerMemberState;
      readonly assigned: Assignment;
      readonly pendingRevocation: Assignment;
      readonly at: number;
    }
  /**
   * KC-30 / PE-6: the member's current-assignment, target-assignment and metadata tombstones, in
   * that order (one event: a MetaLog batch is replayed all or nothing).
   */
  | { readonly type: 'ConsumerMemberLeft'; readonly groupId: string; readonly memberId: string; readonly reason: ConsumerLeftReason; readonly at: number }
  /**
   * KC-62 online upgrade: a ConsumerGroupHeartbeat joined a classic group with members. Kafka writes
   * the classic GroupMetadata tombstone and the new group's records; folding this replaces the
   * classic group (offsets kept) by a KIP-848 group at group epoch = assignment epoch = the
   * generation, each member STABLE at that epoch with its classic assignment as target.
   */
  | {
      readonly type: 'ClassicGroupUpgraded';
      readonly groupId: string;
      readonly epoch: number;
      readonly members: ReadonlyArray<{ readonly memberId: string; readonly member: ConsumerMemberMetadata; readonly assigned: Assignment }>;
      readonly at: number;
    };

export const CONSUMER_GROUP_EVENT_TYPES: readonly string[] = [
  'ConsumerMemberJoined',
  'ConsumerMemberUpdated',
  'ConsumerMemberReplaced',
  'SubscriptionMetadataChanged',
  'RegexResolved',
  'GroupEpochBumped',
  'TargetAssignmentComputed',
  'MemberReconciled',
  'ConsumerMemberLeft',
  'ClassicGroupUpgraded',
];
