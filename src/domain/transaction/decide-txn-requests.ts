import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../error-code';
import type { TxnEvent } from './events';
import { hasPartition, isExpirable, type PendingTxnOffset, type TopicPartitionRef, type TxnCoordinatorState, type TxnMetadata } from './txn-metadata';

export interface TxnIdentity {
  readonly txnId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

/** TX-51 / TX-55: the checks every client request after InitProducerId shares. */
const checkProducer = (cmd: TxnIdentity, t: TxnMetadata | undefined, pending: boolean): E.Either<KafkaError, TxnMetadata> => {
  if (cmd.txnId === '') return E.left(kafkaError(ErrorCode.INVALID_REQUEST));
  if (t === undefined || t.producerId !== cmd.producerId) return E.left(kafkaError(ErrorCode.INVALID_PRODUCER_ID_MAPPING));
  if (t.producerEpoch !== cmd.producerEpoch) return E.left(kafkaError(ErrorCode.PRODUCER_FENCED));
  if (pending) return E.left(kafkaError(ErrorCode.CONCURRENT_TRANSACTIONS));
  return E.right(t);
};

/**
 * AddPartitionsToTxn and AddOffsetsToTxn (TX-51, TX-53): the partitions join the transaction; no
 * event when every partition is already in an ongoing transaction.
 */
export const decideAddPartitions = (
  cmd: TxnIdentity & { readonly partitions: readonly TopicPartitionRef[] },
  t: TxnMetadata | undefined,
  pending: boolean,
  now: number,
): E.Either<KafkaError, TxnEvent[]> => {
  const checked = checkProducer(cmd, t, pending);
  if (E.isLeft(checked)) return checked;
  const txn = checked.right;
  if (txn.state === 'PrepareCommit' || txn.state === 'PrepareAbort') return E.left(kafkaError(ErrorCode.CONCURRENT_TRANSACTIONS));
  const unique = cmd.partitions.filter((p, i) => cmd.partitions.findIndex((q) => q.topic === p.topic && q.partition === p.partition) === i);
  const added = txn.state === 'Ongoing' ? unique.filter((p) => !hasPartition(txn.partitions, p)) : unique;
  if (added.length === 0 && txn.state === 'Ongoing') return E.right([]);
  return E.right([{ type: 'TxnPartitionsAdded', txnId: cmd.txnId, partitions: added, at: now }]);
};

export type EndTxnDecision =
  | { readonly kind: 'prepared'; readonly events: TxnEvent[] }
  /** TX-55: an idempotent retry of an EndTxn that already completed: NONE, no write. */
  | { readonly kind: 'alreadyDone' };

/** EndTxn v0–4 (TX-55 table). */
export const decideEndTxn = (
  cmd: TxnIdentity & { readonly commit: boolean },
  t: TxnMetadata | undefined,
  pending: boolean,
  now: number,
): E.Either<KafkaError, EndTxnDecision> => {
  const checked = checkProducer(cmd, t, pending);
  if (E.isLeft(checked)) return checked;
  const txn = checked.right;
  const invalid = E.left(kafkaError(ErrorCode.INVALID_TXN_STATE));
  switch (txn.state) {
    case 'Ongoing':
      return E.right({
        kind: 'prepared',
        events: [cmd.commit ? { type: 'TxnCommitPrepared', txnId: cmd.txnId, at: now } : { type: 'TxnAbortPrepared', txnId: cmd.txnId, producerEpoch: txn.producerEpoch, at: now }],
      });
    case 'PrepareCommit':
      return cmd.commit ? E.left(kafkaError(ErrorCode.CONCURRENT_TRANSACTIONS)) : invalid;
    case 'PrepareAbort':
      return cmd.commit ? invalid : E.left(kafkaError(ErrorCode.CONCURRENT_TRANSACTIONS));
    case 'CompleteCommit':
      return cmd.commit ? E.right({ kind: 'alreadyDone' }) : invalid;
    case 'CompleteAbort':
      return cmd.commit ? invalid : E.right({ kind: 'alreadyDone' });
    default:
      return invalid;
  }
};

/**
 * TxnOffsetCommit's transaction checks (TO-4): the producer's epoch must be current
 * (INVALID_PRODUCER_EPOCH: the partition-level path) and the group's offsets shard must be in the
 * ongoing transaction (AddOffsetsToTxn first), else INVALID_TXN_STATE (TRANSACTION_ABORTABLE for v4+).
 */
export const decideTxnOffsetCommit = (
  cmd: TxnIdentity & { readonly shard: TopicPartitionRef; readonly offsets: readonly PendingTxnOffset[]; readonly apiVersion: number },
  t: TxnMetadata | undefined,
  now: number,
): E.Either<KafkaError, TxnEvent[]> => {
  if (t === undefined || t.producerId !== cmd.producerId) return E.left(kafkaError(ErrorCode.INVALID_PRODUCER_ID_MAPPING));
  if (cmd.producerEpoch < t.producerEpoch) return E.left(kafkaError(ErrorCode.INVALID_PRODUCER_EPOCH));
  if (cmd.producerEpoch > t.producerEpoch) return E.left(kafkaError(ErrorCode.INVALID_PRODUCER_EPOCH));
  if (t.state !== 'Ongoing' || !hasPartition(t.partitions, cmd.shard)) {
    return E.left(kafkaError(cmd.apiVersion >= 4 ? ErrorCode.TRANSACTION_ABORTABLE : ErrorCode.INVALID_TXN_STATE));
  }
  if (cmd.offsets.length === 0) return E.right([]);
  return E.right([{ type: 'TxnOffsetsCommitted', txnId: cmd.txnId, offsets: cmd.offsets, at: now }]);
};

/** TX-59: the ongoing transactions past their timeout, each fenced (epoch + 1) and aborted. */
export const decideTimedOutAborts = (state: TxnCoordinatorState, now: number, isPending: (txnId: string) => boolean): TxnEvent[] => {
  const events: TxnEvent[] = [];
  for (const t of state.txns.values()) {
    if (t.state !== 'Ongoing' || isPending(t.txnId) || t.startTs + t.timeoutMs >= now) continue;
    const epoch = t.producerEpoch < 32767 ? t.producerEpoch + 1 : t.producerEpoch;
    events.push({ type: 'TxnAbortPrepared', txnId: t.txnId, producerEpoch: epoch, at: now });
  }
  return events;
};

/** TX-60: transactional ids idle for `transactional.id.expiration.ms` in Empty/Complete*. */
export const decideExpiredTxnIds = (state: TxnCoordinatorState, now: number, expirationMs: number, isPending: (txnId: string) => boolean): TxnEvent[] => {
  const events: TxnEvent[] = [];
  for (const t of state.txns.values()) {
    if (isExpirable(t) && !isPending(t.txnId) && t.lastUpdateTs <= now - expirationMs) events.push({ type: 'TxnIdExpired', txnId: t.txnId });
  }
  return events;
};
