import type { GroupRequests } from '../../../application/group-requests';
import { AUTHORIZED_OPERATIONS_OMITTED } from '../../../application/broker-identity';
import type { DescribeGroupsRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** GEN-7: READ|DELETE|DESCRIBE|DESCRIBE_CONFIGS|ALTER_CONFIGS without an authorizer. */
const GROUP_OPERATIONS_ALL = 3400;

/** DescribeGroups v0–v5 (CG-70); reads committed state (GEN-6). */
export const describeGroupsHandler = (coordinator: GroupRequests): ApiHandler => ({
  apiKey: API_KEY.DescribeGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request: DescribeGroupsRequest, ctx) {
    const groups = coordinator.describeGroups(request.groups, ctx.header.apiVersion);
    return {
      throttleTimeMs: 0,
      groups: groups.map((g) => ({
        errorCode: g.errorCode,
        errorMessage: g.errorMessage,
        groupId: g.groupId,
        groupState: g.groupState,
        protocolType: g.protocolType,
        protocolData: g.protocolData,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: Buffer.from(m.metadata),
          memberAssignment: Buffer.from(m.assignment),
        })),
        authorizedOperations: request.includeAuthorizedOperations ? GROUP_OPERATIONS_ALL : AUTHORIZED_OPERATIONS_OMITTED,
      })),
    };
  },
});
