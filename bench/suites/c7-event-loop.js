'use strict';
// C7: event-loop delay while C1 runs at C = 100, for both MetaLog flushers (Part D.2: blocking fdatasyncSync
// vs fdatasync on the thread pool). monitorEventLoopDelay lives inside the broker, so the delay is measured
// from outside: the p99 of an ApiVersions probe sent every 1 ms on its own connection (and its own thread)
// while 100 connections commit offsets. Each round runs both modes back to back (C0), plus an idle probe.
const fs = require('node:fs');
const { runLoad } = require('../load/raw-client');
const { runLatencyProbe } = require('../load/latency-probe');
const { ensureTopic } = require('../load/topic-setup');
const { commitLoad, TOPIC } = require('./c1-offset-commit');
const { startBroker, stopBroker, makeDataDir } = require('../harness/broker-process');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');
const { spread } = require('../harness/stats');

const MODES = ['threadpool', 'blocking'];
const CONNECTIONS = 100;

/** C1 at C = 100 with the probe running alongside; resolves { rate, p50Us, p99Us, probeP50Us, probeP99Us }. */
async function loadedRound(ctx, port, prefix) {
  const plan = commitLoad(prefix, CONNECTIONS, 1, null);
  const [load, probe] = await Promise.all([
    runLoad({ port, connections: CONNECTIONS, depth: 1, warmupMs: ctx.warmupMs, measureMs: ctx.measureMs, ...plan }),
    runLatencyProbe({ port, warmupMs: ctx.warmupMs, measureMs: ctx.measureMs }),
  ]);
  if (load.errors > 0) throw new Error(`${load.errors} of ${load.count} commits failed: ${load.firstError}`);
  if (probe.errors > 0) throw new Error(`${probe.errors} ApiVersions probes answered an error`);
  return { rate: load.rate, p50Us: load.p50Us, p99Us: load.p99Us, probeP50Us: probe.p50Us, probeP99Us: probe.p99Us };
}

async function run(ctx) {
  const rows = []; const notes = [];
  const brokers = {}; const brokerErrors = {}; const dirs = [];
  try {
    for (const mode of MODES) {
      const dataDir = makeDataDir(`c7-${mode}`); dirs.push(dataDir);
      try {
        brokers[mode] = await startBroker({ dataDir, flags: { fsync: 'always', 'num-partitions': 64, 'metalog-sync-mode': mode } });
        await ensureTopic(brokers[mode].port, TOPIC, 64);
      } catch (e) { brokerErrors[mode] = e.message; }
    }
    const side = (mode) => (round) => {
      if (brokerErrors[mode]) throw new Error(brokerErrors[mode]);
      return loadedRound(ctx, brokers[mode].port, `c7-${mode}-r${round}`);
    };
    ctx.log(`C7 C1 C=${CONNECTIONS} + 1 ms ApiVersions probe, metalog-sync-mode ${MODES.join(' / ')}`);
    const out = await pairedRuns(ctx.runs, {
      threadpool: side('threadpool'),
      blocking: side('blocking'),
      // The probe against an idle broker: its RTT floor.
      idle: () => {
        if (brokerErrors.threadpool) throw new Error(brokerErrors.threadpool);
        return runLatencyProbe({ port: brokers.threadpool.port, warmupMs: 100, measureMs: Math.min(ctx.measureMs, 1000) });
      },
    }, ctx.log);
    const n = `C1 C=${CONNECTIONS} fsync=always`;
    const pick = (side, f) => ({ side, pick: f });
    rows.push(pairedRow({ bench: 'C7', name: `probe p99 during C1 C=${CONNECTIONS}, sync-mode=threadpool`, unit: 'µs', target: '≤ 2 ms (async flusher)', cohort: pick('threadpool', (m) => m.probeP99Us), baseline: pick('idle', (m) => m.p99Us), baselineName: 'idle probe p99' }, out));
    rows.push(pairedRow({ bench: 'C7', name: `probe p99 during C1 C=${CONNECTIONS}, sync-mode=blocking`, unit: 'µs', target: 'reported (sync flusher)', cohort: pick('blocking', (m) => m.probeP99Us), baseline: pick('threadpool', (m) => m.probeP99Us), baselineName: 'threadpool probe p99' }, out));
    rows.push(pairedRow({ bench: 'C7', name: `${n} rate, sync-mode=threadpool`, unit: 'req/s', cohort: pick('threadpool', (m) => m.rate), baseline: pick('blocking', (m) => m.rate), baselineName: 'blocking rate' }, out));
    rows.push(pairedRow({ bench: 'C7', name: `${n} rate, sync-mode=blocking`, unit: 'req/s', cohort: pick('blocking', (m) => m.rate), baseline: pick('threadpool', (m) => m.rate), baselineName: 'threadpool rate' }, out));
    rows.push(pairedRow({ bench: 'C7', name: `${n} commit p99, sync-mode=blocking`, unit: 'µs', cohort: pick('blocking', (m) => m.p99Us), baseline: pick('threadpool', (m) => m.p99Us), baselineName: 'threadpool p99' }, out));
    const med = (side, f) => (out.errors[side] !== undefined ? NaN : spread(out.results[side].map((m) => (m === null ? NaN : f(m)))).median);
    const s = Object.fromEntries(MODES.map((m) => [m, { rate: med(m, (x) => x.rate), probe: med(m, (x) => x.probeP99Us) }]));
    if (MODES.every((m) => Number.isFinite(s[m].rate) && Number.isFinite(s[m].probe))) {
      const fits = MODES.filter((m) => s[m].probe <= 2000);
      const pickMode = fits.length === 0 ? null : fits.reduce((a, b) => (s[b].rate > s[a].rate ? b : a));
      notes.push(`C7: threadpool ${s.threadpool.rate.toFixed(0)} commits/s, probe p99 ${(s.threadpool.probe / 1000).toFixed(2)} ms; blocking ${s.blocking.rate.toFixed(0)} commits/s, probe p99 ${(s.blocking.probe / 1000).toFixed(2)} ms (medians). `
        + (pickMode ? `Highest rate with probe p99 ≤ 2 ms: ${pickMode}.` : 'Neither mode keeps the probe p99 ≤ 2 ms in this run; compare the blocking / threadpool ratios.'));
    } else {
      notes.push(`C7: mode comparison incomplete (${Object.entries(out.errors).map(([k, v]) => `${k}: ${v}`).join('; ') || 'no data'}).`);
    }
    notes.push('C7: "probe" = one ApiVersions v0 in flight on its own connection, sent on a 1 ms tick from a worker thread; its latency includes the loopback RTT (see the idle row).');
  } finally {
    for (const mode of MODES) if (brokers[mode]) await stopBroker(brokers[mode]);
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
  return { rows, notes };
}

module.exports = { run };
