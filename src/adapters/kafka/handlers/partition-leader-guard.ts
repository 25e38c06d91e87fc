import { ErrorCode } from '../../../domain/error-code';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

const EMPTY = Buffer.alloc(0);
const NOT_LEADER = ErrorCode.NOT_LEADER_OR_FOLLOWER;

/** Whether this broker leads a partition; `topicOf` names a Fetch v13+ topic id (undefined: unknown, left to the handler). */
export interface PartitionLeadership {
  leads(topic: string, partition: number): boolean;
  topicOf(topicId: string): string | undefined;
}

interface ProduceRequest {
  acks: number;
  topicData: Array<{ name: string; partitionData: Array<{ index: number }> }>;
}
interface ProduceResponse {
  responses: Array<{ name: string; partitionResponses: unknown[] }>;
}
interface FetchRequest {
  topics: Array<{ topic?: string; topicId?: string; partitions: Array<{ partition: number }> }>;
}
interface FetchResponse {
  responses: Array<{ topic: string; topicId?: string; partitions: unknown[] }>;
}
interface ListOffsetsRequest {
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number }> }>;
}
interface ListOffsetsResponse {
  topics: Array<{ name: string; partitions: unknown[] }>;
}

/**
 * Splits `topics` into what this broker leads (handed to the handler) and what it does not
 * (answered NOT_LEADER_OR_FOLLOWER); `refused` is null when it leads everything.
 */
const split = <T extends { partitions: unknown[] }>(
  topics: T[],
  leads: (t: T, p: T['partitions'][number]) => boolean,
): { mine: T[]; refused: Array<{ topic: T; partitions: Array<T['partitions'][number]> }> | null } => {
  const mine: T[] = [];
  const refused: Array<{ topic: T; partitions: Array<T['partitions'][number]> }> = [];
  for (const t of topics) {
    const led = t.partitions.filter((p) => leads(t, p));
    const not = t.partitions.filter((p) => !leads(t, p));
    if (led.length > 0) mine.push({ ...t, partitions: led });
    if (not.length > 0) refused.push({ topic: t, partitions: not });
  }
  return { mine, refused: refused.length === 0 ? null : refused };
};

/** Adds the refused partitions to the handler's answer, under the same topic entry when it has one. */
const merge = <R>(answered: R[], refused: R[], same: (a: R, b: R) => boolean, add: (into: R, from: R) => void): R[] => {
  const out = [...answered];
  for (const r of refused) {
    const existing = out.find((a) => same(a, r));
    if (existing === undefined) out.push(r);
    else add(existing, r);
  }
  return out;
};

/**
 * Cluster mode (docs/scale-out.md): Produce, Fetch and ListOffsets are served only for the
 * partitions this broker leads (with partitions on JetStream: the holder of the partition's lease;
 * otherwise the controller). Every other partition is answered NOT_LEADER_OR_FOLLOWER, so a client
 * with stale metadata refreshes it instead of reading or writing the wrong log; a request mixing
 * both gets both. Other APIs pass through unchanged.
 */
export const partitionLeaderGuard = (leadership: PartitionLeadership) => (h: ApiHandler): ApiHandler => {
  if (h.apiKey === API_KEY.Produce) {
    return {
      ...h,
      handle: async (request: ProduceRequest, ctx) => {
        const topics = request.topicData.map((t) => ({ ...t, partitions: t.partitionData }));
        const { mine, refused } = split(topics, (t, p) => leadership.leads(t.name, p.index));
        if (refused === null) return h.handle(request, ctx);
        const inner = mine.length === 0 ? null : ((await h.handle({ ...request, topicData: mine.map(({ partitions, ...t }) => ({ ...t, partitionData: partitions })) }, ctx)) as ProduceResponse | null);
        if (request.acks === 0) return null;
        const refusedResponses = refused.map(({ topic, partitions }) => ({
          name: topic.name,
          partitionResponses: partitions.map((p) => ({
            index: p.index, errorCode: NOT_LEADER, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n, recordErrors: [], errorMessage: 'this broker does not lead the partition',
          })),
        }));
        const responses = merge(inner?.responses ?? [], refusedResponses, (a, b) => a.name === b.name, (into, from) => into.partitionResponses.push(...from.partitionResponses));
        return { throttleTimeMs: 0, ...(inner ?? {}), responses };
      },
    };
  }
  if (h.apiKey === API_KEY.Fetch) {
    return {
      ...h,
      handle: async (request: FetchRequest, ctx) => {
        const nameOf = (t: FetchRequest['topics'][number]): string | undefined => (t.topic !== undefined && t.topic !== null && t.topic !== '' ? t.topic : t.topicId !== undefined ? leadership.topicOf(t.topicId) : undefined);
        const { mine, refused } = split(request.topics, (t, p) => {
          const name = nameOf(t);
          return name === undefined || leadership.leads(name, p.partition);
        });
        if (refused === null) return h.handle(request, ctx);
        // Nothing led here: answer at once rather than long-poll for the handler's max wait.
        const inner = mine.length === 0 ? null : ((await h.handle({ ...request, topics: mine }, ctx)) as FetchResponse | null);
        const refusedResponses = refused.map(({ topic, partitions }) => ({
          topic: topic.topic ?? '',
          topicId: topic.topicId,
          partitions: partitions.map((p) => ({
            partitionIndex: p.partition, errorCode: NOT_LEADER, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n,
            abortedTransactions: null, preferredReadReplica: -1, records: EMPTY,
          })),
        }));
        const same = (a: FetchResponse['responses'][number], b: FetchResponse['responses'][number]): boolean =>
          (a.topicId !== undefined && b.topicId !== undefined && a.topicId === b.topicId && a.topicId !== '') || (a.topic !== '' && a.topic === b.topic);
        const responses = merge(inner?.responses ?? [], refusedResponses, same, (into, from) => into.partitions.push(...from.partitions));
        return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, ...(inner ?? {}), responses };
      },
    };
  }
  if (h.apiKey === API_KEY.ListOffsets) {
    return {
      ...h,
      handle: async (request: ListOffsetsRequest, ctx) => {
        const { mine, refused } = split(request.topics, (t, p) => leadership.leads(t.name, p.partitionIndex));
        if (refused === null) return h.handle(request, ctx);
        const inner = mine.length === 0 ? null : ((await h.handle({ ...request, topics: mine }, ctx)) as ListOffsetsResponse | null);
        const refusedTopics = refused.map(({ topic, partitions }) => ({
          name: topic.name,
          partitions: partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: NOT_LEADER, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 })),
        }));
        const topics = merge(inner?.topics ?? [], refusedTopics, (a, b) => a.name === b.name, (into, from) => into.partitions.push(...from.partitions));
        return { throttleTimeMs: 0, ...(inner ?? {}), topics };
      },
    };
  }
  return h;
};
