import * as E from 'fp-ts/Either';
import { ErrorCode } from '../../../domain/error-code';
import type { TopicService } from '../../../application/topic-service';
import type { PartitionWriter } from '../../../application/partition-writer';
import type { TransactionCoordinator } from '../../../application/transaction/transaction-coordinator';
import { validateRecords } from '../record-batch/validate-records';
import { hasKeylessRecord } from '../record-batch/batch-records';
import type { ProduceRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/**
 * Produce v0–v11 (acks 0, 1, -1). v0 is advertised because librdkafka 2.0.2 turns compression off
 * unless it is (KAFKA-18659); v0–v2 bodies carry magic 0/1 message sets, which this broker does not
 * store: they are answered CORRUPT_MESSAGE per partition (see docs/compatibility.md). acks 1 and -1
 * answer after the batch is durable under the fsync policy; acks 0 sends no response.
 * Transactional batches (MK-2) need the request's transactional id (PS-21) and are appended only when
 * the coordinator confirms the partition is in the producer's ongoing transaction (PS-20).
 */
export const produceHandler = (topics: TopicService, writer: PartitionWriter, txns: TransactionCoordinator | null = null): ApiHandler => ({
  apiKey: API_KEY.Produce,
  minVersion: 0,
  maxVersion: 11,
  async handle(request: ProduceRequest, ctx) {
    const version = ctx.header.apiVersion;
    const acksValid = request.acks === 0 || request.acks === 1 || request.acks === -1;
    const responses = await Promise.all(
      request.topicData.map(async (t) => ({
        name: t.name,
        partitionResponses: await Promise.all(
          t.partitionData.map(async (p) => {
            const answer = (errorCode: number, baseOffset = -1n, logStartOffset = -1n, errorMessage: string | null = null) => ({
              index: p.index, errorCode, baseOffset, logAppendTimeMs: -1n, logStartOffset, recordErrors: [], errorMessage,
            });
            if (!acksValid) return answer(ErrorCode.INVALID_REQUIRED_ACKS);
            const pending = topics.partitionLog(t.name, p.index);
            const settings = topics.logSettings(t.name);
            if (pending === undefined || settings === undefined) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            if (p.records === null) return answer(ErrorCode.INVALID_RECORD, -1n, -1n, 'records are null');
            const validated = validateRecords(p.records, { maxMessageBytes: settings.maxMessageBytes, produceVersion: version });
            if (E.isLeft(validated)) return answer(validated.left.code, -1n, -1n, validated.left.message ?? null);
            const v = validated.right;
            if (topics.storageSettings(t.name)?.cleanupCompact === true && hasKeylessRecord(p.records)) {
              // LogValidator.validateKey: a compacted topic keeps the latest record per key, so a record needs one.
              return answer(ErrorCode.INVALID_RECORD, -1n, -1n, `Compacted topic cannot accept message without key in topic partition ${t.name}-${p.index}.`);
            }
            if (v.isTransactional) {
              const txnId = request.transactionalId ?? null;
              if (txnId === null || txns === null) return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, -1n, -1n, 'a transactional batch needs a transactional id');
              const verified = txns.verifyPartition(txnId, v.producerId, v.producerEpoch, t.name, p.index, version);
              if (verified !== ErrorCode.NONE) return answer(verified, -1n, -1n, `partition ${t.name}-${p.index} is not part of the producer's ongoing transaction`);
            }
            // The log takes ownership of the bytes (it rewrites base offsets): copy out of the frame.
            const records = Buffer.from(p.records);
            const result = await writer.append(t.name, p.index, await pending, {
              records,
              recordCount: v.recordCount,
              maxTimestamp: v.maxTimestamp,
              producerId: v.producerId,
              producerEpoch: v.producerEpoch,
              baseSequence: v.baseSequence,
              isTransactional: v.isTransactional,
            });
            if (E.isLeft(result)) return answer(result.left.code, -1n, -1n, result.left.message ?? null);
            return answer(ErrorCode.NONE, result.right.baseOffset, result.right.logStartOffset);
          }),
        ),
      })),
    );
    if (request.acks === 0) return null;
    return { responses, throttleTimeMs: 0 };
  },
});
