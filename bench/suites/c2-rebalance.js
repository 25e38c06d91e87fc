'use strict';
// C2: rebalance latency with the scripted raw-frame driver. A stable group of N members (one connection each,
// one Heartbeat always in flight, rejoin at once on REBALANCE_IN_PROGRESS); a new member sends JoinGroup and
// the clock runs from that frame being written until every member (old and new) holds a SyncGroup answer
// with error 0 for the new generation. group.initial.rebalance.delay.ms = 0, plus one row for a new group of
// 10 forming under the default delay (3,000 ms) to show it is honoured. No mock ratio (its fixed timers
// make it meaningless, C2); the ratio is to the floor 4R + F measured in the same round.
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
const { KafkaConnection } = require('../load/kafka-connection');
const { GroupMember, formGroup } = require('../load/group-member');
const { spawnEchoServer } = require('../baselines/echo-server');
const { startBroker, stopBroker, makeDataDir } = require('../harness/broker-process');
const { previousReleaseBin } = require('../harness/previous-release');
const { killChild } = require('../harness/child-processes');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');
const { measureR, measureF, measureLoadedR } = require('../harness/floor-probes');
const { spread } = require('../harness/stats');

const TOPIC = 'bench-c2';
const DELAY_N = 10;
const DEFAULT_DELAY_MS = 3000;
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

/**
 * A new group of N members joining at once (all N JoinGroups written back to back): resolves the ms from
 * the first JoinGroup written until every member holds an assignment for the same generation. With the
 * default group.initial.rebalance.delay.ms the broker must hold the first generation back by that delay.
 */
async function formationWithDelay(port, groupId, N, opts, timeoutMs = 30000) {
  const conns = []; const members = [];
  try {
    for (let i = 0; i < N; i++) { const c = await KafkaConnection.open(port); conns.push(c); members.push(new GroupMember(c, groupId, opts)); }
    let t0 = null; let timer = null; let iv = null;
    const done = new Promise((resolve, reject) => {
      const check = () => {
        const gens = new Set(members.map((m) => m.syncedGeneration));
        if (t0 !== null && gens.size === 1 && !gens.has(-1)) resolve(performance.now() - t0);
      };
      for (const m of members) m.onSynced = check;
      timer = setTimeout(() => reject(new Error(`formation of ${N} members with the default delay not complete after ${timeoutMs} ms`)), timeoutMs);
      iv = setInterval(() => { const f = members.find((m) => m.failure); if (f) reject(f.failure); }, 20);
    });
    // A member that got an assignment early keeps heartbeating, as a real consumer does, to learn of later generations.
    members.forEach((m, i) => {
      m.joinAndSync(i === 0 ? () => { t0 = performance.now(); } : undefined)
        .then(() => m.startHeartbeats(50), (e) => { m.failure = m.failure || e; });
    });
    try { return await done; } finally { clearTimeout(timer); clearInterval(iv); }
  } finally {
    await Promise.all(members.map((m) => m.stopHeartbeats()));
    for (const c of conns) c.close();
  }
}

async function run(ctx) {
  const rows = []; const notes = [];
  const sizes = ctx.quick ? [10, 100] : [10, 100, 1000];
  // Rebalances per round: a round's p50 is their median. At N ≤ 100 a rebalance takes 10–50 ms, so 9 cost
  // little and steady the "vs previous release" ratio (3 gave 0.88–1.69 from round to round at N=10).
  const samplesFor = (N) => (ctx.quick ? 2 : N <= 100 ? 9 : 3);
  const dataDir = makeDataDir('c2');
  const prevDir = makeDataDir('c2-previous');
  let broker = null; let brokerError = null; let echo = null; let previous = null; let previousError = null;
  try {
    echo = await spawnEchoServer();
    const flags = { 'group-initial-rebalance-delay-ms': 0, 'max-connections': 20000 };
    try { broker = await startBroker({ dataDir, flags }); } catch (e) { brokerError = e.message; }
    try { previous = await startBroker({ dataDir: prevDir, flags, bin: previousReleaseBin() }); } catch (e) { previousError = e.message; }
    for (const N of sizes) {
      ctx.log(`C2 N=${N}`);
      const out = await pairedRuns(ctx.runs, {
        cohort: (round) => { if (brokerError) throw new Error(brokerError); return cohortRound(ctx, broker.port, N, round, samplesFor(N)); },
        previous: (round) => { if (previousError) throw new Error(previousError); return cohortRound(ctx, previous.port, N, round, samplesFor(N)); },
        floor: async () => ({ ...(await measureR(echo.port)), ...(await measureF(dataDir)), ...(await measureLoadedR(echo.port, N + 1)) }),
      }, ctx.log);
      const floor = { side: 'floor', pick: (m) => (4 * m.rUs + m.fUs) / 1000 };
      rows.push(pairedRow({ bench: 'C2', name: `rebalance N=${N} delay=0 p50`, unit: 'ms', target: TARGETS[N], cohort: { side: 'cohort', pick: (m) => m.p50Ms }, baseline: floor, baselineName: '4R+F' }, out));
      rows.push(pairedRow({ bench: 'C2', name: `rebalance N=${N} delay=0 max`, unit: 'ms', cohort: { side: 'cohort', pick: (m) => m.maxMs }, baseline: floor, baselineName: '4R+F' }, out));
      rows.push(pairedRow({
        bench: 'C2', name: `rebalance N=${N} delay=0 p50 vs loaded floor`, unit: 'ms', target: 'reported (≥ 4 loaded round trips)',
        cohort: { side: 'cohort', pick: (m) => m.p50Ms },
        baseline: { side: 'floor', pick: (m) => (4 * m.loadedRUs + m.fUs) / 1000 }, baselineName: `4R(${N + 1} in flight)+F`,
      }, out));
      rows.push(pairedRow({
        bench: 'C2', name: `rebalance N=${N} delay=0 p50 vs previous release`, unit: 'ms', target: 'ratio ≤ 1 (no regression)',
        cohort: { side: 'cohort', pick: (m) => m.p50Ms }, baseline: { side: 'previous', pick: (m) => m.p50Ms }, baselineName: 'previous release',
      }, out));
    }
    notes.push('C2 loaded floor: R measured on the echo server with N + 1 connections × 1 in flight, as the driver keeps one heartbeat in flight per member; a rebalance needs at least 4 such round trips in sequence (MEMBER_ID_REQUIRED, the REBALANCE_IN_PROGRESS heartbeat, the rejoin, SyncGroup) plus one fdatasync.');
    notes.push('C2 previous release: the same driver against the broker as built at BENCH_PREVIOUS_REF (default f4eba39, release 0.1), alternating rounds.');
    notes.push(`C2: ${sizes.map((N) => `${samplesFor(N)} rebalances per round at N=${N}`).join(', ')} (each adds one member); "max" is the worst of them. The librdkafka realism row is not run by this harness.`);
    // The default group.initial.rebalance.delay.ms (3,000 ms, as Kafka) on a broker started without the flag.
    const delayDir = makeDataDir('c2-delay');
    let delayed = null; let delayedError = null;
    try {
      try { delayed = await startBroker({ dataDir: delayDir, flags: { 'max-connections': 20000 } }); } catch (e) { delayedError = e.message; }
      ctx.log(`C2 default delay N=${DELAY_N}`);
      const out = await pairedRuns(ctx.runs, {
        cohort: async (round) => {
          if (delayedError) throw new Error(delayedError);
          return { ms: await formationWithDelay(delayed.port, `c2-delay-n${DELAY_N}-r${round}`, DELAY_N, { topic: TOPIC, partitions: DELAY_N }) };
        },
      }, ctx.log);
      rows.push(pairedRow({
        bench: 'C2', name: `new group N=${DELAY_N} forming, default delay (3000 ms)`, unit: 'ms', target: '≥ 3000 ms (delay honoured), ratio ≥ 1.0',
        cohort: { side: 'cohort', pick: (m) => m.ms }, baseline: { values: new Array(ctx.runs).fill(DEFAULT_DELAY_MS) }, baselineName: 'delay 3000 ms',
      }, out));
      rows.push(pairedRow({
        bench: 'C2', name: `new group N=${DELAY_N} forming, default delay (3000 ms)`, unit: 'ms', target: 'Kafka: ≈ 2 × delay for N > 1',
        cohort: { side: 'cohort', pick: (m) => m.ms }, baseline: { values: new Array(ctx.runs).fill(2 * DEFAULT_DELAY_MS) }, baselineName: 'Kafka 2×3000 ms',
      }, out));
      notes.push('C2 default delay: Kafka\'s InitialDelayedJoin re-arms the delay once more when members joined during the first one (up to the rebalance timeout), so N > 1 members joining together form after ≈ 2 × 3000 ms there too; ≥ 3000 ms shows the delay is honoured.');
      notes.push(`C2 default delay: ${DELAY_N} members write JoinGroup back to back on a broker started without --group-initial-rebalance-delay-ms; time from the first JoinGroup written until all ${DELAY_N} hold the same generation's assignment.`);
    } finally {
      if (delayed) await stopBroker(delayed);
      fs.rmSync(delayDir, { recursive: true, force: true });
    }
  } finally {
    if (broker) await stopBroker(broker);
    if (previous) await stopBroker(previous);
    if (echo) await killChild(echo.handle);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(prevDir, { recursive: true, force: true });
  }
  return { rows, notes };
}

module.exports = { run };
