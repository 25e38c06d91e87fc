'use strict';
// Run-wide settings read once from the environment (BENCH_RUNS, BENCH_QUICK, BENCH_WARMUP_MS, BENCH_MEASURE_MS).
const os = require('node:os');

function intEnv(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/** The context passed to every benchmark's run(ctx). */
function benchContext() {
  const quick = process.env.BENCH_QUICK === '1';
  return {
    quick,
    runs: intEnv('BENCH_RUNS', quick ? 1 : 3),
    warmupMs: intEnv('BENCH_WARMUP_MS', quick ? 200 : 500),
    measureMs: intEnv('BENCH_MEASURE_MS', quick ? 600 : 2000),
    recoveryEvents: intEnv('BENCH_RECOVERY_EVENTS', quick ? 20000 : 1000000),
    dataRoot: process.env.BENCH_DATA_ROOT || os.tmpdir(),
    notes: [],
    log: (msg) => process.stderr.write(`${msg}\n`),
  };
}

module.exports = { benchContext, intEnv };
