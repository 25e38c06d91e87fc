import { ErrorCode } from '../../../domain/error-code';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

const EMPTY = Buffer.alloc(0);

interface ProduceRequest {
  acks: number;
  topicData: Array<{ name: string; partitionData: Array<{ index: number }> }>;
}
interface FetchRequest {
  topics: Array<{ topic?: string; topicId?: string; partitions: Array<{ partition: number }> }>;
}

/**
 * Cluster mode (docs/scale-out.md): a broker that does not lead the partitions — in this release,
 * any broker but the controller — answers Produce and Fetch with NOT_LEADER_OR_FOLLOWER per
 * partition, so a client with stale metadata refreshes it instead of writing to the wrong log.
 * Other APIs pass through unchanged.
 */
export const partitionLeaderGuard = (isLeader: () => boolean) => (h: ApiHandler): ApiHandler => {
  if (h.apiKey === API_KEY.Produce) {
    return {
      ...h,
      handle: (request: ProduceRequest, ctx) => {
        if (isLeader()) return h.handle(request, ctx);
        if (request.acks === 0) return null;
        return {
          throttleTimeMs: 0,
          responses: request.topicData.map((t) => ({
            name: t.name,
            partitionResponses: t.partitionData.map((p) => ({
              index: p.index, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: 'this broker does not lead the partition',
            })),
          })),
        };
      },
    };
  }
  if (h.apiKey === API_KEY.Fetch) {
    return {
      ...h,
      handle: (request: FetchRequest, ctx) => {
        if (isLeader()) return h.handle(request, ctx);
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          sessionId: 0,
          responses: request.topics.map((t) => ({
            topic: t.topic ?? '',
            topicId: t.topicId,
            partitions: t.partitions.map((p) => ({
              partitionIndex: p.partition, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n,
              abortedTransactions: null, preferredReadReplica: -1, records: EMPTY,
            })),
          })),
        };
      },
    };
  }
  return h;
};
