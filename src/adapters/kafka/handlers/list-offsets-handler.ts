import { ErrorCode } from '../../../domain/error-code';
import type { TopicService } from '../../../application/topic-service';
import type { PartitionWriter } from '../../../application/partition-writer';
import type { ListOffsetsRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const EARLIEST_PENDING_UPLOAD = -5n;

/**
 * ListOffsets v0–v10: latest (-1), earliest (-2), max timestamp (-3, v7+), earliest local (-4, v8+;
 * no tiered storage, so the log start), earliest pending upload (-5; nothing is uploaded: -1), or
 * the first offset whose timestamp is ≥ the given one. v0 answers with `oldStyleOffsets`.
 * MK-23: with isolation_level=1 (v2+) LATEST is the last stable offset, and lookups at or beyond
 * the bound (LSO, or the high watermark for read_uncommitted) are answered as not found.
 */
export const listOffsetsHandler = (topics: TopicService, txnState: PartitionWriter | null = null): ApiHandler => ({
  apiKey: API_KEY.ListOffsets,
  minVersion: 0,
  maxVersion: 10,
  async handle(request: ListOffsetsRequest, ctx) {
    const version = ctx.header.apiVersion;
    const out = [];
    for (const t of request.topics) {
      const partitions = [];
      for (const p of t.partitions) {
        const answer = (errorCode: number, offset: bigint, timestamp: bigint) => ({
          partitionIndex: p.partitionIndex, errorCode, oldStyleOffsets: version === 0 && offset >= 0n ? [offset] : [],
          timestamp: version === 0 ? -1n : timestamp, offset: version === 0 ? -1n : offset, leaderEpoch: version >= 4 && offset >= 0n ? 0 : -1,
        });
        const pending = topics.partitionLog(t.name, p.partitionIndex);
        if (pending === undefined) {
          partitions.push(answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n, -1n));
          continue;
        }
        const log = await pending;
        const ts = p.timestamp;
        const committed = version >= 2 && request.isolationLevel === 1;
        const bound = committed && txnState !== null ? await txnState.lastStableOffset(t.name, p.partitionIndex, log) : log.logEndOffset();
        const within = (found: { offset: bigint; timestamp: bigint } | null) => (found !== null && found.offset < bound ? found : null);
        if (ts === LATEST) partitions.push(answer(ErrorCode.NONE, bound, -1n));
        else if (ts === EARLIEST || ts === EARLIEST_LOCAL) partitions.push(answer(ErrorCode.NONE, log.logStartOffset(), -1n));
        else if (ts === EARLIEST_PENDING_UPLOAD) partitions.push(answer(ErrorCode.NONE, -1n, -1n));
        else if (ts === MAX_TIMESTAMP) {
          const m = within(await log.maxTimestamp());
          partitions.push(m === null ? answer(ErrorCode.NONE, -1n, -1n) : answer(ErrorCode.NONE, m.offset, m.timestamp));
        } else if (ts < 0n) {
          partitions.push(answer(ErrorCode.INVALID_REQUEST, -1n, -1n));
        } else {
          const found = within(await log.offsetForTimestamp(ts));
          partitions.push(found === null ? answer(ErrorCode.NONE, -1n, -1n) : answer(ErrorCode.NONE, found.offset, found.timestamp));
        }
      }
      out.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics: out };
  },
});
