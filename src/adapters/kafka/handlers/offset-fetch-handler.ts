import { ErrorCode } from '../../../domain/error-code';
import type { GroupRequests } from '../../../application/group-requests';
import type { OffsetFetchGroupResult } from '../../../application/group/group-api';
import type { TransactionCoordinator } from '../../../application/transaction/transaction-coordinator';
import type { OffsetFetchRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

const wirePartitions = (g: OffsetFetchGroupResult, copyGroupError: boolean) =>
  g.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({
      partitionIndex: p.partitionIndex,
      committedOffset: BigInt(copyGroupError && g.errorCode !== ErrorCode.NONE ? -1 : p.committedOffset),
      committedLeaderEpoch: p.committedLeaderEpoch,
      metadata: p.metadata,
      // OF-34: v0–v1 have no group-level error field, so it is copied into every partition.
      errorCode: copyGroupError && g.errorCode !== ErrorCode.NONE ? g.errorCode : p.errorCode,
    })),
  }));

/** OF-33 / TO-6: with require_stable, a partition with a pending transactional offset is UNSTABLE_OFFSET_COMMIT. */
const markUnstable = (g: OffsetFetchGroupResult, txns: TransactionCoordinator | null): OffsetFetchGroupResult =>
  txns === null || g.errorCode !== ErrorCode.NONE || !txns.hasPendingOffsets(g.groupId)
    ? g
    : {
        ...g,
        topics: g.topics.map((t) => ({
          ...t,
          partitions: t.partitions.map((p) =>
            txns.hasPendingOffset(g.groupId, t.name, p.partitionIndex) ? { ...p, committedOffset: -1, errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT } : p),
        })),
      };

/** OffsetFetch v0–v9 (OF-30…OF-35): one group up to v7, a list of groups from v8. */
export const offsetFetchHandler = (coordinator: GroupRequests, txns: TransactionCoordinator | null = null): ApiHandler => ({
  apiKey: API_KEY.OffsetFetch,
  minVersion: 0,
  maxVersion: 9,
  async handle(request: OffsetFetchRequest, ctx) {
    const version = ctx.header.apiVersion;
    if (version >= 8) {
      const result = await coordinator.offsetFetch({
        groups: request.groups.map((g) => ({
          groupId: g.groupId,
          topics: g.topics === null ? null : g.topics.map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes })),
          // OF-35: v9 names the fetching KIP-848 member.
          ...(version >= 9 ? { memberId: g.memberId, memberEpoch: g.memberEpoch } : {}),
        })),
        requireStable: request.requireStable,
      });
      return {
        throttleTimeMs: 0,
        groups: result.groups.map((g0) => {
          const g = request.requireStable ? markUnstable(g0, txns) : g0;
          return { groupId: g.groupId, topics: wirePartitions(g, false), errorCode: g.errorCode };
        }),
      };
    }
    // v0–v1 cannot express "all partitions"; an empty list means none there.
    const topics = request.topics === null && version >= 2 ? null : (request.topics ?? []).map((t) => ({ name: t.name, partitionIndexes: t.partitionIndexes }));
    const result = await coordinator.offsetFetch({
      groups: [{ groupId: request.groupId, topics }],
      requireStable: version >= 7 && request.requireStable,
    });
    const g = version >= 7 && request.requireStable ? markUnstable(result.groups[0]!, txns) : result.groups[0]!;
    return { throttleTimeMs: 0, topics: wirePartitions(g, version <= 1), errorCode: g.errorCode };
  },
});
