import { injectable } from 'inversify';
import type { Scheduler } from '../../ports/scheduler';

interface Entry {
  readonly key: string;
  deadline: number;
  seq: number;
  fn: () => void;
  index: number;
}

/**
 * Scheduler on one binary min-heap and one Node timer (benchmarks.md C3: a heartbeat re-arms a
 * session timer, so per-member `setTimeout` churn is what this avoids). Deadlines use the
 * monotonic clock, so a wall-clock jump never expires a session (reliability.md, faketime row).
 */
@injectable()
export class TimerHeapScheduler implements Scheduler {
  private readonly heap: Entry[] = [];
  private readonly byKey = new Map<string, Entry>();
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Infinity;
  private seq = 0;
  private firing = false;

  schedule(key: string, delayMs: number, fn: () => void): void {
    const existing = this.byKey.get(key);
    if (existing !== undefined) {
      // Re-arming (every heartbeat does): move the entry in place instead of remove + insert.
      existing.deadline = monotonicMs() + Math.max(0, delayMs);
      existing.seq = this.seq++;
      existing.fn = fn;
      this.siftDown(existing.index);
      this.siftUp(existing.index);
      this.rearm();
      return;
    }
    const entry: Entry = { key, deadline: monotonicMs() + Math.max(0, delayMs), seq: this.seq++, fn, index: this.heap.length };
    this.heap.push(entry);
    this.byKey.set(key, entry);
    this.siftUp(entry.index);
    this.rearm();
  }

  cancel(key: string): void {
    const entry = this.byKey.get(key);
    if (entry === undefined) return;
    this.byKey.delete(key);
    this.removeAt(entry.index);
    this.rearm();
  }

  isScheduled(key: string): boolean {
    return this.byKey.has(key);
  }

  now(): number {
    return monotonicMs();
  }

  /** Disarms everything (shutdown). */
  clear(): void {
    this.heap.length = 0;
    this.byKey.clear();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }

  private fire(): void {
    this.timer = null;
    this.armedFor = Infinity;
    this.firing = true;
    try {
      const now = monotonicMs();
      // Bounded by the entries due now; callbacks that re-arm with delay 0 wait for the next turn.
      let budget = this.heap.length;
      while (budget-- > 0 && this.heap.length > 0 && this.heap[0]!.deadline <= now) {
        const top = this.heap[0]!;
        this.byKey.delete(top.key);
        this.removeAt(0);
        top.fn();
      }
    } finally {
      this.firing = false;
      this.rearm();
    }
  }

  private rearm(): void {
    if (this.firing) return;
    const top = this.heap[0];
    if (top === undefined) {
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = null;
      this.armedFor = Infinity;
      return;
    }
    if (this.timer !== null && this.armedFor <= top.deadline) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.armedFor = top.deadline;
    this.timer = setTimeout(() => this.fire(), Math.max(0, top.deadline - monotonicMs()));
    this.timer.unref();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);
  }

  private removeAt(i: number): void {
    const last = this.heap.pop()!;
    if (i === this.heap.length) return;
    this.heap[i] = last;
    last.index = i;
    this.siftDown(i);
    this.siftUp(last.index);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const h = this.heap;
    const x = h[a]!;
    const y = h[b]!;
    h[a] = y;
    h[b] = x;
    y.index = a;
    x.index = b;
  }
}

const monotonicMs = (): number => performance.now();
