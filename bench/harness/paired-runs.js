'use strict';
// Alternating A/B runs (benchmarks.md C0): every run i measures Cohort and each baseline back to back, so a
// ratio is computed pair by pair and the noisy shared machine affects both sides of a pair alike.
const { spread } = require('./stats');

/**
 * Runs `runs` rounds; in each round calls every side in order (rotating the start so no side is always first).
 * sides: { name: async (round) => metrics object }. A side that throws is recorded and skipped afterwards
 * (its row reports "error: <message>"). Resolves { results: { name: metrics[] }, errors: { name: message } }.
 */
async function pairedRuns(runs, sides, log = () => {}) {
  const names = Object.keys(sides);
  const results = Object.fromEntries(names.map((n) => [n, new Array(runs).fill(null)]));
  const errors = {};
  for (let round = 0; round < runs; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round) % names.length];
      if (errors[name] !== undefined) continue;
      try {
        results[name][round] = await sides[name](round);
      } catch (e) {
        errors[name] = (e && e.message ? e.message : String(e)).split('\n')[0];
        log(`  ${name}: error: ${errors[name]}`);
      }
    }
  }
  return { results, errors };
}

/**
 * One table row: a Cohort metric against a baseline metric, with the per-pair ratio.
 * cohort / baseline: { side, pick: (metrics) => number } or { values: number[] } (already per round), or an
 * { error } to report.
 */
function pairedRow({ bench, name, unit, target = '', cohort, baseline, baselineName }, outcome) {
  const values = (spec) => {
    if (spec.error) return { error: spec.error };
    if (spec.values) return { values: spec.values };
    if (outcome.errors[spec.side] !== undefined) return { error: outcome.errors[spec.side] };
    return { values: outcome.results[spec.side].map((m) => (m === null ? NaN : spec.pick(m))) };
  };
  const a = values(cohort);
  const b = values(baseline);
  const row = { bench, name, unit, target, baselineName };
  if (a.error) row.cohortError = a.error; else row.cohort = spread(a.values);
  if (b.error) row.baselineError = b.error; else row.baseline = spread(b.values);
  if (!a.error && !b.error) {
    const ratios = a.values.map((x, i) => x / b.values[i]);
    row.ratio = spread(ratios);
  }
  return row;
}

module.exports = { pairedRuns, pairedRow };
