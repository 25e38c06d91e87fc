/**
 * Scheduler port: keyed, cancellable one-shot timers (Kafka's `Timer` with keys such as
 * `heartbeat-<group>-<member>`).
 *
 * Contract:
 * - `schedule(key, delayMs, fn)` arms `fn` to run once, no earlier than `delayMs` after the call.
 *   Scheduling a key that is already armed replaces the earlier timer (its callback never runs).
 * - `cancel(key)` disarms the key; cancelling an unknown key is a no-op.
 * - Callbacks run on the event loop, one at a time, never re-entrantly inside `schedule`/`cancel`.
 * - Timers are soft state: nothing here survives a restart (PE-10); the application re-arms them
 *   from the folded state after a replay (PE-11).
 * - `now()` reads the clock the deadlines are measured on (monotonic in production; the fake clock's
 *   time in tests), for callers that keep many deadlines of their own behind one timer (classic
 *   session tables, GroupTimers): a timer armed `d - now()` ms ahead fires at `now() >= d`.
 * Implementations must make schedule/cancel O(log n) or better: every heartbeat re-arms a timer.
 */
export interface Scheduler {
  schedule(key: string, delayMs: number, fn: () => void): void;
  cancel(key: string): void;
  isScheduled(key: string): boolean;
  now(): number;
}
