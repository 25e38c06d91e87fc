import { ErrorCode } from '../../../domain/error-code';
import type { TopicService } from '../../../application/topic-service';
import { AppendNotifier } from '../../../application/append-notifier';
import { OffsetOutOfRange } from '../../../ports/partition-log';
import type { FetchRequest } from '../protocol';
import { API_KEY, ZERO_UUID } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

const EMPTY = Buffer.alloc(0);

interface Wanted {
  readonly name: string | null;
  readonly topicId: string;
  readonly partitions: FetchRequest['topics'][number]['partitions'];
}

/**
 * Fetch v4–v17, sessionless: a request that asks for a new session (id 0, epoch 0) is answered with
 * session id 0, which clients treat as "no session, send full requests" (KIP-227). Long polling:
 * when less than min_bytes is available the request waits until an append to one of its partitions
 * wakes it (AppendNotifier) or max_wait_ms passes — no polling timers.
 * v0–v3 are not advertised: they need magic 0/1 message sets, and this broker stores magic 2 only.
 */
export const fetchHandler = (topics: TopicService, notifier: AppendNotifier): ApiHandler => ({
  apiKey: API_KEY.Fetch,
  minVersion: 4,
  maxVersion: 17,
  async handle(request: FetchRequest, ctx) {
    const version = ctx.header.apiVersion;
    if (version >= 7 && request.sessionId !== 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
    }
    const wanted: Wanted[] = request.topics.map((t) => {
      if (version >= 13) {
        const view = topics.getById(t.topicId);
        return { name: view?.name ?? null, topicId: t.topicId, partitions: t.partitions };
      }
      return { name: t.topic, topicId: topics.get(t.topic)?.topicId ?? ZERO_UUID, partitions: t.partitions };
    });

    const collect = async () => {
      let bytes = 0;
      let errors = 0;
      const responses = [];
      for (const t of wanted) {
        const partitions = [];
        for (const p of t.partitions) {
          const base = {
            partitionIndex: p.partition, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n,
            abortedTransactions: null, preferredReadReplica: -1, records: EMPTY,
          };
          const pending = t.name === null ? undefined : topics.partitionLog(t.name, p.partition);
          if (pending === undefined) {
            errors++;
            partitions.push({ ...base, errorCode: version >= 13 && t.name === null ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
            continue;
          }
          const log = await pending;
          const hw = log.logEndOffset();
          const start = log.logStartOffset();
          const info = { ...base, highWatermark: hw, lastStableOffset: hw, logStartOffset: start };
          if (p.fetchOffset === hw) {
            partitions.push({ ...info, errorCode: ErrorCode.NONE });
            continue;
          }
          try {
            const budget = Math.max(0, Math.min(p.partitionMaxBytes, request.maxBytes - bytes));
            // KIP-74: the first non-empty partition returns at least one whole batch.
            const records = await log.read(p.fetchOffset, bytes === 0 ? Math.max(budget, 1) : budget);
            const kept = bytes > 0 && records.length > budget ? EMPTY : records;
            bytes += kept.length;
            partitions.push({ ...info, errorCode: ErrorCode.NONE, records: kept });
          } catch (err) {
            if (!(err instanceof OffsetOutOfRange)) throw err;
            errors++;
            partitions.push({ ...info, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
          }
        }
        responses.push({ topic: t.name ?? '', topicId: t.topicId, partitions });
      }
      return { responses, bytes, errors };
    };

    let result = await collect();
    const deadline = Date.now() + request.maxWaitMs;
    const keys = wanted.flatMap((t) => (t.name === null ? [] : t.partitions.map((p) => AppendNotifier.key(t.name!, p.partition))));
    while (result.bytes < request.minBytes && result.errors === 0 && Date.now() < deadline && keys.length > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
        const unsubscribe = notifier.subscribe(keys, done);
        function done() {
          clearTimeout(timer);
          unsubscribe();
          resolve();
        }
      });
      result = await collect();
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: result.responses };
  },
});
