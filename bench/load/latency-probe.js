'use strict';
// Runs the ApiVersions latency probe (probe-worker.js) on a worker thread; see C7.
const path = require('node:path');
const { Worker } = require('node:worker_threads');

/** Probes 127.0.0.1:port every `periodMs` for warmupMs + measureMs; resolves { count, errors, p50Us, p99Us, maxUs }. */
function runLatencyProbe({ port, periodMs = 1, warmupMs, measureMs }) {
  return new Promise((resolve, reject) => {
    const w = new Worker(path.join(__dirname, 'probe-worker.js'), { workerData: { port, periodMs, warmupMs, measureMs } });
    // Bounded: a probe that never reports must not hang the bench.
    const timer = setTimeout(() => { w.terminate(); reject(new Error('latency probe did not report')); }, warmupMs + measureMs + 15000);
    w.once('message', (m) => {
      clearTimeout(timer);
      w.terminate();
      if (m.error) reject(new Error(`latency probe: ${m.error}`)); else resolve(m);
    });
    w.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

module.exports = { runLatencyProbe };
