import * as fs from 'fs/promises';
import * as path from 'path';
import { LOG_SUFFIX, OFFSET_INDEX_SUFFIX, segmentFileStem, TIME_INDEX_SUFFIX } from './segment-file-name';
import { OffsetIndex } from './offset-index';
import { TimeIndex } from './time-index';

/**
 * One segment of a file partition log: `<base>.log` plus its sparse `.index` and `.timeindex`.
 * The log file is the truth; the index files are written when the segment is sealed or the log
 * closes, and rebuilt from the log whenever they are missing or fail their sanity check.
 */
export class LogSegment {
  /** Bytes written to the log file (including writes whose append has not resolved yet). */
  size = 0;
  /** Bytes whose appends have resolved: what reads may return. */
  committedSize = 0;
  nextOffset: bigint;
  largestTimestamp = -1n;
  offsetIndex = new OffsetIndex();
  timeIndex = new TimeIndex();
  dirty = false;
  /** Max timestamp of the segment's first batch (Kafka's rollingBasedTimestamp for segment.ms); null when unknown. */
  rollTimestamp: bigint | null = null;
  private bytesSinceIndexEntry = 0;
  private maxTimestampSoFar = -1n;
  private readers = 0;
  private deleted = false;

  private constructor(
    readonly dir: string,
    readonly baseOffset: bigint,
    readonly fh: fs.FileHandle,
  ) {
    this.nextOffset = baseOffset;
  }

  /** Creates (truncating any leftover of a crashed roll) an empty segment file. */
  static async create(dir: string, baseOffset: bigint): Promise<LogSegment> {
    const fh = await fs.open(path.join(dir, segmentFileStem(baseOffset) + LOG_SUFFIX), 'w+');
    return new LogSegment(dir, baseOffset, fh);
  }

  /** A segment over an already open file (the log cleaner's replacement, renamed into place later). */
  static fromHandle(dir: string, baseOffset: bigint, fh: fs.FileHandle): LogSegment {
    return new LogSegment(dir, baseOffset, fh);
  }

  /** Opens an existing segment file for reading and positional writes. */
  static async openExisting(dir: string, baseOffset: bigint): Promise<LogSegment> {
    const fh = await fs.open(path.join(dir, segmentFileStem(baseOffset) + LOG_SUFFIX), 'r+');
    return new LogSegment(dir, baseOffset, fh);
  }

  /** Path of this segment's file with `suffix` (.log, .index, .timeindex). */
  filePath(suffix: string): string {
    return path.join(this.dir, segmentFileStem(this.baseOffset) + suffix);
  }

  /** `offset` relative to the segment's base offset (what the index files store). */
  relative(offset: bigint): number {
    return Number(offset - this.baseOffset);
  }

  /** Index bookkeeping for a batch written at `position` (same rule on append and on rebuild). */
  noteBatch(position: number, baseOffset: bigint, lastOffset: bigint, maxTimestamp: bigint, size: number, indexInterval: number): void {
    if (position === 0) this.rollTimestamp = maxTimestamp;
    if (position > 0 && this.bytesSinceIndexEntry >= indexInterval) {
      const rel = this.relative(baseOffset);
      this.offsetIndex.append(rel, position);
      const lastTime = this.timeIndex.last();
      if (this.maxTimestampSoFar > (lastTime?.timestamp ?? -1n) && rel > (lastTime?.relOffset ?? 0)) {
        this.timeIndex.append(this.maxTimestampSoFar, rel);
      }
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
    if (maxTimestamp > this.maxTimestampSoFar) this.maxTimestampSoFar = maxTimestamp;
    if (maxTimestamp > this.largestTimestamp) this.largestTimestamp = maxTimestamp;
    this.nextOffset = lastOffset + 1n;
  }

  /** Adopts trusted index files (clean shutdown or a sealed segment): no scan needed. */
  adoptIndexes(offsetIndex: OffsetIndex, timeIndex: TimeIndex, size: number, nextOffset: bigint): void {
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    this.size = size;
    this.committedSize = size;
    this.nextOffset = nextOffset;
    const last = timeIndex.last();
    this.largestTimestamp = last?.timestamp ?? -1n;
    this.maxTimestampSoFar = this.largestTimestamp;
    // Conservative: the next append starts a fresh index interval.
    this.bytesSinceIndexEntry = 0;
  }

  /** The final time-index entry: (largest timestamp, next offset) so the index states the segment's largest timestamp. */
  seal(): void {
    const rel = this.relative(this.nextOffset);
    const last = this.timeIndex.last();
    if (rel > 0 && rel > (last?.relOffset ?? 0)) {
      this.timeIndex.append(this.largestTimestamp > (last?.timestamp ?? -1n) ? this.largestTimestamp : (last?.timestamp ?? -1n), rel);
    }
  }

  /** Writes both index files whole (not synced: a torn or lost index is detected and rebuilt on open). */
  async writeIndexes(): Promise<void> {
    await fs.writeFile(this.filePath(OFFSET_INDEX_SUFFIX), this.offsetIndex.encode());
    await fs.writeFile(this.filePath(TIME_INDEX_SUFFIX), this.timeIndex.encode());
  }

  /** Runs `fn` while keeping the file open even if retention deletes the segment meanwhile. */
  async withReader<T>(fn: () => Promise<T>): Promise<T> {
    this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      if (this.deleted && this.readers === 0) await this.fh.close().catch(() => undefined);
    }
  }

  /** Removes the segment's files; the handle closes once the last reader is done. */
  async delete(): Promise<void> {
    this.deleted = true;
    for (const suffix of [LOG_SUFFIX, OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
      await fs.rm(this.filePath(suffix), { force: true });
    }
    if (this.readers === 0) await this.fh.close().catch(() => undefined);
  }

  /** Closes the file handle (unless retention already deleted the segment and closed it). */
  async close(): Promise<void> {
    if (!this.deleted) await this.fh.close();
  }
}
