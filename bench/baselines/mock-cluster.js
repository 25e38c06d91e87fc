'use strict';
// Builds and starts librdkafka's in-memory mock cluster (benchmarks.md C0 baseline 3) through mockd.c.
// The build happens at bench time into a temporary directory; if it fails the mock rows are skipped with
// the compiler's reason instead of failing the bench.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { spawnTracked } = require('../harness/child-processes');

let built = null; // { binary } | { error }

/** Compiles mockd.c once per bench process; returns { binary } or { error: reason }. */
function buildMockd() {
  if (built !== null) return built;
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-mockd-')), 'mockd');
  try {
    execFileSync('cc', [path.join(__dirname, 'mockd.c'), '-o', out, '-lrdkafka'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60000 });
    built = { binary: out };
  } catch (e) {
    const reason = (e.stderr ? e.stderr.toString() : e.message).trim().split('\n').slice(-2).join(' ');
    built = { error: `mockd build failed (cc mockd.c -lrdkafka): ${reason}` };
  }
  return built;
}

/** Starts a one-broker mock cluster with the given topics ("name:partitions"); resolves { handle, host, port }. */
async function startMockCluster(topics = []) {
  const b = buildMockd();
  if (b.error) throw new Error(b.error);
  const h = spawnTracked(b.binary, topics, { readyPattern: /^([0-9.]+):(\d+)/m });
  const m = await h.ready;
  if (m[1] !== '127.0.0.1') throw new Error(`mock listens on ${m[1]}, not loopback`);
  return { handle: h, host: m[1], port: Number(m[2]) };
}

module.exports = { buildMockd, startMockCluster };
