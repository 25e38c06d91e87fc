'use strict';
// C3: heartbeat throughput. M members in groups of 100, all stable, multiplexed over 100 connections with
// 8 heartbeats in flight per connection; Cohort against the echo floor with the same frames and layout and
// (M <= 1,000, its member lookup is linear) the librdkafka mock, first closed loop (max rate), then open loop
// at the fixed offered load M / 3 s (Kafka's default heartbeat interval) for its p99. Any non-zero heartbeat answer fails the row
// (C3: zero unexpected rebalances, zero error codes).
const fs = require('node:fs');
const { runLoad } = require('../load/raw-client');
const { runOpenLoop } = require('../load/open-loop');
const { formFleet, heartbeatFrames } = require('../load/group-fleet');
const { spawnEchoServer } = require('../baselines/echo-server');
const { startMockCluster } = require('../baselines/mock-cluster');
const { startBroker, stopBroker, makeDataDir } = require('../harness/broker-process');
const { previousReleaseBin } = require('../harness/previous-release');
const { killChild } = require('../harness/child-processes');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');

const TOPIC = 'bench-c3';
const CONNECTIONS = 100;
const DEPTH = 8;
const GROUP_SIZE = 100;
/** At M / 3 s a 1 k fleet offers 333/s: a 2 s window would hold too few samples for a p99. */
const OPEN_LOOP_MIN_MEASURE_MS = 3000;
/** The mock's fixed join timers make 10 groups of 100 take 25–65 s to form here (30 s failed one run in two). */
const MOCK_FORMATION_TIMEOUT_MS = 90000;

function heartbeatLoad(ctx, port, frames) {
  return runLoad({
    port, connections: CONNECTIONS, depth: DEPTH, warmupMs: ctx.warmupMs, measureMs: ctx.measureMs,
    makeRequest: (conn, seq) => ({ frame: frames[conn][seq % frames[conn].length] }),
    // Heartbeat v3: header v0 (correlation id) + throttleTimeMs, then the error code at byte 8.
    onResponse: (tag, frame) => { const code = frame.readInt16BE(8); return code === 0 ? undefined : `Heartbeat error code ${code}`; },
  }).then((r) => { if (r.errors > 0) throw new Error(`${r.errors} of ${r.count} heartbeats answered an error: ${r.firstError}`); return r; });
}

/**
 * Session timeout of the Cohort fleets (10 min, inside group.max.session.timeout.ms): between its own turns a
 * fleet sits idle while the other sides run and the previous release's fleet forms, which on a loaded machine
 * took longer than the 60 s default — the members expired and the open-loop rows answered UNKNOWN_MEMBER_ID.
 */
const IDLE_SAFE_SESSION_MS = 600000;

/** Heartbeats at a fixed offered rate, round robin over the connections (open loop, no coordinated omission). */
function heartbeatOpenLoop(ctx, port, frames, ratePerSec) {
  return runOpenLoop({
    port, connections: CONNECTIONS, ratePerSec, warmupMs: ctx.warmupMs, measureMs: Math.max(ctx.measureMs, OPEN_LOOP_MIN_MEASURE_MS),
    makeRequest: (conn, seq) => ({ frame: frames[conn][seq % frames[conn].length] }),
    onResponse: (frame) => { const code = frame.readInt16BE(8); return code === 0 ? undefined : `Heartbeat error code ${code}`; },
  }).then((r) => { if (r.errors > 0) throw new Error(`${r.errors} of ${r.count} heartbeats answered an error: ${r.firstError}`); return r; });
}

async function run(ctx) {
  const rows = []; const notes = [];
  const sizes = ctx.quick ? [1000] : [1000, 10000];
  let echo = null;
  try {
    echo = await spawnEchoServer();
    for (const M of sizes) {
      ctx.log(`C3 M=${M}`);
      const dataDir = makeDataDir('c3');
      const prevDir = makeDataDir('c3-previous');
      let broker = null; let mock = null; let cohortFrames = null; let mockFrames = null;
      let cohortError = null; let mockError = null;
      let previous = null; let previousFrames = null; let previousError = null;
      try {
        // The mock first: its fixed timers make forming take tens of seconds, longer than a session timeout
        // of the Cohort fleet, which would expire if it were formed first and left idle meanwhile.
        if (M <= 1000) {
          try {
            mock = await startMockCluster([`${TOPIC}:${GROUP_SIZE}`]);
            const t0 = Date.now();
            const fleet = await formFleet(mock.port, { members: M, groupSize: GROUP_SIZE, prefix: `c3-${M}`, topic: TOPIC, lateSyncIsStable: true, timeoutMs: MOCK_FORMATION_TIMEOUT_MS });
            notes.push(`C3 M=${M}: the mock formed ${fleet.length} members in ${Date.now() - t0} ms.`);
            mockFrames = heartbeatFrames(fleet, CONNECTIONS);
          } catch (e) { mockError = e.message; }
        } else {
          mockError = 'not run above M = 1,000 (the mock\'s member lookup is linear, C3)';
        }
        try {
          broker = await startBroker({ dataDir, flags: { 'group-initial-rebalance-delay-ms': 0, 'max-connections': 20000 } });
          const t0 = Date.now();
          const fleet = await formFleet(broker.port, { members: M, groupSize: GROUP_SIZE, prefix: `c3-${M}`, topic: TOPIC, timeoutMs: 30000, sessionTimeoutMs: IDLE_SAFE_SESSION_MS });
          notes.push(`C3 M=${M}: Cohort formed ${fleet.length} members in ${M / GROUP_SIZE} groups in ${Date.now() - t0} ms.`);
          cohortFrames = heartbeatFrames(fleet, CONNECTIONS);
        } catch (e) { cohortError = e.message; }
        ctx.log(`  cohort fleet: ${cohortError || 'formed'}`);
        try {
          previous = await startBroker({ dataDir: prevDir, flags: { 'group-initial-rebalance-delay-ms': 0, 'max-connections': 20000 }, bin: previousReleaseBin() });
          const fleet = await formFleet(previous.port, { members: M, groupSize: GROUP_SIZE, prefix: `c3p-${M}`, topic: TOPIC, timeoutMs: 30000, sessionTimeoutMs: IDLE_SAFE_SESSION_MS });
          previousFrames = heartbeatFrames(fleet, CONNECTIONS);
        } catch (e) { previousError = e.message; }
        // The echo floor gets the same frames and layout; Cohort's when available, else the mock's shape.
        const echoFrames = cohortFrames || mockFrames || heartbeatFrames(
          Array.from({ length: M }, (_, i) => ({ groupId: `c3-${M}-g${Math.floor(i / GROUP_SIZE)}`, memberId: `member-${i}-0123456789abcdef`, generation: 1 })), CONNECTIONS);
        const sides = {
          cohort: () => { if (cohortError) throw new Error(cohortError); return heartbeatLoad(ctx, broker.port, cohortFrames); },
          echo: () => heartbeatLoad(ctx, echo.port, echoFrames),
        };
        if (!mockError) sides.mock = () => heartbeatLoad(ctx, mock.port, mockFrames);
        sides.previous = () => { if (previousError) throw new Error(previousError); return heartbeatLoad(ctx, previous.port, previousFrames); };
        const out = await pairedRuns(ctx.runs, sides, ctx.log);
        const mockSpec = (pick) => (mockError ? { error: mockError } : { side: 'mock', pick });
        const n = `Heartbeat v3 M=${M} ${CONNECTIONS}x${DEPTH}`;
        rows.push(pairedRow({ bench: 'C3', name: `${n} rate`, unit: 'hb/s', target: '≥ 0.8× echo', cohort: { side: 'cohort', pick: (m) => m.rate }, baseline: { side: 'echo', pick: (m) => m.rate }, baselineName: 'echo rate' }, out));
        rows.push(pairedRow({ bench: 'C3', name: `${n} rate`, unit: 'hb/s', target: M <= 1000 ? '≥ 1.0× mock' : '', cohort: { side: 'cohort', pick: (m) => m.rate }, baseline: mockSpec((m) => m.rate), baselineName: 'mock rate' }, out));
        rows.push(pairedRow({ bench: 'C3', name: `${n} rate vs previous release`, unit: 'hb/s', target: 'ratio ≥ 1 (no regression)', cohort: { side: 'cohort', pick: (m) => m.rate }, baseline: { side: 'previous', pick: (m) => m.rate }, baselineName: 'previous release' }, out));
        rows.push(pairedRow({ bench: 'C3', name: `${n} p99`, unit: 'µs', target: '≤ 10 ms', cohort: { side: 'cohort', pick: (m) => m.p99Us }, baseline: { side: 'echo', pick: (m) => m.p99Us }, baselineName: 'echo p99' }, out));
        // Open loop at M / 3 s (Kafka's default heartbeat.interval.ms): the load a healthy fleet really offers.
        const offered = Math.round(M / 3);
        const openSides = {
          cohort: () => { if (cohortError) throw new Error(cohortError); return heartbeatOpenLoop(ctx, broker.port, cohortFrames, offered); },
          echo: () => heartbeatOpenLoop(ctx, echo.port, echoFrames, offered),
        };
        if (!mockError) openSides.mock = () => heartbeatOpenLoop(ctx, mock.port, mockFrames, offered);
        ctx.log(`  open loop ${offered}/s`);
        const open = await pairedRuns(ctx.runs, openSides, ctx.log);
        const o = `Heartbeat v3 M=${M} open loop ${offered}/s (M/3 s) over ${CONNECTIONS} conns`;
        rows.push(pairedRow({ bench: 'C3', name: `${o} p99`, unit: 'µs', target: M >= 100000 ? '≤ 5 ms' : '≤ 5 ms (spec at 100 k)', cohort: { side: 'cohort', pick: (m) => m.p99Us }, baseline: { side: 'echo', pick: (m) => m.p99Us }, baselineName: 'echo p99' }, open));
        rows.push(pairedRow({ bench: 'C3', name: `${o} p99`, unit: 'µs', cohort: { side: 'cohort', pick: (m) => m.p99Us }, baseline: (mockError ? { error: mockError } : { side: 'mock', pick: (m) => m.p99Us }), baselineName: 'mock p99' }, open));
        rows.push(pairedRow({ bench: 'C3', name: `${o} p50`, unit: 'µs', cohort: { side: 'cohort', pick: (m) => m.p50Us }, baseline: { side: 'echo', pick: (m) => m.p50Us }, baselineName: 'echo p50' }, open));
        if (open.errors.cohort === undefined) {
          const got = open.results.cohort.filter((m) => m !== null);
          notes.push(`C3 M=${M} open loop: offered ${offered}/s, answered ${got.map((m) => m.rate.toFixed(0)).join(', ')}/s per round, most unanswered at once ${Math.max(...got.map((m) => m.backlogMax))}; latency from the scheduled send time.`);
        }
      } finally {
        if (broker) await stopBroker(broker);
        if (previous) await stopBroker(previous);
        if (mock) await killChild(mock.handle);
        fs.rmSync(dataDir, { recursive: true, force: true });
        fs.rmSync(prevDir, { recursive: true, force: true });
      }
    }
  } finally {
    if (echo) await killChild(echo.handle);
  }
  notes.push('C3: "100x8" rows are closed loop (100 connections x 8 in flight, max rate); "open loop" rows send at a fixed M / 3 s whatever the server does.');
  return { rows, notes };
}

module.exports = { run };
