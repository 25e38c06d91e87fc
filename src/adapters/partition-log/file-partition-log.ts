import * as fs from 'fs/promises';
import * as path from 'path';
import { DEFAULT_PARTITION_LOG_CONFIG, OffsetOutOfRange } from '../../ports/partition-log';
import type { AppendInfo, CleaningContext, CleaningResult, PartitionLog, PartitionLogConfig } from '../../ports/partition-log';
import { BatchOffset, LOG_OVERHEAD } from '../kafka/record-batch/batch-header';
import { rewriteBaseOffset } from '../kafka/record-batch/batch-rewrite';
import type { OffsetAndTimestamp } from '../kafka/record-batch/record-timestamps';
import { offsetForTimestamp, maxTimestamp } from './segment-timestamps';
import type { FsyncPolicy } from './fsync-policy';
import { LogSegment } from './log-segment';
import { planRetention } from './retention-plan';
import { readCheckpoint, readOffsetField, writeCheckpoint } from './checkpoint-file';
import { fsyncDir } from './fsync-dir';
import { FileCleanableLog } from './file-cleanable-log';
import { cleanLog } from './log-cleaner';
import { shouldRollByTime } from './segment-roll';
import { readProducerSnapshotFile, writeProducerSnapshotFile } from './producer-snapshot-file';
import { CLEAN_SHUTDOWN_FILE, openSegments, type CleanShutdown } from './partition-log-open';
import { LogTail, TailBudget, TAIL_CACHE_BYTES_PER_LOG } from './log-tail-cache';
import { PipelinedSync } from './pipelined-sync';
import { floorSegment, readSegmentFile } from './segment-read';

export { CLEAN_SHUTDOWN_FILE };

/** DeleteRecords' durable log start offset (Kafka's log-start-offset-checkpoint, one per partition here). */
export const LOG_START_OFFSET_FILE = 'log-start-offset-checkpoint';

interface PendingBatch {
  readonly buf: Buffer;
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  readonly maxTimestamp: bigint;
  /** The segment the batch was written to (set by the flush). */
  seg: LogSegment | null;
}

interface PendingAppend {
  readonly batches: PendingBatch[];
  readonly first: bigint;
  readonly end: bigint;
  resolve(offset: bigint): void;
  reject(err: unknown): void;
}

/**
 * A partition log in segment files under one directory (`<dataDir>/topics/<topic>-<partition>/`).
 * Writes, rolls, retention and syncs run one at a time on a promise chain; appends made in one
 * event-loop turn are written together and, under `always`, share one fdatasync (group commit),
 * pipelined: later appends are written while it runs (pipelined-sync.ts).
 */
export class FilePartitionLog implements PartitionLog {
  private chain: Promise<void> = Promise.resolve();
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  /** Under `always`: the appends written and waiting for their fdatasync. */
  private readonly syncs = new PipelinedSync<PendingAppend>({
    failure: () => this.failed,
    synced: (items) => this.commit(items),
    failed: (err, items) => this.fail(err, items),
  });
  /** Next offset to assign (ahead of `end` while appends are in flight). */
  private nextOffset: bigint;
  private end: bigint;
  private failed: unknown = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  /** Raised by DeleteRecords; the log start offset is the larger of it and the first segment's base. */
  private deletedBefore = 0n;

  private constructor(
    readonly dir: string,
    private segments: LogSegment[],
    private config: PartitionLogConfig,
    readonly fsync: FsyncPolicy,
    private readonly tail: LogTail,
  ) {
    this.end = segments[segments.length - 1].nextOffset;
    this.nextOffset = this.end;
    if (fsync.kind === 'interval') {
      this.timer = setInterval(() => {
        this.enqueue(() => this.syncDirty()).catch(() => undefined);
      }, fsync.ms);
      this.timer.unref();
    }
  }

  /**
   * Opens the log in `dir` (created when absent). Sealed segments whose index files pass the
   * sanity check are trusted; others are rebuilt from their log file. After an unclean shutdown
   * the active segment is re-scanned and cut at the last whole batch with a matching CRC-32C and
   * dense offsets; a bad sealed segment is cut the same way and every later segment dropped
   * (partition-log-open.ts).
   */
  static async open(dir: string, config: Partial<PartitionLogConfig>, fsync: FsyncPolicy, tailBudget?: TailBudget): Promise<FilePartitionLog> {
    const cfg = { ...DEFAULT_PARTITION_LOG_CONFIG, ...config };
    const tail = new LogTail(tailBudget ?? new TailBudget(TAIL_CACHE_BYTES_PER_LOG));
    const log = new FilePartitionLog(dir, await openSegments(dir, cfg, fsync), cfg, fsync, tail);
    log.deletedBefore = readOffsetField(await readCheckpoint(dir, LOG_START_OFFSET_FILE), 'logStartOffset') ?? 0n;
    if (log.deletedBefore > log.end) log.deletedBefore = log.end;
    return log;
  }

  append(batches: Buffer, info: AppendInfo): Promise<bigint> {
    if (this.closed) return Promise.reject(new Error('partition log is closed'));
    if (this.failed !== null) return Promise.reject(this.failed);
    const first = this.nextOffset;
    const parts: PendingBatch[] = [];
    let next = first;
    for (let pos = 0; pos < batches.length; ) {
      const size = batches.readInt32BE(pos + BatchOffset.batchLength) + LOG_OVERHEAD;
      rewriteBaseOffset(batches, pos, next);
      const buf = batches.subarray(pos, pos + size);
      const lastOffset = next + BigInt(buf.readInt32BE(BatchOffset.lastOffsetDelta));
      parts.push({ buf, baseOffset: next, lastOffset, maxTimestamp: buf.readBigInt64BE(BatchOffset.maxTimestamp), seg: null });
      next = lastOffset + 1n;
      pos += size;
    }
    if (next - first !== BigInt(info.recordCount)) {
      return Promise.reject(new Error(`append info says ${info.recordCount} records but the batches hold ${next - first}`));
    }
    this.nextOffset = next;
    return new Promise<bigint>((resolve, reject) => {
      this.pending.push({ batches: parts, first, end: next, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.enqueueWrite(() => this.flush()).catch(() => undefined);
        });
      }
    });
  }

  isClosed(): boolean {
    return this.closed;
  }

  /** Runs `task` on the write chain once every earlier append has been written and synced. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    return this.enqueueWrite(async () => {
      await this.syncs.idle();
      await task();
    });
  }

  /** Runs `task` on the write chain; an fdatasync of earlier writes may still be in flight. */
  private enqueueWrite(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private active(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  private async roll(baseOffset: bigint): Promise<void> {
    const old = this.active();
    old.seal();
    await old.writeIndexes();
    this.segments.push(await LogSegment.create(this.dir, baseOffset));
    if (this.fsync.kind === 'always') await fsyncDir(this.dir);
  }

  private async flush(): Promise<void> {
    const items = this.pending;
    this.pending = [];
    if (items.length === 0) return;
    try {
      if (this.failed !== null) throw this.failed;
      const touched = new Set<LogSegment>();
      let writes: Buffer[] = [];
      let writeSeg = this.active();
      let writePos = writeSeg.size;
      const writeOut = async (): Promise<void> => {
        if (writes.length === 0) return;
        const total = writes.reduce((n, b) => n + b.length, 0);
        let { bytesWritten } = await writeSeg.fh.writev(writes, writePos);
        if (bytesWritten < total) {
          // Partial writes are rare on regular files; finish them with plain positional writes.
          const whole = Buffer.concat(writes);
          while (bytesWritten < total) {
            const r = await writeSeg.fh.write(whole, bytesWritten, total - bytesWritten, writePos + bytesWritten);
            bytesWritten += r.bytesWritten;
          }
        }
        writes = [];
        writeSeg.dirty = true;
        touched.add(writeSeg);
      };
      for (const item of items) {
        for (const b of item.batches) {
          let seg = this.active();
          if (seg.size > 0 && (seg.size + b.buf.length > this.config.segmentBytes || shouldRollByTime(seg.rollTimestamp, this.config.segmentMs, b.maxTimestamp))) {
            await writeOut();
            await this.roll(b.baseOffset);
            seg = this.active();
          }
          if (seg !== writeSeg) {
            await writeOut();
            writeSeg = seg;
            writePos = seg.size;
          }
          seg.noteBatch(seg.size, b.baseOffset, b.lastOffset, b.maxTimestamp, b.buf.length, this.config.indexIntervalBytes);
          b.seg = seg;
          seg.size += b.buf.length;
          writes.push(b.buf);
        }
      }
      await writeOut();
      if (this.fsync.kind === 'always') {
        this.syncs.add(items, touched);
        return;
      }
      for (const s of touched) s.committedSize = s.size;
      this.commit(items);
    } catch (err) {
      this.fail(err, items);
    }
  }

  /** Acknowledges written (and, under `always`, synced) appends: the end moves, the tail cache takes their batches. */
  private commit(items: readonly PendingAppend[]): void {
    this.end = items[items.length - 1].end;
    for (const item of items) {
      for (const b of item.batches) if (b.seg !== null) this.tail.add(b.seg, b.baseOffset, b.lastOffset, b.buf);
    }
    for (const item of items) item.resolve(item.first);
  }

  /**
   * fsyncgate: after a failed write or fdatasync the page cache state is unknown; never retry.
   * The log fails; `items` and every append not yet acknowledged reject with `err`.
   */
  private fail(err: unknown, items: readonly PendingAppend[]): void {
    if (this.failed === null) this.failed = err;
    for (const item of items) item.reject(err);
    for (const item of this.syncs.drain()) item.reject(err);
    for (const item of this.pending.splice(0)) item.reject(err);
  }

  private async syncDirty(): Promise<void> {
    if (this.failed !== null) return;
    try {
      for (const s of this.segments) {
        if (s.dirty) {
          s.dirty = false;
          await s.fh.datasync();
        }
      }
    } catch (err) {
      this.failed = err;
    }
  }

  async read(offset: bigint, maxBytes: number): Promise<Buffer> {
    const start = this.logStartOffset();
    const end = this.end;
    if (offset < start || offset > end) throw new OffsetOutOfRange(offset, start, end);
    if (offset === end) return Buffer.alloc(0);
    // An offset in a compaction gap at a segment's end is served from the next segment (Kafka's UnifiedLog.read).
    for (let seg: LogSegment | undefined = floorSegment(this.segments, offset); seg !== undefined; seg = this.segments[this.segments.indexOf(seg) + 1]) {
      const got = await this.readSegment(seg, offset, maxBytes);
      if (got.length > 0) return got;
    }
    return Buffer.alloc(0);
  }

  private readSegment(seg: LogSegment, offset: bigint, maxBytes: number): Promise<Buffer> {
    const cached = this.tail.read(seg, offset, maxBytes);
    return cached !== null ? Promise.resolve(cached) : readSegmentFile(seg, offset, maxBytes);
  }

  logStartOffset(): bigint {
    const first = this.segments[0].baseOffset;
    return this.deletedBefore > first ? this.deletedBefore : first;
  }

  logEndOffset(): bigint {
    return this.end;
  }

  /** Scans the committed batches of `seg` from the indexed position of `fromRel`, stopping when `visit` answers false. */
  offsetForTimestamp(timestamp: bigint): Promise<OffsetAndTimestamp | null> {
    return offsetForTimestamp(this.segments, timestamp);
  }

  maxTimestamp(): Promise<OffsetAndTimestamp | null> {
    return maxTimestamp(this.segments);
  }

  applyRetention(nowMs: number): Promise<bigint> {
    return this.enqueue(async () => {
      if (this.failed !== null || !this.config.cleanupDelete) return;
      const count = planRetention(
        this.segments.map((s) => ({ size: s.size, largestTimestamp: s.largestTimestamp })),
        this.config,
        nowMs,
      );
      if (count === 0) return;
      // Deleting the active segment: roll first so the log end offset lives on in an empty segment.
      if (count === this.segments.length) await this.roll(this.active().nextOffset);
      const doomed = this.segments.slice(0, count);
      this.segments = this.segments.slice(count);
      for (const seg of doomed) await seg.delete();
      if (this.fsync.kind === 'always') await fsyncDir(this.dir);
    }).then(() => this.logStartOffset());
  }

  deleteRecordsBefore(offset: bigint): Promise<bigint> {
    return this.enqueue(async () => {
      if (this.failed !== null) throw this.failed;
      if (offset > this.end) throw new OffsetOutOfRange(offset, this.logStartOffset(), this.end);
      if (offset <= this.logStartOffset()) return;
      // Durable first: once DeleteRecords is answered, a restart must not bring the records back.
      await writeCheckpoint(this.dir, LOG_START_OFFSET_FILE, { logStartOffset: offset.toString() }, this.fsync.kind !== 'os');
      this.deletedBefore = offset;
      // Kafka's deleteLogStartOffsetBreachedSegments: a segment whose successor starts at or below the new start.
      let count = 0;
      while (count + 1 < this.segments.length && this.segments[count + 1].baseOffset <= offset) count++;
      const doomed = this.segments.slice(0, count);
      this.segments = this.segments.slice(count);
      for (const seg of doomed) await seg.delete();
      if (count > 0 && this.fsync.kind === 'always') await fsyncDir(this.dir);
    }).then(() => this.logStartOffset());
  }

  compact(ctx: CleaningContext): Promise<CleaningResult | null> {
    if (this.closed || this.failed !== null) return Promise.resolve(null);
    return cleanLog(new FileCleanableLog(this), this.config, ctx);
  }

  /** The segments, oldest first; the last one is the active segment (for the log cleaner). */
  segmentList(): readonly LogSegment[] {
    return this.segments;
  }

  /** Runs `task` on the write chain, after every earlier flush, roll and retention run. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    let out!: T;
    return this.enqueue(async () => {
      out = await task();
    }).then(() => out);
  }

  /** Whether the consecutive sealed segments `old` are still in the log (none removed by retention meanwhile). */
  holdsSegments(old: readonly LogSegment[]): boolean {
    const at = this.segments.indexOf(old[0]);
    return at >= 0 && at + old.length < this.segments.length && old.every((s, i) => this.segments[at + i] === s);
  }

  /** Replaces the consecutive segments `old` (checked with holdsSegments) by their cleaned copy. */
  replaceSegments(old: readonly LogSegment[], replacement: LogSegment): void {
    const at = this.segments.indexOf(old[0]);
    this.segments = [...this.segments.slice(0, at), replacement, ...this.segments.slice(at + old.length)];
  }

  indexIntervalBytes(): number {
    return this.config.indexIntervalBytes;
  }

  reconfigure(config: Partial<PartitionLogConfig>): void {
    this.config = { ...this.config, ...config };
  }

  writeProducerSnapshot(offset: bigint, data: Uint8Array): Promise<void> {
    return writeProducerSnapshotFile(this.dir, offset, data, this.fsync.kind !== 'os');
  }

  readProducerSnapshot(maxOffset: bigint): Promise<{ offset: bigint; data: Uint8Array } | null> {
    return readProducerSnapshotFile(this.dir, maxOffset);
  }

  sizeInBytes(): number {
    return this.segments.reduce((n, s) => n + s.committedSize, 0);
  }

  /** Writes what is pending, syncs, writes the active segment's indexes and the clean-shutdown marker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    await this.enqueue(() => this.flush());
    await this.chain;
    await this.syncs.idle();
    if (this.failed === null) {
      const active = this.active();
      for (const s of this.segments) if (s.dirty) await s.fh.datasync();
      active.seal();
      await active.writeIndexes();
      const marker: CleanShutdown = {
        activeBaseOffset: active.baseOffset.toString(),
        activeSize: active.size,
        logEndOffset: this.end.toString(),
      };
      await fs.writeFile(path.join(this.dir, CLEAN_SHUTDOWN_FILE), JSON.stringify(marker));
    }
    this.tail.clear();
    for (const s of this.segments) await s.close();
  }
}
