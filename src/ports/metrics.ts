/**
 * Metrics port: counters, gauges and histograms by name, so services record what they measure
 * without knowing the exporter (issue 6 item 4: Prometheus, off by default).
 *
 * Contract:
 * - Every name is declared in `METRIC_CATALOG` with its kind, help text, label names and (for
 *   histograms) buckets; the adapter registers the whole catalog up front, so a metric that was
 *   never touched is still exported (at zero) and the docs list matches the code.
 * - `increment`, `observe` and `set` never throw for a cataloged name with its declared labels and
 *   never block: they are safe on the request path. Durations are in seconds (Prometheus base unit).
 * - `beforeScrape(refresh)` registers a callback run synchronously before each export; it is where
 *   gauges derived from state (groups by state, snapshot age) are computed, instead of hooks on the
 *   hot path. A no-op exporter never calls it.
 */
export interface Metrics {
  /** Adds `by` (default 1, must be ≥ 0) to a counter. */
  increment(name: CounterName, labels?: MetricLabels, by?: number): void;
  /** Records one sample in a histogram. */
  observe(name: HistogramName, value: number, labels?: MetricLabels): void;
  /** Sets a gauge. */
  set(name: GaugeName, value: number, labels?: MetricLabels): void;
  /** Runs `refresh` before every scrape (see the contract above). */
  beforeScrape(refresh: () => void): void;
}

/** Label values by label name. */
export type MetricLabels = Readonly<Record<string, string | number>>;

/** DI symbol for the Metrics port (kept beside the port; src/ports/symbols.ts is shared). */
export const METRICS = Symbol.for('Metrics');

/** What the adapter needs to register one metric. */
export interface MetricSpec {
  readonly kind: 'counter' | 'gauge' | 'histogram';
  readonly help: string;
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
}

/** Sub-millisecond to seconds: request handling, WAL appends, fdatasync. */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;
/** Events per group-commit flush (benchmarks.md Part D.1). */
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096] as const;

/** Every metric the broker exports, besides prom-client's default process metrics. */
export const METRIC_CATALOG = {
  cohort_requests_total: { kind: 'counter', help: 'Kafka requests answered, by API name and version.', labels: ['api', 'version'] },
  cohort_request_errors_total: {
    kind: 'counter',
    help: 'Kafka responses whose top-level error code is not NONE, by API name, version and error code.',
    labels: ['api', 'version', 'error_code'],
  },
  cohort_request_duration_seconds: {
    kind: 'histogram',
    help: 'Time from a request being decoded to its response being ready, by API name and version.',
    labels: ['api', 'version'],
    buckets: LATENCY_BUCKETS,
  },
  cohort_connections_open: { kind: 'gauge', help: 'Open Kafka client connections.', labels: [] },
  cohort_groups: { kind: 'gauge', help: 'Consumer groups by state (durably created groups only).', labels: ['state'] },
  cohort_group_members: { kind: 'gauge', help: 'Members of every group\'s last completed generation.', labels: [] },
  cohort_group_rebalances_total: {
    kind: 'counter',
    help: 'Generation bumps observed since the broker started (sampled at each scrape).',
    labels: [],
  },
  cohort_metalog_append_duration_seconds: {
    kind: 'histogram',
    help: 'MetaLog append latency: from append to durable (includes group-commit wait).',
    labels: [],
    buckets: LATENCY_BUCKETS,
  },
  cohort_metalog_flush_duration_seconds: {
    kind: 'histogram',
    help: 'One MetaLog group-commit flush: the write plus, under --fsync always, its fdatasync.',
    labels: [],
    buckets: LATENCY_BUCKETS,
  },
  cohort_metalog_fsync_duration_seconds: { kind: 'histogram', help: 'One MetaLog fdatasync.', labels: [], buckets: LATENCY_BUCKETS },
  cohort_metalog_flush_events: { kind: 'histogram', help: 'Events written by one MetaLog flush (group-commit batch size).', labels: [], buckets: BATCH_BUCKETS },
  cohort_metalog_events_since_snapshot: { kind: 'gauge', help: 'Events appended since the last snapshot.', labels: [] },
  cohort_snapshots_total: { kind: 'counter', help: 'Snapshots written.', labels: [] },
  cohort_snapshot_failures_total: { kind: 'counter', help: 'Snapshots that failed (the MetaLog then keeps every segment).', labels: [] },
  cohort_snapshot_duration_seconds: { kind: 'gauge', help: 'Duration of the last snapshot written.', labels: [] },
  cohort_snapshot_age_seconds: {
    kind: 'gauge',
    help: 'Seconds since the last snapshot was written, or since the broker started if it has written none.',
    labels: [],
  },
  cohort_recovery_duration_seconds: { kind: 'gauge', help: 'Duration of startup recovery (snapshot load + MetaLog replay).', labels: [] },
  cohort_recovery_replayed_events: { kind: 'gauge', help: 'MetaLog events replayed at startup after the snapshot.', labels: [] },
  cohort_authentications_total: { kind: 'counter', help: 'Successful SASL authentications, by listener.', labels: ['listener'] },
  cohort_authentication_failures_total: {
    kind: 'counter',
    help: 'Failed SASL authentications (bad credentials, unsupported mechanism, illegal sequence), by listener.',
    labels: ['listener'],
  },
  cohort_partition_log_appends_total: { kind: 'counter', help: 'Partition log appends (one per partition per produce).', labels: [] },
  cohort_partition_log_appended_records_total: { kind: 'counter', help: 'Records appended to partition logs.', labels: [] },
  cohort_partition_log_append_duration_seconds: {
    kind: 'histogram',
    help: 'Partition log append latency: until durable under the fsync policy.',
    labels: [],
    buckets: LATENCY_BUCKETS,
  },
} as const satisfies Record<string, MetricSpec>;

/** Every cataloged metric name. */
export type MetricName = keyof typeof METRIC_CATALOG;
type NameOfKind<K extends MetricSpec['kind']> = { [N in MetricName]: (typeof METRIC_CATALOG)[N]['kind'] extends K ? N : never }[MetricName];
export type CounterName = NameOfKind<'counter'>;
export type GaugeName = NameOfKind<'gauge'>;
export type HistogramName = NameOfKind<'histogram'>;

/** Records nothing: the default when `--metrics-port` is unset, and for tests. */
export const NOOP_METRICS: Metrics = {
  increment: () => undefined,
  observe: () => undefined,
  set: () => undefined,
  beforeScrape: () => undefined,
};
