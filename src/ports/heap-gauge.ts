/**
 * Heap gauge port: how full the JavaScript heap is, for admission control (benchmarks.md C6,
 * reliability.md G7: growth ends with a Kafka error, never with the V8 OOM killer).
 *
 * Contract: `limit` is the most the long-lived heap may grow to before the runtime kills the process
 * (V8: the old generation, `--max-old-space-size`); `live` is its use right after the most recent
 * full (mark-sweep) collection, the best estimate of what the process really holds; `used` is its
 * use after the most recent collection of any kind (live data plus garbage not yet collected). All
 * in bytes. Reading is cheap (no collection, no system call): callers may ask per request.
 */
export interface HeapGauge {
  heap(): HeapReading;
}

export interface HeapReading {
  readonly live: number;
  readonly used: number;
  readonly limit: number;
}

/** DI symbol of the heap gauge. */
export const HEAP_GAUGE = Symbol.for('HeapGauge');
