import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../domain/error-code';
import { decideProducerAppend } from '../domain/producer/decide-producer-append';
import { evolveProducer, initialProducerStates, type ProducerStates } from '../domain/producer/producer-state';
import type { PartitionLog } from '../ports/partition-log';
import { AppendNotifier } from './append-notifier';

/** What Produce validation learnt about a partition's records (one batch for Produce v3+). */
export interface AppendRequest {
  readonly records: Buffer;
  readonly recordCount: number;
  readonly maxTimestamp: bigint;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
}

export interface AppendOutcome {
  readonly baseOffset: bigint;
  readonly logStartOffset: bigint;
}

interface PartitionState {
  nextOffset: bigint;
  producers: ProducerStates;
}

/**
 * Appends to partition logs with Kafka's idempotent-producer checks. Offsets are predicted at call
 * time (the PartitionLog port assigns them densely in call order), so the producer state is updated
 * before the flush: five pipelined batches of one producer are checked against each other, as
 * Kafka's in-flight window requires. Producer state is soft: after a restart an unknown producer is
 * accepted at any sequence (KIP-360 behaviour; see domain/producer).
 */
export class PartitionWriter {
  private readonly states = new Map<string, PartitionState>();

  constructor(
    private readonly notifier: AppendNotifier,
    private readonly now: () => number,
  ) {}

  async append(topic: string, partition: number, log: PartitionLog, req: AppendRequest): Promise<E.Either<KafkaError, AppendOutcome>> {
    const key = AppendNotifier.key(topic, partition);
    let state = this.states.get(key);
    if (state === undefined) {
      state = { nextOffset: log.logEndOffset(), producers: initialProducerStates };
      this.states.set(key, state);
    }
    const decision = decideProducerAppend(state.producers, {
      producerId: req.producerId,
      producerEpoch: req.producerEpoch,
      baseSequence: req.baseSequence,
      recordCount: req.recordCount,
    });
    if (E.isLeft(decision)) return decision;
    if (decision.right.kind === 'duplicate') {
      return E.right({ baseOffset: decision.right.firstOffset, logStartOffset: log.logStartOffset() });
    }
    const firstOffset = state.nextOffset;
    state.nextOffset += BigInt(req.recordCount);
    if (decision.right.kind === 'append') {
      state.producers = evolveProducer(state.producers, {
        producerId: req.producerId,
        producerEpoch: req.producerEpoch,
        firstSeq: decision.right.firstSeq,
        lastSeq: decision.right.lastSeq,
        firstOffset,
        lastOffset: firstOffset + BigInt(req.recordCount - 1),
        timestamp: BigInt(this.now()),
      });
    }
    try {
      const baseOffset = await log.append(req.records, { recordCount: req.recordCount, maxTimestamp: req.maxTimestamp });
      this.notifier.notify(key);
      return E.right({ baseOffset, logStartOffset: log.logStartOffset() });
    } catch (err) {
      this.states.delete(key);
      return E.left(kafkaError(ErrorCode.KAFKA_STORAGE_ERROR, (err as Error).message));
    }
  }

  /** Forgets a deleted topic's partitions. */
  forgetTopic(topic: string): void {
    for (const k of [...this.states.keys()]) if (k.startsWith(`${topic}/`)) this.states.delete(k);
  }
}
