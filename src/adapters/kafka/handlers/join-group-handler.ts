import type { GroupRequests } from '../../../application/group-requests';
import type { JoinGroupRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';
import { subscriptionTopics } from './consumer-subscription-topics';

/** JoinGroup v0–v9 (CG-20…CG-34): v0 has no rebalance timeout (CG-3); v7+ carries protocolType; v9 skipAssignment (KIP-814). */
export const joinGroupHandler = (coordinator: GroupRequests): ApiHandler => ({
  apiKey: API_KEY.JoinGroup,
  minVersion: 0,
  maxVersion: 9,
  async handle(request: JoinGroupRequest, ctx) {
    const version = ctx.header.apiVersion;
    const result = await coordinator.joinGroup({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocols: request.protocols.map((p) => ({
        name: p.name,
        // An exact-size copy: a view would pin the request's frame (or an 8 KiB Buffer pool slab)
        // for as long as the member lives (benchmarks.md C5: ~1 KB per member).
        metadata: new Uint8Array(p.metadata),
        topics: subscriptionTopics(request.protocolType, p.metadata),
      })),
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: version === 0 ? null : request.rebalanceTimeoutMs,
      apiVersion: version,
      clientId: ctx.clientId,
      clientHost: ctx.clientHost,
      reason: request.reason,
    });
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolType: result.protocolType,
      // CG-34: v7+ encodes an absent protocol name as null, v0–v6 as "".
      protocolName: version >= 7 ? result.protocolName : (result.protocolName ?? ''),
      leader: result.leader,
      skipAssignment: result.skipAssignment,
      memberId: result.memberId,
      members: result.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: Buffer.from(m.metadata) })),
    };
  },
});
