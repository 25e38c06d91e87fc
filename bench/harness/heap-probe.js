'use strict';
// Preloaded into a benchmarked broker (node --expose-gc --require bench/harness/heap-probe.js, C5): on
// SIGUSR2 it forces two full GCs and writes { seq, heapUsed, external, arrayBuffers, rss } as one JSON line
// to BENCH_HEAP_PROBE_FILE. Bench tooling only: the broker itself knows nothing of it.
const fs = require('node:fs');

const file = process.env.BENCH_HEAP_PROBE_FILE;
let seq = 0;
if (file && typeof global.gc === 'function') {
  process.on('SIGUSR2', () => {
    global.gc();
    global.gc();
    const m = process.memoryUsage();
    seq += 1;
    fs.writeFileSync(file, `${JSON.stringify({ seq, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, rss: m.rss })}\n`);
  });
}
