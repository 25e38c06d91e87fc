import type { WalObserver } from '../wal/group-commit-writer';
import type { Metrics } from '../../ports/metrics';

/** Feeds the MetaLog flush, fdatasync and group-commit batch-size metrics (benchmarks.md Part D.1). */
export const walMetricsObserver = (metrics: Metrics): WalObserver => ({
  flushed: (events, durationMs) => {
    metrics.observe('cohort_metalog_flush_events', events);
    metrics.observe('cohort_metalog_flush_duration_seconds', durationMs / 1000);
  },
  synced: (durationMs) => metrics.observe('cohort_metalog_fsync_duration_seconds', durationMs / 1000),
});
