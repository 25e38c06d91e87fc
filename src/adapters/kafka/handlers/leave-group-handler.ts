import type { GroupRequests } from '../../../application/group-requests';
import type { LeaveGroupRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** LeaveGroup v0–v5 (CG-52/53): v0–v2 carry one member id, v3+ a batch with instance ids. */
export const leaveGroupHandler = (coordinator: GroupRequests): ApiHandler => ({
  apiKey: API_KEY.LeaveGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request: LeaveGroupRequest, ctx) {
    const version = ctx.header.apiVersion;
    const members =
      version >= 3
        ? request.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, reason: m.reason }))
        : [{ memberId: request.memberId, groupInstanceId: null }];
    const result = await coordinator.leaveGroup({ groupId: request.groupId, members, apiVersion: version });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      members: version >= 3 ? result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: m.errorCode })) : [],
    };
  },
});
