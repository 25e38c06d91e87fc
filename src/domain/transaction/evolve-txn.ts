import type { TxnEvent } from './events';
import { hasPartition, NO_PRODUCER_ID, type TxnCoordinatorState, type TxnMetadata } from './txn-metadata';

/** The map is updated in place, confined to one fold step (O(1) per event, as the group evolve does). */
const withTxn = (state: TxnCoordinatorState, txn: TxnMetadata): TxnCoordinatorState => {
  (state.txns as Map<string, TxnMetadata>).set(txn.txnId, txn);
  return state;
};

/**
 * Folds one transaction event (never validates: `decide…` did). The aggregate's map is updated in
 * place, so a state must come from `initialTxnCoordinatorState()` and belong to one fold.
 */
export const evolveTxn = (state: TxnCoordinatorState, e: TxnEvent): TxnCoordinatorState => {
  switch (e.type) {
    case 'ProducerIdBlockAllocated': {
      const end = e.firstProducerId + BigInt(e.size);
      return end > state.producerIdEnd ? { txns: state.txns, producerIdEnd: end } : state;
    }
    case 'TxnProducerInitialized': {
      const end = e.producerId + 1n > state.producerIdEnd ? e.producerId + 1n : state.producerIdEnd;
      return {
        ...withTxn(state, {
          txnId: e.txnId,
          producerId: e.producerId,
          previousProducerId: e.previousProducerId,
          producerEpoch: e.producerEpoch,
          lastProducerEpoch: e.lastProducerEpoch,
          timeoutMs: e.timeoutMs,
          state: 'Empty',
          partitions: [],
          pendingOffsets: [],
          startTs: -1,
          lastUpdateTs: e.at,
        }),
        producerIdEnd: end,
      };
    }
    case 'TxnPartitionsAdded': {
      const t = state.txns.get(e.txnId);
      if (t === undefined) return state;
      const starting = t.state !== 'Ongoing';
      const base = starting ? [] : t.partitions;
      const partitions = [...base, ...e.partitions.filter((p) => !hasPartition(base, p))];
      return withTxn(state, {
        ...t,
        state: 'Ongoing',
        partitions,
        pendingOffsets: starting ? [] : t.pendingOffsets,
        startTs: starting ? e.at : t.startTs,
        lastUpdateTs: e.at,
      });
    }
    case 'TxnOffsetsCommitted': {
      const t = state.txns.get(e.txnId);
      if (t === undefined) return state;
      const same = (a: { groupId: string; topic: string; partition: number }, b: typeof a) =>
        a.groupId === b.groupId && a.topic === b.topic && a.partition === b.partition;
      const kept = t.pendingOffsets.filter((o) => !e.offsets.some((n) => same(o, n)));
      return withTxn(state, { ...t, pendingOffsets: [...kept, ...e.offsets], lastUpdateTs: e.at });
    }
    case 'TxnCommitPrepared': {
      const t = state.txns.get(e.txnId);
      return t === undefined ? state : withTxn(state, { ...t, state: 'PrepareCommit', lastUpdateTs: e.at });
    }
    case 'TxnAbortPrepared': {
      const t = state.txns.get(e.txnId);
      if (t === undefined) return state;
      const fenced = e.producerEpoch !== t.producerEpoch;
      return withTxn(state, {
        ...t,
        state: 'PrepareAbort',
        producerEpoch: e.producerEpoch,
        lastProducerEpoch: fenced ? -1 : t.lastProducerEpoch,
        lastUpdateTs: e.at,
      });
    }
    case 'TxnCompleted': {
      const t = state.txns.get(e.txnId);
      if (t === undefined) return state;
      const committed = t.state === 'PrepareCommit';
      return withTxn(state, { ...t, state: committed ? 'CompleteCommit' : 'CompleteAbort', partitions: [], pendingOffsets: [], lastUpdateTs: e.at });
    }
    case 'TxnOffsetsDropped': {
      const dropped = (o: { groupId: string; topic: string; partition: number }) =>
        o.groupId === e.groupId && (e.partitions === null || e.partitions.some((p) => p.topic === o.topic && p.partition === o.partition));
      for (const t of state.txns.values()) {
        if (t.pendingOffsets.some(dropped)) withTxn(state, { ...t, pendingOffsets: t.pendingOffsets.filter((o) => !dropped(o)) });
      }
      return state;
    }
    case 'TxnIdExpired':
      (state.txns as Map<string, TxnMetadata>).delete(e.txnId);
      return state;
    case 'TxnRestored': {
      const end = e.txn.producerId !== NO_PRODUCER_ID && e.txn.producerId + 1n > state.producerIdEnd ? e.txn.producerId + 1n : state.producerIdEnd;
      return { ...withTxn(state, e.txn), producerIdEnd: end };
    }
  }
};

/** The events that rebuild `state` (the journal's snapshot). */
export const txnSnapshotEvents = (state: TxnCoordinatorState): TxnEvent[] => [
  { type: 'ProducerIdBlockAllocated', firstProducerId: state.producerIdEnd, size: 0 },
  ...[...state.txns.values()].map((txn): TxnEvent => ({ type: 'TxnRestored', txn })),
];

/** EV-5: what Kafka does not persist is lost at load — the KIP-360 retry epoch. */
export const afterLoad = (state: TxnCoordinatorState): TxnCoordinatorState => {
  const txns = new Map<string, TxnMetadata>();
  for (const [id, t] of state.txns) txns.set(id, t.lastProducerEpoch === -1 ? t : { ...t, lastProducerEpoch: -1 });
  return { ...state, txns };
};
