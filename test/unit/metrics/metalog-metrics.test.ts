import { PromMetrics } from '../../../src/adapters/metrics/prom-metrics';
import { walMetricsObserver } from '../../../src/adapters/metrics/wal-metrics-observer';
import { MemoryMetaLog } from '../../fakes/memory-meta-log';
import { MemorySnapshotStore } from '../../fakes/memory-snapshot-store';
import { CrashFileSystem } from '../../fakes/crash-file-system';
import { FileMetaLog } from '../../../src/adapters/wal/file-meta-log';
import { silentLogger } from '../../../src/adapters/system/pino-logger';
import { MetaJournal } from '../../../src/application/meta-journal';
import type { MetaEvent } from '../../../src/domain/meta-event';
import { valueOf } from './metric-values';

/** Polls until `read` gives `want` (the snapshot runs one macrotask after the append resolves). */
const eventually = async (read: () => Promise<number | undefined>, want: number): Promise<void> => {
  for (let i = 0; i < 200 && (await read()) !== want; i++) await new Promise((r) => setTimeout(r, 5));
  expect(await read()).toBe(want);
};

const deleted = (groupId: string): MetaEvent => ({ type: 'GroupDeleted', groupId }) as MetaEvent;

describe('MetaLog metrics: journal append/snapshot timing and WAL flush/fsync observer', () => {
  it('the journal times each append and reports snapshots (count, duration, age, events since)', async () => {
    const metrics = new PromMetrics({ defaultMetrics: false });
    const journal = new MetaJournal(new MemoryMetaLog(), new MemorySnapshotStore(), 1_000_000, silentLogger, metrics);
    journal.setSnapshotSource(() => []);
    await journal.append([deleted('a')]);
    await journal.append([deleted('b'), deleted('c')]);
    expect(await valueOf(metrics, 'cohort_metalog_append_duration_seconds', {}, 'cohort_metalog_append_duration_seconds_count')).toBe(2);
    await metrics.scrape();
    expect(await valueOf(metrics, 'cohort_metalog_events_since_snapshot')).toBe(3);
    expect(await valueOf(metrics, 'cohort_snapshots_total')).toBe(0);

    await journal.snapshotNow();
    await metrics.scrape();
    expect(await valueOf(metrics, 'cohort_snapshots_total')).toBe(1);
    expect(await valueOf(metrics, 'cohort_snapshot_duration_seconds')).toBeGreaterThanOrEqual(0);
    const age = await valueOf(metrics, 'cohort_snapshot_age_seconds');
    expect(age).toBeGreaterThanOrEqual(0);
    expect(age).toBeLessThan(5);
    await journal.close();
  });

  it('a snapshot taken every N events counts itself; a failing one counts a failure', async () => {
    const metrics = new PromMetrics({ defaultMetrics: false });
    const store = new MemorySnapshotStore();
    let fail = false;
    const save = store.save.bind(store);
    store.save = (s) => (fail ? Promise.reject(new Error('disk full')) : save(s));
    const journal = new MetaJournal(new MemoryMetaLog(), store, 2, silentLogger, metrics);
    journal.setSnapshotSource(() => []);
    await journal.append([deleted('a'), deleted('b')]);
    await eventually(() => valueOf(metrics, 'cohort_snapshots_total'), 1);
    fail = true;
    await journal.append([deleted('c'), deleted('d')]);
    await eventually(() => valueOf(metrics, 'cohort_snapshot_failures_total'), 1);
    await journal.close();
  });

  it('Part D.1 group commit: appends of one turn are one flush, and its event count is the batch size', async () => {
    const metrics = new PromMetrics({ defaultMetrics: false });
    const fs = new CrashFileSystem();
    const log = new FileMetaLog(fs, { dir: '/data/metalog', segmentBytes: 1 << 16, observer: walMetricsObserver(metrics) });
    await log.open();
    await Promise.all([log.append([deleted('a')]), log.append([deleted('b'), deleted('c')]), log.append([deleted('d')])]);
    expect(await valueOf(metrics, 'cohort_metalog_flush_events', {}, 'cohort_metalog_flush_events_count')).toBe(1);
    expect(await valueOf(metrics, 'cohort_metalog_flush_events', {}, 'cohort_metalog_flush_events_sum')).toBe(4);
    expect(await valueOf(metrics, 'cohort_metalog_flush_duration_seconds', {}, 'cohort_metalog_flush_duration_seconds_count')).toBe(1);
    // fsync=always: the segment creation's fdatasync is not the writer's; the flush's one is observed.
    expect(await valueOf(metrics, 'cohort_metalog_fsync_duration_seconds', {}, 'cohort_metalog_fsync_duration_seconds_count')).toBe(1);
    await log.close();
  });
});
