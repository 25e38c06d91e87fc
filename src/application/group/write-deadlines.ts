import type { Scheduler } from '../../ports/scheduler';

export type WriteOutcome = 'durable' | 'failed' | 'timeout';

interface Pending {
  readonly deadline: number;
  settled: boolean;
  readonly resolve: (outcome: WriteOutcome) => void;
}

/**
 * GEN-3's write timeout (`offsets.commit.timeout.ms`) for every commit behind one Scheduler timer.
 * All commits share one timeout, so their deadlines come in the order they were taken: a FIFO, swept
 * from its head when the timer fires. Writes settle in log order too (MetaLog contract), so a settled
 * entry is almost always at the head and leaves at once: the queue holds the commits in flight.
 * (Issue 14, C1: a Scheduler timer per commit cost a key string, a heap insert and a removal.)
 */
export class WriteDeadlines {
  private readonly queue: Pending[] = [];
  private head = 0;
  private armed = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly key: string,
  ) {}

  /** Resolves 'durable' or 'failed' when `write` settles, or 'timeout' once `timeoutMs` passed first. */
  race(write: Promise<boolean>, timeoutMs: number): Promise<WriteOutcome> {
    return new Promise((resolve) => {
      const entry: Pending = { deadline: this.scheduler.now() + Math.max(0, timeoutMs), settled: false, resolve };
      this.queue.push(entry);
      if (!this.armed) this.arm(Math.max(0, timeoutMs));
      void write.then((ok) => {
        if (entry.settled) return;
        entry.settled = true;
        resolve(ok ? 'durable' : 'failed');
        this.dropSettled();
      });
    });
  }

  /** Commits waiting for their write (tests). */
  get pending(): number {
    return this.queue.length - this.head;
  }

  private arm(delayMs: number): void {
    this.armed = true;
    this.scheduler.schedule(this.key, delayMs, () => this.sweep());
  }

  private sweep(): void {
    this.armed = false;
    const now = this.scheduler.now();
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head]!;
      if (!entry.settled) {
        if (entry.deadline > now) break;
        entry.settled = true;
        entry.resolve('timeout');
      }
      this.head++;
    }
    this.compact();
    if (this.head < this.queue.length) this.arm(this.queue[this.head]!.deadline - now);
  }

  private dropSettled(): void {
    while (this.head < this.queue.length && this.queue[this.head]!.settled) this.head++;
    this.compact();
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
