import { ErrorCode } from '../../../domain/error-code';
import type { TransactionCoordinator } from '../../../application/transaction/transaction-coordinator';
import type { TopicService } from '../../../application/topic-service';
import type { AddOffsetsToTxnRequest, AddPartitionsToTxnRequest, EndTxnRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** KIP-588 (TX-61): before v2 the coordinator APIs answer a fenced producer with INVALID_PRODUCER_EPOCH. */
const fencedFor = (code: ErrorCode, version: number, fencedSince: number): ErrorCode =>
  code === ErrorCode.PRODUCER_FENCED && version < fencedSince ? ErrorCode.INVALID_PRODUCER_EPOCH : code;

type Topics = ReadonlyArray<{ name: string; partitions: number[] }>;

const perPartition = (topics: Topics, codeOf: (topic: string, partition: number) => number) =>
  topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: codeOf(t.name, p) })) }));

/**
 * AddPartitionsToTxn v0–v5 (TX-50, TX-51, TX-54). v0–3 are the clients' versions: unknown partitions
 * fail with UNKNOWN_TOPIC_OR_PARTITION and every other one with OPERATION_NOT_ATTEMPTED, nothing
 * added. v4+ (KIP-890, broker to broker) batches transactions and may only verify (`VerifyOnly`).
 */
export const addPartitionsToTxnHandler = (txns: TransactionCoordinator, topics: TopicService): ApiHandler => {
  const addOne = async (txnId: string, producerId: bigint, producerEpoch: number, requested: Topics, version: number) => {
    const unknown = new Set<string>();
    for (const t of requested) for (const p of t.partitions) if (topics.partitionLog(t.name, p) === undefined) unknown.add(`${t.name}/${p}`);
    if (unknown.size > 0) {
      return perPartition(requested, (t, p) => (unknown.has(`${t}/${p}`) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED));
    }
    const partitions = requested.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
    const code = fencedFor(await txns.addPartitions({ txnId, producerId, producerEpoch }, partitions), version, 2);
    return perPartition(requested, () => code);
  };
  const verifyOne = (txnId: string, producerId: bigint, producerEpoch: number, requested: Topics) => {
    const t = txns.txn(txnId);
    const whole =
      t === undefined || t.producerId !== producerId ? ErrorCode.INVALID_PRODUCER_ID_MAPPING
        : t.producerEpoch !== producerEpoch ? ErrorCode.PRODUCER_FENCED
          : t.state === 'PrepareCommit' || t.state === 'PrepareAbort' ? ErrorCode.CONCURRENT_TRANSACTIONS
            : null;
    return perPartition(requested, (topic, partition) =>
      whole ?? (t!.state === 'Ongoing' && t!.partitions.some((q) => q.topic === topic && q.partition === partition) ? ErrorCode.NONE : ErrorCode.TRANSACTION_ABORTABLE));
  };
  return {
    apiKey: API_KEY.AddPartitionsToTxn,
    minVersion: 0,
    maxVersion: 5,
    async handle(request: AddPartitionsToTxnRequest, ctx) {
      const version = ctx.header.apiVersion;
      if (version <= 3) {
        const requested = request.v3AndBelowTopics;
        if (request.v3AndBelowTransactionalId === null) return { throttleTimeMs: 0, errorCode: 0, resultsByTransaction: [], resultsByTopicV3AndBelow: perPartition(requested, () => ErrorCode.INVALID_REQUEST) };
        const results = await addOne(request.v3AndBelowTransactionalId, request.v3AndBelowProducerId, request.v3AndBelowProducerEpoch, requested, version);
        return { throttleTimeMs: 0, errorCode: 0, resultsByTransaction: [], resultsByTopicV3AndBelow: results };
      }
      const resultsByTransaction = [];
      for (const tx of request.transactions) {
        const topicResults = tx.verifyOnly
          ? verifyOne(tx.transactionalId, tx.producerId, tx.producerEpoch, tx.topics)
          : await addOne(tx.transactionalId, tx.producerId, tx.producerEpoch, tx.topics, version);
        resultsByTransaction.push({ transactionalId: tx.transactionalId, topicResults });
      }
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction, resultsByTopicV3AndBelow: [] };
    },
  };
};

/** AddOffsetsToTxn v0–v4 (TX-53): the group's offsets shard joins the transaction. */
export const addOffsetsToTxnHandler = (txns: TransactionCoordinator): ApiHandler => ({
  apiKey: API_KEY.AddOffsetsToTxn,
  minVersion: 0,
  maxVersion: 4,
  async handle(request: AddOffsetsToTxnRequest, ctx) {
    const code = await txns.addOffsets({ txnId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch }, request.groupId);
    return { throttleTimeMs: 0, errorCode: fencedFor(code, ctx.header.apiVersion, 2) };
  },
});

/**
 * EndTxn v0–v4 (TX-55…TX-58): answered once PrepareCommit/PrepareAbort is durable; the markers
 * follow. v5 (KIP-890 part 2, an epoch bump per transaction) is not served (TX-3).
 */
export const endTxnHandler = (txns: TransactionCoordinator): ApiHandler => ({
  apiKey: API_KEY.EndTxn,
  minVersion: 0,
  maxVersion: 4,
  async handle(request: EndTxnRequest, ctx) {
    const code = await txns.endTxn({ txnId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch }, request.committed);
    return { throttleTimeMs: 0, errorCode: fencedFor(code, ctx.header.apiVersion, 2), producerId: -1n, producerEpoch: -1 };
  },
});
