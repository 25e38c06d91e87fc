/**
 * PartitionLog port: the append-only record log of one topic partition (single node: the high
 * watermark is the log end offset).
 *
 * Contract:
 * - `append(batches, info)` takes record batches (magic 2) already validated by the caller, assigns
 *   offsets by rewriting each batch's base offset (in place: the log takes ownership of `batches`),
 *   and resolves with the first assigned offset once the data is durable under the configured fsync
 *   policy. Appends resolve in call order. Offsets are dense: the next append starts at the
 *   previous one's first offset + its `recordCount`. A rejected append (I/O failure) fails the log:
 *   every later append rejects too (no retry on a failed fd).
 * - `logEndOffset()` (= high watermark) advances when an append resolves, so readers never see data
 *   that is not yet durable under the policy.
 * - `read(offset, maxBytes)` returns whole batches starting with the one that contains `offset`;
 *   at least one batch is returned when one exists, even if larger than `maxBytes` (KIP-74).
 *   Reading at the log end offset returns an empty buffer; below the log start offset or above the
 *   end it rejects with `OffsetOutOfRange`. A read never spans two segments (as in Kafka).
 * - `applyRetention(nowMs)` deletes whole old segments by `retention.ms` (a segment whose largest
 *   timestamp is older than now − retention.ms) and `retention.bytes` (oldest segments while the
 *   rest still holds ≥ retention.bytes); it advances `logStartOffset()` and never deletes
 *   unexpired data. The broker calls it periodically (`log.retention.check.interval.ms`). A log whose
 *   `cleanup.policy` lacks `delete` (compact only) is never shortened by retention (Kafka's rule).
 * - `deleteRecordsBefore(offset)` (DeleteRecords, API 21) raises the log start offset to `offset`,
 *   durably (it survives a restart) before resolving, and deletes the whole segments below it.
 *   An offset at or below the current log start changes nothing; above the high watermark it
 *   rejects with `OffsetOutOfRange`. Reads below the new start reject with `OffsetOutOfRange`.
 * - Log compaction (`cleanup.policy` contains `compact`): `compact(ctx)` runs at most one cleaning
 *   pass over the sealed segments when the log is eligible (dirty ratio, compaction lags, a
 *   tombstone's delete horizon passed) and resolves with what it did, or null. Offsets never change:
 *   a cleaned log has gaps; a read at an offset inside a gap returns the next batch after it.
 */
export interface PartitionLog {
  append(batches: Buffer, info: AppendInfo): Promise<bigint>;
  read(offset: bigint, maxBytes: number): Promise<Buffer>;
  logStartOffset(): bigint;
  logEndOffset(): bigint;
  /** Smallest offset whose record timestamp is ≥ `timestamp`, or null (ListOffsets by time). */
  offsetForTimestamp(timestamp: bigint): Promise<{ offset: bigint; timestamp: bigint } | null>;
  /** Offset and timestamp of the record with the largest timestamp (ListOffsets -3), or null. */
  maxTimestamp(): Promise<{ offset: bigint; timestamp: bigint } | null>;
  /** Deletes expired whole segments; resolves with the (possibly advanced) log start offset. */
  applyRetention(nowMs: number): Promise<bigint>;
  /** DeleteRecords: raises the log start offset (see the contract above); resolves with the log start offset. */
  deleteRecordsBefore(offset: bigint): Promise<bigint>;
  /** One log-compaction pass if the log is compacted and eligible; null when nothing was due. */
  compact(ctx: CleaningContext): Promise<CleaningResult | null>;
  /** Replaces the topic-level settings (AlterConfigs); applies to the next append / retention / cleaning run. */
  reconfigure(config: Partial<PartitionLogConfig>): void;
  /** Total bytes held by the log's segments (DescribeLogDirs). */
  sizeInBytes(): number;
  /**
   * Producer-state snapshots (PS-40, Kafka's `<offset>.snapshot` beside the segments): durably stores
   * `data`, the producer state folded from every batch below `offset`; older snapshots beyond the
   * newest two may be removed. Optional: a log without it is always rebuilt by a full scan.
   */
  writeProducerSnapshot?(offset: bigint, data: Uint8Array): Promise<void>;
  /** The newest intact producer snapshot at or below `maxOffset`, or null (none, or all damaged). */
  readProducerSnapshot?(maxOffset: bigint): Promise<{ offset: bigint; data: Uint8Array } | null>;
  close(): Promise<void>;
}

/** What the caller learnt while validating the batches handed to `append`. */
export interface AppendInfo {
  /** Number of records across the batches (sum of lastOffsetDelta + 1). */
  readonly recordCount: number;
  readonly maxTimestamp: bigint;
}

/** The topic configs a partition log obeys (Kafka names in comments). */
export interface PartitionLogConfig {
  /** `segment.bytes`: roll to a new segment when the active one would exceed this. */
  readonly segmentBytes: number;
  /** `retention.ms`: -1 keeps data forever. */
  readonly retentionMs: number;
  /** `retention.bytes`: -1 means no size limit. */
  readonly retentionBytes: number;
  /** `index.interval.bytes`: log bytes between two sparse index entries. */
  readonly indexIntervalBytes: number;
  /** `cleanup.policy` contains `delete`: retention.ms / retention.bytes shorten the log. */
  readonly cleanupDelete: boolean;
  /** `cleanup.policy` contains `compact`: the log cleaner keeps the latest record per key. */
  readonly cleanupCompact: boolean;
  /** `segment.ms`: an append rolls the active segment once its first batch is older than this. */
  readonly segmentMs: number;
  /** `min.cleanable.dirty.ratio`: dirty bytes / all cleanable bytes that make a log eligible. */
  readonly minCleanableDirtyRatio: number;
  /** `min.compaction.lag.ms`: a segment holding a record younger than this is not cleaned. */
  readonly minCompactionLagMs: number;
  /** `max.compaction.lag.ms`: a dirty record older than this makes the log eligible whatever its ratio. */
  readonly maxCompactionLagMs: number;
  /** `delete.retention.ms`: how long a tombstone survives after the cleaner first keeps it. */
  readonly deleteRetentionMs: number;
}

/** Kafka's defaults for the settings above. */
export const DEFAULT_PARTITION_LOG_CONFIG: PartitionLogConfig = {
  segmentBytes: 1073741824,
  retentionMs: 604800000,
  retentionBytes: -1,
  indexIntervalBytes: 4096,
  cleanupDelete: true,
  cleanupCompact: false,
  segmentMs: 604800000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
  deleteRetentionMs: 86400000,
};

/** What one cleaning pass is given by the broker. */
export interface CleaningContext {
  readonly nowMs: number;
  /** Paces the cleaner's reads and writes (log.cleaner.io.max.bytes.per.second) and yields to requests. */
  readonly throttle: CleanerThrottle;
  /**
   * First offset of the earliest open transaction (the last stable offset), or null when none is
   * open: the cleaner never cleans at or beyond it (Kafka's firstUncleanableOffset).
   */
  readonly firstUnstableOffset: bigint | null;
}

/** Resolves when the cleaner may go on after handling `bytes` more bytes; also gives the event loop a turn. */
export interface CleanerThrottle {
  acquire(bytes: number): Promise<void>;
  /**
   * A cleaning pass begins: the time since the last one was the cleaner idle, not working. A
   * throttle that bounds the cleaner's share of the event loop starts counting busy time here.
   */
  startPass?(): void;
}

/** What a cleaning pass did (metrics, logs, tests). */
export interface CleaningResult {
  /** The cleaned section now ends here (Kafka's cleaner-offset-checkpoint). */
  readonly cleanedUpTo: bigint;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  readonly recordsRemoved: number;
  readonly segmentsRewritten: number;
}

export class OffsetOutOfRange extends Error {
  constructor(readonly requested: bigint, readonly start: bigint, readonly end: bigint) {
    super(`offset ${requested} is outside [${start}, ${end}]`);
    this.name = 'OffsetOutOfRange';
  }
}

/** Opens, creates and deletes the partition logs of the broker. */
export interface PartitionLogStore {
  /** Opens (creating when absent) a partition's log; opening an open log returns the same instance. */
  open(topic: string, partition: number, config?: Partial<PartitionLogConfig>): Promise<PartitionLog>;
  /** Deletes every partition log of a topic (DeleteTopics). */
  deleteTopic(topic: string): Promise<void>;
  close(): Promise<void>;
}
