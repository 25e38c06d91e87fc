'use strict';
// Starts the built Cohort broker (bin/cohort-server.js over dist/) on loopback with a given data directory,
// and waits until its port accepts connections.
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { spawnTracked, killChild } = require('./child-processes');

const REPO = path.resolve(__dirname, '..', '..');
// BENCH_BROKER_UNBUNDLED=1 runs the broker from dist/ module by module instead of the bundle bin/ runs:
// slower to start, but a CPU profile then names each frame's source file.
const BIN = process.env.BENCH_BROKER_UNBUNDLED === '1'
  ? path.join(REPO, 'bench', 'tools', 'unbundled-bin.js')
  : path.join(REPO, 'bin', 'cohort-server.js');

/** A free loopback port (bound then released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Resolves true once a TCP connect to 127.0.0.1:port succeeds, polling every `everyMs`; false after timeoutMs. */
async function waitForPort(port, { timeoutMs = 15000, everyMs = 2, isAlive = () => true } = {}) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && isAlive()) {
    const ok = await new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return false;
}

function makeDataDir(tag) {
  return fs.mkdtempSync(path.join(process.env.BENCH_DATA_ROOT || os.tmpdir(), `cohort-bench-${tag}-`));
}

/**
 * Spawns the broker; resolves { handle, port, dataDir, spawnedAt } once its port accepts connections.
 * `flags` are extra `--name value` pairs (e.g. { fsync: 'always', 'group-initial-rebalance-delay-ms': '0' }).
 * `bin` runs another build of the broker (the previous release, harness/previous-release.js).
 */
async function startBroker({ dataDir, port, flags = {}, waitTimeoutMs = 20000, bin = BIN, nodeArgs: extraNodeArgs = [], env } = {}) {
  if (bin === BIN && !fs.existsSync(path.join(REPO, 'dist', 'cohort-server.js'))) {
    throw new Error('dist/ is not built (run npm run build)');
  }
  const p = port || await freePort();
  // BENCH_BROKER_NODE_ARGS: extra Node flags for the broker, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  // (docs/performance.md: the profiles were taken this way; scripts/cpuprofile-top.js summarizes them).
  const nodeArgs = [...extraNodeArgs, ...(process.env.BENCH_BROKER_NODE_ARGS || '').split(/\s+/).filter(Boolean)];
  const args = [...nodeArgs, bin, '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(p), '--advertised-host', '127.0.0.1', '--log-level', 'warn'];
  for (const [k, v] of Object.entries(flags)) args.push(`--${k}`, String(v));
  const spawnedAt = performance.now();
  const handle = spawnTracked(process.execPath, args, { cwd: REPO, ...(env ? { env: { ...process.env, ...env } } : {}) });
  let dead = false;
  handle.exited.then(() => { dead = true; });
  const up = await waitForPort(p, { timeoutMs: waitTimeoutMs, isAlive: () => !dead });
  if (!up) {
    await killChild(handle, 'SIGKILL');
    const lines = handle.stderrTail().trim().split('\n');
    const tail = lines.find((l) => /Error|error:/.test(l)) || lines.slice(-1)[0] || '';
    throw new Error(`broker did not listen on ${p}${tail ? `: ${tail}` : ''}`);
  }
  return { handle, port: p, dataDir, spawnedAt, args };
}

/** Ends a broker: SIGKILL for crash rows, SIGTERM (bounded) otherwise. */
function stopBroker(broker, signal = 'SIGTERM') {
  return killChild(broker.handle, signal);
}

module.exports = { startBroker, stopBroker, freePort, waitForPort, makeDataDir, BIN, REPO };
