import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../error-code';
import type { ClassicGroup } from './classic-group';

/**
 * CG-62 identity validation (Join with a known id, Sync, Heartbeat, Leave, OffsetCommit): an
 * instance id must map to exactly this member id (unknown → UNKNOWN_MEMBER_ID, another id →
 * FENCED_INSTANCE_ID), then the member id must exist.
 */
export const validateIdentity = (
  group: ClassicGroup,
  memberId: string,
  instanceId: string | null,
): E.Either<KafkaError, void> => {
  if (instanceId !== null) {
    const mapped = group.staticMembers.get(instanceId);
    if (mapped === undefined) return E.left(kafkaError(ErrorCode.UNKNOWN_MEMBER_ID));
    if (mapped !== memberId) return E.left(kafkaError(ErrorCode.FENCED_INSTANCE_ID));
  }
  if (!group.members.has(memberId)) return E.left(kafkaError(ErrorCode.UNKNOWN_MEMBER_ID));
  return E.right(undefined);
};
