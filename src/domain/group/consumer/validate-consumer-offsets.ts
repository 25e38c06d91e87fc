/**
 * OF-4 / OF-35: offset commits and fetches against a KIP-848 group carry the member epoch in
 * place of the generation. Kafka's ConsumerGroup.validateOffsetCommit / validateOffsetFetch.
 */
import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../../error-code';
import { usesClassicProtocol, type ConsumerMember, type ConsumerGroup } from './consumer-group';

/**
 * A member epoch that differs from the member's: STALE_MEMBER_EPOCH (the client retries after its
 * next heartbeat), or ILLEGAL_GENERATION for a classic-protocol member (its epoch is its generation).
 */
const checkEpoch = (received: number, m: ConsumerMember): E.Either<KafkaError, void> =>
  received === m.memberEpoch ? E.right(undefined) : E.left(kafkaError(usesClassicProtocol(m) ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.STALE_MEMBER_EPOCH));

/** OF-4: an admin commit (epoch < 0) needs an Empty group; a member commits at its own epoch with OffsetCommit v9+. */
export const validateConsumerOffsetCommit = (
  group: ConsumerGroup,
  cmd: { readonly memberId: string; readonly generationIdOrMemberEpoch: number; readonly apiVersion: number },
): E.Either<KafkaError, void> => {
  if (cmd.generationIdOrMemberEpoch < 0 && group.members.size === 0) return E.right(undefined);
  const member = group.members.get(cmd.memberId);
  if (member === undefined) return E.left(kafkaError(ErrorCode.UNKNOWN_MEMBER_ID));
  if (cmd.apiVersion < 9 && !usesClassicProtocol(member)) return E.left(kafkaError(ErrorCode.UNSUPPORTED_VERSION));
  return checkEpoch(cmd.generationIdOrMemberEpoch, member);
};

/** OF-35: OffsetFetch v9 names the member; a fetch without one (admin, epoch −1) is always served. */
export const validateConsumerOffsetFetch = (group: ConsumerGroup, memberId: string | null, memberEpoch: number): E.Either<KafkaError, void> => {
  if (memberId === null && memberEpoch < 0) return E.right(undefined);
  const member = memberId === null ? undefined : group.members.get(memberId);
  if (member === undefined) return E.left(kafkaError(ErrorCode.UNKNOWN_MEMBER_ID));
  return checkEpoch(memberEpoch, member);
};
