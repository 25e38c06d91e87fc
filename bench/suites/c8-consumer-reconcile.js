'use strict';
// C8 (issue 12): KIP-848 reconciliation latency. A consumer group of N raw-frame members (one connection each)
// is reconciled on a topic of 2(N+1) partitions; a new member joins and the clock runs from its join frame
// being written until every member (old and new) holds exactly its uniform share (2 partitions) at the new
// group epoch. Every old member heartbeats at once when the clock starts (as if its heartbeat interval had
// elapsed) and again at once after any change (librdkafka expedites the acknowledgement), so the row measures
// the coordinator — target assignment, revocation before assignment, one fsync'd reconciliation per member —
// not the heartbeat interval. Beside it, the classic rebalance of the same N (C2's driver: JoinGroup/SyncGroup
// round of every member), measured in the same rounds on the same broker.
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
const { KafkaConnection } = require('../load/kafka-connection');
const { ConsumerMember } = require('../load/consumer-member');
const { GroupMember, formGroup } = require('../load/group-member');
const { startBroker, stopBroker, makeDataDir } = require('../harness/broker-process');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');
const { spread } = require('../harness/stats');

const TARGETS = { 10: '', 100: '', 1000: '≤ 50 ms (issue 12)' };

async function createTopic(port, topic, partitions) {
  const c = await KafkaConnection.open(port);
  try {
    const r = await c.request(19, 3, { topics: [{ name: topic, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    if (r.topics[0].errorCode !== 0 && r.topics[0].errorCode !== 36) throw new Error(`CreateTopics ${topic}: error ${r.topics[0].errorCode}`);
  } finally { c.close(); }
}

/** One KIP-848 round: form a reconciled group of N, then time `samples` joins. */
async function consumerRound(port, N, round, samples) {
  const topic = `c8-n${N}-r${round}`;
  const groupId = `c8-g-n${N}-r${round}`;
  const conns = [];
  const open = async () => { const c = await KafkaConnection.open(port); conns.push(c); return c; };
  try {
    const lat = [];
    const members = [];
    for (let s = 0; s < samples; s++) {
      const total = N + s;
      const t = `${topic}-s${s}`;
      await createTopic(port, t, 2 * (total + 1));
      // A fresh group per sample, so every sample starts from the same shape: total members, 2(total+1) partitions.
      members.length = 0;
      for (let i = 0; i < total; i++) members.push(new ConsumerMember(await open(), `${groupId}-s${s}`, `m-${s}-${i}`, t));
      for (const m of members) await m.join();
      const settled = (m) => m.size >= 2 && m.size <= 3 && m.epoch === Math.max(...members.map((x) => x.epoch));
      await Promise.all(members.map((m) => m.beatUntil(settled, 5)));
      const epoch = Math.max(...members.map((m) => m.epoch));
      const newcomer = new ConsumerMember(await open(), `${groupId}-s${s}`, `m-${s}-new`, t);
      const target = epoch + 1;
      const done = (m) => m.epoch === target && m.size === 2;
      let t0 = 0;
      await newcomer.join(() => { t0 = performance.now(); });
      await Promise.all([newcomer, ...members].map((m) => m.beatUntil(done)));
      lat.push(performance.now() - t0);
    }
    const sp = spread(lat);
    return { p50Ms: sp.median, maxMs: sp.max };
  } finally {
    for (const c of conns) c.close();
  }
}

/** One classic round (C2's driver): a stable group of N, then time `samples` joins until all hold the new generation. */
async function classicRound(port, N, round, samples) {
  const opts = { topic: `c8-classic-n${N}`, partitions: N };
  const groupId = `c8-classic-n${N}-r${round}`;
  const conns = [];
  const open = async () => { const c = await KafkaConnection.open(port); conns.push(c); return c; };
  let members = [];
  try {
    members = await formGroup(open, groupId, N, opts);
    for (const m of members) m.startHeartbeats();
    const lat = [];
    for (let s = 0; s < samples; s++) {
      const oldGen = Math.max(...members.map((m) => m.syncedGeneration));
      const newcomer = new GroupMember(await open(), groupId, opts);
      const all = [...members, newcomer];
      let t0 = 0;
      const done = new Promise((resolve, reject) => {
        const check = () => { const g = newcomer.syncedGeneration; if (g > oldGen && all.every((m) => m.syncedGeneration === g)) resolve(performance.now() - t0); };
        for (const m of all) m.onSynced = check;
        const iv = setInterval(() => { const f = all.find((m) => m.failure); if (f) { clearInterval(iv); reject(f.failure); } }, 20);
        setTimeout(() => { clearInterval(iv); reject(new Error(`classic rebalance of ${all.length} not complete in 30 s`)); }, 30000).unref();
      });
      newcomer.joinAndSync(() => { t0 = performance.now(); }).catch(() => {});
      lat.push(await done);
      for (const m of all) m.onSynced = () => {};
      newcomer.startHeartbeats();
      members.push(newcomer);
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
  const samples = ctx.quick ? 1 : 2;
  const dataDir = makeDataDir('c8');
  let broker = null;
  try {
    broker = await startBroker({ dataDir, flags: { 'group-initial-rebalance-delay-ms': 0, 'max-connections': 20000 } });
    for (const N of sizes) {
      ctx.log(`C8 N=${N}`);
      const out = await pairedRuns(ctx.runs, {
        consumer: (round) => consumerRound(broker.port, N, round, samples),
        classic: (round) => classicRound(broker.port, N, round, samples),
      }, ctx.log);
      rows.push(pairedRow({
        bench: 'C8', name: `KIP-848 N=${N}: all reconciled after a join p50`, unit: 'ms', target: TARGETS[N],
        cohort: { side: 'consumer', pick: (m) => m.p50Ms }, baseline: { side: 'classic', pick: (m) => m.p50Ms }, baselineName: 'classic rebalance',
      }, out));
      rows.push(pairedRow({
        bench: 'C8', name: `KIP-848 N=${N}: all reconciled after a join max`, unit: 'ms',
        cohort: { side: 'consumer', pick: (m) => m.maxMs }, baseline: { side: 'classic', pick: (m) => m.maxMs }, baselineName: 'classic rebalance',
      }, out));
    }
    notes.push(`C8: ${samples} joins per round; KIP-848 members heartbeat back to back (no heartbeat interval in the clock), the classic members run C2's JoinGroup/SyncGroup driver; ratio < 1 means KIP-848 reconciles faster.`);
  } finally {
    if (broker) await stopBroker(broker);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { rows, notes };
}

module.exports = { run };
