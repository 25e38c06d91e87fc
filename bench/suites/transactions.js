'use strict';
// Transactions (issue 16), all against one Cohort broker (fsync=always) in the same run: a scripted
// transactional producer over one connection — AddPartitionsToTxn, the batches, EndTxn(commit), then the
// next AddPartitionsToTxn retried while the previous transaction completes (CONCURRENT_TRANSACTIONS) —
// against plain acks=-1 Produce of the same batches on the same connection shape. Rows: records/s for 10
// and 1,000 records per transaction, and EndTxn p50/p99 (request to answer: PrepareCommit durable).
const crc32c = require('crc-32/crc32c');
const { performance } = require('node:perf_hooks');
const fs = require('node:fs');
const { KafkaConnection } = require('../load/kafka-connection');
const { ensureTopic } = require('../load/topic-setup');
const { buildRecordBatch } = require('../load/record-batch');
const { startBroker, stopBroker, makeDataDir } = require('../harness/broker-process');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');
const { latencySummary } = require('../harness/stats');

const TOPIC = 'bench-txn';
const VALUE_BYTES = 100;
const SHAPES = [
  { name: '10 records/txn', batches: 1, perBatch: 10 },
  { name: '1,000 records/txn', batches: 10, perBatch: 100 },
];

/** A copy of `batch` made idempotent/transactional: producer id, epoch, base sequence, attribute bit 4, CRC. */
function stamp(batch, pid, epoch, seq, transactional) {
  const b = Buffer.from(batch);
  b.writeBigInt64BE(pid, 43);
  b.writeInt16BE(epoch, 51);
  b.writeInt32BE(seq, 53);
  b.writeInt16BE(transactional ? 0x10 : 0, 21);
  b.writeUInt32BE(crc32c.buf(b.subarray(21)) >>> 0, 17);
  return b;
}

const produceBody = (txnId, records) => ({ transactionalId: txnId, acks: -1, timeoutMs: 30000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] });

async function transactional(ctx, port, shape, round) {
  const conn = await KafkaConnection.open(port);
  const txnId = `bench-txn-${shape.perBatch}-${round}`;
  try {
    const init = await conn.request(22, 3, { transactionalId: txnId, transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 });
    if (init.errorCode !== 0) throw new Error(`InitProducerId error ${init.errorCode}`);
    const { producerId: pid, producerEpoch: epoch } = init;
    const template = buildRecordBatch(shape.perBatch, VALUE_BYTES);
    let seq = 0; let records = 0; let measuredRecords = 0;
    const endTxn = [];
    const start = performance.now();
    const measureFrom = start + ctx.warmupMs;
    const stopAt = measureFrom + ctx.measureMs;
    let measuredStart = null;
    while (performance.now() < stopAt) {
      for (let i = 0; ; i++) {
        const r = await conn.request(24, 1, { v3AndBelowTransactionalId: txnId, v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: [{ name: TOPIC, partitions: [0] }] });
        const code = r.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode;
        if (code === 0) break;
        if (code !== 51 || i > 10000) throw new Error(`AddPartitionsToTxn error ${code}`);
      }
      const measured = performance.now() >= measureFrom;
      if (measured && measuredStart === null) measuredStart = performance.now();
      for (let b = 0; b < shape.batches; b++) {
        const res = await conn.request(0, 7, produceBody(txnId, stamp(template, pid, epoch, seq, true)));
        const code = res.responses[0].partitionResponses[0].errorCode;
        if (code !== 0) throw new Error(`transactional Produce error ${code}`);
        seq += shape.perBatch;
      }
      const t0 = performance.now();
      const end = await conn.request(26, 1, { transactionalId: txnId, producerId: pid, producerEpoch: epoch, committed: true });
      if (end.errorCode !== 0) throw new Error(`EndTxn error ${end.errorCode}`);
      records += shape.batches * shape.perBatch;
      if (measured) { measuredRecords += shape.batches * shape.perBatch; endTxn.push((performance.now() - t0) * 1000); }
    }
    const secs = (performance.now() - (measuredStart ?? start)) / 1000;
    const lat = latencySummary(endTxn);
    return { recordsPerSec: measuredRecords / secs, endP50: lat.p50, endP99: lat.p99, txns: endTxn.length, records };
  } finally { conn.close(); }
}

async function plain(ctx, port, shape) {
  const conn = await KafkaConnection.open(port);
  try {
    const batch = buildRecordBatch(shape.perBatch, VALUE_BYTES);
    let measuredRecords = 0;
    const start = performance.now();
    const measureFrom = start + ctx.warmupMs;
    const stopAt = measureFrom + ctx.measureMs;
    let measuredStart = null;
    while (performance.now() < stopAt) {
      const measured = performance.now() >= measureFrom;
      if (measured && measuredStart === null) measuredStart = performance.now();
      for (let b = 0; b < shape.batches; b++) {
        const res = await conn.request(0, 7, produceBody(null, batch));
        const code = res.responses[0].partitionResponses[0].errorCode;
        if (code !== 0) throw new Error(`Produce error ${code}`);
      }
      if (measured) measuredRecords += shape.batches * shape.perBatch;
    }
    return { recordsPerSec: measuredRecords / ((performance.now() - (measuredStart ?? start)) / 1000) };
  } finally { conn.close(); }
}

async function run(ctx) {
  const rows = []; const notes = [];
  const dataDir = makeDataDir('transactions');
  let broker = null;
  try {
    broker = await startBroker({ dataDir, flags: { fsync: 'always' } });
    await ensureTopic(broker.port, TOPIC);
    for (const shape of SHAPES) {
      ctx.log(`transactions ${shape.name}`);
      const out = await pairedRuns(ctx.runs, {
        txn: (round) => transactional(ctx, broker.port, shape, round),
        plain: () => plain(ctx, broker.port, shape),
      }, ctx.log);
      rows.push(pairedRow({ bench: 'TX', name: `transactional produce ${shape.name} (${shape.batches}x${shape.perBatch}x${VALUE_BYTES} B, commit) records/s`, unit: 'rec/s', cohort: { side: 'txn', pick: (m) => m.recordsPerSec }, baseline: { side: 'plain', pick: (m) => m.recordsPerSec }, baselineName: 'plain acks=-1 rec/s' }, out));
      rows.push(pairedRow({ bench: 'TX', name: `EndTxn p50, ${shape.name}`, unit: 'µs', cohort: { side: 'txn', pick: (m) => m.endP50 }, baseline: { side: 'txn', pick: () => NaN }, baselineName: '—' }, out));
      rows.push(pairedRow({ bench: 'TX', name: `EndTxn p99, ${shape.name}`, unit: 'µs', cohort: { side: 'txn', pick: (m) => m.endP99 }, baseline: { side: 'txn', pick: () => NaN }, baselineName: '—' }, out));
    }
    notes.push('transactions: one connection, sequential requests, fsync=always; the baseline is plain acks=-1 Produce of the same batches to the same broker in the same rounds. A transaction costs AddPartitionsToTxn + EndTxn (two MetaLog fsyncs: Ongoing, PrepareCommit) and a marker (a partition fsync) before the next may start.');
  } finally {
    if (broker) await stopBroker(broker);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  return { rows, notes };
}

module.exports = { run };
