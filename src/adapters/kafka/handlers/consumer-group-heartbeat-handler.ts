import type { GroupRequests } from '../../../application/group-requests';
import { normalize } from '../../../domain/group/consumer/assignment';
import type { ConsumerGroupHeartbeatRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/**
 * ConsumerGroupHeartbeat v0–v1 (KIP-848, KC-10…KC-32). v1 adds SubscribedTopicRegex and, with
 * KIP-1082, requires the client to generate its member id; librdkafka 2.12 sends only v1.
 */
export const consumerGroupHeartbeatHandler = (coordinator: GroupRequests): ApiHandler => ({
  apiKey: API_KEY.ConsumerGroupHeartbeat,
  minVersion: 0,
  maxVersion: 1,
  async handle(request: ConsumerGroupHeartbeatRequest, ctx) {
    const version = ctx.header.apiVersion;
    const result = await coordinator.consumerGroupHeartbeat({
      groupId: request.groupId,
      memberId: request.memberId,
      memberEpoch: request.memberEpoch,
      instanceId: request.instanceId,
      rackId: request.rackId,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      subscribedTopicNames: request.subscribedTopicNames,
      subscribedTopicRegex: version >= 1 ? request.subscribedTopicRegex : null,
      serverAssignor: request.serverAssignor,
      topicPartitions: request.topicPartitions === null ? null : normalize(request.topicPartitions),
      apiVersion: version,
      clientId: ctx.clientId,
      clientHost: ctx.clientHost,
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      errorMessage: result.errorMessage,
      memberId: result.memberId,
      memberEpoch: result.memberEpoch,
      heartbeatIntervalMs: result.heartbeatIntervalMs,
      assignment: result.assignment === null ? null : { topicPartitions: result.assignment.map((t) => ({ topicId: t.topicId, partitions: [...t.partitions] })) },
    };
  },
});
