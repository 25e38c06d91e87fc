import { API_KEY } from '../kafka/protocol';
import type { KafkaServerOptions } from '../kafka/server/kafka-server';
import type { Metrics } from '../../ports/metrics';

const API_NAMES = new Map<number, string>(Object.entries(API_KEY).map(([name, key]) => [key, name]));

/** The API's name as Kafka's RequestMetrics names it (`JoinGroup`), or `unknown_<key>`. */
export const apiName = (apiKey: number): string => API_NAMES.get(apiKey) ?? `unknown_${apiKey}`;

/** The KafkaServer hooks that feed the request and connection metrics. */
export const requestMetricsHooks = (metrics: Metrics): Required<Pick<KafkaServerOptions, 'onRequestDone' | 'onConnectionCount'>> => ({
  onRequestDone: (apiKey, apiVersion, durationMs, errorCode) => {
    const labels = { api: apiName(apiKey), version: String(apiVersion) };
    metrics.increment('cohort_requests_total', labels);
    metrics.observe('cohort_request_duration_seconds', durationMs / 1000, labels);
    if (errorCode !== undefined) metrics.increment('cohort_request_errors_total', { ...labels, error_code: String(errorCode) });
  },
  onConnectionCount: (open) => metrics.set('cohort_connections_open', open),
});
