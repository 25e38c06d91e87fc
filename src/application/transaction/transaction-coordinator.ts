import * as E from 'fp-ts/Either';
import { ErrorCode } from '../../domain/error-code';
import type { TxnEvent } from '../../domain/transaction/events';
import { afterLoad, evolveTxn, txnSnapshotEvents } from '../../domain/transaction/evolve-txn';
import { decideInitProducerId } from '../../domain/transaction/decide-init-producer-id';
import { decideAddPartitions, decideEndTxn, decideTxnOffsetCommit, type TxnIdentity } from '../../domain/transaction/decide-txn-requests';
import {
  groupShard,
  hasPartition,
  initialTxnCoordinatorState,
  OFFSETS_TOPIC,
  type PendingTxnOffset,
  type TopicPartitionRef,
  type TxnCoordinatorState,
  type TxnMetadata,
} from '../../domain/transaction/txn-metadata';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { MetaLog } from '../../ports/meta-log';
import { ProducerIdAllocator } from './producer-id-allocator';

/** Kafka's transaction coordinator settings (transactions spec §8). */
export interface TransactionCoordinatorConfig {
  /** transaction.max.timeout.ms */
  readonly maxTimeoutMs: number;
  /** transactional.id.expiration.ms */
  readonly idExpirationMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms */
  readonly abortTimedOutIntervalMs: number;
  /** transaction.remove.expired.transaction.cleanup.interval.ms */
  readonly removeExpiredIntervalMs: number;
}

export const DEFAULT_TRANSACTION_CONFIG: TransactionCoordinatorConfig = {
  maxTimeoutMs: 900000,
  idExpirationMs: 604800000,
  abortTimedOutIntervalMs: 10000,
  removeExpiredIntervalMs: 3600000,
};

export interface InitProducerIdResult {
  readonly errorCode: ErrorCode;
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

/** What happens after a Prepare* event is durable: markers, then completion (transaction-completion.ts). */
export type CompletionStarter = (txnId: string) => void;

/**
 * The transaction coordinator (transactions spec §2) as an event-sourced aggregate: each request runs
 * decide → append to the MetaLog → fold once durable → answer (EV-1). The only soft state is the set
 * of transactional ids with a write in flight (TX-12 `pendingState`).
 */
export class TransactionCoordinator {
  private state: TxnCoordinatorState = initialTxnCoordinatorState();
  private readonly pending = new Set<string>();
  private status: 'loading' | 'active' | 'inactive' = 'loading';
  readonly producerIds: ProducerIdAllocator;
  private completion: CompletionStarter = () => undefined;

  constructor(
    private readonly journal: MetaLog,
    private readonly clock: Clock,
    readonly config: TransactionCoordinatorConfig,
    private readonly log: Logger,
  ) {
    this.producerIds = new ProducerIdAllocator(() => this.state.producerIdEnd, (events) => this.write(events));
  }

  setCompletion(start: CompletionStarter): void {
    this.completion = start;
  }

  // ---- load (EV-7) -------------------------------------------------------------------------------

  applyReplayed(event: TxnEvent): void {
    this.state = evolveTxn(this.state, event);
  }

  /** TX-87: after replay, decided transactions are completed (their markers re-sent). */
  completeLoad(): void {
    this.state = afterLoad(this.state);
    this.status = 'active';
    for (const t of this.state.txns.values()) if (t.state === 'PrepareCommit' || t.state === 'PrepareAbort') this.completion(t.txnId);
  }

  unload(): void {
    this.status = 'inactive';
  }

  isActive(): boolean {
    return this.status === 'active';
  }

  snapshotEvents(): TxnEvent[] {
    return txnSnapshotEvents(this.state);
  }

  get txns(): ReadonlyMap<string, TxnMetadata> {
    return this.state.txns;
  }

  txn(txnId: string): TxnMetadata | undefined {
    return this.state.txns.get(txnId);
  }

  isPending(txnId: string): boolean {
    return this.pending.has(txnId);
  }

  /** Appends events and folds them once durable (throws when the MetaLog failed). */
  async write(events: readonly TxnEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.journal.append(events);
    for (const e of events) this.state = evolveTxn(this.state, e);
  }

  /** Runs `fn` with the transactional id marked pending (TX-12); a failed write answers NOT_COORDINATOR (TX-70). */
  async withPending<T>(txnId: string, fn: () => Promise<T>, onWriteFailure: () => T): Promise<T> {
    this.pending.add(txnId);
    try {
      return await fn();
    } catch (err) {
      this.log.error({ txnId, err: (err as Error).message }, 'transaction state write failed');
      return onWriteFailure();
    } finally {
      this.pending.delete(txnId);
    }
  }

  private unavailable(): ErrorCode | null {
    if (this.status === 'loading') return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    if (this.status === 'inactive') return ErrorCode.NOT_COORDINATOR;
    return null;
  }

  // ---- InitProducerId (TX-40…TX-48) ------------------------------------------------------------

  async initProducerId(txnId: string | null, timeoutMs: number, producerId: bigint, producerEpoch: number): Promise<InitProducerIdResult> {
    const fail = (errorCode: ErrorCode): InitProducerIdResult => ({ errorCode, producerId: -1n, producerEpoch: -1 });
    if (txnId === null) {
      // TX-41: an idempotent producer needs only a fresh id from a durable block.
      try {
        return { errorCode: ErrorCode.NONE, producerId: await this.producerIds.allocate(), producerEpoch: 0 };
      } catch {
        return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      }
    }
    const unavailable = this.unavailable();
    if (unavailable !== null) return fail(unavailable);
    if (this.pending.has(txnId)) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    const cmd = { txnId, timeoutMs, producerId, producerEpoch };
    const ctx = { now: this.clock.now(), maxTimeoutMs: this.config.maxTimeoutMs, freshProducerId: -1n, pending: false };
    const probe = decideInitProducerId(cmd, this.state.txns.get(txnId), ctx);
    if (E.isLeft(probe)) return fail(probe.left.code);
    let fenced = false;
    const result = await this.withPending(txnId, async () => {
      let decision = probe.right;
      if (decision.kind === 'initialized' && decision.usesFreshProducerId) {
        const fresh = await this.producerIds.allocate();
        const again = decideInitProducerId(cmd, this.state.txns.get(txnId), { ...ctx, now: this.clock.now(), freshProducerId: fresh });
        if (E.isLeft(again)) return fail(again.left.code);
        decision = again.right;
      }
      await this.write(decision.events);
      if (decision.kind === 'fenced') {
        fenced = true;
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      }
      return { errorCode: ErrorCode.NONE, producerId: decision.producerId, producerEpoch: decision.producerEpoch };
    }, () => fail(ErrorCode.NOT_COORDINATOR));
    // TX-52: the fenced transaction is aborted with the bumped epoch; the caller retries meanwhile.
    if (fenced) this.completion(txnId);
    return result;
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn (TX-51, TX-53) -------------------------------------

  /** One error for every partition (TX-51); NONE once the new partition set is durable. */
  async addPartitions(id: TxnIdentity, partitions: readonly TopicPartitionRef[]): Promise<ErrorCode> {
    const unavailable = this.unavailable();
    if (unavailable !== null) return unavailable;
    const decision = decideAddPartitions({ ...id, partitions }, this.state.txns.get(id.txnId), this.pending.has(id.txnId), this.clock.now());
    if (E.isLeft(decision)) return decision.left.code;
    if (decision.right.length === 0) return ErrorCode.NONE;
    return this.withPending(id.txnId, async () => {
      await this.write(decision.right);
      return ErrorCode.NONE;
    }, () => ErrorCode.NOT_COORDINATOR);
  }

  /** TX-53: the group's __consumer_offsets shard joins the transaction. */
  addOffsets(id: TxnIdentity, groupId: string): Promise<ErrorCode> {
    return this.addPartitions(id, [{ topic: OFFSETS_TOPIC, partition: groupShard(groupId) }]);
  }

  // ---- EndTxn (TX-55…TX-58) --------------------------------------------------------------------

  /** TX-56: answered once Prepare* is durable; markers follow. */
  async endTxn(id: TxnIdentity, commit: boolean): Promise<ErrorCode> {
    const unavailable = this.unavailable();
    if (unavailable !== null) return unavailable;
    const decision = decideEndTxn({ ...id, commit }, this.state.txns.get(id.txnId), this.pending.has(id.txnId), this.clock.now());
    if (E.isLeft(decision)) return decision.left.code;
    if (decision.right.kind === 'alreadyDone') return ErrorCode.NONE;
    const events = decision.right.events;
    const result = await this.withPending(id.txnId, async () => {
      await this.write(events);
      return ErrorCode.NONE;
    }, () => ErrorCode.NOT_COORDINATOR);
    if (result === ErrorCode.NONE) this.completion(id.txnId);
    return result;
  }

  // ---- TxnOffsetCommit (TO-3…TO-5) -------------------------------------------------------------

  /** The transaction side of TxnOffsetCommit; the group side was validated by the caller (TO-2). */
  async txnOffsetCommit(id: TxnIdentity, groupId: string, offsets: readonly PendingTxnOffset[], apiVersion: number): Promise<ErrorCode> {
    const unavailable = this.unavailable();
    if (unavailable !== null) return unavailable === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS && apiVersion < 2 ? ErrorCode.COORDINATOR_NOT_AVAILABLE : unavailable;
    if (this.pending.has(id.txnId)) return ErrorCode.CONCURRENT_TRANSACTIONS;
    const shard = { topic: OFFSETS_TOPIC, partition: groupShard(groupId) };
    const decision = decideTxnOffsetCommit({ ...id, shard, offsets, apiVersion }, this.state.txns.get(id.txnId), this.clock.now());
    if (E.isLeft(decision)) return decision.left.code;
    return this.withPending(id.txnId, async () => {
      await this.write(decision.right);
      return ErrorCode.NONE;
    }, () => ErrorCode.NOT_COORDINATOR);
  }

  /** TO-6 / OF-33: whether a partition of the group has a pending transactional offset. */
  hasPendingOffset(groupId: string, topic: string, partition: number): boolean {
    for (const t of this.state.txns.values()) {
      if (t.pendingOffsets.some((o) => o.groupId === groupId && o.topic === topic && o.partition === partition)) return true;
    }
    return false;
  }

  /**
   * TO-6: OffsetDelete (`partitions`) or DeleteGroups (null) also removes the group's pending
   * transactional offsets, so a later commit does not write them back.
   */
  async dropPendingOffsets(groupId: string, partitions: readonly TopicPartitionRef[] | null): Promise<void> {
    const matches = (o: PendingTxnOffset) => o.groupId === groupId && (partitions === null || partitions.some((p) => p.topic === o.topic && p.partition === o.partition));
    if (![...this.state.txns.values()].some((t) => t.pendingOffsets.some(matches))) return;
    await this.write([{ type: 'TxnOffsetsDropped', groupId, partitions }]).catch((err: Error) => this.log.error({ err: err.message }, 'dropping pending offsets failed'));
  }

  /** TO-6: whether the group has any pending transactional offset. */
  hasPendingOffsets(groupId: string): boolean {
    for (const t of this.state.txns.values()) if (t.pendingOffsets.some((o) => o.groupId === groupId)) return true;
    return false;
  }

  /**
   * EV-8: whether the coordinator has a transaction of `producerId` that is open or being decided
   * on this partition (else an open transaction found in the partition's log hangs).
   */
  knowsOpenPartition(producerId: bigint, topic: string, partition: number): boolean {
    for (const t of this.state.txns.values()) {
      if (t.producerId !== producerId) continue;
      if ((t.state === 'Ongoing' || t.state === 'PrepareCommit' || t.state === 'PrepareAbort') && hasPartition(t.partitions, { topic, partition })) return true;
    }
    return false;
  }

  // ---- Produce-side verification (PS-20, TX-54) ------------------------------------------------

  /**
   * Whether a transactional batch of (pid, epoch) may be appended to the partition: its transaction
   * must be Ongoing with the partition in its set. Errors are Produce's (PS-20).
   */
  verifyPartition(txnId: string, producerId: bigint, producerEpoch: number, topic: string, partition: number, produceVersion: number): ErrorCode {
    const unavailable = this.unavailable();
    if (unavailable !== null) return ErrorCode.NOT_ENOUGH_REPLICAS;
    const t = this.state.txns.get(txnId);
    if (t === undefined || t.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (producerEpoch !== t.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (t.state === 'PrepareCommit' || t.state === 'PrepareAbort' || this.pending.has(txnId)) return ErrorCode.NOT_ENOUGH_REPLICAS;
    if (t.state !== 'Ongoing' || !hasPartition(t.partitions, { topic, partition })) {
      return produceVersion >= 11 ? ErrorCode.TRANSACTION_ABORTABLE : ErrorCode.INVALID_TXN_STATE;
    }
    return ErrorCode.NONE;
  }
}
