import type { Logger } from '../ports/logger';
import type { CleanerThrottle } from '../ports/partition-log';
import type { TopicService } from './topic-service';

/** Thrown through a pass by the throttle once the broker stops: the pass aborts (its temp file goes). */
class CleanerStopped extends Error {
  constructor() {
    super('log cleaner stopped');
  }
}

export interface LogCleanerServiceOptions {
  /** log.cleaner.backoff.ms, read before every sleep (dynamic config). */
  readonly backoffMs: () => number;
  /**
   * First offset of the partition's earliest open transaction (its last stable offset), or null.
   * Transactions (issue 16) plug in here; until then there is none.
   */
  readonly firstUnstableOffset: (topic: string, partition: number) => bigint | null;
}

/**
 * The log cleaner thread (Kafka's LogCleaner with one CleanerThread): round after round it offers
 * every partition of a compacted topic one cleaning pass; a round that cleaned something is
 * followed by another at once, an idle one by log.cleaner.backoff.ms of sleep. Passes are paced
 * by the throttle, so the request path keeps its turns.
 */
export class LogCleanerService {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private stopped = false;
  private readonly guarded: CleanerThrottle;

  constructor(
    private readonly topics: TopicService,
    throttle: CleanerThrottle,
    private readonly now: () => number,
    private readonly log: Logger,
    private readonly options: LogCleanerServiceOptions,
  ) {
    this.guarded = {
      acquire: (bytes) => {
        if (this.stopped) return Promise.reject(new CleanerStopped());
        return throttle.acquire(bytes);
      },
      startPass: () => throttle.startPass?.(),
    };
  }

  start(): void {
    this.schedule(0);
  }

  /** Offers every compacted partition one pass; resolves with how many passes cleaned something. */
  async runOnce(): Promise<number> {
    let worked = 0;
    for (const { topic, partition } of this.topics.compactedPartitions()) {
      if (this.stopped) break;
      const pending = this.topics.partitionLog(topic, partition);
      if (pending === undefined) continue;
      try {
        const log = await pending;
        this.guarded.startPass?.();
        const result = await log.compact({
          nowMs: this.now(), throttle: this.guarded, firstUnstableOffset: this.options.firstUnstableOffset(topic, partition),
        });
        if (result !== null) {
          worked++;
          this.log.info({ topic, partition, ...result, cleanedUpTo: result.cleanedUpTo.toString() }, 'log cleaned');
        }
      } catch (err) {
        if (err instanceof CleanerStopped) break;
        // A deleted topic or a failed disk: the log's own appends report it; the cleaner tries again next round.
        this.log.warn({ topic, partition, err: (err as Error).message }, 'log cleaning failed');
      }
    }
    return worked;
  }

  /** Stops scheduling, aborts the pass in progress at its next step and waits for it. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.round;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.round = this.runOnce().then(
        (worked) => this.schedule(worked > 0 ? 0 : this.options.backoffMs()),
        () => this.schedule(this.options.backoffMs()),
      );
    }, ms);
    this.timer.unref();
  }
}
