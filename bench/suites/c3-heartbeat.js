'use strict';
// C3: heartbeat throughput. M members in groups of 100, all stable, multiplexed over 100 connections with
// 8 heartbeats in flight per connection; Cohort against the echo floor with the same frames and layout and
// (M <= 1,000, its member lookup is linear) the librdkafka mock. Any non-zero heartbeat answer fails the row
// (C3: zero unexpected rebalances, zero error codes).
const fs = require('node:fs');
const { runLoad } = require('../load/raw-client');
const { formFleet, heartbeatFrames } = require('../load/group-fleet');
const { spawnEchoServer } = require('../baselines/echo-server');
const { startMockCluster } = require('../baselines/mock-cluster');
const { startBroker, stopBroker, makeDataDir } = require('../harness/broker-process');
const { killChild } = require('../harness/child-processes');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');

const TOPIC = 'bench-c3';
const CONNECTIONS = 100;
const DEPTH = 8;
const GROUP_SIZE = 100;

function heartbeatLoad(ctx, port, frames) {
  return runLoad({
    port, connections: CONNECTIONS, depth: DEPTH, warmupMs: ctx.warmupMs, measureMs: ctx.measureMs,
    makeRequest: (conn, seq) => ({ frame: frames[conn][seq % frames[conn].length] }),
    // Heartbeat v3: header v0 (correlation id) + throttleTimeMs, then the error code at byte 8.
    onResponse: (tag, frame) => { const code = frame.readInt16BE(8); return code === 0 ? undefined : `Heartbeat error code ${code}`; },
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
      let broker = null; let mock = null; let cohortFrames = null; let mockFrames = null;
      let cohortError = null; let mockError = null;
      try {
        try {
          broker = await startBroker({ dataDir, flags: { 'group-initial-rebalance-delay-ms': 0, 'max-connections': 20000 } });
          const t0 = Date.now();
          const fleet = await formFleet(broker.port, { members: M, groupSize: GROUP_SIZE, prefix: `c3-${M}`, topic: TOPIC, timeoutMs: 30000 });
          notes.push(`C3 M=${M}: Cohort formed ${fleet.length} members in ${M / GROUP_SIZE} groups in ${Date.now() - t0} ms.`);
          cohortFrames = heartbeatFrames(fleet, CONNECTIONS);
        } catch (e) { cohortError = e.message; }
        ctx.log(`  cohort fleet: ${cohortError || 'formed'}`);
        if (M <= 1000) {
          try {
            mock = await startMockCluster([`${TOPIC}:${GROUP_SIZE}`]);
            const t0 = Date.now();
            const fleet = await formFleet(mock.port, { members: M, groupSize: GROUP_SIZE, prefix: `c3-${M}`, topic: TOPIC, lateSyncIsStable: true, timeoutMs: 30000 });
            notes.push(`C3 M=${M}: the mock formed ${fleet.length} members in ${Date.now() - t0} ms.`);
            mockFrames = heartbeatFrames(fleet, CONNECTIONS);
          } catch (e) { mockError = e.message; }
        } else {
          mockError = 'not run above M = 1,000 (the mock\'s member lookup is linear, C3)';
        }
        // The echo floor gets the same frames and layout; Cohort's when available, else the mock's shape.
        const echoFrames = cohortFrames || mockFrames || heartbeatFrames(
          Array.from({ length: M }, (_, i) => ({ groupId: `c3-${M}-g${Math.floor(i / GROUP_SIZE)}`, memberId: `member-${i}-0123456789abcdef`, generation: 1 })), CONNECTIONS);
        const sides = {
          cohort: () => { if (cohortError) throw new Error(cohortError); return heartbeatLoad(ctx, broker.port, cohortFrames); },
          echo: () => heartbeatLoad(ctx, echo.port, echoFrames),
        };
        if (!mockError) sides.mock = () => heartbeatLoad(ctx, mock.port, mockFrames);
        const out = await pairedRuns(ctx.runs, sides, ctx.log);
        const mockSpec = (pick) => (mockError ? { error: mockError } : { side: 'mock', pick });
        const n = `Heartbeat v3 M=${M} ${CONNECTIONS}x${DEPTH}`;
        rows.push(pairedRow({ bench: 'C3', name: `${n} rate`, unit: 'hb/s', target: '≥ 0.8× echo', cohort: { side: 'cohort', pick: (m) => m.rate }, baseline: { side: 'echo', pick: (m) => m.rate }, baselineName: 'echo rate' }, out));
        rows.push(pairedRow({ bench: 'C3', name: `${n} rate`, unit: 'hb/s', target: M <= 1000 ? '≥ 1.0× mock' : '', cohort: { side: 'cohort', pick: (m) => m.rate }, baseline: mockSpec((m) => m.rate), baselineName: 'mock rate' }, out));
        rows.push(pairedRow({ bench: 'C3', name: `${n} p99`, unit: 'µs', target: '≤ 10 ms', cohort: { side: 'cohort', pick: (m) => m.p99Us }, baseline: { side: 'echo', pick: (m) => m.p99Us }, baselineName: 'echo p99' }, out));
      } finally {
        if (broker) await stopBroker(broker);
        if (mock) await killChild(mock.handle);
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    if (echo) await killChild(echo.handle);
  }
  notes.push('C3: closed loop (100 connections x 8 in flight), max rate; the p99 at a fixed offered load of M/3 s is not measured by this harness.');
  return { rows, notes };
}

module.exports = { run };
