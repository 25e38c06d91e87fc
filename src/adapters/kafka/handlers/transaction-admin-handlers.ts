import { ErrorCode } from '../../../domain/error-code';
import { describeTxn, listTxns } from '../../../domain/transaction/txn-views';
import type { PartitionWriter } from '../../../application/partition-writer';
import type { TopicService } from '../../../application/topic-service';
import type { TransactionCoordinator } from '../../../application/transaction/transaction-coordinator';
import type { DescribeProducersRequest, DescribeTransactionsRequest, ListTransactionsRequest } from '../protocol';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

/** DescribeTransactions v0 (TX-62, KIP-664). */
export const describeTransactionsHandler = (txns: TransactionCoordinator): ApiHandler => ({
  apiKey: API_KEY.DescribeTransactions,
  minVersion: 0,
  maxVersion: 0,
  handle(request: DescribeTransactionsRequest) {
    const none = (transactionalId: string, errorCode: number) => ({
      errorCode, transactionalId, transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: -1n, producerId: -1n, producerEpoch: -1, topics: [],
    });
    return {
      throttleTimeMs: 0,
      transactionStates: request.transactionalIds.map((id) => {
        if (id === '') return none(id, ErrorCode.INVALID_REQUEST);
        if (!txns.isActive()) return none(id, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
        const t = txns.txn(id);
        if (t === undefined || t.state === 'Dead') return none(id, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
        return { errorCode: ErrorCode.NONE, transactionalId: id, ...describeTxn(t) };
      }),
    };
  },
});

/** ListTransactions v0–v1 (TX-63). */
export const listTransactionsHandler = (txns: TransactionCoordinator, now: () => number): ApiHandler => ({
  apiKey: API_KEY.ListTransactions,
  minVersion: 0,
  maxVersion: 1,
  handle(request: ListTransactionsRequest) {
    if (!txns.isActive()) return { throttleTimeMs: 0, errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, unknownStateFilters: [], transactionStates: [] };
    const listed = listTxns(txns.txns.values(), {
      stateFilters: request.stateFilters,
      producerIdFilters: request.producerIdFilters,
      durationFilterMs: request.durationFilter ?? -1n,
    }, now());
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, ...listed };
  },
});

/** DescribeProducers v0 (PS-42): every producer entry of each requested partition. */
export const describeProducersHandler = (topics: TopicService, writer: PartitionWriter): ApiHandler => ({
  apiKey: API_KEY.DescribeProducers,
  minVersion: 0,
  maxVersion: 0,
  async handle(request: DescribeProducersRequest) {
    const out = [];
    for (const t of request.topics) {
      const partitions = [];
      for (const partitionIndex of t.partitionIndexes) {
        const pending = topics.partitionLog(t.name, partitionIndex);
        if (pending === undefined) {
          partitions.push({ partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, activeProducers: [] });
          continue;
        }
        const state = await writer.producerState(t.name, partitionIndex, await pending);
        const activeProducers = [...state.producers.values()].map((e) => {
          const last = e.batches[e.batches.length - 1];
          return {
            producerId: e.producerId,
            producerEpoch: e.epoch,
            lastSequence: last === undefined ? -1 : last.lastSeq,
            lastTimestamp: e.lastTimestamp,
            coordinatorEpoch: 0,
            currentTxnStartOffset: state.ongoing.get(e.producerId) ?? -1n,
          };
        });
        partitions.push({ partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers });
      }
      out.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, topics: out };
  },
});
