'use strict';
// C1: durable OffsetCommit v2 (generation -1, one partition per request) at C = 1, 10, 100 and 1 x 64
// pipelined, Cohort with fsync=always against the echo floor, R + F and the librdkafka mock; then the
// broker is killed and re-opened on the same data directory and every acked commit is read back.
const fs = require('node:fs');
const { runLoad } = require('../load/raw-client');
const { kafkaCodec, API } = require('../load/kafka-codec');
const { KafkaConnection } = require('../load/kafka-connection');
const { ensureTopic } = require('../load/topic-setup');
const { spawnEchoServer } = require('../baselines/echo-server');
const { startMockCluster } = require('../baselines/mock-cluster');
const { startBroker, stopBroker, makeDataDir } = require('../harness/broker-process');
const { killChild } = require('../harness/child-processes');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');
const { measureR, measureF } = require('../harness/floor-probes');

const TOPIC = 'bench-c1';
const CONFIGS = [
  { name: 'C=1', connections: 1, depth: 1, target: 'p50 ≤ R+F+60µs; rate ≥ 0.8/(R+F)' },
  { name: 'C=10', connections: 10, depth: 1, target: 'p50 ≤ R+2F; rate ≥ 5× C=1' },
  { name: 'C=100', connections: 100, depth: 1, target: 'rate ≥ 0.75× mock, ≥ 0.6× echo; p99 ≤ 5ms' },
  { name: '1x64', connections: 1, depth: 64, target: 'rate ≥ 0.7× mock; p50 ≤ 1ms' },
];

/** An OffsetCommit v2 frame template for (group, partition); the offset sits 10 bytes before the end. */
function commitTemplate(group, partition) {
  return kafkaCodec().encodeRequest(API.OffsetCommit, 2, 0, 'cohort-bench', {
    groupId: group, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n,
    topics: [{ name: TOPIC, partitions: [{ partitionIndex: partition, committedOffset: 0n, committedMetadata: null }] }],
  });
}

/** A load plan committing increasing offsets; `acked` (optional Map) records the last acked offset per key. */
function commitLoad(prefix, connections, depth, acked) {
  const templates = [];
  for (let c = 0; c < connections; c++) {
    templates.push([]);
    for (let d = 0; d < depth; d++) templates[c].push(commitTemplate(`${prefix}-c${c}`, d));
  }
  let offset = 0;
  return {
    makeRequest(conn, seq) {
      const slot = seq % depth;
      const frame = templates[conn][slot];
      offset++;
      frame.writeBigInt64BE(BigInt(offset), frame.length - 10);
      return { frame, tag: acked ? [conn, slot, offset] : undefined };
    },
    onResponse(tag, frame) {
      // v2 response with one topic and one partition ends with that partition's error code.
      const code = frame.readInt16BE(frame.length - 2);
      if (code !== 0) return `OffsetCommit error code ${code}`;
      if (acked) {
        const key = `${prefix}-c${tag[0]}/${tag[1]}`;
        const prev = acked.get(key);
        if (prev === undefined || prev < tag[2]) acked.set(key, tag[2]);
      }
      return undefined;
    },
  };
}

/** Reads back every acked key after a kill -9 and restart; resolves { keys, missing, firstMissing }. */
async function verifyReopen(dataDir, flags, acked) {
  const broker = await startBroker({ dataDir, flags });
  try {
    const conn = await KafkaConnection.open(broker.port);
    try {
      const byGroup = new Map();
      for (const [key, offset] of acked) {
        const [group, part] = key.split('/');
        if (!byGroup.has(group)) byGroup.set(group, new Map());
        byGroup.get(group).set(Number(part), offset);
      }
      let missing = 0; let firstMissing = null;
      let loadRetries = 0;
      for (const [group, parts] of byGroup) {
        // GEN-2: the broker listens before its replay ends and answers COORDINATOR_LOAD_IN_PROGRESS (14)
        // meanwhile; a client retries it, and so does this check (bounded), counting the retries.
        let body;
        for (let attempt = 0; ; attempt++) {
          body = await conn.request(API.OffsetFetch, 5, { groupId: group, topics: [{ name: TOPIC, partitionIndexes: [...parts.keys()] }] });
          const loading = body.errorCode === 14 || body.topics.some((t) => t.partitions.some((p) => p.errorCode === 14));
          if (!loading || attempt >= 500) break;
          loadRetries++;
          await new Promise((r) => setTimeout(r, 20));
        }
        const got = new Map();
        const errors = new Map();
        for (const t of body.topics) for (const p of t.partitions) if (p.errorCode === 0) got.set(p.partitionIndex, Number(p.committedOffset)); else errors.set(p.partitionIndex, p.errorCode);
        for (const [p, want] of parts) {
          if (!(got.get(p) >= want)) { missing++; if (firstMissing === null) firstMissing = `${group}/${p}: acked ${want}, read ${got.get(p)}${errors.has(p) ? ` (error ${errors.get(p)})` : ''}${body.errorCode ? ` (group error ${body.errorCode})` : ''}`; }
        }
      }
      return { keys: acked.size, missing, firstMissing, loadRetries };
    } finally { conn.close(); }
  } finally { await stopBroker(broker); }
}

async function run(ctx) {
  const rows = []; const notes = [];
  const flags = { fsync: 'always', 'num-partitions': 64 };
  const dataDir = makeDataDir('c1');
  const acked = new Map();
  let broker = null; let brokerError = null; let echo = null; let mock = null; let mockError = null;
  try {
    echo = await spawnEchoServer();
    try { mock = await startMockCluster([`${TOPIC}:64`]); } catch (e) { mockError = e.message; notes.push(`C1: mock rows skipped: ${e.message}`); }
    try { broker = await startBroker({ dataDir, flags }); await ensureTopic(broker.port, TOPIC, 64); } catch (e) { brokerError = e.message; }
    for (const cfg of CONFIGS) {
      ctx.log(`C1 ${cfg.name}`);
      const load = (port, prefix, track) => {
        const plan = commitLoad(prefix, cfg.connections, cfg.depth, track ? acked : null);
        return runLoad({ port, connections: cfg.connections, depth: cfg.depth, warmupMs: ctx.warmupMs, measureMs: ctx.measureMs, ...plan })
          .then((r) => { if (r.errors > 0) throw new Error(`${r.errors} of ${r.count} responses failed: ${r.firstError}`); return r; });
      };
      const sides = {
        cohort: (round) => { if (brokerError) throw new Error(brokerError); return load(broker.port, `c1-${cfg.name}-r${round}`, true); },
        echo: () => load(echo.port, 'echo', false),
        floor: async () => ({ ...(await measureR(echo.port)), ...(await measureF(dataDir)) }),
      };
      if (mock) sides.mock = () => load(mock.port, `mock-${cfg.name}`, false);
      const out = await pairedRuns(ctx.runs, sides, ctx.log);
      const mockSpec = (pick) => (mock ? { side: 'mock', pick } : { error: mockError });
      const n = `OffsetCommit v2 fsync=always ${cfg.name}`;
      rows.push(pairedRow({ bench: 'C1', name: `${n} p50`, unit: 'µs', target: cfg.target, cohort: { side: 'cohort', pick: (m) => m.p50Us }, baseline: { side: 'floor', pick: (m) => m.rUs + m.fUs }, baselineName: 'R+F' }, out));
      rows.push(pairedRow({ bench: 'C1', name: `${n} p50`, unit: 'µs', cohort: { side: 'cohort', pick: (m) => m.p50Us }, baseline: mockSpec((m) => m.p50Us), baselineName: 'mock p50' }, out));
      rows.push(pairedRow({ bench: 'C1', name: `${n} p99`, unit: 'µs', cohort: { side: 'cohort', pick: (m) => m.p99Us }, baseline: { side: 'echo', pick: (m) => m.p99Us }, baselineName: 'echo p99' }, out));
      rows.push(pairedRow({ bench: 'C1', name: `${n} rate`, unit: 'req/s', cohort: { side: 'cohort', pick: (m) => m.rate }, baseline: mockSpec((m) => m.rate), baselineName: 'mock rate' }, out));
      rows.push(pairedRow({ bench: 'C1', name: `${n} rate`, unit: 'req/s', cohort: { side: 'cohort', pick: (m) => m.rate }, baseline: { side: 'echo', pick: (m) => m.rate }, baselineName: 'echo rate' }, out));
      if (cfg.name === 'C=1') {
        rows.push(pairedRow({ bench: 'C1', name: `${n} rate`, unit: 'req/s', cohort: { side: 'cohort', pick: (m) => m.rate }, baseline: { side: 'floor', pick: (m) => 1e6 / (m.rUs + m.fUs) }, baselineName: '1/(R+F)' }, out));
      }
    }
    if (broker) {
      await stopBroker(broker, 'SIGKILL');
      broker = null;
      try {
        const v = await verifyReopen(dataDir, flags, acked);
        notes.push(`C1 re-open after kill -9: ${v.keys} acked keys read back, ${v.missing} missing${v.missing ? ` (first: ${v.firstMissing})` : ''} (must be 0); ${v.loadRetries} OffsetFetch retries on COORDINATOR_LOAD_IN_PROGRESS while the replay ran.`);
        ctx.log(`C1 re-open: ${v.keys} keys, missing ${v.missing}`);
      } catch (e) {
        notes.push(`C1 re-open check failed: ${e.message}`);
      }
    } else {
      notes.push(`C1 re-open check not run: broker error: ${brokerError}`);
    }
    notes.push('C1: Cohort is durable on one node (fdatasync per batch); the mock and Kafka\'s coordinator do not fsync — compare as "durable on one node" vs "in memory / replicated, not fsynced".');
  } finally {
    if (broker) await stopBroker(broker, 'SIGKILL');
    if (echo) await killChild(echo.handle);
    if (mock) await killChild(mock.handle);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { rows, notes };
}

module.exports = { run, commitLoad, commitTemplate, verifyReopen, TOPIC };
