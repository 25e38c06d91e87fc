'use strict';
// The bench side of harness/heap-probe.js: signal the broker (SIGUSR2) and wait for the probe's next
// sample line in its file. Used by C5, C6 and tools/c5-heap.js.
const fs = require('node:fs');

/** The broker process's pid, whichever shape of handle startBroker returned. */
const brokerPid = (broker) => (broker.handle.child ? broker.handle.child.pid : broker.handle.pid);

/**
 * Asks the probe in process `pid` for sample number `seq` (two forced full GCs, then
 * { seq, heapUsed, external, arrayBuffers, rss }) and resolves it; rejects after `timeoutMs`.
 */
async function sampleHeap(pid, file, seq, timeoutMs = 30000) {
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; waited < timeoutMs; waited += 50) {
    await new Promise((r) => setTimeout(r, 50));
    try {
      const s = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (s.seq === seq) return s;
    } catch { /* not written yet */ }
  }
  throw new Error(`heap probe did not answer (SIGUSR2) within ${timeoutMs / 1000} s`);
}

module.exports = { sampleHeap, brokerPid };
