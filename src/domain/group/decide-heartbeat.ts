import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../error-code';
import type { ClassicGroup } from './classic-group';
import { validateIdentity } from './member-identity';

/**
 * CG-45: a heartbeat's answer. Left = reject without touching the session; Right = re-arm the
 * member's session timer and answer with that code (REBALANCE_IN_PROGRESS tells it to rejoin).
 */
export const decideHeartbeat = (
  cmd: { readonly memberId: string; readonly groupInstanceId: string | null; readonly generationId: number },
  group: ClassicGroup | undefined,
): E.Either<KafkaError, ErrorCode> => {
  if (group === undefined) return E.left(kafkaError(ErrorCode.UNKNOWN_MEMBER_ID));
  if (group.state === 'Dead') return E.left(kafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
  // Plain early returns rather than an E.chain pipeline: this runs for every heartbeat of every
  // member (benchmarks.md C3), where fp-ts's dual-arity wrappers cost several per cent of the loop.
  const identity = validateIdentity(group, cmd.memberId, cmd.groupInstanceId);
  if (E.isLeft(identity)) return identity;
  if (cmd.generationId !== group.generation) return E.left(kafkaError(ErrorCode.ILLEGAL_GENERATION));
  switch (group.state) {
    case 'Empty':
      return E.left(kafkaError(ErrorCode.UNKNOWN_MEMBER_ID));
    case 'PreparingRebalance':
      return E.right(ErrorCode.REBALANCE_IN_PROGRESS);
    default:
      return E.right(ErrorCode.NONE);
  }
};
