import { ErrorCode } from '../../../domain/error-code';
import type { GroupRequests } from '../../../application/group-requests';
import type { TopicCatalog } from '../../../application/topic-catalog';
import type { OffsetCommitRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

type Outcome = { partitionIndex: number; errorCode: number };

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/**
 * OffsetCommit v0–v9. OF-1: partitions of unknown topics are answered UNKNOWN_TOPIC_OR_PARTITION
 * here and never reach the coordinator. Offsets are JS numbers in the domain: one above 2^53 gets
 * INVALID_COMMIT_OFFSET_SIZE (a documented deviation; no client commits such offsets).
 * v0 (ZooKeeper storage in old Kafka) is served like v1 with generation −1 (an admin commit).
 */
export const offsetCommitHandler = (coordinator: GroupRequests, topics: TopicCatalog): ApiHandler => ({
  apiKey: API_KEY.OffsetCommit,
  minVersion: 0,
  maxVersion: 9,
  async handle(request: OffsetCommitRequest, ctx) {
    const version = ctx.header.apiVersion;
    const local = new Map<string, Map<number, number>>();
    const forward: { name: string; partitions: { partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null; commitTimestamp: number }[] }[] = [];
    for (const t of request.topics) {
      const topic = topics.get(t.name);
      const mine = new Map<number, number>();
      const pass = [];
      for (const p of t.partitions) {
        if (topic === undefined || p.partitionIndex < 0 || p.partitionIndex >= topic.partitions) {
          mine.set(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        } else if (p.committedOffset > MAX_SAFE || p.committedOffset < MIN_SAFE) {
          mine.set(p.partitionIndex, ErrorCode.INVALID_COMMIT_OFFSET_SIZE);
        } else {
          pass.push({
            partitionIndex: p.partitionIndex,
            committedOffset: Number(p.committedOffset),
            committedLeaderEpoch: version >= 6 ? p.committedLeaderEpoch : -1,
            committedMetadata: p.committedMetadata,
            commitTimestamp: version === 1 ? Number(p.commitTimestamp) : -1,
          });
        }
      }
      local.set(t.name, mine);
      if (pass.length > 0) forward.push({ name: t.name, partitions: pass });
    }
    const fromCoordinator = new Map<string, Map<number, number>>();
    if (forward.length > 0) {
      const result = await coordinator.offsetCommit({
        groupId: request.groupId,
        memberId: version >= 1 ? request.memberId : '',
        groupInstanceId: version >= 7 ? request.groupInstanceId : null,
        generationIdOrMemberEpoch: version >= 1 ? request.generationIdOrMemberEpoch : -1,
        retentionTimeMs: version >= 2 && version <= 4 ? Number(request.retentionTimeMs) : -1,
        apiVersion: version,
        topics: forward,
      });
      for (const t of result.topics) {
        const m = fromCoordinator.get(t.name) ?? new Map<number, number>();
        for (const p of t.partitions) m.set(p.partitionIndex, p.errorCode);
        fromCoordinator.set(t.name, m);
      }
    }
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p): Outcome => ({
          partitionIndex: p.partitionIndex,
          errorCode: local.get(t.name)?.get(p.partitionIndex) ?? fromCoordinator.get(t.name)?.get(p.partitionIndex) ?? ErrorCode.UNKNOWN_SERVER_ERROR,
        })),
      })),
    };
  },
});
