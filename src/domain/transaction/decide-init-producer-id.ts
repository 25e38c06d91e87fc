import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../error-code';
import type { TxnEvent } from './events';
import { MAX_PRODUCER_EPOCH, NO_PRODUCER_EPOCH, NO_PRODUCER_ID, type TxnMetadata } from './txn-metadata';

export interface InitProducerIdCommand {
  readonly txnId: string;
  readonly timeoutMs: number;
  /** KIP-360: the producer's current pid and epoch, or −1/−1. */
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

export interface InitContext {
  readonly now: number;
  readonly maxTimeoutMs: number;
  /** The next unused producer id (the service allocates it only if `usesFreshProducerId`). */
  readonly freshProducerId: bigint;
  /** TX-12: a transition of this id is in flight. */
  readonly pending: boolean;
}

export type InitDecision =
  /** The new Empty state: answer with its pid/epoch once durable (TX-47). */
  | { readonly kind: 'initialized'; readonly events: TxnEvent[]; readonly producerId: bigint; readonly producerEpoch: number; readonly usesFreshProducerId: boolean }
  /** TX-44/52: an ongoing transaction is fenced and aborted; the caller gets CONCURRENT_TRANSACTIONS and retries. */
  | { readonly kind: 'fenced'; readonly events: TxnEvent[] };

const isEpochExhausted = (epoch: number): boolean => epoch >= MAX_PRODUCER_EPOCH;

/** TX-44: a supplied pid must be the current one, or the previous one with an exhausted epoch. */
const isValidProducerId = (t: TxnMetadata, pid: bigint, epoch: number): boolean =>
  t.producerId === pid || (t.previousProducerId === pid && isEpochExhausted(epoch));

/**
 * InitProducerId for a transactional id (TX-42…TX-47, KIP-360). Idempotent producers (no
 * transactional id, TX-41) never come here: they only need a producer id.
 */
export const decideInitProducerId = (
  cmd: InitProducerIdCommand,
  current: TxnMetadata | undefined,
  ctx: InitContext,
): E.Either<KafkaError, InitDecision> => {
  if (cmd.txnId === '') return E.left(kafkaError(ErrorCode.INVALID_REQUEST));
  if (cmd.timeoutMs <= 0 || cmd.timeoutMs > ctx.maxTimeoutMs) return E.left(kafkaError(ErrorCode.INVALID_TRANSACTION_TIMEOUT));
  const supplied = cmd.producerId !== NO_PRODUCER_ID;
  const initialized = (pid: bigint, prev: bigint, epoch: number, last: number, fresh: boolean): InitDecision => ({
    kind: 'initialized',
    producerId: pid,
    producerEpoch: epoch,
    usesFreshProducerId: fresh,
    events: [{ type: 'TxnProducerInitialized', txnId: cmd.txnId, producerId: pid, previousProducerId: prev, producerEpoch: epoch, lastProducerEpoch: last, timeoutMs: cmd.timeoutMs, at: ctx.now }],
  });
  // TX-43: an unknown id gets a new pid; its first completion yields epoch 0.
  if (current === undefined) return E.right(initialized(ctx.freshProducerId, NO_PRODUCER_ID, 0, NO_PRODUCER_EPOCH, true));
  if (ctx.pending) return E.left(kafkaError(ErrorCode.CONCURRENT_TRANSACTIONS));
  if (supplied && current.producerEpoch !== NO_PRODUCER_EPOCH && !isValidProducerId(current, cmd.producerId, cmd.producerEpoch)) {
    return E.left(kafkaError(ErrorCode.PRODUCER_FENCED));
  }
  switch (current.state) {
    case 'PrepareCommit':
    case 'PrepareAbort':
    case 'Dead':
    case 'PrepareEpochFence':
      return E.left(kafkaError(ErrorCode.CONCURRENT_TRANSACTIONS));
    case 'Ongoing': {
      // TX-52: bump the epoch (never returned to anyone) and abort with it; the retry bumps again.
      const fenceEpoch = current.producerEpoch < 32767 ? current.producerEpoch + 1 : current.producerEpoch;
      return E.right({ kind: 'fenced', events: [{ type: 'TxnAbortPrepared', txnId: cmd.txnId, producerEpoch: fenceEpoch, at: ctx.now }] });
    }
    default:
      break;
  }
  // TX-45: rotate the producer id when the epoch is exhausted.
  if (isEpochExhausted(current.producerEpoch) && (!supplied || cmd.producerEpoch === current.producerEpoch)) {
    return E.right(initialized(ctx.freshProducerId, current.producerId, 0, supplied ? current.producerEpoch : NO_PRODUCER_EPOCH, true));
  }
  // TX-46: KIP-360 epoch bump.
  if (!supplied) return E.right(initialized(current.producerId, current.previousProducerId, current.producerEpoch + 1, NO_PRODUCER_EPOCH, false));
  if (cmd.producerEpoch === current.producerEpoch || current.producerEpoch === NO_PRODUCER_EPOCH) {
    return E.right(initialized(current.producerId, current.previousProducerId, current.producerEpoch + 1, current.producerEpoch, false));
  }
  if (cmd.producerEpoch === current.lastProducerEpoch) {
    // A retry of a bump that succeeded: the same epoch again (still a durable Empty write).
    return E.right(initialized(current.producerId, current.previousProducerId, current.producerEpoch, current.lastProducerEpoch, false));
  }
  return E.left(kafkaError(ErrorCode.PRODUCER_FENCED));
};
