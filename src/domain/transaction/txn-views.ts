import type { TxnMetadata, TxnStateName } from './txn-metadata';

const STATE_NAMES: readonly TxnStateName[] = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'];

/** TX-62: a transaction as DescribeTransactions shows it (partitions grouped by topic). */
export const describeTxn = (t: TxnMetadata) => {
  const byTopic = new Map<string, number[]>();
  for (const p of t.partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  return {
    transactionState: t.state,
    transactionTimeoutMs: t.timeoutMs,
    transactionStartTimeMs: BigInt(t.startTs),
    producerId: t.producerId,
    producerEpoch: t.producerEpoch,
    topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
  };
};

export interface ListTxnFilter {
  readonly stateFilters: readonly string[];
  readonly producerIdFilters: readonly bigint[];
  /** v1: keep transactions running longer than this (ms); −1 = no filter. */
  readonly durationFilterMs: bigint;
}

/** TX-63: the listed transactions and the state names the filter did not know. */
export const listTxns = (txns: Iterable<TxnMetadata>, f: ListTxnFilter, now: number) => {
  const unknownStateFilters = f.stateFilters.filter((s) => !STATE_NAMES.includes(s as TxnStateName));
  const states = new Set(f.stateFilters);
  const pids = new Set(f.producerIdFilters);
  const transactionStates = [];
  for (const t of txns) {
    if (t.state === 'Dead') continue;
    if (states.size > 0 && !states.has(t.state)) continue;
    if (pids.size > 0 && !pids.has(t.producerId)) continue;
    // Kafka: an Empty transaction has start −1, so it passes any duration filter (TX-63).
    if (f.durationFilterMs >= 0n && BigInt(now - t.startTs) <= f.durationFilterMs) continue;
    transactionStates.push({ transactionalId: t.txnId, producerId: t.producerId, transactionState: t.state });
  }
  return { unknownStateFilters, transactionStates };
};
