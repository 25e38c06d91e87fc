/**
 * Kafka's time-based roll (LogSegment.shouldRoll / timeWaitedForRoll with `segment.ms`): an append
 * rolls the active segment when its batch's max timestamp is more than segment.ms after the
 * segment's first batch timestamp (rollingBasedTimestamp). Record time, not wall-clock time: like
 * Kafka, nothing rolls a quiet log. A segment whose first timestamp is unknown never rolls by time.
 */
export const shouldRollByTime = (rollTimestamp: bigint | null, segmentMs: number, incomingMaxTimestamp: bigint): boolean =>
  rollTimestamp !== null && rollTimestamp >= 0n && incomingMaxTimestamp - rollTimestamp > BigInt(Math.min(segmentMs, Number.MAX_SAFE_INTEGER));
