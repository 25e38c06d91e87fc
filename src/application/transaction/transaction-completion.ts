import { OFFSETS_TOPIC } from '../../domain/transaction/txn-metadata';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { Scheduler } from '../../ports/scheduler';
import type { TxnMarkerSink, TxnOffsetSink } from '../../ports/transaction-sinks';
import type { TransactionCoordinator } from './transaction-coordinator';

/** Pause between two attempts of a marker or offset write that failed transiently (TX-82). */
const RETRY_MS = 100;

/**
 * Completes decided transactions (TX-80…TX-88): a marker on every data partition of the set, the
 * transactional offsets materialized on commit (TO-5), then the Complete* event once all of it is
 * durable (EV-6). Runs after EndTxn, a fence, a timeout abort, and for every Prepare* found at load
 * (TX-87). Re-sending a marker that was already written is harmless (TX-88).
 */
export class TransactionCompletion {
  private readonly running = new Set<string>();
  private seq = 0;

  constructor(
    private readonly coordinator: TransactionCoordinator,
    private readonly markers: TxnMarkerSink,
    private readonly offsets: TxnOffsetSink,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  start(txnId: string): void {
    if (this.running.has(txnId)) return;
    this.running.add(txnId);
    void this.run(txnId)
      .catch((err: Error) => this.log.error({ txnId, err: err.message }, 'transaction completion failed'))
      .finally(() => this.running.delete(txnId));
  }

  /** Whether any completion is still writing markers (tests, shutdown). */
  get inFlight(): number {
    return this.running.size;
  }

  /**
   * EV-8 (Cohort's choice, not Kafka's): transactions left open in a partition's log that the
   * coordinator does not know — their MetaLog records were lost, e.g. under a lax fsync policy —
   * would hold the partition's LSO forever; they are aborted with a marker at the producer's epoch.
   * Resolves with the producers aborted.
   */
  async abortHanging(topic: string, partition: number, open: ReadonlyArray<{ producerId: bigint; producerEpoch: number }>): Promise<bigint[]> {
    if (!this.coordinator.isActive()) return [];
    const aborted: bigint[] = [];
    for (const { producerId, producerEpoch } of open) {
      if (this.coordinator.knowsOpenPartition(producerId, topic, partition)) continue;
      this.log.warn({ topic, partition, producerId: String(producerId) }, 'aborting a hanging transaction the coordinator does not know');
      if ((await this.markers.writeMarker(topic, partition, producerId, producerEpoch, false)) === 'written') aborted.push(producerId);
    }
    return aborted;
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => this.scheduler.schedule(`txn-retry-${++this.seq}`, RETRY_MS, resolve));
  }

  private async run(txnId: string): Promise<void> {
    const t = this.coordinator.txn(txnId);
    if (t === undefined || (t.state !== 'PrepareCommit' && t.state !== 'PrepareAbort')) return;
    const commit = t.state === 'PrepareCommit';
    for (const p of t.partitions) {
      if (p.topic === OFFSETS_TOPIC) continue; // the group side is the offsets below (TO-5)
      for (;;) {
        if (!this.coordinator.isActive()) return;
        const result = await this.markers.writeMarker(p.topic, p.partition, t.producerId, t.producerEpoch, commit);
        if (result === 'written' || result === 'dropped') break;
        if (result === 'fenced') {
          // Kafka stops here and leaves the transaction prepared; a single node has no newer
          // coordinator, so the partition is counted as done (docs/protocol-notes.md).
          this.log.warn({ txnId, topic: p.topic, partition: p.partition }, 'marker fenced by a newer producer epoch');
          break;
        }
        await this.pause();
      }
    }
    if (commit && t.pendingOffsets.length > 0) {
      while (!(await this.offsets.materialize(t.pendingOffsets))) {
        if (!this.coordinator.isActive()) return;
        await this.pause();
      }
    }
    // TX-86: Complete* only once every marker is durable.
    while (this.coordinator.isPending(txnId)) await this.pause();
    await this.coordinator.withPending(txnId, async () => {
      await this.coordinator.write([{ type: 'TxnCompleted', txnId, at: this.clock.now() }]);
      return true;
    }, () => false);
  }
}
