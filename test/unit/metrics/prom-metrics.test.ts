import * as fs from 'node:fs';
import * as path from 'node:path';
import { PromMetrics } from '../../../src/adapters/metrics/prom-metrics';
import { METRIC_CATALOG, NOOP_METRICS } from '../../../src/ports/metrics';
import { valueOf } from './metric-values';

describe('PromMetrics (the Metrics port on prom-client)', () => {
  it('exports every cataloged metric with HELP and TYPE before anything is recorded', async () => {
    const m = new PromMetrics({ defaultMetrics: false });
    const text = await m.scrape();
    for (const [name, spec] of Object.entries(METRIC_CATALOG)) {
      expect(text).toContain(`# HELP ${name} ${spec.help}`);
      expect(text).toContain(`# TYPE ${name} ${spec.kind}`);
    }
  });

  it('counters, gauges and histograms record with their declared labels', async () => {
    const m = new PromMetrics({ defaultMetrics: false });
    m.increment('cohort_requests_total', { api: 'JoinGroup', version: '5' });
    m.increment('cohort_requests_total', { api: 'JoinGroup', version: '5' }, 2);
    m.increment('cohort_partition_log_appends_total');
    m.set('cohort_groups', 3, { state: 'Stable' });
    m.set('cohort_connections_open', 7);
    m.observe('cohort_request_duration_seconds', 0.003, { api: 'Heartbeat', version: '4' });
    m.observe('cohort_metalog_flush_events', 5);
    expect(await valueOf(m, 'cohort_requests_total', { api: 'JoinGroup', version: '5' })).toBe(3);
    expect(await valueOf(m, 'cohort_partition_log_appends_total')).toBe(1);
    expect(await valueOf(m, 'cohort_groups', { state: 'Stable' })).toBe(3);
    expect(await valueOf(m, 'cohort_connections_open')).toBe(7);
    expect(await valueOf(m, 'cohort_request_duration_seconds', { api: 'Heartbeat', version: '4' }, 'cohort_request_duration_seconds_count')).toBe(1);
    expect(await valueOf(m, 'cohort_request_duration_seconds', { api: 'Heartbeat', le: '0.005' }, 'cohort_request_duration_seconds_bucket')).toBe(1);
    expect(await valueOf(m, 'cohort_request_duration_seconds', { api: 'Heartbeat', le: '0.0025' }, 'cohort_request_duration_seconds_bucket')).toBe(0);
    expect(await valueOf(m, 'cohort_metalog_flush_events', {}, 'cohort_metalog_flush_events_sum')).toBe(5);
    const text = await m.scrape();
    expect(text).toMatch(/^cohort_requests_total\{api="JoinGroup",version="5"\} 3$/m);
  });

  it('runs every beforeScrape callback on each scrape, before the text is rendered', async () => {
    const m = new PromMetrics({ defaultMetrics: false });
    let n = 0;
    m.beforeScrape(() => m.set('cohort_group_members', ++n));
    expect(await m.scrape()).toMatch(/^cohort_group_members 1$/m);
    expect(await m.scrape()).toMatch(/^cohort_group_members 2$/m);
  });

  it('a failing beforeScrape callback fails the scrape instead of exporting stale values', async () => {
    const m = new PromMetrics({ defaultMetrics: false });
    m.beforeScrape(() => {
      throw new Error('boom');
    });
    await expect(m.scrape()).rejects.toThrow('boom');
  });

  it('includes prom-client default process metrics unless disabled', async () => {
    const withDefaults = new PromMetrics();
    const without = new PromMetrics({ defaultMetrics: false });
    expect(await withDefaults.scrape()).toMatch(/^process_cpu_user_seconds_total /m);
    expect(await withDefaults.scrape()).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(await without.scrape()).not.toMatch(/process_cpu_user_seconds_total/);
  });

  it('two instances keep separate registries (no global-registry collisions)', async () => {
    const a = new PromMetrics({ defaultMetrics: false });
    const b = new PromMetrics({ defaultMetrics: false });
    a.increment('cohort_snapshots_total');
    expect(await valueOf(a, 'cohort_snapshots_total')).toBe(1);
    expect(await valueOf(b, 'cohort_snapshots_total')).toBe(0);
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('NOOP_METRICS accepts every call and never runs scrape callbacks', () => {
    const refresh = jest.fn();
    NOOP_METRICS.beforeScrape(refresh);
    NOOP_METRICS.increment('cohort_requests_total', { api: 'x', version: '0' });
    NOOP_METRICS.observe('cohort_metalog_fsync_duration_seconds', 1);
    NOOP_METRICS.set('cohort_connections_open', 1);
    expect(refresh).not.toHaveBeenCalled();
  });
});

describe('docs/operations.md', () => {
  it('lists every cataloged metric by name', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/operations.md'), 'utf8');
    for (const name of Object.keys(METRIC_CATALOG)) expect(doc).toContain(`| \`${name}\` |`);
  });
});
