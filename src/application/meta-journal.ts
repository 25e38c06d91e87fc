import type { MetaEvent } from '../domain/meta-event';
import type { Logger } from '../ports/logger';
import { replayToSink, type AppendOptions, type LogPosition, type MetaLog, type ReplaySink } from '../ports/meta-log';
import { NOOP_METRICS, type Metrics } from '../ports/metrics';
import type { SnapshotStore } from '../ports/snapshot-store';

/**
 * Where the snapshot's events come from: the state of every service as folded from every event
 * appended so far (durable or not); the journal pairs it with the log's next position. The events
 * may be made while the store iterates them, but are fixed by the call (SnapshotToSave).
 */
export type DurableStateSource = () => Iterable<MetaEvent>;

/** The snapshot events of several services, each taken now, in order. */
export const snapshotParts = (...parts: ReadonlyArray<Iterable<MetaEvent>>): Iterable<MetaEvent> => ({
  *[Symbol.iterator]() {
    for (const p of parts) yield* p;
  },
});

/**
 * The MetaLog as the services see it: a decorator that tracks the durable position and takes a
 * snapshot every `snapshotEveryEvents` appended events (issue 4: snapshots every N events), or once
 * as many events as the last snapshot held if that is more (C6: a snapshot rewrites the whole state,
 * so snapshotting a state of S events every N events costs S/N rewrites per N events, quadratic as
 * it grows; waiting for S events keeps the rewriting at most one event per event appended, and the
 * log tail a recovery replays at most as long as the snapshot: Kafka's log cleaner waits the same way,
 * for a dirty ratio of 0.5), then deletes the segments the snapshot covers. The snapshot captures
 * the services' state together with the log's next position — both describe every event appended
 * so far — and is written only once every one of those events is durable, so a snapshot never
 * claims an event the log could still lose (PE-9).
 */
export class MetaJournal implements MetaLog {
  private durablePosition: LogPosition = 0;
  private sinceSnapshot = 0;
  private snapshotting: Promise<void> | null = null;
  private source: DurableStateSource | null = null;
  /** Position of the newest snapshot before the one being written: the fallback if the newest is damaged. */
  private previousSnapshot: LogPosition | null = null;
  /** Events in the last snapshot written or loaded: the next one waits for at least as many appends. */
  private lastSnapshotEvents = 0;
  /** Wall time of the last snapshot written (or of construction): the snapshot-age metric. */
  private lastSnapshotAt = Date.now();
  /** The latest append handed to the inner log: appends settle in order, so it settles last. */
  private lastAppend: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly inner: MetaLog,
    private readonly snapshots: SnapshotStore,
    private readonly snapshotEveryEvents: number,
    private readonly log: Logger,
    private readonly metrics: Metrics = NOOP_METRICS,
  ) {
    metrics.beforeScrape(() => {
      metrics.set('cohort_snapshot_age_seconds', (Date.now() - this.lastSnapshotAt) / 1000);
      metrics.set('cohort_metalog_events_since_snapshot', this.sinceSnapshot);
    });
  }

  /** Records the snapshot recovery started from, so its log tail is kept until a newer one exists. */
  setLoadedSnapshot(position: LogPosition | null, events = 0): void {
    this.previousSnapshot = position;
    this.lastSnapshotEvents = events;
  }

  /** Connects the services whose durable state makes up a snapshot (after they are built). */
  setSnapshotSource(source: DurableStateSource): void {
    this.source = source;
  }

  async append(events: readonly MetaEvent[], options?: AppendOptions): Promise<LogPosition> {
    const started = performance.now();
    const appended = options === undefined ? this.inner.append(events) : this.inner.append(events, options);
    this.lastAppend = appended;
    const pos = await appended;
    this.metrics.observe('cohort_metalog_append_duration_seconds', (performance.now() - started) / 1000);
    this.durablePosition = Math.max(this.durablePosition, pos + events.length);
    this.sinceSnapshot += events.length;
    if (this.sinceSnapshot >= Math.max(this.snapshotEveryEvents, this.lastSnapshotEvents) && this.snapshotting === null && this.source !== null) {
      this.sinceSnapshot = 0;
      this.snapshotting = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.snapshotNow())
        .catch((err: Error) => {
          this.metrics.increment('cohort_snapshot_failures_total');
          this.log.error({ err: err.message }, 'snapshot failed; the MetaLog keeps every segment');
        })
        .finally(() => {
          this.snapshotting = null;
        });
    }
    return pos;
  }

  /** Writes a snapshot of the durable state now and drops the segments it covers. */
  async snapshotNow(): Promise<void> {
    if (this.source === null) return;
    const position = this.inner.nextPosition();
    const source = this.source();
    let count = 0;
    const events: Iterable<MetaEvent> = {
      *[Symbol.iterator]() {
        for (const e of source) {
          count++;
          yield e;
        }
      },
    };
    this.inner.checkpoint?.(position);
    const started = Date.now();
    const durable = await this.lastAppend.then(
      () => true,
      () => false,
    );
    if (!durable) throw new Error('the MetaLog failed before the snapshot position became durable');
    await this.snapshots.save({ position, events });
    // Keep the log after the previous snapshot too: if the newest snapshot file is ever damaged,
    // recovery falls back to the previous one and must still find its tail (T-DUR-5 d).
    if (this.previousSnapshot !== null) await this.inner.truncateBefore(this.previousSnapshot);
    this.previousSnapshot = position;
    this.lastSnapshotEvents = count;
    this.lastSnapshotAt = Date.now();
    this.metrics.increment('cohort_snapshots_total');
    this.metrics.set('cohort_snapshot_duration_seconds', (this.lastSnapshotAt - started) / 1000);
    this.log.info({ position, events: count, ms: this.lastSnapshotAt - started }, 'snapshot written');
  }

  async replay(from: LogPosition, fn: (event: MetaEvent, position: LogPosition) => void): Promise<LogPosition> {
    const end = await this.inner.replay(from, fn);
    this.durablePosition = end;
    return end;
  }

  async replayTo(from: LogPosition, sink: ReplaySink): Promise<LogPosition> {
    const end = await replayToSink(this.inner, from, sink);
    this.durablePosition = end;
    return end;
  }

  nextPosition(): LogPosition {
    return this.inner.nextPosition();
  }

  truncateBefore(position: LogPosition): Promise<void> {
    return this.inner.truncateBefore(position);
  }

  checkpoint(position: LogPosition): void {
    this.inner.checkpoint?.(position);
  }

  async close(): Promise<void> {
    await this.snapshotting;
    await this.inner.close();
  }
}
