import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../error-code';
import type { GroupEvent } from './events';
import type { Group } from './groups-state';
import { validateIdentity } from './member-identity';

export interface TxnOffsetCommitIdentity {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  /** −1 when absent (v0–2, or an admin-style commit). */
  readonly generationId: number;
}

/**
 * TO-2 (KIP-447): a TxnOffsetCommit against the group. A missing group is accepted only without a
 * generation (it becomes a simple group when the offsets commit); a classic group checks member,
 * instance and generation but not REBALANCE_IN_PROGRESS; a KIP-848 group checks the member epoch,
 * a stale one answering ILLEGAL_GENERATION.
 */
export const validateTxnOffsetCommit = (group: Group | undefined, cmd: TxnOffsetCommitIdentity): E.Either<KafkaError, void> => {
  if (group === undefined) return cmd.generationId < 0 ? E.right(undefined) : E.left(kafkaError(ErrorCode.ILLEGAL_GENERATION));
  if (group.kind === 'consumer') {
    if (cmd.generationId < 0 && group.members.size === 0) return E.right(undefined);
    const member = group.members.get(cmd.memberId);
    if (member === undefined) return E.left(kafkaError(ErrorCode.UNKNOWN_MEMBER_ID));
    return member.memberEpoch === cmd.generationId ? E.right(undefined) : E.left(kafkaError(ErrorCode.ILLEGAL_GENERATION));
  }
  if (group.state === 'Dead') return E.left(kafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
  if (cmd.generationId < 0 && group.state === 'Empty') return E.right(undefined);
  if (cmd.generationId >= 0 || cmd.memberId !== '' || cmd.groupInstanceId !== null) {
    const identity = validateIdentity(group, cmd.memberId, cmd.groupInstanceId);
    if (E.isLeft(identity)) return E.left(identity.left);
    if (cmd.generationId !== group.generation) return E.left(kafkaError(ErrorCode.ILLEGAL_GENERATION));
  }
  return E.right(undefined);
};

/** TO-5: a committed transaction's offsets become ordinary committed offsets. */
export const materializedOffsetEvents = (
  offsets: ReadonlyArray<{ groupId: string; topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string; commitTimestamp: number }>,
): GroupEvent[] =>
  offsets.map((o) => ({
    type: 'OffsetCommitted',
    groupId: o.groupId,
    topic: o.topic,
    partition: o.partition,
    offset: o.offset,
    leaderEpoch: o.leaderEpoch,
    metadata: o.metadata,
    commitTimestamp: o.commitTimestamp,
    expireTimestamp: null,
  }));
