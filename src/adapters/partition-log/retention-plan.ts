import type { PartitionLogConfig } from '../../ports/partition-log';

/** What retention needs to know about one segment, oldest first; the last one is the active segment. */
export interface SegmentSummary {
  readonly size: number;
  /** Largest record timestamp in the segment; -1 when no record carries one (never expires by time). */
  readonly largestTimestamp: bigint;
}

/**
 * How many of the oldest segments retention deletes (Kafka's UnifiedLog.deleteOldSegments):
 * first by `retention.ms` (a prefix of segments whose largest timestamp is older than
 * now − retention.ms), then by `retention.bytes` (oldest segments while the rest still holds at
 * least retention.bytes). An empty active segment is never deleted; a non-empty active one may be,
 * and the caller then rolls a new empty active segment first so the log end offset survives.
 */
export const planRetention = (
  segments: ReadonlyArray<SegmentSummary>,
  config: Pick<PartitionLogConfig, 'retentionMs' | 'retentionBytes'>,
  nowMs: number,
): number => {
  const deletable = (i: number): boolean => !(i === segments.length - 1 && segments[i].size === 0);
  let count = 0;
  if (config.retentionMs >= 0) {
    const horizon = BigInt(nowMs - config.retentionMs);
    while (
      count < segments.length &&
      deletable(count) &&
      segments[count].largestTimestamp >= 0n &&
      segments[count].largestTimestamp < horizon
    ) {
      count++;
    }
  }
  if (config.retentionBytes >= 0) {
    let diff = -config.retentionBytes;
    for (let i = count; i < segments.length; i++) diff += segments[i].size;
    while (count < segments.length && deletable(count) && diff - segments[count].size >= 0) {
      diff -= segments[count].size;
      count++;
    }
  }
  return count;
};
