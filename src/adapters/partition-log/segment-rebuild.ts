import { BatchOffset, LOG_OVERHEAD } from '../kafka/record-batch/batch-header';
import { crc32c } from '../kafka/record-batch/crc32c';
import { scanBatches } from './batch-scan';
import type { LogSegment } from './log-segment';
import { OffsetIndex } from './offset-index';
import { TimeIndex } from './time-index';

const INT32_MAX = 2147483647n;

/**
 * Re-reads a segment from its log file, rebuilding its indexes; resolves with the end of the valid
 * batches: the scan stops at the first batch that is short, has another magic, fails its CRC-32C or
 * does not follow on. With `allowGaps` (sealed segments, which the cleaner may have compacted)
 * offsets may jump forward; otherwise (the active segment) they must be dense, which also catches
 * a damaged base offset — a field the CRC does not cover.
 */
export const rebuildSegmentIndexes = async (seg: LogSegment, fileSize: number, indexInterval: number, allowGaps: boolean): Promise<number> => {
  seg.offsetIndex = new OffsetIndex();
  seg.timeIndex = new TimeIndex();
  let expected = seg.baseOffset;
  const validEnd = await scanBatches(seg.fh, 0, fileSize, (buf, at, position) => {
    const size = buf.readInt32BE(at + BatchOffset.batchLength) + LOG_OVERHEAD;
    const baseOffset = buf.readBigInt64BE(at + BatchOffset.baseOffset);
    const lastOffsetDelta = buf.readInt32BE(at + BatchOffset.lastOffsetDelta);
    const follows = allowGaps ? baseOffset >= expected : baseOffset === expected;
    if (buf.readInt8(at + BatchOffset.magic) !== 2 || !follows || lastOffsetDelta < 0) return false;
    // The index files hold offsets relative to the segment base as int32.
    if (baseOffset + BigInt(lastOffsetDelta) - seg.baseOffset > INT32_MAX) return false;
    if (crc32c(buf.subarray(at + BatchOffset.attributes, at + size)) !== buf.readUInt32BE(at + BatchOffset.crc)) return false;
    const lastOffset = baseOffset + BigInt(lastOffsetDelta);
    seg.noteBatch(position, baseOffset, lastOffset, buf.readBigInt64BE(at + BatchOffset.maxTimestamp), size, indexInterval);
    expected = lastOffset + 1n;
    return true;
  });
  seg.size = validEnd;
  seg.committedSize = validEnd;
  return validEnd;
};
