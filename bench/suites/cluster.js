'use strict';
// Issue 15 `cluster` suite: durable OffsetCommit with the coordinator shard on JetStream R3 (3-node
// nats-server cluster on loopback) against the file WAL (fsync=always) in the same run; and the time to
// fail a shard holding 10k groups over to another broker (SIGKILL → the survivor answers OffsetFetch).
const { runLoad } = require('../load/raw-client');
const { kafkaCodec, API } = require('../load/kafka-codec');
const { KafkaConnection } = require('../load/kafka-connection');
const { ensureTopic } = require('../load/topic-setup');
const { startBroker, stopBroker, makeDataDir } = require('../harness/broker-process');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');
const { startNatsCluster } = require('../harness/nats-cluster');

const TOPIC = 'bench-cluster';
const CONNECTIONS = 10;
const LEASE_TTL_MS = 3000;

function commitFrame(group) {
  return kafkaCodec().encodeRequest(API.OffsetCommit, 2, 0, 'cohort-bench', {
    groupId: group, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n,
    topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 0n, committedMetadata: null }] }],
  });
}

/** One group per connection (spread over shards), increasing offsets. */
function commitPlan(prefix, connections) {
  const frames = Array.from({ length: connections }, (_, c) => commitFrame(`${prefix}-${c}`));
  let offset = 0;
  return {
    makeRequest(conn) {
      const frame = frames[conn];
      frame.writeBigInt64BE(BigInt(++offset), frame.length - 10);
      return { frame };
    },
    onResponse(_tag, frame) {
      const code = frame.readInt16BE(frame.length - 2);
      return code === 0 ? undefined : `OffsetCommit error code ${code}`;
    },
  };
}

/** Polls until `groups` answer OffsetFetch without error on `port` (a coordinator that loaded them). */
async function waitServes(port, groups, timeoutMs) {
  const started = Date.now();
  const conn = await KafkaConnection.open(port);
  try {
    for (;;) {
      const find = await conn.request(API.FindCoordinator, 4, { keyType: 0, coordinatorKeys: groups });
      if (find.coordinators.every((c) => c.errorCode === 0 && c.port === port)) {
        let ok = true;
        for (const g of groups) {
          const f = await conn.request(API.OffsetFetch, 3, { groupId: g, topics: [{ name: TOPIC, partitionIndexes: [0] }] });
          if (f.errorCode !== 0) { ok = false; break; }
        }
        if (ok) return Date.now() - started;
      }
      if (Date.now() - started > timeoutMs) throw new Error(`groups not served on ${port} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally { conn.close(); }
}

const clusterFlags = (url, nodeId, clusterId, shards) => ({
  metalog: url, 'node-id': nodeId, 'cluster-id': clusterId, 'lease-ttl-ms': LEASE_TTL_MS, 'offsets-topic-num-partitions': shards, 'num-partitions': 1,
});

async function run(ctx) {
  const rows = []; const notes = [];
  const nats = await startNatsCluster(3);
  const brokers = [];
  try {
    // Durable commit: one cluster-mode broker owning every shard (JetStream R3) vs one file-WAL broker.
    const js = await startBroker({ dataDir: makeDataDir('cluster-js'), flags: clusterFlags(nats.url, 1, 'bench-commit', 50) });
    brokers.push(js);
    const file = await startBroker({ dataDir: makeDataDir('cluster-file'), flags: { fsync: 'always', 'num-partitions': 1 } });
    brokers.push(file);
    await ensureTopic(file.port, TOPIC, 1);
    await ensureTopic(js.port, TOPIC, 1);
    const groups = Array.from({ length: CONNECTIONS }, (_, c) => `jsr3-${c}`);
    await waitServes(js.port, groups, 30000);
    const load = (port, prefix) => runLoad({ port, connections: CONNECTIONS, depth: 1, warmupMs: ctx.warmupMs, measureMs: ctx.measureMs, ...commitPlan(prefix, CONNECTIONS) })
      .then((r) => { if (r.errors > 0) throw new Error(`${r.errors} of ${r.count} failed: ${r.firstError}`); return r; });
    const out = await pairedRuns(ctx.runs, { jetstream: () => load(js.port, 'jsr3'), file: () => load(file.port, 'file') }, ctx.log);
    const n = `durable OffsetCommit v2 C=${CONNECTIONS}`;
    rows.push(pairedRow({ bench: 'CLUSTER', name: `${n} JetStream R3 p50`, unit: 'µs', cohort: { side: 'jetstream', pick: (m) => m.p50Us }, baseline: { side: 'file', pick: (m) => m.p50Us }, baselineName: 'file WAL p50' }, out));
    rows.push(pairedRow({ bench: 'CLUSTER', name: `${n} JetStream R3 rate`, unit: 'req/s', cohort: { side: 'jetstream', pick: (m) => m.rate }, baseline: { side: 'file', pick: (m) => m.rate }, baselineName: 'file WAL rate' }, out));
    for (const b of brokers.splice(0)) await stopBroker(b, 'SIGKILL');

    // Failover of one shard holding 10k groups: all groups in one shard. Broker 3 starts first and
    // becomes the controller (which leaves group shards to others), broker 1 takes the group shard,
    // broker 2 joins; then broker 1 is SIGKILLed and broker 2 must wait out the lease and load the shard.
    const groupsCount = Number(process.env.BENCH_CLUSTER_GROUPS || (ctx.quick ? 2000 : 10000));
    const times = []; const replays = [];
    for (let round = 0; round < ctx.runs; round++) {
      const clusterId = `bench-fo-${round}`;
      const c = await startBroker({ dataDir: makeDataDir('cluster-c'), flags: clusterFlags(nats.url, 3, clusterId, 1) });
      brokers.push(c);
      await ensureTopic(c.port, TOPIC, 1);
      const a = await startBroker({ dataDir: makeDataDir('cluster-a'), flags: clusterFlags(nats.url, 1, clusterId, 1) });
      brokers.push(a);
      await waitServes(a.port, ['fo-0'], 30000);
      const frames = Array.from({ length: groupsCount }, (_, i) => commitFrame(`fo-${i}`));
      let i = 0;
      const r = await runLoad({
        port: a.port, connections: 4, depth: 32, warmupMs: 0, measureMs: 600000, maxRequests: groupsCount,
        makeRequest() { const f = frames[i++ % groupsCount]; f.writeBigInt64BE(7n, f.length - 10); return { frame: f }; },
        onResponse(_t, frame) { const c = frame.readInt16BE(frame.length - 2); return c === 0 ? undefined : `code ${c}`; },
      });
      if (r.errors > 0) throw new Error(`loading groups: ${r.errors} failed: ${r.firstError}`);
      const b = await startBroker({ dataDir: makeDataDir('cluster-b'), flags: clusterFlags(nats.url, 2, clusterId, 1) });
      brokers.push(b);
      await new Promise((res) => setTimeout(res, 1000));
      const killedAt = Date.now();
      await stopBroker(a, 'SIGKILL');
      const sample = ['fo-0', `fo-${groupsCount - 1}`];
      await waitServes(b.port, sample, 60000);
      times.push(Date.now() - killedAt);
      replays.push(Date.now() - killedAt - LEASE_TTL_MS);
      ctx.log(`cluster failover round ${round}: ${times[times.length - 1]} ms`);
      for (const x of brokers.splice(0)) await stopBroker(x, 'SIGKILL');
    }
    rows.push(pairedRow({ bench: 'CLUSTER', name: `fail over a shard with ${groupsCount} groups (SIGKILL → served)`, unit: 'ms', cohort: { values: times }, baseline: { values: times.map(() => LEASE_TTL_MS) }, baselineName: 'lease TTL' }, { results: {}, errors: {} }));
    notes.push(`CLUSTER: failover = lease TTL (${LEASE_TTL_MS} ms, the survivor waits it out) + replay of the shard stream + fence; beyond the TTL: ${replays.join(', ')} ms.`);
    notes.push('CLUSTER: JetStream R3 acknowledges after a quorum of three nats-server nodes stored the message (no fsync by default: nats-server syncs its store every 2 min); the file WAL fdatasyncs on one node.');
  } finally {
    for (const b of brokers) await stopBroker(b, 'SIGKILL');
    await nats.stop();
  }
  return { rows, notes };
}

module.exports = { run };
