import type { CleanerThrottle } from '../../ports/partition-log';

/**
 * Paces the log cleaner (Kafka's Throttler on log.cleaner.io.max.bytes.per.second) and, because
 * Node runs the cleaner on the same thread as the request path, hands the event loop back every
 * `sliceMs` of cleaner work: a pass over a large log becomes many short steps between which
 * Produce and Fetch requests are served.
 */
export class IoThrottle implements CleanerThrottle {
  private windowStart = performance.now();
  private windowBytes = 0;
  private lastYield = performance.now();

  constructor(
    /** Current limit in bytes per second; Infinity (Kafka's default, Double.MAX_VALUE) means none. Read on every call (dynamic config). */
    private readonly maxBytesPerSecond: () => number,
    private readonly sliceMs = 4,
  ) {}

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
    if (performance.now() - this.lastYield >= this.sliceMs) {
      await new Promise<void>((r) => setImmediate(r));
      this.lastYield = performance.now();
    }
  }
}
