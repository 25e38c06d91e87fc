import { dirname } from 'path';
import { inject, injectable } from 'inversify';
import type { MetaEvent } from '../../domain/meta-event';
import { FILE_SYSTEM, type FileSystem } from '../../ports/file-system';
import { MetaLogError, type AppendOptions, type LogPosition, type MetaLog, type ReplaySink } from '../../ports/meta-log';
import { parseFsyncPolicy, type FsyncPolicy } from './fsync-policy';
import { GroupCommitWriter, type WalObserver } from './group-commit-writer';
import { nonZeroEnd, readSegmentData, scanSegment, scanSegmentFile, type ScanOptions } from './segment-reader';
import { recoverWal, type RecoveryReport } from './wal-recovery';
import { MetaLogCorruptError, type SegmentState } from './wal-inspection';

export interface FileMetaLogOptions {
  /** Directory holding the `*.wal` segments (created if missing). */
  readonly dir: string;
  /** `always` (default), `interval:<ms>` or `os`; see fsync-policy.ts for each loss window. */
  readonly fsync?: FsyncPolicy | string;
  /** Segment roll size in bytes (default 64 MiB). A record larger than this gets a segment of its own. */
  readonly segmentBytes?: number;
  /** Preallocate each segment to `segmentBytes` (default true). */
  readonly preallocate?: boolean;
  /** Called once when the log fail-stops, so the process can log the one-line reason and exit (T-DUR-7 (2)). */
  readonly onFailure?: (error: MetaLogError) => void;
  /** Flush and fdatasync timings (metrics). */
  readonly observer?: WalObserver;
  /**
   * `always` only: the longest a deferrable append (PE-10) waits to ride another append's record
   * before the log writes and syncs it alone (default 100 ms): the window in which a crash can lose it.
   */
  readonly deferredSyncMs?: number;
}

/** DI symbol for `FileMetaLogOptions` (kept beside the adapter; src/ports/symbols.ts is shared). */
export const FILE_META_LOG_OPTIONS = Symbol.for('FileMetaLogOptions');

const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;

/**
 * The MetaLog port on segment files through the FileSystem port.
 *
 * Constructor: `(fs, options)` — `fs` is the FileSystem port (Node's in production, CrashFS in tests),
 * `options` as documented on `FileMetaLogOptions`. Nothing is touched until `open()` (called by the
 * first `replay`/`append` too), which runs recovery and rejects with `MetaLogCorruptError` when
 * synced data is damaged (T-DUR-6), leaving every file as it was.
 */
@injectable()
export class FileMetaLog implements MetaLog {
  private readonly policy: FsyncPolicy;
  private opening: Promise<void> | null = null;
  private writer: GroupCommitWriter | null = null;
  private segments: SegmentState[] = [];
  private stale: SegmentState[] = [];
  private report: RecoveryReport | null = null;

  constructor(
    @inject(FILE_SYSTEM) private readonly fs: FileSystem,
    @inject(FILE_META_LOG_OPTIONS) private readonly options: FileMetaLogOptions,
  ) {
    const policy = typeof options.fsync === 'string' ? parseFsyncPolicy(options.fsync) : (options.fsync ?? { kind: 'always' });
    if (policy === null) throw new Error(`invalid MetaLog fsync policy: ${String(options.fsync)} (always | interval:<ms> | os)`);
    this.policy = policy;
  }

  /**
   * Runs recovery once; later calls share the result. `replayFrom` is where the first replay will
   * start (the snapshot's position): segments wholly below it are not read now (C4: a restart from a
   * snapshot reads only the log after it); a later replay from below verifies them first.
   */
  open(replayFrom = 0): Promise<void> {
    this.opening ??= this.doOpen(replayFrom);
    return this.opening;
  }

  /** What recovery repaired (null before open). */
  recoveryReport(): RecoveryReport | null {
    return this.report;
  }

  private async doOpen(replayFrom: number, deliver?: Pick<ScanOptions, 'onEvent' | 'sink'>): Promise<void> {
    const dir = this.options.dir;
    const existed = (await this.fs.stat(dir)) !== null;
    await this.fs.mkdir(dir);
    if (!existed) await this.fs.fsyncDir(dirname(dir));
    // The writer starts a new segment rather than continue one whose string dictionary would have
    // to be rebuilt, so the open decodes events only when it is the first replay's pass (`deliver`).
    const { inspection, report } = await recoverWal(this.fs, dir, { verifyFrom: replayFrom, decodeLast: false, deliver });
    this.report = report;
    this.segments = inspection.segments;
    this.stale = inspection.stale;
    this.writer = await GroupCommitWriter.start(
      this.fs,
      {
        dir,
        policy: this.policy,
        segmentBytes: this.options.segmentBytes ?? DEFAULT_SEGMENT_BYTES,
        preallocate: this.options.preallocate ?? true,
        onFailure: this.options.onFailure,
        observer: this.options.observer,
        deferredSyncMs: this.options.deferredSyncMs,
      },
      this.segments,
    );
  }

  private live(): GroupCommitWriter {
    if (this.writer === null) throw new Error('FileMetaLog used before open()/replay()');
    return this.writer;
  }

  async append(events: readonly MetaEvent[], options?: AppendOptions): Promise<LogPosition> {
    if (this.writer === null) await this.open();
    return this.live().append(events, options?.deferrable === true);
  }

  nextPosition(): LogPosition {
    return this.live().nextPosition();
  }

  /** A snapshot at `position`: the records from there on go into a new segment (replay from it reads no older one). */
  checkpoint(position: LogPosition): void {
    this.writer?.rollAt(position);
  }

  replay(from: LogPosition, fn: (event: MetaEvent, position: LogPosition) => void): Promise<LogPosition> {
    return this.replaySegments(from, { onEvent: fn });
  }

  /** `replay` with OffsetCommitted records decoded straight into `sink.offsetCommitted` (C4). */
  replayTo(from: LogPosition, sink: ReplaySink): Promise<LogPosition> {
    return this.replaySegments(from, { sink });
  }

  private async replaySegments(from: LogPosition, to: Pick<ScanOptions, 'onEvent' | 'sink'>): Promise<LogPosition> {
    // The replay that opens the log is the open's own pass (C4: each segment read and checked once,
    // its events delivered as they are checked); nothing is written before it found no damage.
    const fused = this.opening === null;
    if (fused) this.opening = this.doOpen(from, to);
    await this.open(from);
    const start = this.segments[0].base;
    if (from < start) {
      throw new MetaLogError(`MetaLog replay from ${from}, but the log starts at ${start} (older segments were truncated)`, 'ERANGE');
    }
    if (fused) return this.segments[this.segments.length - 1].endPosition;
    for (const seg of [...this.segments]) {
      if (seg.endPosition <= from) continue;
      if (!seg.verified) await this.verify(seg);
      // Read through a window, up to the end the open verified: the checksums need not be computed again.
      const scan = await scanSegmentFile(this.fs, seg.path, seg.base, { decode: true, ...to, from, limit: seg.validEnd, verified: true });
      if (scan.endPosition < seg.endPosition) {
        throw new MetaLogError(`MetaLog replay: ${seg.path} ends at position ${scan.endPosition}, expected ${seg.endPosition} (${scan.detail})`, 'ECORRUPT');
      }
    }
    return this.segments[this.segments.length - 1].endPosition;
  }

  /** A sealed segment open left unread: all of it must be whole records (T-DUR-6), like at open. */
  private async verify(seg: SegmentState): Promise<void> {
    const buf = await readSegmentData(this.fs, seg.path);
    const scan = scanSegment(buf, seg.base, { decode: false });
    const clean = scan.stop === 'eof' || (scan.stop === 'zero' && nonZeroEnd(buf, scan.validEnd) === scan.validEnd);
    if (!clean || scan.endPosition !== seg.endPosition) {
      throw new MetaLogCorruptError(seg.path, scan.validEnd, `${scan.detail} after ${scan.records} records (position ${scan.endPosition}) in a sealed segment`);
    }
    seg.validEnd = scan.validEnd;
    seg.records = scan.records;
    seg.verified = true;
  }

  /** Deletes segments wholly below `position` (never the one being appended to), then syncs the directory. */
  async truncateBefore(position: LogPosition): Promise<void> {
    await this.open();
    const doomed: SegmentState[] = this.stale.filter((s) => s.endPosition <= position);
    this.stale = this.stale.filter((s) => s.endPosition > position);
    while (this.segments.length > 1 && this.segments[1].base <= position) doomed.push(this.segments.shift() as SegmentState);
    if (doomed.length === 0) return;
    for (const seg of doomed) await this.fs.unlink(seg.path);
    await this.fs.fsyncDir(this.options.dir);
  }

  async close(): Promise<void> {
    if (this.opening === null) return;
    await this.opening.catch(() => undefined);
    if (this.writer !== null) await this.writer.close();
  }
}
