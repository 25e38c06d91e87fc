import { join } from 'path';
import type { MetaEvent } from '../../domain/meta-event';
import { errnoCode, type FileDescriptor, type FileSystem } from '../../ports/file-system';
import { MetaLogError, type LogPosition } from '../../ports/meta-log';
import { ByteWriter } from './byte-writer';
import { writeEventsFrame } from './event-batch';
import type { FsyncPolicy } from './fsync-policy';
import { encodeSegmentHeader, SEGMENT_HEADER_BYTES, segmentName } from './segment-file';
import { ValueEncoder } from './value-codec';
import type { SegmentState } from './wal-inspection';

export interface WriterConfig {
  readonly dir: string;
  readonly policy: FsyncPolicy;
  /** Roll to a new segment when a record would take the current one past this size. */
  readonly segmentBytes: number;
  /** Extend new segments to `segmentBytes` up front (benchmarks.md Part D.3). */
  readonly preallocate: boolean;
  readonly onFailure?: (error: MetaLogError) => void;
  /** Told about each flush and fdatasync (metrics); never affects durability. */
  readonly observer?: WalObserver;
  /**
   * `always` only: how long a deferrable batch (PE-10) may wait to ride a later non-deferrable
   * batch's record before the writer writes and syncs it alone (ms).
   */
  readonly deferredSyncMs?: number;
}

/** Default of `WriterConfig.deferredSyncMs`: the crash window of deferrable events. */
export const DEFAULT_DEFERRED_SYNC_MS = 100;

/** Timings of the file pipeline, in milliseconds (issue 6: fsync latency and group-commit batch size). */
export interface WalObserver {
  /** One group-commit record written (and synced under `always`): its event count and duration. */
  flushed(events: number, durationMs: number): void;
  /** One fdatasync of a segment completed. */
  synced(durationMs: number): void;
}

interface Waiter {
  readonly events: readonly MetaEvent[];
  readonly position: LogPosition;
  /** PE-10: nothing waits for these events; they may ride a later batch's fdatasync. */
  readonly deferrable: boolean;
  readonly resolve: (position: LogPosition) => void;
  readonly reject: (error: MetaLogError) => void;
}

interface ActiveSegment {
  readonly state: SegmentState;
  readonly fd: FileDescriptor;
  readonly encoder: ValueEncoder;
  writeOffset: number;
  /** Bytes of this segment known durable (an fdatasync that started after they were written has completed). */
  syncedOffset: number;
}

/**
 * The file pipeline of the MetaLog: group commit, segment rolls, the fsync policy, and fail-stop.
 *
 * Group commit (benchmarks.md Part D.1): appends made in one event-loop turn are queued; the flush
 * starts one turn later (setImmediate), never from the first waiter, and writes them as ONE record
 * with one pwrite and one fdatasync. Appends arriving while a flush runs wait for the next flush.
 *
 * Fail-stop (the fsyncgate rule, T-DUR-7): after a failed write or fdatasync the page cache may hold
 * data the disk does not, and a second fdatasync on that descriptor may falsely succeed. So the
 * failed batch and every later append reject with `MetaLogError`, and no I/O is ever issued again.
 *
 * Deferrable appends (PE-10: events no response waits for, e.g. a member's rejoin) under `always`:
 * they wait in the queue, in position order, without scheduling a flush; the next non-deferrable
 * append takes them into its record (one pwrite, one fdatasync), or the writer flushes them
 * `deferredSyncMs` later. So a rebalance's soft events cost no I/O of their own, and never hold a
 * flush in front of the write a response does wait for (the leader's assignment, PE-1). Until then
 * a crash may lose them; Kafka never persists them at all.
 */
export class GroupCommitWriter {
  private queue: Waiter[] = [];
  private flushScheduled = false;
  private flushing = false;
  private failure: MetaLogError | null = null;
  private closed = false;
  private next: LogPosition;
  private lastSyncAt = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private idleWaiters: Array<() => void> = [];
  /** `always`: deferrable appends written but not yet covered by an fdatasync, in log order. */
  private unsynced: Waiter[] = [];
  /** The next flush must fdatasync even if its batch is deferrable or empty. */
  private syncDue = false;
  private deferTimer: NodeJS.Timeout | null = null;
  private readonly out = new ByteWriter(64 * 1024);
  /** Begin a new segment before the first batch at or after this position (a snapshot's, C4). */
  private rollAtPosition: LogPosition | null = null;

  private constructor(
    private readonly fs: FileSystem,
    private readonly config: WriterConfig,
    private readonly chain: SegmentState[],
    private active: ActiveSegment,
  ) {
    this.next = active.state.endPosition;
    if (config.policy.kind === 'interval') {
      this.timer = setInterval(() => this.intervalSync(), config.policy.ms);
      this.timer.unref();
    }
  }

  /**
   * Appends after the last segment of `chain`: in it if it holds no record yet, else in a new segment,
   * so that opening a log never has to decode its last segment to rebuild the string dictionary
   * (C4). The segment left behind is cut to its data: its preallocated zeros are never read again.
   */
  static async start(fs: FileSystem, config: WriterConfig, chain: SegmentState[]): Promise<GroupCommitWriter> {
    const last = chain[chain.length - 1];
    if (last !== undefined && last.records === 0 && last.verified) {
      const fd = await fs.open(last.path, 'readWrite');
      const active: ActiveSegment = { state: last, fd, encoder: new ValueEncoder(), writeOffset: last.validEnd, syncedOffset: last.validEnd };
      return new GroupCommitWriter(fs, config, chain, active);
    }
    if (last !== undefined) {
      // Its records are durable already (open found them whole, or cut a torn tail and synced).
      const fd = await io('open', last.path, fs.open(last.path, 'readWrite'));
      try {
        await io('truncate', last.path, fs.ftruncate(fd, last.validEnd));
      } finally {
        await fs.close(fd);
      }
    }
    const active = await createSegment(fs, config, last?.endPosition ?? 0);
    chain.push(active.state);
    return new GroupCommitWriter(fs, config, chain, active);
  }

  nextPosition(): LogPosition {
    return this.next;
  }

  /** The batch that starts at or after `position` goes into a new segment (unless the current one is empty). */
  rollAt(position: LogPosition): void {
    this.rollAtPosition = position;
  }

  failed(): MetaLogError | null {
    return this.failure;
  }

  append(events: readonly MetaEvent[], deferrable = false): Promise<LogPosition> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new MetaLogError('MetaLog is closed', 'ECLOSED'));
    return new Promise((resolve, reject) => {
      const position = this.next;
      this.next += events.length;
      this.queue.push({ events, position, deferrable, resolve, reject });
      // PE-10: a deferrable batch waits for the next other batch (one record, one fdatasync) or the timer.
      if (deferrable && this.config.policy.kind === 'always') this.armDeferredSync();
      else this.schedule();
    });
  }

  /** Waits for queued appends, syncs what the policy left unsynced, and releases the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.failure === null && this.config.policy.kind === 'always' && (this.queue.length > 0 || this.unsynced.length > 0)) {
      this.syncDue = true;
      this.schedule();
    }
    while (this.flushing || this.flushScheduled || this.queue.length > 0) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    if (this.timer !== null) clearInterval(this.timer);
    this.cancelDeferredSync();
    if (this.failure === null && this.active.syncedOffset < this.active.writeOffset) {
      try {
        await this.sync(this.active);
      } catch (e) {
        this.fail(e, []);
      }
    }
    if (this.failure === null) this.resolveUnsynced();
    await this.fs.close(this.active.fd).catch(() => undefined);
  }

  private schedule(): void {
    if (this.flushScheduled || this.flushing) return;
    this.flushScheduled = true;
    // One turn later: every append of the current turn joins this flush (Part D.1).
    setImmediate(() => void this.runFlush());
  }

  private async runFlush(): Promise<void> {
    this.flushScheduled = false;
    if (this.flushing) return;
    if (this.failure === null && (this.queue.length > 0 || this.syncDue)) {
      this.flushing = true;
      const batch = this.queue;
      this.queue = [];
      try {
        const started = performance.now();
        const written = await this.writeBatch(batch);
        const policy = this.config.policy;
        if (policy.kind === 'always') {
          if (this.syncDue || batch.some((w) => !w.deferrable)) {
            // One fdatasync covers this batch and every deferrable one written before it.
            this.syncDue = false;
            this.cancelDeferredSync();
            if (this.active.syncedOffset < this.active.writeOffset) await this.sync(this.active);
            this.resolveUnsynced();
            for (const w of batch) w.resolve(w.position);
          } else {
            for (const w of batch) this.unsynced.push(w);
            this.armDeferredSync();
          }
        } else {
          this.syncDue = false;
          if (policy.kind === 'interval' && Date.now() - this.lastSyncAt >= policy.ms) await this.sync(this.active);
          for (const w of batch) w.resolve(w.position);
        }
        if (written > 0) this.config.observer?.flushed(written, performance.now() - started);
      } catch (e) {
        this.fail(e, batch);
      }
      this.flushing = false;
    }
    this.afterIo();
  }

  private resolveUnsynced(): void {
    const synced = this.unsynced;
    this.unsynced = [];
    for (const w of synced) w.resolve(w.position);
  }

  /** `always`: written deferrable batches get an fdatasync of their own if none comes within `deferredSyncMs`. */
  private armDeferredSync(): void {
    if (this.deferTimer !== null) return;
    this.deferTimer = setTimeout(() => {
      this.deferTimer = null;
      if (this.failure !== null || (this.unsynced.length === 0 && this.queue.length === 0)) return;
      this.syncDue = true;
      this.schedule();
    }, this.config.deferredSyncMs ?? DEFAULT_DEFERRED_SYNC_MS);
    this.deferTimer.unref();
  }

  private cancelDeferredSync(): void {
    if (this.deferTimer === null) return;
    clearTimeout(this.deferTimer);
    this.deferTimer = null;
  }

  private afterIo(): void {
    if (this.failure === null && (this.syncDue || this.queue.some((w) => !w.deferrable || this.config.policy.kind !== 'always'))) {
      this.schedule();
      return;
    }
    if (!this.flushScheduled) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private intervalSync(): void {
    if (this.flushing || this.failure !== null || this.active.syncedOffset >= this.active.writeOffset) return;
    this.flushing = true;
    this.sync(this.active)
      .catch((e) => this.fail(e, []))
      .finally(() => {
        this.flushing = false;
        this.afterIo();
      });
  }

  /** Writes the batch as one record (never syncs it: `runFlush` applies the policy); resolves its event count. */
  private async writeBatch(batch: readonly Waiter[]): Promise<number> {
    if (batch.length === 0) return 0;
    const events = batch.length === 1 ? batch[0].events : batch.flatMap((w) => w.events);
    if (events.length === 0) return 0;
    const first = batch[0].position;
    let seg = this.active;
    this.out.reset();
    writeEventsFrame(this.out, seg.encoder, first, seg.syncedOffset, events);
    const rollHere = this.rollAtPosition !== null && first >= this.rollAtPosition;
    if (rollHere) this.rollAtPosition = null;
    if (seg.writeOffset > SEGMENT_HEADER_BYTES && (rollHere || seg.writeOffset + this.out.length > this.config.segmentBytes)) {
      seg = await this.roll(first);
      // Re-encode: strings are interned per segment, and the new segment's dictionary starts empty.
      this.out.reset();
      writeEventsFrame(this.out, seg.encoder, first, seg.syncedOffset, events);
    }
    await io('write', seg.state.path, this.fs.pwrite(seg.fd, this.out.view8(), seg.writeOffset));
    seg.writeOffset += this.out.length;
    seg.state.validEnd = seg.writeOffset;
    seg.state.endPosition = first + events.length;
    seg.state.records++;
    return events.length;
  }

  private async sync(seg: ActiveSegment): Promise<void> {
    const upTo = seg.writeOffset;
    const started = performance.now();
    await io('fsync', seg.state.path, this.fs.fdatasync(seg.fd));
    this.config.observer?.synced(performance.now() - started);
    seg.syncedOffset = Math.max(seg.syncedOffset, upTo);
    this.lastSyncAt = Date.now();
  }

  /** Seals the current segment (synced whatever the policy, so only the last segment can be torn) and starts one at `base`. */
  private async roll(base: LogPosition): Promise<ActiveSegment> {
    const old = this.active;
    if (old.syncedOffset < old.writeOffset) await this.sync(old);
    await io('close', old.state.path, this.fs.close(old.fd));
    this.active = await createSegment(this.fs, this.config, base);
    this.chain.push(this.active.state);
    return this.active;
  }

  private fail(error: unknown, batch: readonly Waiter[]): void {
    if (this.failure === null) {
      this.failure = error instanceof MetaLogError ? error : new MetaLogError(`MetaLog I/O failed: ${errnoCode(error)}`, errnoCode(error));
      if (this.timer !== null) clearInterval(this.timer);
      this.cancelDeferredSync();
      this.config.onFailure?.(this.failure);
    }
    const queued = this.queue;
    this.queue = [];
    const unsynced = this.unsynced;
    this.unsynced = [];
    for (const w of unsynced) w.reject(this.failure);
    for (const w of batch) w.reject(this.failure);
    for (const w of queued) w.reject(this.failure);
  }
}

/** Creates a segment durably: header written and synced, then the directory entry synced, before any record goes in. */
const createSegment = async (fs: FileSystem, config: WriterConfig, base: LogPosition): Promise<ActiveSegment> => {
  const name = segmentName(base);
  const path = join(config.dir, name);
  const fd = await io('create', path, fs.open(path, 'create'));
  await io('write', path, fs.pwrite(fd, encodeSegmentHeader(base), 0));
  if (config.preallocate && config.segmentBytes > SEGMENT_HEADER_BYTES) await io('preallocate', path, fs.ftruncate(fd, config.segmentBytes));
  await io('fsync', path, fs.fdatasync(fd));
  await io('fsync', config.dir, fs.fsyncDir(config.dir));
  const state: SegmentState = { name, path, base, endPosition: base, validEnd: SEGMENT_HEADER_BYTES, records: 0, verified: true };
  return { state, fd, encoder: new ValueEncoder(), writeOffset: SEGMENT_HEADER_BYTES, syncedOffset: SEGMENT_HEADER_BYTES };
};

/** Turns a port rejection into the one-line MetaLogError the process logs before it exits (T-DUR-7 (2)). */
const io = async <T>(op: string, path: string, pending: Promise<T>): Promise<T> => {
  try {
    return await pending;
  } catch (e) {
    const code = errnoCode(e);
    throw new MetaLogError(`MetaLog ${op} failed: ${code} (${path})`, code);
  }
};
