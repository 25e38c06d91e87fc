import type { CleaningContext, CleaningResult, CleanerThrottle, PartitionLogConfig } from '../../ports/partition-log';
import { BatchOffset } from '../kafka/record-batch/batch-header';
import { batchPositions } from '../kafka/record-batch/record-reader';
import { cleanBatch } from './clean-batch';
import type { CleanerCheckpoint } from './cleaner-checkpoint';
import { CleanerKeyIndex } from './cleaner-key-index';

/** A sealed segment as the cleaner reads it. */
export interface CleanableSegment {
  readonly baseOffset: bigint;
  /** First offset after the segment: the next segment's base offset. */
  readonly endOffset: bigint;
  readonly size: number;
  readonly largestTimestamp: bigint;
  /** Whole batches from byte `position`, about `maxBytes` of them (at least one); empty at the end. */
  readBatches(position: number, maxBytes: number): Promise<Buffer>;
}

/** A cleaned copy of a group of segments being written. */
export interface SegmentReplacement {
  append(batch: Buffer): Promise<void>;
  /** Swaps the copy in for the group, crash-safely; false (nothing swapped) if the group changed meanwhile. */
  commit(): Promise<boolean>;
  abort(): Promise<void>;
}

/** What a partition log lets its cleaner see and do (the file and the memory logs implement it). */
export interface CleanableLog {
  /** Sealed segments, oldest first (the active segment is never cleaned, as in Kafka). */
  sealedSegments(): ReadonlyArray<CleanableSegment>;
  logStartOffset(): bigint;
  readCheckpoint(): Promise<CleanerCheckpoint>;
  writeCheckpoint(c: CleanerCheckpoint): Promise<void>;
  beginReplacement(group: ReadonlyArray<CleanableSegment>): Promise<SegmentReplacement>;
}

/** Bytes read per cleaner step between two throttle checks. */
const READ_CHUNK = 256 * 1024;
/** Kafka's log.cleaner.dedupe.buffer.size default: the key map stops growing past it (the pass then cleans a prefix). */
export const DEDUPE_BUFFER_BYTES = 128 * 1024 * 1024;
const INT32_MAX = 2147483647n;

async function* batchesOf(seg: CleanableSegment, throttle: CleanerThrottle, read: { bytes: number }): AsyncGenerator<Buffer> {
  for (let pos = 0; pos < seg.size; ) {
    const chunk = await seg.readBatches(pos, READ_CHUNK);
    if (chunk.length === 0) return;
    read.bytes += chunk.length;
    await throttle.acquire(chunk.length);
    for (const { position, size } of batchPositions(chunk)) yield chunk.subarray(position, position + size);
    pos += chunk.length;
  }
}

/** Reads the first batch's max timestamp (Kafka's segment "firstBatchTimestamp", for max.compaction.lag.ms). */
const firstBatchTimestamp = async (seg: CleanableSegment): Promise<bigint> => {
  const chunk = await seg.readBatches(0, BatchOffset.records);
  return chunk.length >= BatchOffset.records ? chunk.readBigInt64BE(BatchOffset.maxTimestamp) : -1n;
};

/**
 * Which sealed segments a pass may clean (Kafka's LogCleanerManager.cleanableOffsets): from the log
 * start up to the first segment that holds a record younger than min.compaction.lag.ms or reaches
 * the first unstable offset (an open transaction).
 */
const cleanableSegments = (log: CleanableLog, config: PartitionLogConfig, ctx: CleaningContext): CleanableSegment[] => {
  const start = log.logStartOffset();
  const out: CleanableSegment[] = [];
  for (const seg of log.sealedSegments()) {
    if (seg.endOffset <= start) continue;
    if (config.minCompactionLagMs > 0 && seg.largestTimestamp > BigInt(ctx.nowMs - config.minCompactionLagMs)) break;
    if (ctx.firstUnstableOffset !== null && seg.endOffset > ctx.firstUnstableOffset) break;
    out.push(seg);
  }
  return out;
};

/** Whether the log is due: dirty ratio, max.compaction.lag.ms, or a passed delete horizon (KIP-534). */
const isDue = async (segs: CleanableSegment[], firstDirty: bigint, cp: CleanerCheckpoint, config: PartitionLogConfig, nowMs: number): Promise<boolean> => {
  const dirty = segs.filter((s) => s.endOffset > firstDirty);
  const dirtyBytes = dirty.reduce((n, s) => n + s.size, 0);
  const cleanBytes = segs.reduce((n, s) => n + s.size, 0) - dirtyBytes;
  if (cp.deleteHorizonMs !== null && BigInt(nowMs) >= cp.deleteHorizonMs) return true;
  if (dirty.length === 0) return false;
  if (dirtyBytes / Math.max(1, dirtyBytes + cleanBytes) >= config.minCleanableDirtyRatio) return true;
  const oldest = await firstBatchTimestamp(dirty[0]);
  return oldest >= 0n && BigInt(nowMs) - oldest > BigInt(Math.min(config.maxCompactionLagMs, Number.MAX_SAFE_INTEGER));
};

/** Consecutive segments whose total size fits segment.bytes and whose offsets fit an int32 index (Kafka's groupSegmentsBySize). */
const groupBySize = (segs: CleanableSegment[], maxBytes: number): CleanableSegment[][] => {
  const groups: CleanableSegment[][] = [];
  let cur: CleanableSegment[] = [];
  let bytes = 0;
  for (const s of segs) {
    if (cur.length > 0 && (bytes + s.size > maxBytes || s.endOffset - cur[0].baseOffset > INT32_MAX)) {
      groups.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(s);
    bytes += s.size;
  }
  if (cur.length > 0) groups.push(cur);
  return groups;
};

/**
 * One cleaning pass of a compacted log (Kafka's LogCleaner.doClean): build the key index over the
 * cleanable sealed segments, then rewrite them group by group, keeping each key's latest record,
 * swapping every changed group in crash-safely, and finally move the cleaner checkpoint.
 * Offsets never change (a cleaned log has gaps). Resolves null when the log is not due.
 */
export const cleanLog = async (log: CleanableLog, config: PartitionLogConfig, ctx: CleaningContext): Promise<CleaningResult | null> => {
  if (!config.cleanupCompact) return null;
  let segs = cleanableSegments(log, config, ctx);
  if (segs.length === 0) return null;
  const cp = await log.readCheckpoint();
  const start = log.logStartOffset();
  const firstDirty = cp.firstDirtyOffset > start ? cp.firstDirtyOffset : start;
  if (!(await isDue(segs, firstDirty, cp, config, ctx.nowMs))) return null;

  const read = { bytes: 0 };
  const index = new CleanerKeyIndex();
  for (let i = 0; i < segs.length; i++) {
    for await (const batch of batchesOf(segs[i], ctx.throttle, read)) index.add(batch);
    if (index.approximateBytes > DEDUPE_BUFFER_BYTES && i + 1 < segs.length) {
      segs = segs.slice(0, i + 1);
      break;
    }
  }
  index.finish();

  const rules = { nowMs: BigInt(ctx.nowMs), deleteRetentionMs: BigInt(config.deleteRetentionMs) };
  let written = 0;
  let removed = 0;
  let rewritten = 0;
  let horizon: bigint | null = null;
  for (const group of groupBySize(segs, config.segmentBytes)) {
    const replacement = await log.beginReplacement(group);
    // Merging several (often emptied) segments into one is a change worth a swap even if no record goes.
    let changed = group.length > 1;
    let groupBytes = 0;
    let groupRemoved = 0;
    let groupHorizon: bigint | null = null;
    try {
      for (const seg of group) {
        for await (const batch of batchesOf(seg, ctx.throttle, read)) {
          const c = cleanBatch(batch, index, rules);
          changed ||= c.changed;
          groupRemoved += c.recordsRemoved;
          if (c.pendingHorizonMs !== null && (groupHorizon === null || c.pendingHorizonMs < groupHorizon)) groupHorizon = c.pendingHorizonMs;
          if (c.out === null) continue;
          await replacement.append(c.out);
          groupBytes += c.out.length;
          await ctx.throttle.acquire(c.out.length);
        }
      }
    } catch (err) {
      await replacement.abort();
      throw err;
    }
    // An unchanged group is left as it is: no rewrite, no swap, no churn.
    const swapped = changed ? await replacement.commit() : (await replacement.abort(), true);
    if (!swapped) {
      // Retention or DeleteRecords removed part of the group meanwhile: stop; the next pass starts over.
      return { cleanedUpTo: firstDirty, bytesRead: read.bytes, bytesWritten: written, recordsRemoved: removed, segmentsRewritten: rewritten };
    }
    if (changed) {
      written += groupBytes;
      removed += groupRemoved;
      rewritten += group.length;
    }
    if (groupHorizon !== null && (horizon === null || groupHorizon < horizon)) horizon = groupHorizon;
  }
  const cleanedUpTo = segs[segs.length - 1].endOffset;
  await log.writeCheckpoint({ firstDirtyOffset: cleanedUpTo, deleteHorizonMs: horizon });
  return { cleanedUpTo, bytesRead: read.bytes, bytesWritten: written, recordsRemoved: removed, segmentsRewritten: rewritten };
};
