import * as E from 'fp-ts/Either';
import { ErrorCode, KafkaError, kafkaError } from '../error-code';
import type { ProducerStates } from './producer-state';
import { inSequence, incrementSequence } from './sequence';

/** The producer fields of a batch about to be appended. */
export interface ProducerBatchInfo {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  /** lastOffsetDelta + 1 of the batch. */
  readonly recordCount: number;
}

/** How to treat the batch: append it, or answer with the offsets it already got (a retry). */
export type ProducerDecision =
  | { readonly kind: 'append'; readonly firstSeq: number; readonly lastSeq: number }
  | { readonly kind: 'notIdempotent' }
  | { readonly kind: 'duplicate'; readonly firstOffset: bigint; readonly lastOffset: bigint };

/** RecordBatch.NO_PRODUCER_ID / NO_PRODUCER_EPOCH / NO_SEQUENCE. */
const NO_PRODUCER_ID = -1n;

/**
 * Kafka 3.x idempotence checks for one batch on one partition (UnifiedLog.analyzeAndValidateProducerState
 * and ProducerAppendInfo):
 * 1. A retry of one of the last five batches (same epoch, same first and last sequence) is a
 *    duplicate: not appended again, answered with its original offsets and no error.
 * 2. An epoch below the current one is fenced: INVALID_PRODUCER_EPOCH.
 * 3. A new epoch must start at sequence 0, the same epoch must continue at last + 1 (wrapping);
 *    otherwise OUT_OF_ORDER_SEQUENCE_NUMBER.
 * 4. An unknown producer is accepted at any sequence. This is Kafka's behaviour since KIP-360
 *    (2.5): a producer whose state was removed by retention or expiry keeps producing, instead of
 *    Kafka 2.x's UNKNOWN_PRODUCER_ID.
 */
export const decideProducerAppend = (
  states: ProducerStates,
  b: ProducerBatchInfo,
): E.Either<KafkaError, ProducerDecision> => {
  if (b.producerId === NO_PRODUCER_ID) return E.right({ kind: 'notIdempotent' });
  if (b.baseSequence < 0) {
    // LogValidator: a batch with a producer id must carry a sequence.
    return E.left(kafkaError(ErrorCode.INVALID_RECORD, `Invalid sequence number ${b.baseSequence} in record batch with producerId ${b.producerId}`));
  }
  const firstSeq = b.baseSequence;
  const lastSeq = incrementSequence(firstSeq, b.recordCount - 1);
  const entry = states.get(b.producerId);
  if (entry === undefined) return E.right({ kind: 'append', firstSeq, lastSeq });
  if (b.producerEpoch === entry.epoch) {
    const dup = entry.batches.find((x) => x.firstSeq === firstSeq && x.lastSeq === lastSeq);
    if (dup !== undefined) return E.right({ kind: 'duplicate', firstOffset: dup.firstOffset, lastOffset: dup.lastOffset });
  }
  if (b.producerEpoch < entry.epoch) {
    return E.left(kafkaError(ErrorCode.INVALID_PRODUCER_EPOCH, `Epoch of producer ${b.producerId} at offset is ${b.producerEpoch}, which is smaller than the last seen epoch ${entry.epoch}`));
  }
  if (b.producerEpoch > entry.epoch) {
    if (firstSeq !== 0) {
      return E.left(kafkaError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `Invalid sequence number for new epoch of producer ${b.producerId}: ${b.producerEpoch} (request epoch), ${firstSeq} (seq. number), ${entry.epoch} (current producer epoch)`));
    }
    return E.right({ kind: 'append', firstSeq, lastSeq });
  }
  const last = entry.batches[entry.batches.length - 1];
  if (last !== undefined && !inSequence(last.lastSeq, firstSeq)) {
    return E.left(kafkaError(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `Out of order sequence number for producer ${b.producerId} at offset: ${firstSeq} (incoming seq. number), ${last.lastSeq} (current end sequence number)`));
  }
  return E.right({ kind: 'append', firstSeq, lastSeq });
};
