import type { AppendInfo, CleaningContext, CleaningResult, PartitionLog, PartitionLogConfig, PartitionLogStore } from '../../ports/partition-log';
import type { Metrics } from '../../ports/metrics';

/** A PartitionLog that counts and times its appends; every other call goes straight through. */
class MeteredPartitionLog implements PartitionLog {
  constructor(
    private readonly inner: PartitionLog,
    private readonly metrics: Metrics,
  ) {}

  async append(batches: Buffer, info: AppendInfo): Promise<bigint> {
    const started = performance.now();
    const offset = await this.inner.append(batches, info);
    this.metrics.observe('cohort_partition_log_append_duration_seconds', (performance.now() - started) / 1000);
    this.metrics.increment('cohort_partition_log_appends_total');
    this.metrics.increment('cohort_partition_log_appended_records_total', undefined, info.recordCount);
    return offset;
  }

  read(offset: bigint, maxBytes: number): Promise<Buffer> {
    return this.inner.read(offset, maxBytes);
  }

  logStartOffset(): bigint {
    return this.inner.logStartOffset();
  }

  logEndOffset(): bigint {
    return this.inner.logEndOffset();
  }

  offsetForTimestamp(timestamp: bigint): Promise<{ offset: bigint; timestamp: bigint } | null> {
    return this.inner.offsetForTimestamp(timestamp);
  }

  maxTimestamp(): Promise<{ offset: bigint; timestamp: bigint } | null> {
    return this.inner.maxTimestamp();
  }

  applyRetention(nowMs: number): Promise<bigint> {
    return this.inner.applyRetention(nowMs);
  }

  deleteRecordsBefore(offset: bigint): Promise<bigint> {
    return this.inner.deleteRecordsBefore(offset);
  }

  compact(ctx: CleaningContext): Promise<CleaningResult | null> {
    return this.inner.compact(ctx);
  }

  reconfigure(config: Partial<PartitionLogConfig>): void {
    this.inner.reconfigure(config);
  }

  sizeInBytes(): number {
    return this.inner.sizeInBytes();
  }

  writeProducerSnapshot(offset: bigint, data: Uint8Array): Promise<void> {
    return this.inner.writeProducerSnapshot?.(offset, data) ?? Promise.resolve();
  }

  readProducerSnapshot(maxOffset: bigint): Promise<{ offset: bigint; data: Uint8Array } | null> {
    return this.inner.readProducerSnapshot?.(maxOffset) ?? Promise.resolve(null);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * Decorates a PartitionLogStore so that every log it opens is metered. The port's "opening an open
 * log returns the same instance" holds: one wrapper per inner log.
 */
export class MeteredPartitionLogStore implements PartitionLogStore {
  private readonly wrappers = new WeakMap<PartitionLog, MeteredPartitionLog>();

  constructor(
    private readonly inner: PartitionLogStore,
    private readonly metrics: Metrics,
  ) {}

  async open(topic: string, partition: number, config?: Partial<PartitionLogConfig>): Promise<PartitionLog> {
    const log = await this.inner.open(topic, partition, config);
    let wrapper = this.wrappers.get(log);
    if (wrapper === undefined) {
      wrapper = new MeteredPartitionLog(log, this.metrics);
      this.wrappers.set(log, wrapper);
    }
    return wrapper;
  }

  deleteTopic(topic: string): Promise<void> {
    return this.inner.deleteTopic(topic);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
