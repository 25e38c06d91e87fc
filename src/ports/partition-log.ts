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
 *   unexpired data. The broker calls it periodically (`log.retention.check.interval.ms`).
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
  /** Replaces the topic-level settings (AlterConfigs); applies to the next append / retention run. */
  reconfigure(config: Partial<PartitionLogConfig>): void;
  /** Total bytes held by the log's segments (DescribeLogDirs). */
  sizeInBytes(): number;
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
}

/** Kafka's defaults for the settings above. */
export const DEFAULT_PARTITION_LOG_CONFIG: PartitionLogConfig = {
  segmentBytes: 1073741824,
  retentionMs: 604800000,
  retentionBytes: -1,
  indexIntervalBytes: 4096,
};

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
