import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import type { HeapGauge, HeapReading } from '../../ports/heap-gauge';

const MIB = 2 ** 20;

/**
 * V8's young generation is three semi-spaces (two for copying, one for new large objects' accounting)
 * of `--max-semi-space-size` MiB, 16 by default on 64-bit Node 20; `heap_size_limit` is the old
 * generation's limit (`--max-old-space-size`) plus that reserve.
 */
const youngReserve = (args: readonly string[]): number => {
  let semi = 16;
  for (const a of args) {
    const m = /^--max[-_]semi[-_]space[-_]size=(\d+)$/.exec(a);
    if (m) semi = Number(m[1]);
  }
  return 3 * semi * MIB;
};

/**
 * Bytes in use in every space (read-only excepted). The limit is the old generation's, but the young
 * generation counts too: large objects start there and a full collection may leave them there, and
 * whatever is young now is old soon; counting it errs on the side of refusing early.
 */
const heapUsed = (): number => {
  let used = 0;
  for (const s of getHeapSpaceStatistics()) if (s.space_name !== 'read_only_space') used += s.space_used_size;
  return used;
};

/**
 * The heap gauge over V8's own statistics, against the old generation's limit (the V8 OOM killer
 * fires when live data outgrows it). A `gc` performance observer reads the heap's use after each
 * collection (V8 collects as the heap fills, and more often near its limit), so `heap()` is two
 * field reads. The reading lags the heap by the
 * allocations since the last collection; admission control (GrowthAdmission) keeps a margin for that.
 */
export class V8HeapGauge implements HeapGauge {
  private readonly limit: number;
  private used = heapUsed();
  /** No full collection yet: nothing is known to be live. */
  private live = 0;
  /** Full collections observed so far (tests wait on it: the observer reports after the collection). */
  fullCollections = 0;
  private readonly observer: PerformanceObserver;

  constructor(args: readonly string[] = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)]) {
    const total = getHeapStatistics().heap_size_limit;
    this.limit = Math.max(total - youngReserve(args), total / 2);
    this.observer = new PerformanceObserver((list) => {
      let full = false;
      for (const entry of list.getEntries()) {
        if (((entry as { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full = true;
      }
      this.used = heapUsed();
      if (full) {
        this.live = this.used;
        this.fullCollections++;
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
  }

  heap(): HeapReading {
    return { live: this.live, used: this.used, limit: this.limit };
  }

  /** Stops observing collections (the broker's close). */
  close(): void {
    this.observer.disconnect();
  }
}
