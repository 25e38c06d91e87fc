import type { GroupRequests } from '../../../application/group-requests';
import type { DeleteGroupsRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** DeleteGroups v0–v2 (CG-72). */
export const deleteGroupsHandler = (coordinator: GroupRequests): ApiHandler => ({
  apiKey: API_KEY.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(request: DeleteGroupsRequest) {
    const result = await coordinator.deleteGroups(request.groupsNames);
    return { throttleTimeMs: 0, results: result.results.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode })) };
  },
});
