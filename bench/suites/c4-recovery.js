'use strict';
// C4: recovery time after kill -9. A MetaLog is filled with N OffsetCommit events over 1,000 groups
// (BENCH_RECOVERY_EVENTS, default the spec's 1 M; about 100 s to fill twice with fsync=always), the broker
// is SIGKILLed and restarted, and the time runs from spawn to the first OffsetFetch that returns the last
// acknowledged offset (external clock). Rows (C4): no snapshot; a snapshot at N with an empty tail; a
// snapshot at 0.9 N plus a 0.1 N tail; a torn last record on the no-snapshot log (T-DUR-5: it must be dropped).
// Baselines: `node -e 0` and an empty broker's start + listen; the per-event cost is reported against the
// 250 ns/event target.
//
// Two fills are made: one with --snapshot-every-events N (snapshot at N) and one with 0.9 N (snapshot at
// 0.9 N; the first snapshot deletes no segment, so its MetaLog still starts at position 0). The no-snapshot
// and torn rows run on copies of the second fill's MetaLog without its snapshots: the same bytes a fill
// with no snapshot writes, for half the fill time.
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
const { spawnTracked } = require('../harness/child-processes');
const { runLoad, connectLoopback } = require('../load/raw-client');
const { KafkaConnection } = require('../load/kafka-connection');
const { API } = require('../load/kafka-codec');
const { ensureTopic } = require('../load/topic-setup');
const { commitTemplate, TOPIC } = require('./c1-offset-commit');
const { startBroker, stopBroker, makeDataDir, freePort } = require('../harness/broker-process');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');
const { spread } = require('../harness/stats');
const { listSnapshots, listSegments, newestSegment, tearLastRecord, hasDirtyTail, copyDataDir } = require('../harness/metalog-files');

const GROUPS = 1000;
/** Larger than any fill: the broker never snapshots on its own during a no-snapshot row. */
const NEVER = 2_000_000_000;

/** Fills the MetaLog: `events` commits round-robin over 1,000 groups; resolves { acked: Map, count, seconds }. */
async function fill(port, events) {
  const templates = Array.from({ length: GROUPS }, (_, g) => commitTemplate(`c4-g${g}`, 0));
  const acked = new Map();
  let next = 0; let offset = 0;
  const t0 = performance.now();
  const r = await runLoad({
    // maxRequests bounds the measured answers; the few sent in the 1 ms warm-up are acked and counted in `sent`.
    port, connections: 100, depth: 1, warmupMs: 1, measureMs: 600000, maxRequests: events, drainMs: 10000,
    makeRequest: () => {
      const g = next++ % GROUPS; offset++;
      const f = templates[g];
      f.writeBigInt64BE(BigInt(offset), f.length - 10);
      return { frame: f, tag: [g, offset] };
    },
    onResponse: (tag, frame) => {
      const code = frame.readInt16BE(frame.length - 2);
      if (code !== 0) return `OffsetCommit error code ${code}`;
      if (!(acked.get(tag[0]) >= tag[1])) acked.set(tag[0], tag[1]);
      return undefined;
    },
  });
  if (r.errors > 0) throw new Error(`fill: ${r.errors} commits failed: ${r.firstError}`);
  if (!r.drained) throw new Error('fill: commits still in flight after the drain window');
  return { acked, count: r.sent, seconds: (performance.now() - t0) / 1000 };
}

/** Polls OffsetFetch until group `g` reports at least `want`; resolves the elapsed ms since `since`. */
async function firstGoodFetch(port, group, want, since, isAlive, timeoutMs = 60000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && isAlive()) {
    let conn = null;
    try {
      conn = new KafkaConnection(await connectLoopback('127.0.0.1', port, 1000), 'cohort-bench');
      while (performance.now() < deadline && isAlive()) {
        const body = await conn.request(API.OffsetFetch, 5, { groupId: group, topics: [{ name: TOPIC, partitionIndexes: [0] }] });
        const p = body.topics[0] && body.topics[0].partitions[0];
        if (body.errorCode === 0 && p && p.errorCode === 0 && Number(p.committedOffset) >= want) return performance.now() - since;
        await new Promise((r) => setTimeout(r, 2));
      }
    } catch { /* not listening yet, or the connection dropped: retry */ } finally { if (conn) conn.close(); }
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`no OffsetFetch returned offset ${want} for ${group} within ${timeoutMs} ms`);
}

/** Waits (bounded) until the broker has renamed a snapshot file into place; resolves the newest one or null. */
async function waitForSnapshot(dataDir, timeoutMs = 30000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const snaps = listSnapshots(dataDir);
    if (snaps.length > 0) return snaps[snaps.length - 1];
    if (performance.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * One fill with `--snapshot-every-events every`, then kill -9. Resolves { dataDir, want, lastGroup, count,
 * seconds, snapshot, endPosition }; `requireSnapshot` makes a missing snapshot file an error. The data
 * directory is added to `dirs` (removed by the caller) before anything can fail.
 */
async function prepare(ctx, tag, events, every, requireSnapshot, dirs) {
  const dataDir = makeDataDir(`c4-${tag}`);
  dirs.push(dataDir);
  const broker = await startBroker({ dataDir, flags: { fsync: 'always', 'snapshot-every-events': every } });
  try {
    await ensureTopic(broker.port, TOPIC);
    ctx.log(`C4 filling ${events} events (${tag}, --snapshot-every-events ${every})`);
    const filled = await fill(broker.port, events);
    // The snapshot is written one macrotask after the Nth event is durable; wait for its file before the kill.
    const snapshot = requireSnapshot ? await waitForSnapshot(dataDir) : null;
    await stopBroker(broker, 'SIGKILL');
    if (requireSnapshot && snapshot === null) throw new Error(`no snapshot file in ${dataDir}/snapshots after the ${tag} fill`);
    // The last acked commit of the last group written is what a recovered broker must serve.
    const lastGroup = [...filled.acked.keys()].pop();
    return { dataDir, lastGroup, want: filled.acked.get(lastGroup), count: filled.count, seconds: filled.seconds, snapshot, endPosition: newestSegment(dataDir).endPosition };
  } catch (e) {
    await stopBroker(broker, 'SIGKILL');
    throw e;
  }
}

/** Spawn -> first OffsetFetch returning the last acked offset, then kill -9; resolves { ms }. */
async function recover(dataDir, prep) {
  const port = await freePort();
  const since = performance.now();
  const broker = await startBroker({ dataDir, port, flags: { fsync: 'always', 'snapshot-every-events': NEVER }, waitTimeoutMs: 60000 });
  try {
    let alive = true; broker.handle.exited.then(() => { alive = false; });
    const ms = await firstGoodFetch(port, `c4-g${prep.lastGroup}`, prep.want, since, () => alive);
    return { ms };
  } finally { await stopBroker(broker, 'SIGKILL'); }
}

async function run(ctx) {
  const rows = []; const notes = [];
  const N = ctx.recoveryEvents;
  const N9 = Math.round(0.9 * N);
  const dirs = [];
  const preps = {}; const prepErrors = {};
  try {
    for (const [key, every] of [['snapN', N], ['snap09', N9]]) {
      try {
        preps[key] = await prepare(ctx, key, N, every, true, dirs);
        const p = preps[key];
        notes.push(`C4 fill ${key}: ${p.count} acked commits over ${GROUPS} groups in ${p.seconds.toFixed(1)} s (fsync=always, 100 connections, --snapshot-every-events ${every}); snapshot at position ${p.snapshot.position}, log ends at ${p.endPosition} (tail ${p.endPosition - p.snapshot.position} events).`);
      } catch (e) { prepErrors[key] = e.message; ctx.log(`  ${key}: ${e.message}`); }
    }
    // No-snapshot and torn rows: the 0.9 N fill's MetaLog (which still starts at position 0) without snapshots.
    for (const key of ['none', 'torn']) {
      if (!preps.snap09) { prepErrors[key] = prepErrors.snap09; continue; }
      const dir = makeDataDir(`c4-${key}`); dirs.push(dir);
      copyDataDir(preps.snap09.dataDir, dir, { withSnapshots: false });
      const first = listSegments(dir)[0];
      if (!first || first.base !== 0) { prepErrors[key] = `copied MetaLog starts at ${first ? first.base : 'nothing'}, not 0`; continue; }
      if (listSnapshots(dir).length !== 0) { prepErrors[key] = 'copy still holds a snapshot'; continue; }
      preps[key] = { ...preps.snap09, dataDir: dir, snapshot: null };
    }
    let tornLeft = 0; let tornChecked = 0; let tornInfo = null;
    const side = (key, before) => async () => {
      if (prepErrors[key]) throw new Error(prepErrors[key]);
      if (before) before(preps[key]);
      return recover(preps[key].dataDir, preps[key]);
    };
    const out = await pairedRuns(ctx.runs, {
      none: side('none'),
      snapN: side('snapN'),
      snap09: side('snap09'),
      // Each round re-tears the tail: the previous restart repaired it.
      torn: async (round) => {
        const r = await side('torn', (p) => { tornInfo = tearLastRecord(p.dataDir, 64, 0x5eed + round); })();
        tornChecked++;
        if (hasDirtyTail(preps.torn.dataDir)) tornLeft++;
        return r;
      },
      nodeStart: async () => {
        const t0 = performance.now();
        const h = spawnTracked(process.execPath, ['-e', '0']);
        await h.exited;
        return { ms: performance.now() - t0 };
      },
      emptyListen: async () => {
        const dir = makeDataDir('c4-empty'); dirs.push(dir);
        const port = await freePort();
        const t0 = performance.now();
        const b = await startBroker({ dataDir: dir, port, flags: { fsync: 'always' } });
        const ms = performance.now() - t0;
        await stopBroker(b, 'SIGKILL');
        return { ms };
      },
    }, ctx.log);
    const count = (preps.snap09 || preps.snapN || { count: N }).count;
    const names = {
      none: { what: 'no snapshot', target: '≤ startup + 250 ms per 1 M events' },
      snapN: { what: 'snapshot at N, empty tail', target: '≤ startup + 50 ms' },
      snap09: { what: 'snapshot at 0.9 N + 0.1 N tail', target: '≤ startup + 75 ms' },
      torn: { what: 'no snapshot, torn last record', target: 'no-snapshot row + ≤ 5 ms' },
    };
    const perEvent = (key) => out.results[key].map((m, i) => {
      const e = out.results.emptyListen[i];
      return m === null || e === null ? NaN : ((m.ms - e.ms) * 1e6) / count;
    });
    for (const key of ['none', 'snapN', 'snap09', 'torn']) {
      const { what, target } = names[key];
      const name = `recovery kill -9, N=${count}, ${what}`;
      const pick = { side: key, pick: (m) => m.ms };
      rows.push(pairedRow({ bench: 'C4', name, unit: 'ms', target, cohort: pick, baseline: { side: 'nodeStart', pick: (m) => m.ms }, baselineName: 'node -e 0' }, out));
      rows.push(pairedRow({ bench: 'C4', name, unit: 'ms', cohort: pick, baseline: { side: 'emptyListen', pick: (m) => m.ms }, baselineName: 'empty start+listen' }, out));
      // Per event of the recovered state: (recovery − empty start+listen) / N, against the 250 ns/event target.
      rows.push(pairedRow({
        bench: 'C4', name: `N=${count}, ${what}: (recovery − empty start) / N`, unit: 'ns/event', target: '≤ 250 ns/event (no snapshot)',
        cohort: out.errors[key] !== undefined ? { error: out.errors[key] } : { values: perEvent(key) },
        baseline: { values: new Array(ctx.runs).fill(250) }, baselineName: 'target 250 ns',
      }, out));
      if (out.errors[key] === undefined && out.results[key].some((m) => m !== null)) {
        const ms = spread(out.results[key].map((m) => (m === null ? NaN : m.ms))).median;
        notes.push(`C4 ${key}: recovery ${ms.toFixed(0)} ms / N=${count} = ${((ms * 1000) / count).toFixed(2)} µs/event all-in (incl. process start).`);
      }
    }
    if (tornInfo) notes.push(`C4 torn: 64 garbage bytes (a frame header claiming 256 bytes, bad CRC) written at byte ${tornInfo.offset} of the newest segment before each restart; garbage still present after recovery in ${tornLeft} of ${tornChecked} restarts (must be 0).`);
    notes.push('C4: no-snapshot and torn rows replay a copy of the 0.9 N fill\'s MetaLog with its snapshot removed (the first snapshot deletes no segment); every restart runs with --snapshot-every-events 2e9 so recovery writes no snapshot.');
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
  return { rows, notes };
}

module.exports = { run, fill, firstGoodFetch };
