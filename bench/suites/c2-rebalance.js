'use strict';
// C2: rebalance latency with the scripted raw-frame driver. A stable group of N members (one connection each,
// one Heartbeat always in flight, rejoin at once on REBALANCE_IN_PROGRESS); a new member sends JoinGroup and
// the clock runs from that frame being written until every member (old and new) holds a SyncGroup answer
// with error 0 for the new generation. group.initial.rebalance.delay.ms = 0. No mock ratio (its fixed timers
// make it meaningless, C2); the ratio is to the floor 4R + F measured in the same round.
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
const { KafkaConnection } = require('../load/kafka-connection');
const { GroupMember, formGroup } = require('../load/group-member');
const { spawnEchoServer } = require('../baselines/echo-server');
const { startBroker, stopBroker, makeDataDir } = require('../harness/broker-process');
const { killChild } = require('../harness/child-processes');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');
const { measureR, measureF } = require('../harness/floor-probes');
const { spread } = require('../harness/stats');

const TOPIC = 'bench-c2';
const TARGETS = { 10: 'p50 ≤ 2 ms, p99 ≤ 4 ms', 100: 'p50 ≤ 6 ms, p99 ≤ 12 ms', 1000: 'p50 ≤ 50 ms, p99 ≤ 100 ms' };

/** One rebalance: resolves its latency in ms and leaves the newcomer heartbeating as a member. */
async function oneRebalance(port, groupId, members, opts, timeoutMs = 30000) {
  const oldGen = Math.max(...members.map((m) => m.syncedGeneration));
  const newcomer = new GroupMember(await KafkaConnection.open(port), groupId, opts);
  const all = [...members, newcomer];
  let t0 = 0;
  let timer = null;
  const done = new Promise((resolve, reject) => {
    const check = () => {
      const gen = newcomer.syncedGeneration;
      if (gen > oldGen && all.every((m) => m.syncedGeneration === gen)) resolve(performance.now() - t0);
    };
    for (const m of all) m.onSynced = check;
    timer = setTimeout(() => reject(new Error(`rebalance of ${all.length} members not complete after ${timeoutMs} ms`)), timeoutMs);
  });
  done.finally(() => clearTimeout(timer)).catch(() => {});
  const joined = newcomer.joinAndSync(() => { t0 = performance.now(); });
  joined.catch(() => {});
  let iv = null;
  const failure = new Promise((_, reject) => {
    iv = setInterval(() => { const f = all.find((m) => m.failure); if (f) { clearInterval(iv); reject(f.failure); } }, 20);
  });
  failure.catch(() => {});
  done.finally(() => clearInterval(iv)).catch(() => {});
  let ms;
  try {
    ms = await Promise.race([done, failure, joined.then(() => new Promise(() => {}))]);
  } finally { clearInterval(iv); clearTimeout(timer); }
  for (const m of all) m.onSynced = () => {};
  newcomer.startHeartbeats();
  members.push(newcomer);
  return ms;
}

async function cohortRound(ctx, port, N, round, samples) {
  const opts = { topic: TOPIC, partitions: N };
  const groupId = `c2-n${N}-r${round}`;
  const conns = [];
  const open = async () => { const c = await KafkaConnection.open(port); conns.push(c); return c; };
  let members = [];
  try {
    members = await formGroup(open, groupId, N, opts);
    for (const m of members) m.startHeartbeats();
    const lat = [];
    for (let s = 0; s < samples; s++) {
      lat.push(await oneRebalance(port, groupId, members, opts));
      conns.push(members[members.length - 1].conn);
    }
    const sp = spread(lat);
    return { p50Ms: sp.median, maxMs: sp.max };
  } finally {
    await Promise.all(members.map((m) => m.stopHeartbeats()));
    for (const c of conns) c.close();
  }
}

async function run(ctx) {
  const rows = []; const notes = [];
  const sizes = ctx.quick ? [10, 100] : [10, 100, 1000];
  const samples = ctx.quick ? 2 : 3;
  const dataDir = makeDataDir('c2');
  let broker = null; let brokerError = null; let echo = null;
  try {
    echo = await spawnEchoServer();
    try { broker = await startBroker({ dataDir, flags: { 'group-initial-rebalance-delay-ms': 0, 'max-connections': 20000 } }); } catch (e) { brokerError = e.message; }
    for (const N of sizes) {
      ctx.log(`C2 N=${N}`);
      const out = await pairedRuns(ctx.runs, {
        cohort: (round) => { if (brokerError) throw new Error(brokerError); return cohortRound(ctx, broker.port, N, round, samples); },
        floor: async () => ({ ...(await measureR(echo.port)), ...(await measureF(dataDir)) }),
      }, ctx.log);
      const floor = { side: 'floor', pick: (m) => (4 * m.rUs + m.fUs) / 1000 };
      rows.push(pairedRow({ bench: 'C2', name: `rebalance N=${N} delay=0 p50`, unit: 'ms', target: TARGETS[N], cohort: { side: 'cohort', pick: (m) => m.p50Ms }, baseline: floor, baselineName: '4R+F' }, out));
      rows.push(pairedRow({ bench: 'C2', name: `rebalance N=${N} delay=0 max`, unit: 'ms', cohort: { side: 'cohort', pick: (m) => m.maxMs }, baseline: floor, baselineName: '4R+F' }, out));
    }
    notes.push(`C2: ${samples} rebalances per round (each adds one member); "max" is the worst of them. The default-delay (3,000 ms) row and the librdkafka realism row are not run by this harness.`);
  } finally {
    if (broker) await stopBroker(broker);
    if (echo) await killChild(echo.handle);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { rows, notes };
}

module.exports = { run };
