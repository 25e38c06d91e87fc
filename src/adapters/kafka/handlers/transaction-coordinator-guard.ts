import { ErrorCode } from '../../../domain/error-code';
import { API_KEY } from '../protocol';
import type { ApiHandler } from '../server/api-handler';

const NOT_COORDINATOR = ErrorCode.NOT_COORDINATOR;

interface TopicPartitions {
  readonly name: string;
  readonly partitions: readonly number[];
}

/**
 * The answer of a broker that does not coordinate transactions, per API, in each API's own shape
 * (fields left out take their schema defaults). Producer state and transactions live with the
 * partitions, on the controller in this release (docs/scale-out.md).
 */
const notCoordinator: Partial<Record<number, (request: any, version: number) => object>> = {
  [API_KEY.InitProducerId]: () => ({ throttleTimeMs: 0, errorCode: NOT_COORDINATOR, producerId: -1n, producerEpoch: -1 }),
  [API_KEY.AddPartitionsToTxn]: (r: { v3AndBelowTopics?: TopicPartitions[] }, version) =>
    version >= 4
      ? { throttleTimeMs: 0, errorCode: NOT_COORDINATOR, resultsByTransaction: [] }
      : {
          throttleTimeMs: 0,
          resultsByTopicV3AndBelow: (r.v3AndBelowTopics ?? []).map((t) => ({
            name: t.name,
            resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: NOT_COORDINATOR })),
          })),
        },
  [API_KEY.AddOffsetsToTxn]: () => ({ throttleTimeMs: 0, errorCode: NOT_COORDINATOR }),
  [API_KEY.EndTxn]: () => ({ throttleTimeMs: 0, errorCode: NOT_COORDINATOR }),
  [API_KEY.TxnOffsetCommit]: (r: { topics: Array<{ name: string; partitions: Array<{ partitionIndex: number }> }> }) => ({
    throttleTimeMs: 0,
    topics: r.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: NOT_COORDINATOR })) })),
  }),
  [API_KEY.DescribeTransactions]: (r: { transactionalIds: string[] }) => ({
    throttleTimeMs: 0,
    transactionStates: r.transactionalIds.map((id) => ({ errorCode: NOT_COORDINATOR, transactionalId: id, transactionState: '', topics: [] })),
  }),
  [API_KEY.ListTransactions]: () => ({ throttleTimeMs: 0, errorCode: NOT_COORDINATOR, unknownStateFilters: [], transactionStates: [] }),
  [API_KEY.DescribeProducers]: (r: { topics: Array<{ name: string; partitionIndexes: number[] }> }) => ({
    throttleTimeMs: 0,
    topics: r.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, errorMessage: null, activeProducers: [] })),
    })),
  }),
};

/**
 * Cluster mode: only the broker that holds the partitions (the controller in this release) runs the
 * transaction coordinator and producer ids, since both journal into the metadata shard, which only
 * the controller may write. Elsewhere the transactional APIs answer NOT_COORDINATOR (clients look the
 * coordinator up again: FindCoordinator names the controller for transactional ids) instead of a
 * write to a read-only copy, which would stop the broker. `servesTxnOffsetCommit` is separate:
 * cluster mode keeps a group's offsets in its shard and the pending transactional offsets with the
 * transaction, and does not join the two yet, so it answers TxnOffsetCommit NOT_COORDINATOR everywhere.
 */
export const transactionCoordinatorGuard =
  (isCoordinator: () => boolean, servesTxnOffsetCommit: () => boolean = isCoordinator) =>
  (h: ApiHandler): ApiHandler => {
    const answer = notCoordinator[h.apiKey];
    if (answer === undefined) return h;
    const serves = h.apiKey === API_KEY.TxnOffsetCommit ? servesTxnOffsetCommit : isCoordinator;
    return { ...h, handle: (request: unknown, ctx) => (serves() ? h.handle(request, ctx) : answer(request, ctx.header.apiVersion)) };
  };
