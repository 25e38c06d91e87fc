import type { GroupRequests } from '../../../application/group-requests';
import type { TransactionCoordinator } from '../../../application/transaction/transaction-coordinator';
import type { DeleteGroupsRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** DeleteGroups v0–v2 (CG-72); a deleted group's pending transactional offsets go too (TO-6). */
export const deleteGroupsHandler = (coordinator: GroupRequests, txns: TransactionCoordinator | null = null): ApiHandler => ({
  apiKey: API_KEY.DeleteGroups,
  minVersion: 0,
  maxVersion: 2,
  async handle(request: DeleteGroupsRequest) {
    const result = await coordinator.deleteGroups(request.groupsNames);
    for (const r of result.results) if (r.errorCode === 0) await txns?.dropPendingOffsets(r.groupId, null);
    return { throttleTimeMs: 0, results: result.results.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode })) };
  },
});
