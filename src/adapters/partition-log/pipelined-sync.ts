import type { LogSegment } from './log-segment';

/** What a partition log tells and asks its PipelinedSync. */
export interface SyncedLog<T> {
  /** The log's failure, or null: after one nothing more is synced or acknowledged. */
  failure(): unknown;
  /** `items` are covered by a completed fdatasync (oldest first): acknowledge them. */
  synced(items: readonly T[]): void;
  /** The fdatasync covering `items` failed, or the log failed while it ran: fail the log with them. */
  failed(err: unknown, items: readonly T[]): void;
}

/**
 * The fsync `always` pipeline of one partition log: appends are handed over once written, and
 * while one fdatasync runs, later writes wait here; the next fdatasync covers every write made
 * meanwhile. Only one fdatasync is in flight (two on one open file could split one write-back
 * error between them and report success to the wrong one; a second one through a second open file
 * description measured no faster on this machine kind). Items are acknowledged in the order they
 * were handed over, each after the fdatasync that covers it.
 */
export class PipelinedSync<T> {
  /** Items written but not yet covered by an fdatasync, oldest first. */
  private unsynced: T[] = [];
  /** The segments those writes touched, with each one's size after them. */
  private sizes = new Map<LogSegment, number>();
  /** The fdatasync in flight, or null. */
  private syncing: Promise<void> | null = null;

  constructor(private readonly log: SyncedLog<T>) {}

  /** `items` whose writes to `touched` are done: acknowledged after the next fdatasync. */
  add(items: readonly T[], touched: Iterable<LogSegment>): void {
    for (const s of touched) this.sizes.set(s, s.size);
    for (const item of items) this.unsynced.push(item);
    this.start();
  }

  /** Takes back the items no fdatasync has started for (the log failed: none ever will). */
  drain(): T[] {
    this.sizes.clear();
    return this.unsynced.splice(0);
  }

  /** Resolves once no write is waiting for its fdatasync (every item handed over is acknowledged or failed). */
  async idle(): Promise<void> {
    while (this.syncing !== null) await this.syncing;
  }

  /** Starts an fdatasync covering every unsynced write, unless one is in flight: that one starts the next when done. */
  private start(): void {
    if (this.syncing !== null || this.unsynced.length === 0) return;
    const items = this.unsynced;
    const sizes = this.sizes;
    this.unsynced = [];
    this.sizes = new Map();
    this.syncing = (async () => {
      try {
        if (this.log.failure() !== null) throw this.log.failure();
        await Promise.all([...sizes.keys()].map((s) => s.fh.datasync()));
        // A failure seen while this sync ran (a later write) acks nothing more: the log is failed.
        if (this.log.failure() !== null) throw this.log.failure();
        for (const [s, size] of sizes) {
          s.committedSize = size;
          if (s.size === size) s.dirty = false;
        }
        this.log.synced(items);
      } catch (err) {
        this.log.failed(err, items);
      } finally {
        this.syncing = null;
      }
      this.start();
    })();
  }
}
