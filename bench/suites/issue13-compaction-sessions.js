'use strict';
// Issue 13 rows (`node bench/run.js compaction sessions`):
//  - compaction: Produce throughput to a compacted topic on a broker whose log cleaner runs flat out (backoff
//    50 ms, segments of 1 MiB, min.cleanable.dirty.ratio 0.1) against the same load on a broker started with
//    --log-cleaner-enable false, in alternating pairs. Keyed batches (16 x 1 KiB over 1,000 keys) so the cleaner
//    always has work. fsync=os on both: with fsync=always the disk would hide the cleaner's CPU cost.
//  - sessions: a consumer of 1,000 partitions fetching with nothing new to read: sessionless Fetch v12 (every
//    partition in every request) against KIP-227 incremental fetches (empty requests). Rows: request bytes,
//    fetches/s, and broker CPU per fetch (utime+stime of the broker process from /proc over the window).
const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { runLoad } = require('../load/raw-client');
const { kafkaCodec, API } = require('../load/kafka-codec');
const { KafkaConnection } = require('../load/kafka-connection');
const { startBroker, stopBroker, makeDataDir, REPO } = require('../harness/broker-process');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');

const CreateTopics = 19;
const KEYS = 1000;
const PARTITIONS = 1000;

const distBatchBuilder = () => require(path.join(REPO, 'dist', 'adapters', 'kafka', 'record-batch', 'batch-builder.js'));

async function createTopic(port, name, numPartitions, configs) {
  const conn = await KafkaConnection.open(port);
  try {
    const r = await conn.request(CreateTopics, 5, { topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs }], timeoutMs: 10000, validateOnly: false });
    if (r.topics[0].errorCode !== 0) throw new Error(`CreateTopics ${name}: error ${r.topics[0].errorCode}`);
  } finally { conn.close(); }
}

/** Keyed batches cycling through KEYS keys, one frame per distinct batch so successive requests overwrite different keys. */
function keyedFrames(topic) {
  const codec = kafkaCodec();
  const { buildRecordBatch } = distBatchBuilder();
  const value = Buffer.alloc(1024, 0x61);
  const frames = [];
  for (let b = 0; b < KEYS / 16; b++) {
    const batch = buildRecordBatch({ baseTimestamp: BigInt(Date.now()), records: Array.from({ length: 16 }, (_, i) => ({ key: `k${b * 16 + i}`, value, timestamp: BigInt(Date.now()) })) });
    frames.push({ frame: codec.encodeRequest(API.Produce, 7, 0, 'cohort-bench', { transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] }), bytes: batch.length });
  }
  return frames;
}

async function produceLoad(ctx, port, topic, frames) {
  const codec = kafkaCodec();
  let i = 0;
  const r = await runLoad({
    port, connections: 4, depth: 4, warmupMs: ctx.warmupMs, measureMs: ctx.measureMs,
    makeRequest: () => ({ frame: frames[i++ % frames.length].frame }),
    onResponse: (tag, resp) => {
      const p = codec.decodeResponse(API.Produce, 7, resp).body.responses[0].partitionResponses[0];
      return p.errorCode !== 0 ? `Produce error code ${p.errorCode}` : undefined;
    },
  });
  if (r.errors > 0) throw new Error(`${r.errors} of ${r.count} produce requests failed: ${r.firstError}`);
  return { ...r, mbps: (r.rate * frames[0].bytes) / 1e6 };
}

/** The number of .log segment files of a partition: how far cleaning keeps the log down. */
const segmentFiles = (dataDir, topic) => {
  try { return fs.readdirSync(path.join(dataDir, 'topics', `${topic}-0`)).filter((f) => f.endsWith('.log')).length; } catch { return NaN; }
};

async function compaction(ctx) {
  const rows = []; const notes = [];
  const topic = 'bench-compacted';
  const configs = [
    { name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: String(1 << 20) }, { name: 'min.cleanable.dirty.ratio', value: '0.1' },
  ];
  // The default cleaner (at most 25 % of the event loop) and one allowed the whole loop, against no cleaner.
  const dirs = { on: makeDataDir('cleaner-on'), full: makeDataDir('cleaner-full'), off: makeDataDir('cleaner-off') };
  const brokers = {};
  try {
    brokers.on = await startBroker({ dataDir: dirs.on, flags: { fsync: 'os', 'log-cleaner-backoff-ms': 50 } });
    brokers.full = await startBroker({ dataDir: dirs.full, flags: { fsync: 'os', 'log-cleaner-backoff-ms': 50, 'log-cleaner-max-loop-percent': 100 } });
    brokers.off = await startBroker({ dataDir: dirs.off, flags: { fsync: 'os', 'log-cleaner-enable': 'false' } });
    for (const b of Object.values(brokers)) await createTopic(b.port, topic, 1, configs);
    const frames = keyedFrames(topic);
    const out = await pairedRuns(ctx.runs, {
      cleaning: () => produceLoad(ctx, brokers.on.port, topic, frames),
      'cleaning 100%': () => produceLoad(ctx, brokers.full.port, topic, frames),
      'no cleaner': () => produceLoad(ctx, brokers.off.port, topic, frames),
    }, ctx.log);
    const what = 'Produce v7 acks=-1 16x1KiB keyed (1k keys) to a compacted topic, 4x4, fsync=os';
    for (const [side, label] of [['cleaning', 'cleaner ≤25% of the loop (default)'], ['cleaning 100%', 'cleaner uncapped']]) {
      rows.push(pairedRow({ bench: 'I13', name: `${what}, ${label}: MB/s`, unit: 'MB/s', cohort: { side, pick: (m) => m.mbps }, baseline: { side: 'no cleaner', pick: (m) => m.mbps }, baselineName: 'no cleaner MB/s' }, out));
      rows.push(pairedRow({ bench: 'I13', name: `${what}, ${label}: p99`, unit: 'µs', cohort: { side, pick: (m) => m.p99Us }, baseline: { side: 'no cleaner', pick: (m) => m.p99Us }, baselineName: 'no cleaner p99' }, out));
    }
    notes.push(`compaction: segment files of the topic after the runs — default cleaner ${segmentFiles(dirs.on, topic)}, uncapped cleaner ${segmentFiles(dirs.full, topic)}, no cleaner ${segmentFiles(dirs.off, topic)}`);
  } finally {
    for (const b of Object.values(brokers)) await stopBroker(b);
    for (const d of Object.values(dirs)) fs.rmSync(d, { recursive: true, force: true });
  }
  return { rows, notes };
}

/** utime + stime of a process in ms (Linux /proc; clock ticks of 10 ms). */
const cpuMs = (pid) => {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};

const fetchBody = (topic, sessionId, sessionEpoch, partitions) => ({
  replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 50 << 20, isolationLevel: 0, sessionId, sessionEpoch,
  topics: partitions.length === 0 ? [] : [{ topic, topicId: '', partitions: partitions.map((p) => ({ partition: p, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 })) }],
  forgottenTopicsData: [], rackId: '',
});

/** A closed loop of fetches on one connection for the measure window; `next()` gives the body of each request. */
async function fetchLoop(ctx, broker, conn, next) {
  const codec = kafkaCodec();
  let bytes = 0;
  const run = async (ms, count) => {
    let n = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const body = next();
      if (count) bytes += codec.encodeRequest(API.Fetch, 12, 1, 'cohort-bench', body).length;
      const r = await conn.request(API.Fetch, 12, body);
      if (r.errorCode !== 0) throw new Error(`Fetch error ${r.errorCode}`);
      n++;
    }
    return n;
  };
  await run(ctx.warmupMs, false);
  const cpu0 = cpuMs(broker.handle.pid);
  const t0 = performance.now();
  const n = await run(ctx.measureMs, true);
  const secs = (performance.now() - t0) / 1000;
  return { fetchesPerSec: n / secs, cpuUsPerFetch: ((cpuMs(broker.handle.pid) - cpu0) * 1000) / n, requestBytes: bytes / n };
}

async function sessions(ctx) {
  const rows = []; const notes = [];
  const topic = 'bench-sessions';
  const dir = makeDataDir('sessions');
  let broker = null;
  try {
    broker = await startBroker({ dataDir: dir, flags: { fsync: 'os' } });
    await createTopic(broker.port, topic, PARTITIONS, []);
    const all = Array.from({ length: PARTITIONS }, (_, p) => p);
    const out = await pairedRuns(ctx.runs, {
      sessions: async () => {
        const conn = await KafkaConnection.open(broker.port);
        try {
          const full = await conn.request(API.Fetch, 12, fetchBody(topic, 0, 0, all));
          if (full.sessionId === 0) throw new Error('the broker opened no fetch session');
          let epoch = 1;
          return await fetchLoop(ctx, broker, conn, () => fetchBody(topic, full.sessionId, epoch++, []));
        } finally { conn.close(); }
      },
      sessionless: async () => {
        const conn = await KafkaConnection.open(broker.port);
        try {
          return await fetchLoop(ctx, broker, conn, () => fetchBody(topic, 0, -1, all));
        } finally { conn.close(); }
      },
    }, ctx.log);
    const what = `Fetch v12, consumer of ${PARTITIONS} partitions, nothing new`;
    rows.push(pairedRow({ bench: 'I13', name: `${what}: request bytes`, unit: 'B', cohort: { side: 'sessions', pick: (m) => m.requestBytes }, baseline: { side: 'sessionless', pick: (m) => m.requestBytes }, baselineName: 'sessionless B' }, out));
    rows.push(pairedRow({ bench: 'I13', name: `${what}: broker CPU per fetch`, unit: 'µs', cohort: { side: 'sessions', pick: (m) => m.cpuUsPerFetch }, baseline: { side: 'sessionless', pick: (m) => m.cpuUsPerFetch }, baselineName: 'sessionless µs' }, out));
    rows.push(pairedRow({ bench: 'I13', name: `${what}: fetches/s (1 connection)`, unit: '/s', cohort: { side: 'sessions', pick: (m) => m.fetchesPerSec }, baseline: { side: 'sessionless', pick: (m) => m.fetchesPerSec }, baselineName: 'sessionless /s' }, out));
    notes.push('sessions: Cohort with KIP-227 incremental fetch sessions against Cohort without them (same broker, same run); CPU from /proc, 10 ms ticks.');
  } finally {
    if (broker) await stopBroker(broker);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return { rows, notes };
}

module.exports = { compaction, sessions };
