import { MeteredPartitionLogStore } from '../../../src/adapters/metrics/metered-partition-log-store';
import { PromMetrics } from '../../../src/adapters/metrics/prom-metrics';
import { MemoryPartitionLogStore } from '../../fakes/memory-partition-log';
import { buildRecordBatch } from '../../../src/adapters/kafka/record-batch/batch-builder';
import { valueOf } from './metric-values';

const batch = (n: number): Buffer =>
  buildRecordBatch({ baseTimestamp: 1000n, records: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}`, timestamp: 1000n })) });

describe('MeteredPartitionLogStore (partition log append metrics)', () => {
  it('counts appends and records and times them; reads go straight through', async () => {
    const metrics = new PromMetrics({ defaultMetrics: false });
    const store = new MeteredPartitionLogStore(new MemoryPartitionLogStore(), metrics);
    const log = await store.open('orders', 0);
    expect(await log.append(batch(3), { recordCount: 3, maxTimestamp: 1000n })).toBe(0n);
    expect(await log.append(batch(2), { recordCount: 2, maxTimestamp: 1000n })).toBe(3n);
    expect(log.logEndOffset()).toBe(5n);
    expect((await log.read(0n, 1 << 20)).length).toBeGreaterThan(0);
    expect(await valueOf(metrics, 'cohort_partition_log_appends_total')).toBe(2);
    expect(await valueOf(metrics, 'cohort_partition_log_appended_records_total')).toBe(5);
    expect(await valueOf(metrics, 'cohort_partition_log_append_duration_seconds', {}, 'cohort_partition_log_append_duration_seconds_count')).toBe(2);
  });

  it('keeps the port rule "opening an open log returns the same instance"', async () => {
    const store = new MeteredPartitionLogStore(new MemoryPartitionLogStore(), new PromMetrics({ defaultMetrics: false }));
    const a = await store.open('t', 0);
    expect(await store.open('t', 0)).toBe(a);
    expect(await store.open('t', 1)).not.toBe(a);
  });

  it('a failed append is not counted and still rejects', async () => {
    const metrics = new PromMetrics({ defaultMetrics: false });
    const store = new MeteredPartitionLogStore(new MemoryPartitionLogStore(), metrics);
    const log = await store.open('t', 0);
    await expect(log.append(batch(2), { recordCount: 5, maxTimestamp: 1000n })).rejects.toThrow(/records/);
    expect(await valueOf(metrics, 'cohort_partition_log_appends_total')).toBe(0);
  });
});
