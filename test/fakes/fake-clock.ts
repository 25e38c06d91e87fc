import type { Clock } from '../../src/ports/clock';
import type { Scheduler } from '../../src/ports/scheduler';

interface Timer {
  readonly key: string;
  readonly deadline: number;
  readonly seq: number;
  readonly fn: () => void;
}

/**
 * A manual clock that is also the Scheduler: time moves only through `advance`, which fires every
 * timer that falls due, in deadline order (ties in scheduling order), with `now()` set to each
 * timer's deadline while it runs. Timers armed by a callback fire in the same `advance` if due.
 */
export class FakeClock implements Clock, Scheduler {
  private current: number;
  private seq = 0;
  private readonly timers = new Map<string, Timer>();

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  schedule(key: string, delayMs: number, fn: () => void): void {
    this.timers.set(key, { key, deadline: this.current + Math.max(0, delayMs), seq: this.seq++, fn });
  }

  cancel(key: string): void {
    this.timers.delete(key);
  }

  isScheduled(key: string): boolean {
    return this.timers.has(key);
  }

  /** Deadline of an armed key, or undefined (for tests that assert when a timer will fire). */
  deadlineOf(key: string): number | undefined {
    return this.timers.get(key)?.deadline;
  }

  /** Keys currently armed. */
  scheduledKeys(): string[] {
    return [...this.timers.keys()];
  }

  /** Moves time forward by `ms`, firing due timers in deadline order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.nextDue(target);
      if (next === undefined) break;
      this.timers.delete(next.key);
      this.current = Math.max(this.current, next.deadline);
      next.fn();
    }
    this.current = target;
  }

  // A linear scan keeps the fake obviously correct; tests arm at most a few hundred timers.
  private nextDue(target: number): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers.values()) {
      if (t.deadline > target) continue;
      if (best === undefined || t.deadline < best.deadline || (t.deadline === best.deadline && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
