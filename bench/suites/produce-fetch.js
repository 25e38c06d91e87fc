'use strict';
// Produce / Fetch throughput of 1 KB records against the librdkafka mock: Produce v7 acks=-1 carrying a
// hand-built uncompressed magic-2 batch (16 records of 1 KiB, CRC-32C), then Fetch v11 reading it back.
// MB/s counts record-batch bytes; records/s counts records.
const fs = require('node:fs');
const { runLoad } = require('../load/raw-client');
const { kafkaCodec, API } = require('../load/kafka-codec');
const { ensureTopic } = require('../load/topic-setup');
const { buildRecordBatch, countBatches } = require('../load/record-batch');
const { startMockCluster } = require('../baselines/mock-cluster');
const { startBroker, stopBroker, makeDataDir } = require('../harness/broker-process');
const { killChild } = require('../harness/child-processes');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');

const TOPIC = 'bench-produce';
const RECORDS_PER_BATCH = 16;
const VALUE_BYTES = 1024;
const CONNECTIONS = 4;
const DEPTH = 4;

async function produceLoad(ctx, port, state, connect) {
  const codec = kafkaCodec();
  const batch = buildRecordBatch(RECORDS_PER_BATCH, VALUE_BYTES);
  const frame = codec.encodeRequest(API.Produce, 7, 0, 'cohort-bench', {
    transactionalId: null, acks: -1, timeoutMs: 30000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch }] }],
  });
  const r = await runLoad({
    port, connections: CONNECTIONS, depth: DEPTH, warmupMs: ctx.warmupMs, measureMs: ctx.measureMs, connect,
    makeRequest: () => ({ frame }),
    onResponse: (tag, resp) => {
      const body = codec.decodeResponse(API.Produce, 7, resp).body;
      const p = body.responses[0].partitionResponses[0];
      if (p.errorCode !== 0) return `Produce error code ${p.errorCode}`;
      const end = Number(p.baseOffset) + RECORDS_PER_BATCH;
      if (end > state.highWatermark) state.highWatermark = end;
      return undefined;
    },
  });
  if (r.errors > 0) throw new Error(`${r.errors} of ${r.count} produce requests failed: ${r.firstError}`);
  return { ...r, mbps: (r.rate * batch.length) / 1e6, recordsPerSec: r.rate * RECORDS_PER_BATCH };
}

async function fetchLoad(ctx, port, state, connect) {
  const codec = kafkaCodec();
  if (!(state.highWatermark > RECORDS_PER_BATCH)) throw new Error('nothing produced to fetch');
  let bytes = 0; let records = 0; let measuredBytes = 0; let measuredRecords = 0;
  const r = await runLoad({
    port, connections: CONNECTIONS, depth: 1, warmupMs: ctx.warmupMs, measureMs: ctx.measureMs, connect,
    makeRequest: (conn, seq) => {
      // The last 8 batches: the mock trims its in-memory log, so older offsets answer OFFSET_OUT_OF_RANGE.
      const back = Math.min(8, Math.floor(state.highWatermark / RECORDS_PER_BATCH));
      const offset = state.highWatermark - RECORDS_PER_BATCH * (1 + ((conn + seq) % back));
      return {
        frame: codec.encodeRequest(API.Fetch, 11, 0, 'cohort-bench', {
          replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1048576, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
          topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: BigInt(offset), logStartOffset: -1n, partitionMaxBytes: 1048576 }] }],
          forgottenTopicsData: [], rackId: '',
        }),
      };
    },
    onResponse: (tag, resp, measured) => {
      const body = codec.decodeResponse(API.Fetch, 11, resp).body;
      if (body.errorCode !== 0) return `Fetch error code ${body.errorCode}`;
      const p = body.responses[0].partitions[0];
      if (p.errorCode !== 0) return `Fetch partition error code ${p.errorCode}`;
      const c = countBatches(p.records);
      if (c.records === 0) return 'Fetch returned no records';
      bytes += c.bytes; records += c.records;
      if (measured) { measuredBytes += c.bytes; measuredRecords += c.records; }
      return undefined;
    },
  });
  if (r.errors > 0) throw new Error(`${r.errors} of ${r.count} fetches failed: ${r.firstError}`);
  const secs = r.measuredMs / 1000;
  return { ...r, mbps: measuredBytes / secs / 1e6, recordsPerSec: measuredRecords / secs };
}

async function run(ctx) {
  const rows = []; const notes = [];
  const dataDir = makeDataDir('produce');
  let broker = null; let brokerError = null; let mock = null; let mockError = null;
  const cohortState = { highWatermark: 0 }; const mockState = { highWatermark: 0 };
  try {
    try { broker = await startBroker({ dataDir, flags: { fsync: 'always' } }); await ensureTopic(broker.port, TOPIC); } catch (e) { brokerError = e.message; }
    try { mock = await startMockCluster([`${TOPIC}:1`]); } catch (e) { mockError = e.message; }
    const guard = (err, f) => () => { if (err()) throw new Error(err()); return f(); };
    ctx.log('produce');
    const prod = await pairedRuns(ctx.runs, {
      cohort: guard(() => brokerError, () => produceLoad(ctx, broker.port, cohortState)),
      mock: guard(() => mockError, () => produceLoad(ctx, mock.port, mockState)),
    }, ctx.log);
    // The same load with fsync=os (Kafka's default: no fsync per produce) separates the broker's own
    // per-request cost from the disk's: the mock keeps records in memory and syncs nothing.
    ctx.log('produce fsync=os');
    let osBroker = null; let osError = null; const osState = { highWatermark: 0 };
    const osDir = makeDataDir('produce-os');
    let prodOs;
    try {
      try { osBroker = await startBroker({ dataDir: osDir, flags: { fsync: 'os' } }); await ensureTopic(osBroker.port, TOPIC); } catch (e) { osError = e.message; }
      prodOs = await pairedRuns(ctx.runs, {
        cohort: guard(() => osError, () => produceLoad(ctx, osBroker.port, osState)),
        mock: guard(() => mockError, () => produceLoad(ctx, mock.port, mockState)),
      }, ctx.log);
    } finally {
      if (osBroker) await stopBroker(osBroker);
      fs.rmSync(osDir, { recursive: true, force: true });
    }
    ctx.log('fetch');
    const fetch = await pairedRuns(ctx.runs, {
      cohort: guard(() => brokerError || prod.errors.cohort, () => fetchLoad(ctx, broker.port, cohortState)),
      mock: guard(() => mockError || prod.errors.mock, () => fetchLoad(ctx, mock.port, mockState)),
    }, ctx.log);
    const b = `${RECORDS_PER_BATCH}x1KiB batches, ${CONNECTIONS}x${DEPTH}`;
    for (const [out, what, extra] of [[prod, `Produce v7 acks=-1 ${b}`, ' fsync=always'], [prodOs, `Produce v7 acks=-1 ${b}`, ' fsync=os'], [fetch, `Fetch v11 ${CONNECTIONS}x1`, '']]) {
      rows.push(pairedRow({ bench: 'P', name: `${what}${extra} MB/s`, unit: 'MB/s', cohort: { side: 'cohort', pick: (m) => m.mbps }, baseline: { side: 'mock', pick: (m) => m.mbps }, baselineName: 'mock MB/s' }, out));
      rows.push(pairedRow({ bench: 'P', name: `${what}${extra} records/s`, unit: 'rec/s', cohort: { side: 'cohort', pick: (m) => m.recordsPerSec }, baseline: { side: 'mock', pick: (m) => m.recordsPerSec }, baselineName: 'mock rec/s' }, out));
      rows.push(pairedRow({ bench: 'P', name: `${what}${extra} p50`, unit: 'µs', cohort: { side: 'cohort', pick: (m) => m.p50Us }, baseline: { side: 'mock', pick: (m) => m.p50Us }, baselineName: 'mock p50' }, out));
    }
    notes.push('Produce: the mock keeps records in memory; Cohort runs with fsync=always on the partition log, and again on a second broker with fsync=os (Kafka\'s default) to show its cost without the disk.');
  } finally {
    if (broker) await stopBroker(broker);
    if (mock) await killChild(mock.handle);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { rows, notes };
}

// produceLoad/fetchLoad are shared with the security suite (the same load over TLS); `connect` opens a connection.
module.exports = { run, produceLoad, fetchLoad, TOPIC, RECORDS_PER_BATCH, CONNECTIONS, DEPTH };
