import { AUTHORIZED_OPERATIONS_OMITTED } from '../../../application/broker-identity';
import type { GroupRequests } from '../../../application/group-requests';
import type { NamedTopicPartitions } from '../../../application/group/group-api';
import type { ConsumerGroupDescribeRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** GEN-7 without an authorizer: READ | DELETE | DESCRIBE | DESCRIBE_CONFIGS | ALTER_CONFIGS. */
const GROUP_OPERATIONS_ALL = 3400;

const wire = (a: readonly NamedTopicPartitions[]) => ({ topicPartitions: a.map((t) => ({ topicId: t.topicId, topicName: t.topicName, partitions: [...t.partitions] })) });

/**
 * ConsumerGroupDescribe v0 (KC-50). Kafka 4.0's v1 (KIP-1099 member type) is not in the protocol
 * definitions the codec is generated from; librdkafka 2.12 sends v0.
 */
export const consumerGroupDescribeHandler = (coordinator: GroupRequests): ApiHandler => ({
  apiKey: API_KEY.ConsumerGroupDescribe,
  minVersion: 0,
  maxVersion: 0,
  handle(request: ConsumerGroupDescribeRequest) {
    const groups = coordinator.describeConsumerGroups(request.groupIds);
    return {
      throttleTimeMs: 0,
      groups: groups.map((g) => ({
        errorCode: g.errorCode,
        errorMessage: g.errorMessage,
        groupId: g.groupId,
        groupState: g.groupState,
        groupEpoch: g.groupEpoch,
        assignmentEpoch: g.assignmentEpoch,
        assignorName: g.assignorName,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          instanceId: m.instanceId,
          rackId: m.rackId,
          memberEpoch: m.memberEpoch,
          clientId: m.clientId,
          clientHost: m.clientHost,
          subscribedTopicNames: [...m.subscribedTopicNames],
          subscribedTopicRegex: m.subscribedTopicRegex,
          assignment: wire(m.assignment),
          targetAssignment: wire(m.targetAssignment),
        })),
        authorizedOperations: request.includeAuthorizedOperations ? GROUP_OPERATIONS_ALL : AUTHORIZED_OPERATIONS_OMITTED,
      })),
    };
  },
});
