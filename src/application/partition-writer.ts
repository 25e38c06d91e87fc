import * as E from 'fp-ts/Either';
import { ErrorCode, kafkaError, type KafkaError } from '../domain/error-code';
import { decideProducerAppend } from '../domain/producer/decide-producer-append';
import { summarizeBatches, CONTROL_COMMIT, CONTROL_ABORT } from '../domain/producer/batch-summary';
import {
  abortedTxnsIn,
  applyDataBatch,
  applyMarkerToProducer,
  completeTxn,
  decideDataTxnState,
  decideMarker,
  expireIdleProducers,
  firstUnstableOffset,
  initialPartitionProducerState,
  lastStableOffset,
  pruneAborted,
  type AbortedTxn,
  type PartitionProducerState,
} from '../domain/producer/partition-producer-state';
import { decodeProducerSnapshot, encodeProducerSnapshot } from '../domain/producer/producer-snapshot';
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
  /** MK-2: the batch belongs to a transaction (attribute bit 4). */
  readonly isTransactional?: boolean;
}

export interface AppendOutcome {
  readonly baseOffset: bigint;
  readonly logStartOffset: bigint;
}

/** A COMMIT/ABORT control batch (MK-1) for one producer. */
export interface MarkerRequest {
  readonly records: Buffer;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly commit: boolean;
  readonly timestamp: bigint;
}

interface PartitionState {
  readonly log: PartitionLog;
  nextOffset: bigint;
  txn: PartitionProducerState;
  /** Appends and markers handed to the log and not resolved yet. */
  inflight: number;
  /** Batches appended since the last producer snapshot. */
  sinceSnapshot: number;
}

/** Batches between two producer-state snapshots of a partition (Kafka snapshots at each segment roll). */
export const DEFAULT_SNAPSHOT_EVERY_BATCHES = 10_000;

/** Bytes read per step while rebuilding producer state from a log. */
const SCAN_BYTES = 1 << 20;

/**
 * Appends to partition logs with Kafka's idempotent-producer and transaction checks. Offsets are
 * predicted at call time (the PartitionLog port assigns them densely in call order), so the producer
 * state is updated before the flush: five pipelined batches of one producer are checked against
 * each other, as Kafka's in-flight window requires. A transaction closes (LSO, aborted index) only
 * once its marker is durable. Producer state is a fold of the log (PS-40): the first use of a
 * partition after a start rebuilds it from the newest `.snapshot` and the log tail after it (or the
 * whole log); a snapshot is written every `snapshotEveryBatches` batches and at a clean close.
 */
export class PartitionWriter {
  private readonly states = new Map<string, PartitionState>();
  private readonly loading = new Map<string, Promise<PartitionState>>();
  /** EV-8: told the open transactions a rebuilt partition holds, so hanging ones can be aborted. */
  private onRebuilt: (topic: string, partition: number, open: ReadonlyArray<{ producerId: bigint; producerEpoch: number }>) => void = () => undefined;

  constructor(
    private readonly notifier: AppendNotifier,
    private readonly now: () => number,
    private readonly snapshotEveryBatches = DEFAULT_SNAPSHOT_EVERY_BATCHES,
  ) {}

  setRebuiltListener(fn: (topic: string, partition: number, open: ReadonlyArray<{ producerId: bigint; producerEpoch: number }>) => void): void {
    this.onRebuilt = fn;
  }

  private async stateOf(key: string, log: PartitionLog): Promise<PartitionState> {
    const loaded = this.states.get(key);
    if (loaded !== undefined) return loaded;
    let pending = this.loading.get(key);
    if (pending === undefined) {
      pending = rebuild(log).then((s) => {
        this.loading.delete(key);
        this.states.set(key, s);
        if (s.txn.ongoing.size > 0) {
          const slash = key.lastIndexOf('/');
          const open = [...s.txn.ongoing.keys()].map((producerId) => ({ producerId, producerEpoch: s.txn.producers.get(producerId)?.epoch ?? 0 }));
          this.onRebuilt(key.slice(0, slash), Number(key.slice(slash + 1)), open);
        }
        return s;
      });
      this.loading.set(key, pending);
    }
    return pending;
  }

  async append(topic: string, partition: number, log: PartitionLog, req: AppendRequest): Promise<E.Either<KafkaError, AppendOutcome>> {
    const key = AppendNotifier.key(topic, partition);
    const state = this.states.get(key) ?? (await this.stateOf(key, log));
    const decision = decideProducerAppend(state.txn.producers, {
      producerId: req.producerId,
      producerEpoch: req.producerEpoch,
      baseSequence: req.baseSequence,
      recordCount: req.recordCount,
    });
    if (E.isLeft(decision)) return decision;
    if (decision.right.kind === 'duplicate') {
      return E.right({ baseOffset: decision.right.firstOffset, logStartOffset: log.logStartOffset() });
    }
    const transactional = req.isTransactional === true;
    const txnCheck = decideDataTxnState(state.txn, req.producerId, transactional);
    if (E.isLeft(txnCheck)) return txnCheck;
    const firstOffset = state.nextOffset;
    state.nextOffset += BigInt(req.recordCount);
    if (decision.right.kind === 'append') {
      state.txn = applyDataBatch(state.txn, {
        producerId: req.producerId,
        producerEpoch: req.producerEpoch,
        firstSeq: decision.right.firstSeq,
        lastSeq: decision.right.lastSeq,
        firstOffset,
        lastOffset: firstOffset + BigInt(req.recordCount - 1),
        // Kafka keeps the batch's max timestamp (ProducerAppendInfo), so a rebuild from the log agrees (PS-40).
        timestamp: req.maxTimestamp,
        transactional,
      });
    }
    state.inflight++;
    try {
      const baseOffset = await log.append(req.records, { recordCount: req.recordCount, maxTimestamp: req.maxTimestamp });
      this.notifier.notify(key);
      this.afterAppend(state);
      return E.right({ baseOffset, logStartOffset: log.logStartOffset() });
    } catch (err) {
      this.states.delete(key);
      return E.left(kafkaError(ErrorCode.KAFKA_STORAGE_ERROR, (err as Error).message));
    } finally {
      state.inflight--;
    }
  }

  private afterAppend(state: PartitionState): void {
    state.sinceSnapshot++;
    if (state.sinceSnapshot >= this.snapshotEveryBatches && state.inflight === 1) void this.snapshot(state, 1);
  }

  /**
   * Writes the partition's producer snapshot at the durable log end when nothing else is in flight
   * (`alsoInflight`: the caller's own append, already durable). Failures only cost a longer rebuild.
   */
  private async snapshot(state: PartitionState, alsoInflight = 0): Promise<void> {
    if (state.inflight !== alsoInflight || state.nextOffset !== state.log.logEndOffset() || state.log.writeProducerSnapshot === undefined) return;
    state.sinceSnapshot = 0;
    const data = Buffer.from(JSON.stringify(encodeProducerSnapshot(state.txn)), 'utf8');
    await state.log.writeProducerSnapshot(state.log.logEndOffset(), data).catch(() => undefined);
  }

  /** Snapshots every loaded partition (a clean close: the next start reads no log tail). */
  async snapshotAll(): Promise<void> {
    for (const state of [...this.states.values()]) if (state.sinceSnapshot > 0) await this.snapshot(state);
  }

  /**
   * Appends a transaction marker (PS-30…PS-32, MK-12); resolves once it is durable and the
   * transaction is closed on this partition. Re-sent markers append an empty control batch (TX-88).
   */
  async appendMarker(topic: string, partition: number, log: PartitionLog, req: MarkerRequest): Promise<E.Either<KafkaError, bigint>> {
    const key = AppendNotifier.key(topic, partition);
    const state = this.states.get(key) ?? (await this.stateOf(key, log));
    const valid = decideMarker(state.txn, req.producerId, req.producerEpoch);
    if (E.isLeft(valid)) return valid;
    const offset = state.nextOffset;
    state.nextOffset += 1n;
    state.txn = applyMarkerToProducer(state.txn, req.producerId, req.producerEpoch, req.timestamp);
    state.inflight++;
    try {
      await log.append(req.records, { recordCount: 1, maxTimestamp: req.timestamp });
    } catch (err) {
      this.states.delete(key);
      return E.left(kafkaError(ErrorCode.KAFKA_STORAGE_ERROR, (err as Error).message));
    } finally {
      state.inflight--;
    }
    const current = this.states.get(key);
    if (current !== undefined) {
      current.txn = pruneAborted(completeTxn(current.txn, req.producerId, req.commit, offset), log.logStartOffset());
      current.sinceSnapshot++;
    }
    this.notifier.notify(key);
    return E.right(offset);
  }

  /** MK-11: the partition's last stable offset. */
  async lastStableOffset(topic: string, partition: number, log: PartitionLog): Promise<bigint> {
    const state = await this.stateOf(AppendNotifier.key(topic, partition), log);
    return lastStableOffset(state.txn, log.logEndOffset());
  }

  /** MK-20: aborted transactions overlapping [from, upTo). */
  async abortedTransactions(topic: string, partition: number, log: PartitionLog, from: bigint, upTo: bigint): Promise<AbortedTxn[]> {
    const state = await this.stateOf(AppendNotifier.key(topic, partition), log);
    return abortedTxnsIn(state.txn, from, upTo);
  }

  /**
   * The log cleaner's bound: the first offset of the earliest open transaction, null when none is
   * open, undefined while the partition's producer state is not loaded yet (then nothing is safe).
   */
  firstUnstableOffset(topic: string, partition: number): bigint | null | undefined {
    const state = this.states.get(AppendNotifier.key(topic, partition));
    return state === undefined ? undefined : firstUnstableOffset(state.txn);
  }

  /** Loads a partition's producer state (rebuilding it from the log) if it is not loaded yet. */
  async load(topic: string, partition: number, log: PartitionLog): Promise<void> {
    await this.stateOf(AppendNotifier.key(topic, partition), log);
  }

  /** PS-42: the partition's producer entries (DescribeProducers). */
  async producerState(topic: string, partition: number, log: PartitionLog): Promise<PartitionProducerState> {
    return (await this.stateOf(AppendNotifier.key(topic, partition), log)).txn;
  }

  /** PS-10: drops idle producers of every loaded partition (`producer.id.expiration.ms`). */
  expireProducers(nowMs: number, expirationMs: number): void {
    for (const state of this.states.values()) state.txn = expireIdleProducers(state.txn, BigInt(nowMs), BigInt(expirationMs));
  }

  /** Forgets one partition's producer state (cluster mode: another broker leads it now; rebuilt from the log when it comes back). */
  forgetPartition(topic: string, partition: number): void {
    const key = AppendNotifier.key(topic, partition);
    this.states.delete(key);
    this.loading.delete(key);
  }

  /** Forgets a deleted topic's partitions. */
  forgetTopic(topic: string): void {
    for (const k of [...this.states.keys()]) if (k.startsWith(`${topic}/`)) this.states.delete(k);
  }
}

/**
 * PS-40: the newest intact snapshot (if any), then every later batch of the log folded in without
 * sequence validation; a missing or damaged snapshot means a fold of the whole log (TT-34).
 */
const rebuild = async (log: PartitionLog): Promise<PartitionState> => {
  let txn = initialPartitionProducerState;
  let offset = log.logStartOffset();
  const end = log.logEndOffset();
  const snap = await log.readProducerSnapshot?.(end).catch(() => null);
  if (snap !== undefined && snap !== null) {
    let decoded: PartitionProducerState | null = null;
    try {
      decoded = decodeProducerSnapshot(JSON.parse(Buffer.from(snap.data).toString('utf8')));
    } catch {
      decoded = null;
    }
    if (decoded !== null) {
      txn = decoded;
      if (snap.offset > offset) offset = snap.offset;
    }
  }
  while (offset < end) {
    let bytes: Buffer;
    try {
      bytes = await log.read(offset, SCAN_BYTES);
    } catch {
      break;
    }
    const batches = summarizeBatches(bytes);
    const before = offset;
    for (const b of batches) {
      if (b.lastOffset < offset) continue;
      if (b.isControl) {
        if (b.producerId >= 0n && (b.controlType === CONTROL_COMMIT || b.controlType === CONTROL_ABORT)) {
          txn = applyMarkerToProducer(txn, b.producerId, b.producerEpoch, b.maxTimestamp);
          txn = completeTxn(txn, b.producerId, b.controlType === CONTROL_COMMIT, b.baseOffset);
        }
      } else if (b.producerId >= 0n && b.baseSequence >= 0) {
        txn = applyDataBatch(txn, {
          producerId: b.producerId,
          producerEpoch: b.producerEpoch,
          firstSeq: b.baseSequence,
          lastSeq: (b.baseSequence + b.recordCount - 1) % 2147483648,
          firstOffset: b.baseOffset,
          lastOffset: b.lastOffset,
          timestamp: b.maxTimestamp,
          transactional: b.isTransactional,
        });
      }
      offset = b.lastOffset + 1n;
    }
    if (offset <= before) break; // no whole batch past `offset`: nothing more to fold
  }
  return { log, nextOffset: end, txn: pruneAborted(txn, log.logStartOffset()), inflight: 0, sinceSnapshot: 0 };
};
