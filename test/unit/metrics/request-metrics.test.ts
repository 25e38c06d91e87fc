import { apiName, requestMetricsHooks } from '../../../src/adapters/metrics/request-metrics';
import { PromMetrics } from '../../../src/adapters/metrics/prom-metrics';
import { valueOf } from './metric-values';

describe('KafkaServer hooks feeding the request and connection metrics', () => {
  it('names APIs as Kafka does and falls back for unknown keys', () => {
    expect(apiName(11)).toBe('JoinGroup');
    expect(apiName(18)).toBe('ApiVersions');
    expect(apiName(9999)).toBe('unknown_9999');
  });

  it('counts and times each request by API name and version; counts errors only for a non-NONE code', async () => {
    const metrics = new PromMetrics({ defaultMetrics: false });
    const hooks = requestMetricsHooks(metrics);
    hooks.onRequestDone(12, 4, 2, undefined);
    hooks.onRequestDone(12, 4, 3, 27);
    hooks.onRequestDone(3, 12, 1);
    expect(await valueOf(metrics, 'cohort_requests_total', { api: 'Heartbeat', version: '4' })).toBe(2);
    expect(await valueOf(metrics, 'cohort_requests_total', { api: 'Metadata', version: '12' })).toBe(1);
    expect(await valueOf(metrics, 'cohort_request_errors_total', { api: 'Heartbeat', version: '4', error_code: '27' })).toBe(1);
    expect(await valueOf(metrics, 'cohort_request_errors_total', { api: 'Metadata' })).toBeUndefined();
    expect(await valueOf(metrics, 'cohort_request_duration_seconds', { api: 'Heartbeat' }, 'cohort_request_duration_seconds_sum')).toBeCloseTo(0.005, 9);
  });

  it('tracks open connections', async () => {
    const metrics = new PromMetrics({ defaultMetrics: false });
    const hooks = requestMetricsHooks(metrics);
    hooks.onConnectionCount(3);
    hooks.onConnectionCount(2);
    expect(await valueOf(metrics, 'cohort_connections_open')).toBe(2);
  });
});
