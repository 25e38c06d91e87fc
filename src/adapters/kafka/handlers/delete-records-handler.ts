import { ErrorCode } from '../../../domain/error-code';
import type { TopicService } from '../../../application/topic-service';
import { OffsetOutOfRange } from '../../../ports/partition-log';
import type { DeleteRecordsRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** DeleteRecordsRequest.HIGH_WATERMARK: "delete everything up to the high watermark". */
const HIGH_WATERMARK = -1n;

/**
 * DeleteRecords v0–v2 (Kafka's Partition.deleteRecordsOnLeader): raises each partition's log start
 * offset. A topic whose cleanup.policy lacks `delete` gets POLICY_VIOLATION; -1 means the high
 * watermark; another negative offset or one above the high watermark is OFFSET_OUT_OF_RANGE and
 * changes nothing. The answer (low watermark = the new log start) comes once the new start is
 * durable, so a restart never brings the records back. Single node: no replicas to wait for.
 */
export const deleteRecordsHandler = (topics: TopicService): ApiHandler => ({
  apiKey: API_KEY.DeleteRecords,
  minVersion: 0,
  maxVersion: 2,
  async handle(request: DeleteRecordsRequest) {
    const out = [];
    for (const t of request.topics) {
      const partitions = [];
      for (const p of t.partitions) {
        const answer = (errorCode: number, lowWatermark = -1n) => ({ partitionIndex: p.partitionIndex, lowWatermark, errorCode });
        const pending = topics.partitionLog(t.name, p.partitionIndex);
        const settings = topics.storageSettings(t.name);
        if (pending === undefined || settings === undefined) {
          partitions.push(answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
          continue;
        }
        if (!settings.cleanupDelete) {
          partitions.push(answer(ErrorCode.POLICY_VIOLATION));
          continue;
        }
        const log = await pending;
        const offset = p.offset === HIGH_WATERMARK ? log.logEndOffset() : p.offset;
        if (offset < 0n) {
          partitions.push(answer(ErrorCode.OFFSET_OUT_OF_RANGE));
          continue;
        }
        try {
          partitions.push(answer(ErrorCode.NONE, await log.deleteRecordsBefore(offset)));
        } catch (err) {
          if (!(err instanceof OffsetOutOfRange)) partitions.push(answer(ErrorCode.KAFKA_STORAGE_ERROR));
          else partitions.push(answer(ErrorCode.OFFSET_OUT_OF_RANGE));
        }
      }
      out.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics: out };
  },
});
