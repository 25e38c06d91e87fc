import type { GroupRequests } from '../../../application/group-requests';
import type { ListGroupsRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** ListGroups v0–v5 (CG-71): state filter v4+, type filter v5+, both case-insensitive. */
export const listGroupsHandler = (coordinator: GroupRequests): ApiHandler => ({
  apiKey: API_KEY.ListGroups,
  minVersion: 0,
  maxVersion: 5,
  handle(request: ListGroupsRequest, ctx) {
    const version = ctx.header.apiVersion;
    const result = coordinator.listGroups({
      statesFilter: version >= 4 ? request.statesFilter : [],
      typesFilter: version >= 5 ? request.typesFilter : [],
    });
    return { throttleTimeMs: 0, errorCode: result.errorCode, groups: result.groups.map((g) => ({ ...g })) };
  },
});
