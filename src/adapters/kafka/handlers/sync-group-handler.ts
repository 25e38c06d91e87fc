import { ErrorCode } from '../../../domain/error-code';
import type { GroupRequests } from '../../../application/group-requests';
import type { SyncGroupRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';
import { assignedPartitionCount } from './consumer-subscription-topics';

/**
 * The leader's assignments copied out of the request frame, not pooled Buffers or views of the frame:
 * each lives as long as its member (C5). One exact-size slab holds them all, each member's assignment a
 * view into it: the generation's assignments live and die together (the next sync replaces them all),
 * and a slab costs one ArrayBuffer per group instead of one per member (issue 14: ~90 B per member).
 */
const copyAssignments = (assignments: SyncGroupRequest['assignments']): Array<{ memberId: string; assignment: Uint8Array; partitions: number | null }> => {
  let total = 0;
  for (const a of assignments) total += a.assignment.length;
  const slab = new Uint8Array(total);
  let at = 0;
  return assignments.map((a) => {
    slab.set(a.assignment, at);
    const assignment = slab.subarray(at, at + a.assignment.length);
    at += a.assignment.length;
    return { memberId: a.memberId, assignment, partitions: assignedPartitionCount(Buffer.from(a.assignment)) };
  });
};

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
      assignments: copyAssignments(request.assignments),
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
