import {
  AppendInfo,
  CleaningContext,
  CleaningResult,
  DEFAULT_PARTITION_LOG_CONFIG,
  OffsetOutOfRange,
  PartitionLog,
  PartitionLogConfig,
  PartitionLogStore,
} from '../../src/ports/partition-log';
import { batchSizeAt, lastOffsetAt, BatchOffset } from '../../src/adapters/kafka/record-batch/batch-header';
import { rewriteBaseOffset } from '../../src/adapters/kafka/record-batch/batch-rewrite';
import { firstRecordAtOrAfter, maxTimestampRecord } from '../../src/adapters/kafka/record-batch/record-timestamps';
import { planRetention } from '../../src/adapters/partition-log/retention-plan';
import { cleanLog } from '../../src/adapters/partition-log/log-cleaner';
import { shouldRollByTime } from '../../src/adapters/partition-log/segment-roll';
import { EMPTY_CHECKPOINT, type CleanerCheckpoint } from '../../src/adapters/partition-log/cleaner-checkpoint';
import { MemoryCleanableLog, type MemoryLogState } from './memory-cleanable-log';

export interface StoredBatch {
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  readonly maxTimestamp: bigint;
  readonly buf: Buffer;
}

export interface MemorySegment {
  readonly baseOffset: bigint;
  readonly batches: StoredBatch[];
  size: number;
  largestTimestamp: bigint;
}

export const emptySegment = (baseOffset: bigint): MemorySegment => ({ baseOffset, batches: [], size: 0, largestTimestamp: -1n });

/** Index of the last element whose key is ≤ `key` (elements sorted by key), or -1. */
const floorIndex = <T>(xs: ReadonlyArray<T>, key: bigint, keyOf: (x: T) => bigint): number => {
  let lo = 0;
  let hi = xs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(xs[mid]) <= key) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
};

/**
 * In-memory PartitionLog with the same segment and retention behaviour as the file log, for tests
 * and for brokers started without a data directory. Appends are durable at once (nothing to lose).
 */
export class MemoryPartitionLog implements PartitionLog {
  private config: PartitionLogConfig;
  private closed = false;

  constructor(
    config: Partial<PartitionLogConfig> = {},
    private readonly state: MemoryLogState = { segments: [emptySegment(0n)], end: 0n, deletedBefore: 0n, checkpoint: EMPTY_CHECKPOINT },
  ) {
    this.config = { ...DEFAULT_PARTITION_LOG_CONFIG, ...config };
  }

  private get segments(): MemorySegment[] {
    return this.state.segments;
  }

  private get end(): bigint {
    return this.state.end;
  }

  private set end(value: bigint) {
    this.state.end = value;
  }

  isClosed(): boolean {
    return this.closed;
  }

  writeProducerSnapshot(offset: bigint, data: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error('partition log is closed'));
    const snapshots = (this.state.snapshots ??= new Map());
    snapshots.set(offset, Uint8Array.from(data));
    const keep = [...snapshots.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).slice(0, 2);
    for (const k of [...snapshots.keys()]) if (!keep.includes(k)) snapshots.delete(k);
    return Promise.resolve();
  }

  readProducerSnapshot(maxOffset: bigint): Promise<{ offset: bigint; data: Uint8Array } | null> {
    const offsets = [...(this.state.snapshots?.keys() ?? [])].filter((o) => o <= maxOffset).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    const offset = offsets[0];
    return Promise.resolve(offset === undefined ? null : { offset, data: this.state.snapshots!.get(offset)! });
  }

  /** A new open log over the same data, as a reopen after a restart would give. */
  reopen(config: Partial<PartitionLogConfig> = {}): MemoryPartitionLog {
    return new MemoryPartitionLog({ ...this.config, ...config }, this.state);
  }

  append(batches: Buffer, info: AppendInfo): Promise<bigint> {
    if (this.closed) return Promise.reject(new Error('partition log is closed'));
    const first = this.end;
    let count = 0n;
    for (let pos = 0; pos < batches.length; pos += batchSizeAt(batches, pos)) {
      count += BigInt(batches.readInt32BE(pos + BatchOffset.lastOffsetDelta)) + 1n;
    }
    if (count !== BigInt(info.recordCount)) {
      return Promise.reject(new Error(`append info says ${info.recordCount} records but the batches hold ${count}`));
    }
    // Copy so a slice of a large request buffer does not stay alive with the log.
    const owned = Buffer.from(batches);
    let next = first;
    for (let pos = 0; pos < owned.length; ) {
      const size = batchSizeAt(owned, pos);
      rewriteBaseOffset(owned, pos, next);
      const buf = owned.subarray(pos, pos + size);
      const lastOffset = lastOffsetAt(buf, 0);
      let active = this.segments[this.segments.length - 1];
      const rollTimestamp = active.batches.length > 0 ? active.batches[0].maxTimestamp : null;
      const maxTimestamp = buf.readBigInt64BE(BatchOffset.maxTimestamp);
      if (active.size > 0 && (active.size + size > this.config.segmentBytes || shouldRollByTime(rollTimestamp, this.config.segmentMs, maxTimestamp))) {
        active = emptySegment(next);
        this.segments.push(active);
      }
      active.batches.push({ baseOffset: next, lastOffset, maxTimestamp, buf });
      active.size += size;
      if (maxTimestamp > active.largestTimestamp) active.largestTimestamp = maxTimestamp;
      next = lastOffset + 1n;
      pos += size;
    }
    this.end = next;
    return Promise.resolve(first);
  }

  read(offset: bigint, maxBytes: number): Promise<Buffer> {
    const start = this.logStartOffset();
    if (offset < start || offset > this.end) return Promise.reject(new OffsetOutOfRange(offset, start, this.end));
    if (offset === this.end) return Promise.resolve(Buffer.alloc(0));
    // An offset in a compaction gap at a segment's end is served from the next segment, as in Kafka.
    for (let s = floorIndex(this.segments, offset, (x) => x.baseOffset); s < this.segments.length; s++) {
      const seg = this.segments[s];
      let i = Math.max(0, floorIndex(seg.batches, offset, (b) => b.baseOffset));
      if (i < seg.batches.length && seg.batches[i].lastOffset < offset) i++;
      const out: Buffer[] = [];
      let bytes = 0;
      for (let j = i; j < seg.batches.length; j++) {
        const b = seg.batches[j].buf;
        if (out.length > 0 && bytes + b.length > maxBytes) break;
        out.push(b);
        bytes += b.length;
      }
      if (out.length > 0) return Promise.resolve(Buffer.concat(out));
    }
    return Promise.resolve(Buffer.alloc(0));
  }

  logStartOffset(): bigint {
    const first = this.segments[0].baseOffset;
    return this.state.deletedBefore > first ? this.state.deletedBefore : first;
  }

  logEndOffset(): bigint {
    return this.end;
  }

  offsetForTimestamp(timestamp: bigint): Promise<{ offset: bigint; timestamp: bigint } | null> {
    for (const seg of this.segments) {
      if (seg.largestTimestamp < timestamp) continue;
      for (const b of seg.batches) {
        if (b.maxTimestamp < timestamp) continue;
        const hit = firstRecordAtOrAfter(b.buf, 0, timestamp);
        if (hit !== null) return Promise.resolve(hit);
      }
    }
    return Promise.resolve(null);
  }

  maxTimestamp(): Promise<{ offset: bigint; timestamp: bigint } | null> {
    let best: StoredBatch | null = null;
    for (const seg of this.segments) {
      for (const b of seg.batches) if (best === null || b.maxTimestamp > best.maxTimestamp) best = b;
    }
    return Promise.resolve(best === null ? null : maxTimestampRecord(best.buf, 0));
  }

  applyRetention(nowMs: number): Promise<bigint> {
    if (!this.config.cleanupDelete) return Promise.resolve(this.logStartOffset());
    const count = planRetention(this.segments, this.config, nowMs);
    if (count === this.segments.length) this.segments.push(emptySegment(this.end));
    this.state.segments = this.segments.slice(count);
    return Promise.resolve(this.logStartOffset());
  }

  deleteRecordsBefore(offset: bigint): Promise<bigint> {
    if (offset > this.end) return Promise.reject(new OffsetOutOfRange(offset, this.logStartOffset(), this.end));
    if (offset > this.logStartOffset()) {
      this.state.deletedBefore = offset;
      let count = 0;
      while (count + 1 < this.segments.length && this.segments[count + 1].baseOffset <= offset) count++;
      this.state.segments = this.segments.slice(count);
    }
    return Promise.resolve(this.logStartOffset());
  }

  compact(ctx: CleaningContext): Promise<CleaningResult | null> {
    if (this.closed) return Promise.resolve(null);
    return cleanLog(new MemoryCleanableLog(this.state), this.config, ctx);
  }

  /** The cleaner checkpoint (tests). */
  cleanerCheckpoint(): CleanerCheckpoint {
    return this.state.checkpoint;
  }

  reconfigure(config: Partial<PartitionLogConfig>): void {
    this.config = { ...this.config, ...config };
  }

  sizeInBytes(): number {
    return this.segments.reduce((n, s) => n + s.size, 0);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/** Keeps MemoryPartitionLogs by topic and partition; opening a closed log again gives its data back (a restart). */
export class MemoryPartitionLogStore implements PartitionLogStore {
  private readonly topics = new Map<string, Map<number, MemoryPartitionLog>>();

  open(topic: string, partition: number, config?: Partial<PartitionLogConfig>): Promise<PartitionLog> {
    let parts = this.topics.get(topic);
    if (parts === undefined) {
      parts = new Map();
      this.topics.set(topic, parts);
    }
    let log = parts.get(partition);
    if (log === undefined) {
      log = new MemoryPartitionLog(config);
      parts.set(partition, log);
    } else if (log.isClosed()) {
      log = log.reopen(config);
      parts.set(partition, log);
    } else if (config !== undefined) log.reconfigure(config);
    return Promise.resolve(log);
  }

  deleteTopic(topic: string): Promise<void> {
    this.topics.delete(topic);
    return Promise.resolve();
  }

  async close(): Promise<void> {
    for (const parts of this.topics.values()) for (const log of parts.values()) await log.close();
  }
}
