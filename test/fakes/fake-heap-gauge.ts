import type { HeapGauge, HeapReading } from '../../src/ports/heap-gauge';

/** A heap gauge the test sets: `live`/`used` as fractions of a 1 GiB limit (admission control tests). */
export class FakeHeapGauge implements HeapGauge {
  static readonly LIMIT = 2 ** 30;
  live = 0.1;
  used = 0.1;

  heap(): HeapReading {
    return { live: this.live * FakeHeapGauge.LIMIT, used: this.used * FakeHeapGauge.LIMIT, limit: FakeHeapGauge.LIMIT };
  }
}
