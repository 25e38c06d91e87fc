/** Offsets and sequences of one appended batch, as the producer state remembers it. */
export interface ProducerBatch {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
  readonly timestamp: bigint;
}

/** One idempotent producer's state on one partition (Kafka's ProducerStateEntry). */
export interface ProducerEntry {
  readonly producerId: bigint;
  readonly epoch: number;
  /** The last batches appended, oldest first, at most NUM_BATCHES_TO_RETAIN. */
  readonly batches: ReadonlyArray<ProducerBatch>;
  readonly lastTimestamp: bigint;
}

/** The producer states of ONE partition, by producer id (Kafka keeps a ProducerStateManager per log). */
export type ProducerStates = ReadonlyMap<bigint, ProducerEntry>;

export const initialProducerStates: ProducerStates = new Map();

/**
 * Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN: a producer has at most
 * max.in.flight.requests.per.connection = 5 batches in flight, so 5 are enough to spot any retry.
 */
export const NUM_BATCHES_TO_RETAIN = 5;

/** What was appended for an idempotent producer: the fact `evolveProducer` folds. */
export interface ProducerAppended {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: bigint;
  readonly lastOffset: bigint;
  readonly timestamp: bigint;
}

/**
 * Folds an append into the partition's producer states. A new epoch starts a fresh window; the
 * same epoch adds the batch and drops the oldest beyond five. Copies only the producer's entry map
 * slot (the map itself is copied: producer counts per partition are small).
 */
export const evolveProducer = (states: ProducerStates, a: ProducerAppended): ProducerStates => {
  const entry = states.get(a.producerId);
  const batch: ProducerBatch = {
    firstSeq: a.firstSeq,
    lastSeq: a.lastSeq,
    firstOffset: a.firstOffset,
    lastOffset: a.lastOffset,
    timestamp: a.timestamp,
  };
  const kept = entry === undefined || entry.epoch !== a.producerEpoch ? [] : entry.batches;
  const batches = [...kept, batch].slice(-NUM_BATCHES_TO_RETAIN);
  const next = new Map(states);
  next.set(a.producerId, { producerId: a.producerId, epoch: a.producerEpoch, batches, lastTimestamp: a.timestamp });
  return next;
};

/**
 * Drops producers idle longer than `producer.id.expiration.ms` (KIP-854; default 86400000), as
 * Kafka's removeExpiredProducers does. `now` and timestamps are in the same clock (milliseconds).
 */
export const expireProducers = (states: ProducerStates, now: bigint, expirationMs: bigint): ProducerStates => {
  const next = new Map<bigint, ProducerEntry>();
  for (const [id, e] of states) if (now - e.lastTimestamp < expirationMs) next.set(id, e);
  return next.size === states.size ? states : next;
};
