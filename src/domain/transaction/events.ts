import type { PendingTxnOffset, TopicPartitionRef, TxnMetadata } from './txn-metadata';

/**
 * Transaction coordinator events (EV-2…EV-4), appended to the MetaLog. Every completed transition
 * of a transactional id is one event; the coordinator answers only after it is durable (EV-1).
 */
export type TxnEvent =
  /** EV-2: producer ids [firstProducerId, firstProducerId + size) may be handed out. */
  | { readonly type: 'ProducerIdBlockAllocated'; readonly firstProducerId: bigint; readonly size: number }
  /** TX-20/21/45/46/47: InitProducerId completed → Empty with this pid/epoch/timeout. */
  | {
      readonly type: 'TxnProducerInitialized';
      readonly txnId: string;
      readonly producerId: bigint;
      readonly previousProducerId: bigint;
      readonly producerEpoch: number;
      readonly lastProducerEpoch: number;
      readonly timeoutMs: number;
      readonly at: number;
    }
  /** TX-22/23: partitions joined the transaction (Ongoing; a new transaction starts at `at`). */
  | { readonly type: 'TxnPartitionsAdded'; readonly txnId: string; readonly partitions: readonly TopicPartitionRef[]; readonly at: number }
  /** TO-3/TO-5: TxnOffsetCommit offsets, pending until the transaction ends. */
  | { readonly type: 'TxnOffsetsCommitted'; readonly txnId: string; readonly offsets: readonly PendingTxnOffset[]; readonly at: number }
  /** TX-24: EndTxn(commit) decided. */
  | { readonly type: 'TxnCommitPrepared'; readonly txnId: string; readonly at: number }
  /** TX-25/26: EndTxn(abort), a timeout or a fence decided the abort; `producerEpoch` is bumped for fences (TX-52). */
  | { readonly type: 'TxnAbortPrepared'; readonly txnId: string; readonly producerEpoch: number; readonly at: number }
  /** TX-27/28/86: every marker is durable → CompleteCommit/CompleteAbort. */
  | { readonly type: 'TxnCompleted'; readonly txnId: string; readonly at: number }
  /** TO-6: OffsetDelete (these partitions) or DeleteGroups (`partitions` null) removed the group's pending offsets. */
  | { readonly type: 'TxnOffsetsDropped'; readonly groupId: string; readonly partitions: readonly TopicPartitionRef[] | null }
  /** EV-4 / TX-60: the transactional id is forgotten. */
  | { readonly type: 'TxnIdExpired'; readonly txnId: string }
  /** Snapshot form of one transactional id (the journal's snapshot, PE-9). */
  | { readonly type: 'TxnRestored'; readonly txn: TxnMetadata };

export const TXN_EVENT_TYPES: ReadonlySet<string> = new Set([
  'ProducerIdBlockAllocated',
  'TxnProducerInitialized',
  'TxnPartitionsAdded',
  'TxnOffsetsCommitted',
  'TxnCommitPrepared',
  'TxnAbortPrepared',
  'TxnCompleted',
  'TxnOffsetsDropped',
  'TxnIdExpired',
  'TxnRestored',
]);

export const isTxnEvent = (e: { readonly type: string }): e is TxnEvent => TXN_EVENT_TYPES.has(e.type);
