'use strict';
// Order statistics used by every benchmark: medians across runs, percentiles within one run.

/** The q-quantile (0..1) of an already sorted numeric array (nearest rank). */
function quantileSorted(sorted, q) {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx];
}

/** Sorts a copy of the first `n` values of a typed array and returns p50/p99/max. */
function latencySummary(values, n = values.length) {
  const s = Float64Array.from(values.subarray ? values.subarray(0, n) : values.slice(0, n)).sort();
  return { p50: quantileSorted(s, 0.5), p99: quantileSorted(s, 0.99), max: s.length ? s[s.length - 1] : NaN, n: s.length };
}

/** Median, min and max of plain numbers (NaN entries are ignored). */
function spread(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

module.exports = { quantileSorted, latencySummary, spread };
