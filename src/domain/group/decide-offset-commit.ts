import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../error-code';
import type { ClassicGroup } from './classic-group';
import type { GroupEvent } from './events';
import { validateIdentity } from './member-identity';
import type { Group } from './groups-state';
import { validateConsumerOffsetCommit } from './consumer/validate-consumer-offsets';

export interface OffsetCommitPartition {
  readonly partitionIndex: number;
  readonly committedOffset: number;
  /** −1 = absent. */
  readonly committedLeaderEpoch: number;
  readonly committedMetadata: string | null;
  /** v1 only; −1 = use the commit time (OF-6). */
  readonly commitTimestamp: number;
}

export interface OffsetCommitInput {
  readonly groupId: string;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly generationIdOrMemberEpoch: number;
  /** v2–v4; −1 = broker default (OF-6). */
  readonly retentionTimeMs: number;
  readonly apiVersion: number;
  readonly topics: ReadonlyArray<{ readonly name: string; readonly partitions: readonly OffsetCommitPartition[] }>;
}

export interface OffsetCommitDecision {
  readonly events: GroupEvent[];
  /** Error per partition, in request order (OF-7). */
  readonly topics: ReadonlyArray<{
    readonly name: string;
    readonly partitions: ReadonlyArray<{ readonly partitionIndex: number; readonly errorCode: ErrorCode }>;
  }>;
  /** OF-2: the commit creates a simple group. */
  readonly createsSimpleGroup: boolean;
}

/** OF-2 / OF-3: group-level validation of a commit (the error applies to every partition). */
export const validateOffsetCommit = (
  cmd: OffsetCommitInput,
  group: ClassicGroup | undefined,
): E.Either<KafkaError, { createsSimpleGroup: boolean }> => {
  const generation = cmd.generationIdOrMemberEpoch;
  if (group === undefined) {
    if (generation < 0) return E.right({ createsSimpleGroup: true });
    return E.left(kafkaError(cmd.apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION));
  }
  if (group.state === 'Dead') return E.left(kafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
  // Admin / manual-assignment commit: member id and instance id are ignored (TS-53).
  if (generation < 0 && group.state === 'Empty') return E.right({ createsSimpleGroup: false });
  if (generation >= 0 || cmd.memberId !== '' || cmd.groupInstanceId !== null) {
    const identity = validateIdentity(group, cmd.memberId, cmd.groupInstanceId);
    if (E.isLeft(identity)) return identity;
    if (generation !== group.generation) return E.left(kafkaError(ErrorCode.ILLEGAL_GENERATION));
  } else {
    return E.left(kafkaError(ErrorCode.UNKNOWN_MEMBER_ID));
  }
  if (group.state === 'CompletingRebalance') return E.left(kafkaError(ErrorCode.REBALANCE_IN_PROGRESS));
  return E.right({ createsSimpleGroup: false });
};

/**
 * OF-2…OF-7: validate the commit against the group, then one OffsetCommitted per accepted
 * partition; metadata longer than `metadataMaxBytes` fails only its own partition (OF-5).
 */
export const decideOffsetCommit = (
  cmd: OffsetCommitInput,
  group: Group | undefined,
  now: number,
  metadataMaxBytes: number,
): E.Either<KafkaError, OffsetCommitDecision> => {
  // OF-4: a KIP-848 group checks the member epoch instead of the generation.
  const valid =
    group?.kind === 'consumer'
      ? E.map(() => ({ createsSimpleGroup: false }))(validateConsumerOffsetCommit(group, cmd))
      : validateOffsetCommit(cmd, group);
  if (E.isLeft(valid)) return valid;
  const events: GroupEvent[] = [];
  const topics = cmd.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      const metadata = p.committedMetadata ?? '';
      // Kafka compares the string length, not the encoded byte length (OF-5).
      if (metadata.length > metadataMaxBytes) {
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE as ErrorCode };
      }
      events.push({
        type: 'OffsetCommitted',
        groupId: cmd.groupId,
        topic: t.name,
        partition: p.partitionIndex,
        offset: p.committedOffset,
        leaderEpoch: p.committedLeaderEpoch,
        metadata,
        commitTimestamp: p.commitTimestamp !== -1 ? p.commitTimestamp : now,
        expireTimestamp: cmd.retentionTimeMs !== -1 ? now + cmd.retentionTimeMs : null,
      });
      return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE as ErrorCode };
    }),
  }));
  return E.right({ events, topics, createsSimpleGroup: valid.right.createsSimpleGroup });
};
