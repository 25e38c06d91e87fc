import { ErrorCode } from '../../../domain/error-code';
import type { GroupRequests } from '../../../application/group-requests';
import type { SyncGroupRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';
import { assignedPartitionCount } from './consumer-subscription-topics';

/** SyncGroup v0–v5 (CG-40…CG-43); v5+ must name protocol type and name (KIP-559). */
export const syncGroupHandler = (coordinator: GroupRequests): ApiHandler => ({
  apiKey: API_KEY.SyncGroup,
  minVersion: 0,
  maxVersion: 5,
  async handle(request: SyncGroupRequest, ctx) {
    const version = ctx.header.apiVersion;
    if (version >= 5 && (request.protocolType === null || request.protocolName === null)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
    }
    const result = await coordinator.syncGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      generationId: request.generationId,
      protocolType: version >= 5 ? request.protocolType : null,
      protocolName: version >= 5 ? request.protocolName : null,
      // Exact-size copies, not pooled Buffers: each lives as long as its member (C5).
      assignments: request.assignments.map((a) => ({ memberId: a.memberId, assignment: new Uint8Array(a.assignment), partitions: assignedPartitionCount(Buffer.from(a.assignment)) })),
      apiVersion: version,
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      protocolType: result.protocolType,
      protocolName: result.protocolName,
      assignment: Buffer.from(result.assignment.buffer, result.assignment.byteOffset, result.assignment.byteLength),
    };
  },
});
