import { ErrorCode } from '../../../domain/error-code';
import type { GroupRequests } from '../../../application/group-requests';
import type { TopicCatalog } from '../../../application/topic-catalog';
import type { TransactionCoordinator } from '../../../application/transaction/transaction-coordinator';
import type { OffsetDeleteRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/**
 * OffsetDelete v0 (KIP-496, OF-40/41); unknown topics/partitions are answered here (API layer). The
 * deleted partitions' pending transactional offsets go too (TO-6).
 */
export const offsetDeleteHandler = (coordinator: GroupRequests, topics: TopicCatalog, txns: TransactionCoordinator | null = null): ApiHandler => ({
  apiKey: API_KEY.OffsetDelete,
  minVersion: 0,
  maxVersion: 0,
  async handle(request: OffsetDeleteRequest) {
    const unknown = new Set<string>();
    const known = request.topics
      .map((t) => {
        const topic = topics.get(t.name);
        const partitions = t.partitions.map((p) => p.partitionIndex).filter((p) => {
          const ok = topic !== undefined && p >= 0 && p < topic.partitions;
          if (!ok) unknown.add(`${t.name}/${p}`);
          return ok;
        });
        return { name: t.name, partitions };
      })
      .filter((t) => t.partitions.length > 0);
    const result = await coordinator.offsetDelete({ groupId: request.groupId, topics: known });
    const codes = new Map<string, number>();
    for (const t of result.topics) for (const p of t.partitions) codes.set(`${t.name}/${p.partitionIndex}`, p.errorCode);
    if (result.errorCode === ErrorCode.NONE) {
      const deleted = result.topics.flatMap((t) => t.partitions.filter((p) => p.errorCode === ErrorCode.NONE).map((p) => ({ topic: t.name, partition: p.partitionIndex })));
      if (deleted.length > 0) await txns?.dropPendingOffsets(request.groupId, deleted);
    }
    return {
      errorCode: result.errorCode,
      throttleTimeMs: 0,
      topics: result.errorCode !== ErrorCode.NONE ? [] : request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          const key = `${t.name}/${p.partitionIndex}`;
          return { partitionIndex: p.partitionIndex, errorCode: unknown.has(key) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : (codes.get(key) ?? ErrorCode.NONE) };
        }),
      })),
    };
  },
});
