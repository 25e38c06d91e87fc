import { ErrorCode } from '../../../domain/error-code';
import type { TopicService } from '../../../application/topic-service';
import { AppendNotifier } from '../../../application/append-notifier';
import { OffsetOutOfRange } from '../../../ports/partition-log';
import type { FetchSessionCache } from '../../../application/fetch-sessions';
import type { PartitionWriter } from '../../../application/partition-writer';
import { summarizeBatches } from '../../../domain/producer/batch-summary';
import type { FetchRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';
import { fetchContextOf, finishSessionResponse, wantedTopics } from './fetch-session-glue';

const EMPTY = Buffer.alloc(0);
const READ_COMMITTED = 1;

/** The whole batches of `records` that start below `bound` (MK-20: read_committed stops at the LSO). */
const cutAt = (records: Buffer, bound: bigint): Buffer => {
  let size = 0;
  for (const b of summarizeBatches(records)) {
    if (b.baseOffset >= bound) break;
    size += b.size;
  }
  return size === records.length ? records : records.subarray(0, size);
};

/** Where the returned data ends: the offset after its last batch, or `fallback` when none. */
const endOf = (records: Buffer, fallback: bigint): bigint => {
  const all = summarizeBatches(records);
  return all.length === 0 ? fallback : all[all.length - 1]!.lastOffset + 1n;
};

/**
 * Fetch v4–v17 with KIP-227 incremental fetch sessions (v7+, fetch-sessions.ts): a full request
 * (epoch 0) opens a session, an incremental one names only the partitions that changed and gets
 * only the partitions with news; without `sessions` every request is sessionless. Long polling:
 * when less than min_bytes is available the request waits until an append to one of its partitions
 * wakes it (AppendNotifier) or max_wait_ms passes — no polling timers.
 * v0–v3 are not advertised: they need magic 0/1 message sets, and this broker stores magic 2 only.
 * Every answer carries the last stable offset (MK-11); isolation_level=1 (read_committed) reads up to
 * it and gets the aborted transactions of the returned range (MK-20); nothing is filtered (MK-21).
 */
export const fetchHandler = (
  topics: TopicService,
  notifier: AppendNotifier,
  sessions: FetchSessionCache | null = null,
  txnState: PartitionWriter | null = null,
): ApiHandler => ({
  apiKey: API_KEY.Fetch,
  minVersion: 4,
  maxVersion: 17,
  async handle(request: FetchRequest, ctx) {
    const version = ctx.header.apiVersion;
    const context = fetchContextOf(request, version, topics, sessions);
    if (context.kind === 'error') return { throttleTimeMs: 0, errorCode: context.errorCode, sessionId: 0, responses: [] };
    const wanted = wantedTopics(context.partitions);

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
          const lso = txnState === null ? hw : await txnState.lastStableOffset(t.name!, p.partition, log);
          const committed = request.isolationLevel === READ_COMMITTED;
          const bound = committed ? lso : hw;
          const info = { ...base, highWatermark: hw, lastStableOffset: lso, logStartOffset: start, abortedTransactions: committed ? [] : null };
          if (p.fetchOffset === hw || (committed && p.fetchOffset >= bound && p.fetchOffset <= hw)) {
            partitions.push({ ...info, errorCode: ErrorCode.NONE });
            continue;
          }
          try {
            const budget = Math.max(0, Math.min(p.partitionMaxBytes, request.maxBytes - bytes));
            // KIP-74: the first non-empty partition returns at least one whole batch.
            const read = await log.read(p.fetchOffset, bytes === 0 ? Math.max(budget, 1) : budget);
            const records = bound < hw ? cutAt(read, bound) : read;
            const kept = bytes > 0 && records.length > budget ? EMPTY : records;
            bytes += kept.length;
            const aborted = committed && txnState !== null && kept.length > 0
              ? (await txnState.abortedTransactions(t.name!, p.partition, log, p.fetchOffset, endOf(kept, bound))).map((a) => ({ producerId: a.producerId, firstOffset: a.firstOffset }))
              : info.abortedTransactions;
            partitions.push({ ...info, abortedTransactions: aborted, errorCode: ErrorCode.NONE, records: kept });
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
    const shaped = finishSessionResponse(context, sessions, result.responses, version >= 13);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: shaped.sessionId, responses: shaped.responses };
  },
});
