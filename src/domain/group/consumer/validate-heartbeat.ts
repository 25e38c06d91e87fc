/**
 * KC-10 / KC-11: request validation of ConsumerGroupHeartbeat, in Kafka 4.0's order. Every failure
 * answers INVALID_REQUEST with Kafka's message, except an unknown server assignor
 * (UNSUPPORTED_ASSIGNOR). No state is read.
 */
import { ErrorCode } from '../../error-code';
import { heartbeatError, type ConsumerHeartbeatCommand, type ConsumerHeartbeatResult } from './heartbeat-command';

/** Kafka's throwIfEmptyString: null passes, a string that trims to "" does not. */
const blank = (s: string | null): boolean => s !== null && s.trim() === '';

const invalid = (message: string): ConsumerHeartbeatResult => heartbeatError(ErrorCode.INVALID_REQUEST, message);

/** Null when the request is well formed; otherwise the error answer. */
export const validateConsumerHeartbeat = (cmd: ConsumerHeartbeatCommand, assignors: ReadonlyMap<string, unknown>): ConsumerHeartbeatResult | null => {
  // KIP-1082: from v1 the client generates its member id and sends it from the first heartbeat.
  if ((cmd.apiVersion >= 1 || cmd.memberEpoch > 0 || cmd.memberEpoch === -1) && cmd.memberId.trim() === '') {
    return invalid('MemberId can\'t be empty.');
  }
  if (blank(cmd.groupId)) return invalid('GroupId can\'t be empty.');
  if (blank(cmd.instanceId)) return invalid('InstanceId can\'t be empty.');
  if (blank(cmd.rackId)) return invalid('RackId can\'t be empty.');
  if (cmd.memberEpoch === 0) {
    if (cmd.rebalanceTimeoutMs === -1) return invalid('RebalanceTimeoutMs must be provided in first request.');
    if (cmd.topicPartitions === null || cmd.topicPartitions.length > 0) return invalid('TopicPartitions must be empty when (re-)joining.');
    // An empty list of names (or an empty regex) is allowed: the member is in the group, subscribed to nothing.
    if (cmd.subscribedTopicNames === null && cmd.subscribedTopicRegex === null) {
      return invalid('Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.');
    }
  } else if (cmd.memberEpoch === -2) {
    if (cmd.instanceId === null) return invalid('InstanceId can\'t be null.');
  } else if (cmd.memberEpoch < -2) {
    return invalid('MemberEpoch is invalid.');
  }
  if (cmd.serverAssignor !== null && !assignors.has(cmd.serverAssignor)) {
    return heartbeatError(
      ErrorCode.UNSUPPORTED_ASSIGNOR,
      `ServerAssignor ${cmd.serverAssignor} is not supported. Supported assignors: ${[...assignors.keys()].join(', ')}.`,
    );
  }
  return null;
};
