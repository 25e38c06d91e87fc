import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import {
  METRIC_CATALOG,
  type CounterName,
  type GaugeName,
  type HistogramName,
  type MetricLabels,
  type MetricName,
  type Metrics,
} from '../../ports/metrics';

export interface PromMetricsOptions {
  /** Also export prom-client's default process metrics (CPU, memory, event-loop lag, GC). Default true. */
  readonly defaultMetrics?: boolean;
}

/**
 * The Metrics port on prom-client, with a registry of its own (not prom-client's global one), so two
 * brokers in one process (tests) do not share or collide on metrics.
 */
export class PromMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, Gauge>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly refreshers: Array<() => void> = [];

  constructor(options: PromMetricsOptions = {}) {
    for (const [name, spec] of Object.entries(METRIC_CATALOG) as [MetricName, (typeof METRIC_CATALOG)[MetricName]][]) {
      const common = { name, help: spec.help, labelNames: [...spec.labels] as string[], registers: [this.registry] };
      if (spec.kind === 'counter') this.counters.set(name, new Counter(common));
      else if (spec.kind === 'gauge') this.gauges.set(name, new Gauge(common));
      else this.histograms.set(name, new Histogram({ ...common, buckets: [...spec.buckets] }));
    }
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  increment(name: CounterName, labels?: MetricLabels, by = 1): void {
    const c = this.counters.get(name)!;
    if (labels === undefined) c.inc(by);
    else c.inc(labels, by);
  }

  observe(name: HistogramName, value: number, labels?: MetricLabels): void {
    const h = this.histograms.get(name)!;
    if (labels === undefined) h.observe(value);
    else h.observe(labels, value);
  }

  set(name: GaugeName, value: number, labels?: MetricLabels): void {
    const g = this.gauges.get(name)!;
    if (labels === undefined) g.set(value);
    else g.set(labels, value);
  }

  beforeScrape(refresh: () => void): void {
    this.refreshers.push(refresh);
  }

  /** The Prometheus text exposition of every metric, after running the `beforeScrape` callbacks. */
  async scrape(): Promise<string> {
    for (const refresh of this.refreshers) refresh();
    return this.registry.metrics();
  }

  /** The Content-Type of `scrape()`'s text (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }
}
