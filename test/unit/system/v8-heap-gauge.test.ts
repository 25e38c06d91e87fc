import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { V8HeapGauge } from '../../../src/adapters/system/v8-heap-gauge';

// benchmarks.md C6: the gauge admission control reads is V8's own heap after its collections.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('C6 V8HeapGauge', () => {
  test('limit is the old generation\'s (heap_size_limit less the young generation\'s three semi-spaces)', () => {
    const total = getHeapStatistics().heap_size_limit;
    const gauges = [new V8HeapGauge([]), new V8HeapGauge(['--max-semi-space-size=4']), new V8HeapGauge(['--expose-gc', '--max_semi_space_size=8'])];
    try {
      expect(gauges.map((g) => total - g.heap().limit)).toEqual([48, 12, 24].map((m) => m * 2 ** 20));
    } finally {
      for (const g of gauges) g.close();
    }
  });

  test('live follows full collections (grows with retained data, falls when it is freed)', async () => {
    const gauge = new V8HeapGauge();
    // Readings after forced full collections, each waited for (the observer reports after the
    // collection). Earlier test files of this Jest worker may still hold memory when the test starts
    // and let go of it later, so the test checks what it controls: the 96 MB it holds are in the
    // reading, and letting go of them takes them out of the next one.
    const collect = async (): Promise<number> => {
      for (let round = 0; round < 2; round++) {
        const seen = gauge.fullCollections;
        gc();
        for (let waited = 0; gauge.fullCollections === seen && waited < 5000; waited += 10) await new Promise((r) => setTimeout(r, 10));
        expect(gauge.fullCollections).toBeGreaterThan(seen);
      }
      return gauge.heap().live;
    };
    try {
      expect(await collect()).toBeGreaterThan(0);
      let held: number[][] | null = Array.from({ length: 12 }, () => new Array<number>(1 << 20).fill(0.5)); // 12 M unboxed doubles ≈ 96 MB
      const grown = await collect();
      expect(grown).toBeGreaterThan(96e6);
      expect(gauge.heap().used).toBeGreaterThanOrEqual(grown);
      expect(held.length).toBe(12);
      held = null;
      expect(await collect()).toBeLessThan(grown - 64e6);
    } finally {
      gauge.close();
    }
  });
});
