import type { CleanerThrottle } from '../../ports/partition-log';

/**
 * Paces the log cleaner (Kafka's Throttler on log.cleaner.io.max.bytes.per.second) and, because
 * Node runs the cleaner on the same thread as the request path (Kafka gives it threads of its
 * own), bounds its share of the event loop: after every `sliceMs` of cleaner work it pauses long
 * enough that cleaning takes at most `maxLoopShare` of the time while it runs. A pass over a large
 * log becomes many short steps between which Produce and Fetch requests are served.
 */
export class IoThrottle implements CleanerThrottle {
  private windowStart = performance.now();
  private windowBytes = 0;
  private lastYield = performance.now();

  constructor(
    /** Current limit in bytes per second; Infinity (Kafka's default, Double.MAX_VALUE) means none. Read on every call (dynamic config). */
    private readonly maxBytesPerSecond: () => number,
    /** Largest fraction (0, 1] of the event loop the cleaner may take; read on every call. */
    private readonly maxLoopShare: () => number = () => 1,
    private readonly sliceMs = 4,
  ) {}

  /**
   * Busy time counts from the start of a pass. Counted from the last pause instead, the idle time
   * between passes (backoff sleeps, rounds with nothing due) became "work": after 20 s without
   * cleaning, the first acquire of a pass paused 20 s × (1 − share) / share, a minute at the 25 %
   * default, during which no log was cleaned (issue 13's compaction test failed so, 1 run in 3).
   */
  startPass(): void {
    this.lastYield = performance.now();
  }

  async acquire(bytes: number): Promise<void> {
    const rate = this.maxBytesPerSecond();
    if (Number.isFinite(rate) && rate > 0) {
      this.windowBytes += bytes;
      const elapsed = (performance.now() - this.windowStart) / 1000;
      const due = this.windowBytes / rate;
      if (due > elapsed) {
        await new Promise<void>((r) => setTimeout(r, (due - elapsed) * 1000));
        this.lastYield = performance.now();
      }
      // A fresh window every second keeps the rate current after a change or a quiet period.
      if (performance.now() - this.windowStart > 1000) {
        this.windowStart = performance.now();
        this.windowBytes = 0;
      }
    }
    const busy = performance.now() - this.lastYield;
    if (busy >= this.sliceMs) {
      const share = Math.min(1, Math.max(0.01, this.maxLoopShare()));
      const pause = (busy * (1 - share)) / share;
      await new Promise<void>((r) => (pause >= 1 ? setTimeout(r, pause) : setImmediate(r)));
      this.lastYield = performance.now();
    }
  }
}
