'use strict';
// fdatasync probe (benchmarks.md B1, C0 baseline 1 "F"): latency of a 100-byte append followed by fdatasync
// in the data directory, both on a growing file and into a preallocated one (Part D.3), plus the same
// through the libuv threadpool (FileHandle.write + datasync, Part D.2).
//   node bench/baselines/fsync-probe.js [dir] [samples]   prints JSON (microseconds)
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { latencySummary } = require('../harness/stats');

const RECORD = Buffer.alloc(100, 0x61);

function probeGrowing(file, samples) {
  const fd = fs.openSync(file, 'w');
  const lat = new Float64Array(samples);
  try {
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      fs.writeSync(fd, RECORD);
      fs.fdatasyncSync(fd);
      lat[i] = performance.now() - t0;
    }
  } finally { fs.closeSync(fd); }
  return latencySummary(lat);
}

function probePreallocated(file, samples) {
  const fd = fs.openSync(file, 'w');
  const lat = new Float64Array(samples);
  try {
    // Preallocate with real bytes and flush them, so later writes change no file size and no extent map.
    const zeros = Buffer.alloc(Math.max(4096, samples * RECORD.length));
    fs.writeSync(fd, zeros, 0, zeros.length, 0);
    fs.fsyncSync(fd);
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      fs.writeSync(fd, RECORD, 0, RECORD.length, i * RECORD.length);
      fs.fdatasyncSync(fd);
      lat[i] = performance.now() - t0;
    }
  } finally { fs.closeSync(fd); }
  return latencySummary(lat);
}

async function probeThreadpool(file, samples) {
  const fh = await fs.promises.open(file, 'w');
  const lat = new Float64Array(samples);
  try {
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      await fh.write(RECORD);
      await fh.datasync();
      lat[i] = performance.now() - t0;
    }
  } finally { await fh.close(); }
  return latencySummary(lat);
}

const us = (s) => ({ p50Us: +(s.p50 * 1000).toFixed(1), p99Us: +(s.p99 * 1000).toFixed(1), n: s.n });

/** Measures fdatasync latencies (µs) in `dir` with `samples` appends per variant; removes its files. */
async function probeFsync({ dir = os.tmpdir(), samples = 500 } = {}) {
  const work = fs.mkdtempSync(path.join(dir, 'fsync-probe-'));
  try {
    return {
      dir,
      append: us(probeGrowing(path.join(work, 'append.bin'), samples)),
      preallocated: us(probePreallocated(path.join(work, 'prealloc.bin'), samples)),
      threadpool: us(await probeThreadpool(path.join(work, 'async.bin'), samples)),
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const dir = process.argv[2] || os.tmpdir();
  const samples = Number(process.argv[3] || 500);
  probeFsync({ dir, samples }).then((r) => console.log(JSON.stringify(r, null, 2))).catch((e) => { console.error(e); process.exit(1); });
}

module.exports = { probeFsync };
