/**
 * The transaction coordinator's aggregate (transactions spec §2): one metadata entry per
 * transactional id, plus the producer-id blocks handed out so far. Pure data; `evolveTxn` folds the
 * MetaLog events into it.
 */

/** TX-11: states with the ids Kafka persists; the names are what Describe/ListTransactions return. */
export type TxnStateName = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort' | 'Dead' | 'PrepareEpochFence';

export interface TopicPartitionRef {
  readonly topic: string;
  readonly partition: number;
}

/** TO-5: an offset written by TxnOffsetCommit, invisible until the transaction commits. */
export interface PendingTxnOffset {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly leaderEpoch: number;
  readonly metadata: string;
  readonly commitTimestamp: number;
}

/** TX-10 (minus the soft fields: pendingState lives in the service, EV-1). */
export interface TxnMetadata {
  readonly txnId: string;
  readonly producerId: bigint;
  /** The pid before a rotation (TX-45), −1 when none. */
  readonly previousProducerId: bigint;
  readonly producerEpoch: number;
  /** KIP-360 retry detection; not persisted by Kafka (EV-5): reset to −1 after a load. */
  readonly lastProducerEpoch: number;
  readonly timeoutMs: number;
  readonly state: TxnStateName;
  readonly partitions: readonly TopicPartitionRef[];
  /** TxnOffsetCommit offsets of the open transaction (TO-5). */
  readonly pendingOffsets: readonly PendingTxnOffset[];
  /** −1 when no transaction is open (Empty). */
  readonly startTs: number;
  readonly lastUpdateTs: number;
}

export interface TxnCoordinatorState {
  readonly txns: ReadonlyMap<string, TxnMetadata>;
  /** Exclusive end of the producer ids already allocated in durable blocks (EV-2). */
  readonly producerIdEnd: bigint;
}

/** A fresh, empty aggregate (evolveTxn updates its map in place: never share one between folds). */
export const initialTxnCoordinatorState = (): TxnCoordinatorState => ({ txns: new Map(), producerIdEnd: 0n });

/** Short.MAX_VALUE − 1: an epoch at or above this is exhausted (TX-45). */
export const MAX_PRODUCER_EPOCH = 32766;
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;

/** Kafka's offsets.topic.num.partitions default: the __consumer_offsets shards (TX-53). */
export const OFFSETS_TOPIC = '__consumer_offsets';
export const OFFSETS_TOPIC_PARTITIONS = 50;

/** Java's String.hashCode over UTF-16 code units. */
export const javaStringHash = (s: string): number => {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
};

/** Utils.abs(hashCode) % partitions: the group's __consumer_offsets shard (TX-53, TO-5). */
export const groupShard = (groupId: string, partitions = OFFSETS_TOPIC_PARTITIONS): number => {
  const h = javaStringHash(groupId);
  return (h === -2147483648 ? 0 : Math.abs(h)) % partitions;
};

export const samePartition = (a: TopicPartitionRef, b: TopicPartitionRef): boolean => a.topic === b.topic && a.partition === b.partition;

export const hasPartition = (set: readonly TopicPartitionRef[], p: TopicPartitionRef): boolean => set.some((q) => samePartition(q, p));

/** TX-11 / TX-29: a transactional id may expire only when no transaction is open or being decided. */
export const isExpirable = (t: TxnMetadata): boolean => t.state === 'Empty' || t.state === 'CompleteCommit' || t.state === 'CompleteAbort';
