import { ErrorCode } from '../../../domain/error-code';
import type { TopicService } from '../../../application/topic-service';
import type { OffsetForLeaderEpochRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** The only leader epoch a single node ever has (Metadata reports it for every partition). */
const LEADER_EPOCH = 0;

/**
 * OffsetForLeaderEpoch v0–v4 (KIP-101/320): with one epoch, the end offset of epoch 0 is the log
 * end offset; a newer current epoch than ours is UNKNOWN_LEADER_EPOCH, an older one FENCED_LEADER_EPOCH.
 */
export const offsetForLeaderEpochHandler = (topics: TopicService): ApiHandler => ({
  apiKey: API_KEY.OffsetForLeaderEpoch,
  minVersion: 0,
  maxVersion: 4,
  async handle(request: OffsetForLeaderEpochRequest) {
    const out = [];
    for (const t of request.topics) {
      const partitions = [];
      for (const p of t.partitions) {
        const answer = (errorCode: number, leaderEpoch: number, endOffset: bigint) => ({ errorCode, partition: p.partition, leaderEpoch, endOffset });
        const pending = topics.partitionLog(t.topic, p.partition);
        if (pending === undefined) {
          partitions.push(answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1n));
        } else if (p.currentLeaderEpoch > LEADER_EPOCH) {
          partitions.push(answer(ErrorCode.UNKNOWN_LEADER_EPOCH, -1, -1n));
        } else if (p.currentLeaderEpoch >= 0 && p.currentLeaderEpoch < LEADER_EPOCH) {
          partitions.push(answer(ErrorCode.FENCED_LEADER_EPOCH, -1, -1n));
        } else if (p.leaderEpoch > LEADER_EPOCH || p.leaderEpoch < 0) {
          partitions.push(answer(ErrorCode.NONE, -1, -1n));
        } else {
          partitions.push(answer(ErrorCode.NONE, LEADER_EPOCH, (await pending).logEndOffset()));
        }
      }
      out.push({ topic: t.topic, partitions });
    }
    return { throttleTimeMs: 0, topics: out };
  },
});
