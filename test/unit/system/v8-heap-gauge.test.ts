import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { V8HeapGauge } from '../../../src/adapters/system/v8-heap-gauge';

// benchmarks.md C6: the gauge admission control reads is V8's own heap after its collections.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const observed = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

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
    try {
      gc();
      await observed();
      const base = gauge.heap().live;
      expect(base).toBeGreaterThan(0);
      let held: number[][] | null = Array.from({ length: 2000 }, (_, i) => Array.from({ length: 1000 }, (_, j) => i + j + 0.5));
      gc();
      await observed();
      const grown = gauge.heap();
      expect(grown.live - base).toBeGreaterThan(10e6); // 2 M unboxed doubles ≈ 16 MB
      expect(grown.used).toBeGreaterThanOrEqual(grown.live);
      expect(held.length).toBe(2000);
      held = null;
      gc();
      await observed();
      expect(gauge.heap().live).toBeLessThan(grown.live - 10e6);
    } finally {
      gauge.close();
    }
  });
});
