/**
 * Clock port: the only way the application learns the time.
 *
 * Contract: `now()` is wall-clock milliseconds since the epoch (used for commit timestamps and
 * `currentStateTimestamp`, which Kafka stores as wall time). It may jump; nothing that decides
 * expiry should subtract two `now()` readings taken far apart — timers go through the Scheduler.
 */
export interface Clock {
  now(): number;
}
