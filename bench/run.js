'use strict';
// Benchmark suite entry point (benchmarks.md Part C): `node bench/run.js [c1 c2 c3 c4 c5 c6 c7 c8 produce compaction sessions security transactions]`, default all.
// Prints one table (row, cohort median (min–max), baseline median, ratio) and writes bench/results/latest.{json,md}.
// Env: BENCH_RUNS (pairs per row), BENCH_QUICK=1 (smoke run), BENCH_WARMUP_MS, BENCH_MEASURE_MS,
// BENCH_RECOVERY_EVENTS, BENCH_DATA_ROOT (where broker data dirs are created).
const os = require('node:os');
const { benchContext } = require('./harness/bench-context');
const { killAllSync } = require('./harness/child-processes');
const { textTable, writeResults } = require('./harness/report');

const SUITES = {
  c1: './suites/c1-offset-commit',
  c2: './suites/c2-rebalance',
  c3: './suites/c3-heartbeat',
  c4: './suites/c4-recovery',
  c5: './suites/c5-memory',
  c6: './suites/c6-capacity',
  c7: './suites/c7-event-loop',
  produce: './suites/produce-fetch',
  // Issue 13: produce throughput while the log cleaner runs; fetch request size and broker CPU with KIP-227 sessions.
  compaction: ['./suites/issue13-compaction-sessions', 'compaction'],
  sessions: ['./suites/issue13-compaction-sessions', 'sessions'],
  security: './suites/security',
  c8: './suites/c8-consumer-reconcile',
  transactions: './suites/transactions',
  // Issue 15: durable commit on JetStream R3 vs the file WAL; failover time of a shard with 10k groups.
  cluster: './suites/cluster',
};

async function main(argv) {
  const selected = argv.length ? argv : Object.keys(SUITES);
  for (const s of selected) if (!SUITES[s]) throw new Error(`unknown benchmark "${s}" (known: ${Object.keys(SUITES).join(' ')})`);
  const ctx = benchContext();
  const started = Date.now();
  // noteSuites[i] names the suite that wrote notes[i] (tools/splice-results.js replaces a suite's notes by it).
  const rows = []; const notes = []; const noteSuites = [];
  for (const name of selected) {
    ctx.log(`== ${name}`);
    const t0 = Date.now();
    try {
      const suite = SUITES[name];
      const out = Array.isArray(suite) ? await require(suite[0])[suite[1]](ctx) : await require(suite).run(ctx);
      // Each row names its suite: a later partial run replaces exactly its suites' rows (tools/splice-results.js).
      rows.push(...out.rows.map((r) => ({ ...r, suite: name })));
      notes.push(...out.notes);
      noteSuites.push(...out.notes.map(() => name));
    } catch (e) {
      // A benchmark that cannot run at all still yields a row, so the table always shows every benchmark.
      rows.push({ bench: name.toUpperCase(), suite: name, name: '(benchmark)', cohortError: (e && e.message ? e.message : String(e)).split('\n')[0] });
    }
    notes.push(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    noteSuites.push(name);
  }
  const meta = {
    date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, runs: ctx.runs, quick: ctx.quick,
    warmupMs: ctx.warmupMs, measureMs: ctx.measureMs, selected, totalSeconds: (Date.now() - started) / 1000, noteSuites,
  };
  console.log(textTable(rows));
  console.log('');
  for (const n of notes) console.log(`- ${n}`);
  const dir = writeResults({ rows, notes, meta });
  console.log(`\nresults: ${dir}/latest.json, ${dir}/latest.md (${meta.totalSeconds.toFixed(1)} s)`);
}

main(process.argv.slice(2))
  .then(() => { killAllSync(); process.exit(0); })
  .catch((e) => { console.error(e && e.stack ? e.stack : e); killAllSync(); process.exit(1); });
