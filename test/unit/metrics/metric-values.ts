import type { PromMetrics } from '../../../src/adapters/metrics/prom-metrics';

/** The current value of one series of a PromMetrics metric (histograms: `<name>_count` etc.), or undefined. */
export const valueOf = async (metrics: PromMetrics, name: string, labels: Record<string, string> = {}, series = name): Promise<number | undefined> => {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) return undefined;
  const { values } = await metric.get();
  const hit = values.find(
    (v) => ((v as { metricName?: string }).metricName ?? name) === series && Object.entries(labels).every(([k, x]) => String(v.labels[k]) === x),
  );
  return hit?.value;
};
