'use strict';
// A latency probe on its own thread and connection (C7): one ApiVersions v0 in flight at a time, a new one
// every 1 ms tick, so each answer's delay is what any client of the broker waits beyond its RTT when the
// broker's event loop is busy (perf_hooks.monitorEventLoopDelay seen from outside). Its own event loop
// keeps the load generator's work on the main thread out of the measurement.
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { connectLoopback, frameSplitter } = require('./raw-client');
const { latencySummary } = require('../harness/stats');

/** ApiVersions v0: size | apiKey 18 | version 0 | correlation id | null client id. */
function apiVersionsFrame(corr) {
  const f = Buffer.alloc(14);
  f.writeInt32BE(10, 0); f.writeInt16BE(18, 4); f.writeInt16BE(0, 6); f.writeInt32BE(corr, 8); f.writeInt16BE(-1, 12);
  return f;
}

async function probe({ port, periodMs = 1, warmupMs, measureMs }) {
  const sock = await connectLoopback('127.0.0.1', port);
  const lat = new Float64Array(Math.ceil((measureMs / periodMs) * 2) + 16);
  let count = 0; let corr = 1; let pending = null; let errors = 0; let fatal = null;
  const start = performance.now();
  const measureStart = start + warmupMs;
  const end = measureStart + measureMs;
  let finish;
  const finished = new Promise((r) => { finish = r; });
  sock.on('data', frameSplitter((frame) => {
    const now = performance.now();
    if (pending === null || frame.readInt32BE(0) !== pending.corr) { fatal = fatal || 'correlation mismatch'; finish(); return; }
    if (frame.readInt16BE(4) !== 0) errors++;
    if (pending.t0 >= measureStart && count < lat.length) lat[count++] = now - pending.t0;
    pending = null;
  }));
  sock.on('error', (e) => { fatal = fatal || e.message; finish(); });
  const tick = setInterval(() => {
    const now = performance.now();
    if (now >= end) { if (pending === null || now > end + 5000) finish(); return; }
    if (pending !== null) return;
    pending = { corr: corr++, t0: now };
    sock.write(apiVersionsFrame(pending.corr));
  }, periodMs);
  await finished;
  clearInterval(tick);
  sock.destroy();
  if (fatal) return { error: String(fatal) };
  const s = latencySummary(lat, count);
  return { count, errors, p50Us: s.p50 * 1000, p99Us: s.p99 * 1000, maxUs: s.max * 1000 };
}

probe(workerData).then((r) => parentPort.postMessage(r), (e) => parentPort.postMessage({ error: e.message }));
