/**
 * Commands and results of the group coordinator service, in domain terms (not wire structs).
 * The Kafka request handlers map each request version onto these and back; results carry every
 * field any response version needs.
 */
import type { ErrorCode } from '../../domain/error-code';
import type { ClassicGroupState, MemberProtocol } from '../../domain/group/classic-group';
import type { OffsetCommitInput } from '../../domain/group/decide-offset-commit';
import type { ConsumerGroupState } from '../../domain/group/consumer/consumer-group';

export type { MemberProtocol, ClassicGroupState };

export type { JoinGroupCommand, JoinGroupMember, JoinGroupResult, SyncGroupCommand, SyncGroupResult } from '../../domain/group/replies';

export interface HeartbeatCommand {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly generationId: number;
}

export interface LeaveGroupCommand {
  readonly groupId: string;
  /** v0–v2: one member (normalized by the adapter, CG-52). */
  readonly members: ReadonlyArray<{ readonly memberId: string; readonly groupInstanceId: string | null; readonly reason?: string | null }>;
  readonly apiVersion: number;
}

export interface LeaveGroupResult {
  /** v3+: top-level error (NONE unless the whole request failed). v0–v2: already folded per CG-52. */
  readonly errorCode: ErrorCode;
  readonly members: ReadonlyArray<{ readonly memberId: string; readonly groupInstanceId: string | null; readonly errorCode: ErrorCode }>;
}

export type OffsetCommitCommand = OffsetCommitInput;

export interface OffsetCommitResult {
  readonly topics: ReadonlyArray<{
    readonly name: string;
    readonly partitions: ReadonlyArray<{ readonly partitionIndex: number; readonly errorCode: ErrorCode }>;
  }>;
}

export interface OffsetFetchCommand {
  readonly groups: ReadonlyArray<{
    readonly groupId: string;
    /** null = every committed partition of the group (v2+). */
    readonly topics: ReadonlyArray<{ readonly name: string; readonly partitionIndexes: readonly number[] }> | null;
    /** v9+ (KIP-848, OF-35): the fetching member; null/−1 = an admin fetch. Absent before v9. */
    readonly memberId?: string | null;
    readonly memberEpoch?: number;
  }>;
  readonly requireStable: boolean;
}

export interface FetchedPartition {
  readonly partitionIndex: number;
  /** −1 when nothing is committed (OF-32). */
  readonly committedOffset: number;
  readonly committedLeaderEpoch: number;
  readonly metadata: string;
  readonly errorCode: ErrorCode;
}

export interface OffsetFetchGroupResult {
  readonly groupId: string;
  /** Group-level error; v0–v1 shaping (OF-34) is the adapter's. */
  readonly errorCode: ErrorCode;
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitions: readonly FetchedPartition[] }>;
}

export interface OffsetFetchResult {
  readonly groups: readonly OffsetFetchGroupResult[];
}

export interface OffsetDeleteCommand {
  readonly groupId: string;
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitions: readonly number[] }>;
}

export interface OffsetDeleteResult {
  readonly errorCode: ErrorCode;
  readonly topics: ReadonlyArray<{
    readonly name: string;
    readonly partitions: ReadonlyArray<{ readonly partitionIndex: number; readonly errorCode: ErrorCode }>;
  }>;
}

export interface DescribedMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly metadata: Uint8Array;
  readonly assignment: Uint8Array;
}

export interface DescribedGroup {
  /** NONE, or GROUP_ID_NOT_FOUND for a missing group when the request is v6+ (KIP-1043). */
  readonly errorCode: ErrorCode;
  readonly errorMessage: string | null;
  readonly groupId: string;
  /** "Dead" for a missing group. */
  readonly groupState: ClassicGroupState;
  readonly protocolType: string;
  readonly protocolData: string;
  readonly members: readonly DescribedMember[];
}

export interface ListGroupsQuery {
  readonly statesFilter: readonly string[];
  readonly typesFilter: readonly string[];
}

export interface ListGroupsResult {
  readonly errorCode: ErrorCode;
  readonly groups: ReadonlyArray<{
    readonly groupId: string;
    readonly protocolType: string;
    readonly groupState: ClassicGroupState | ConsumerGroupState;
    readonly groupType: 'classic' | 'consumer';
  }>;
}

/** Topic partitions with the topic's name, as ConsumerGroupDescribe answers them (KC-50). */
export interface NamedTopicPartitions {
  readonly topicId: string;
  readonly topicName: string;
  readonly partitions: readonly number[];
}

/** KC-50: one group as ConsumerGroupDescribe answers it. */
export interface DescribedConsumerGroup {
  readonly errorCode: ErrorCode;
  readonly errorMessage: string | null;
  readonly groupId: string;
  readonly groupState: string;
  readonly groupEpoch: number;
  readonly assignmentEpoch: number;
  readonly assignorName: string;
  readonly members: ReadonlyArray<{
    readonly memberId: string;
    readonly instanceId: string | null;
    readonly rackId: string | null;
    readonly memberEpoch: number;
    readonly clientId: string;
    readonly clientHost: string;
    readonly subscribedTopicNames: readonly string[];
    readonly subscribedTopicRegex: string | null;
    readonly assignment: readonly NamedTopicPartitions[];
    readonly targetAssignment: readonly NamedTopicPartitions[];
  }>;
}

export type { ConsumerHeartbeatCommand, ConsumerHeartbeatResult } from '../../domain/group/consumer/heartbeat-command';

export interface DeleteGroupsResult {
  readonly results: ReadonlyArray<{ readonly groupId: string; readonly errorCode: ErrorCode }>;
}
