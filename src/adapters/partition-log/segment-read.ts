import { BatchOffset, LOG_OVERHEAD } from '../kafka/record-batch/batch-header';
import type { LogSegment } from './log-segment';

/* Reads of a partition's segment files by offset (Fetch): the segment to start in and Kafka's read rule within it. */

/** The segment that holds `offset`: the last one whose base offset is at or below it (the first if none is). */
export function floorSegment(segments: readonly LogSegment[], offset: bigint): LogSegment {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid].baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return segments[found];
}

/**
 * Whole batches of `seg`'s committed bytes from the one holding `offset` (or the first after it),
 * as many as fit in max(maxBytes, that batch's size); empty when no batch at or after `offset` is there.
 */
export function readSegmentFile(seg: LogSegment, offset: bigint, maxBytes: number): Promise<Buffer> {
  return seg.withReader(async () => {
    const limit = seg.committedSize;
    let pos = seg.offsetIndex.lookup(seg.relative(offset));
    const header = Buffer.alloc(BatchOffset.lastOffsetDelta + 4);
    let firstSize = 0;
    while (pos + header.length <= limit) {
      await seg.fh.read(header, 0, header.length, pos);
      firstSize = header.readInt32BE(BatchOffset.batchLength) + LOG_OVERHEAD;
      const last = header.readBigInt64BE(BatchOffset.baseOffset) + BigInt(header.readInt32BE(BatchOffset.lastOffsetDelta));
      if (last >= offset) break;
      pos += firstSize;
    }
    if (pos + header.length > limit) return Buffer.alloc(0);
    const want = Math.min(limit - pos, Math.max(maxBytes, firstSize));
    const buf = Buffer.alloc(want);
    const { bytesRead } = await seg.fh.read(buf, 0, want, pos);
    let kept = 0;
    while (kept + LOG_OVERHEAD <= bytesRead) {
      const size = buf.readInt32BE(kept + BatchOffset.batchLength) + LOG_OVERHEAD;
      if (kept + size > bytesRead) break;
      kept += size;
    }
    return buf.subarray(0, kept);
  });
}
