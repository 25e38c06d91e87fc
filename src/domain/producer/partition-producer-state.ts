import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../error-code';
import { evolveProducer, initialProducerStates, type ProducerAppended, type ProducerEntry, type ProducerStates } from './producer-state';

/** MK-12: one aborted transaction of the partition's index. */
export interface AbortedTxn {
  readonly producerId: bigint;
  readonly firstOffset: bigint;
  /** Offset of the ABORT marker. */
  readonly lastOffset: bigint;
  readonly lastStableOffset: bigint;
}

/**
 * Producer state of one partition with its transactions (PS-1, MK-10…MK-12): a pure fold of the
 * partition log's data and control batches, so rebuilding from the log gives the same state (PS-40).
 */
export interface PartitionProducerState {
  readonly producers: ProducerStates;
  /** MK-10: pid → first offset of its open transaction. */
  readonly ongoing: ReadonlyMap<bigint, bigint>;
  /** MK-12, in marker order. */
  readonly aborted: readonly AbortedTxn[];
}

export const initialPartitionProducerState: PartitionProducerState = { producers: initialProducerStates, ongoing: new Map(), aborted: [] };

/** PS-9: a non-transactional batch of a producer with an open transaction is refused. */
export const decideDataTxnState = (s: PartitionProducerState, producerId: bigint, transactional: boolean): E.Either<KafkaError, true> =>
  !transactional && producerId >= 0n && s.ongoing.has(producerId)
    ? E.left(kafkaError(ErrorCode.INVALID_TXN_STATE, `producer ${producerId} has an open transaction; a non-transactional batch is not allowed`))
    : E.right(true);

/** Folds an appended data batch; a transactional one opens the producer's transaction (PS-9, MK-10). */
export const applyDataBatch = (s: PartitionProducerState, a: ProducerAppended & { readonly transactional: boolean }): PartitionProducerState => {
  if (a.producerId < 0n) return s;
  const producers = evolveProducer(s.producers, a);
  if (!a.transactional || s.ongoing.has(a.producerId)) return { ...s, producers };
  const ongoing = new Map(s.ongoing);
  ongoing.set(a.producerId, a.firstOffset);
  return { ...s, producers, ongoing };
};

/** PS-30: a marker older than the producer's epoch is refused. */
export const decideMarker = (s: PartitionProducerState, producerId: bigint, epoch: number): E.Either<KafkaError, true> => {
  const entry = s.producers.get(producerId);
  return entry !== undefined && epoch < entry.epoch
    ? E.left(kafkaError(ErrorCode.INVALID_PRODUCER_EPOCH, `marker epoch ${epoch} is older than producer ${producerId}'s epoch ${entry.epoch}`))
    : E.right(true);
};

/**
 * PS-32: the marker's epoch enters the producer entry; a higher epoch (a fence) drops the retained
 * batches so the fenced producer's next batch is INVALID_PRODUCER_EPOCH and the new one starts at 0.
 */
export const applyMarkerToProducer = (s: PartitionProducerState, producerId: bigint, epoch: number, timestamp: bigint): PartitionProducerState => {
  const entry = s.producers.get(producerId);
  const next = new Map(s.producers);
  if (entry === undefined || epoch > entry.epoch) next.set(producerId, { producerId, epoch, batches: [], lastTimestamp: timestamp });
  else next.set(producerId, { ...entry, lastTimestamp: timestamp });
  return { ...s, producers: next };
};

/** PS-31 / MK-12: the marker at `offset` closes the producer's transaction; an abort enters the index. */
export const completeTxn = (s: PartitionProducerState, producerId: bigint, commit: boolean, offset: bigint): PartitionProducerState => {
  const first = s.ongoing.get(producerId);
  if (first === undefined) return s;
  const ongoing = new Map(s.ongoing);
  ongoing.delete(producerId);
  if (commit) return { ...s, ongoing };
  let lso = offset + 1n;
  for (const o of ongoing.values()) if (o < lso) lso = o;
  return { ...s, ongoing, aborted: [...s.aborted, { producerId, firstOffset: first, lastOffset: offset, lastStableOffset: lso }] };
};

/** MK-11: first offset of the earliest open transaction, or null. */
export const firstUnstableOffset = (s: PartitionProducerState): bigint | null => {
  let min: bigint | null = null;
  for (const o of s.ongoing.values()) if (min === null || o < min) min = o;
  return min;
};

/** MK-11: LSO = the first unstable offset if below the high watermark, else the high watermark. */
export const lastStableOffset = (s: PartitionProducerState, highWatermark: bigint): bigint => {
  const fuo = firstUnstableOffset(s);
  return fuo !== null && fuo < highWatermark ? fuo : highWatermark;
};

/** MK-20: aborted transactions overlapping [from, upTo). */
export const abortedTxnsIn = (s: PartitionProducerState, from: bigint, upTo: bigint): AbortedTxn[] =>
  s.aborted.filter((a) => a.lastOffset >= from && a.firstOffset < upTo);

/** Drops index entries wholly below the log start (retention, DeleteRecords). */
export const pruneAborted = (s: PartitionProducerState, logStartOffset: bigint): PartitionProducerState =>
  s.aborted.length > 0 && s.aborted[0]!.lastOffset < logStartOffset ? { ...s, aborted: s.aborted.filter((a) => a.lastOffset >= logStartOffset) } : s;

/**
 * PS-10: producers idle for `producer.id.expiration.ms` (by their last batch or marker timestamp)
 * are forgotten, unless they have an open transaction on the partition.
 */
export const expireIdleProducers = (s: PartitionProducerState, nowMs: bigint, expirationMs: bigint): PartitionProducerState => {
  let next: Map<bigint, ProducerEntry> | null = null;
  for (const [pid, e] of s.producers) {
    if (s.ongoing.has(pid) || nowMs - e.lastTimestamp < expirationMs) continue;
    next ??= new Map(s.producers);
    next.delete(pid);
  }
  return next === null ? s : { ...s, producers: next };
};
