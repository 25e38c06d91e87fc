import type { GroupRequests } from '../../../application/group-requests';
import type { HeartbeatRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** Heartbeat v0–v4 (CG-45); answers NONE while the coordinator loads (GEN-2). */
export const heartbeatHandler = (coordinator: GroupRequests): ApiHandler => ({
  apiKey: API_KEY.Heartbeat,
  minVersion: 0,
  maxVersion: 4,
  async handle(request: HeartbeatRequest) {
    const result = await coordinator.heartbeat({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      generationId: request.generationId,
    });
    return { throttleTimeMs: 0, errorCode: result.errorCode };
  },
});
