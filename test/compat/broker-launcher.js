'use strict';
// Plain-JS twin of test/e2e/support/broker-process.ts, so `node test/compat/run.js` needs no TypeScript
// loader. Same flags, same shape: { port, bootstrap, dataDir, logs, stop(signal), kill9() }.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { spawnTracked } = require('./bounded-process');

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/cohort-server.js');

/** Asks the kernel for a free loopback port. */
const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

const tempDir = (prefix = 'cohort-compat-') => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const canConnect = (port) => new Promise((resolve) => {
  const s = net.connect({ port, host: '127.0.0.1' });
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
});

/** Starts the built broker (`npm run build` first) and resolves once it accepts connections. */
async function startBroker(opts = {}) {
  const port = opts.port ?? (await freePort());
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? tempDir();
  const giveUp = (message) => {
    proc.kill('SIGKILL');
    if (ownDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(message);
  };
  const proc = spawnTracked(process.execPath, [BIN, '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(port),
    '--advertised-host', '127.0.0.1', '--group-initial-rebalance-delay-ms', '0', ...(opts.args ?? [])]);
  const deadline = Date.now() + 20000;
  for (;;) {
    if (proc.exit !== undefined) giveUp(`broker exited with ${proc.exit.code ?? proc.exit.signal}: ${proc.stderr.slice(-20).join('\n')}`);
    if (await canConnect(port)) break;
    if (Date.now() > deadline) giveUp(`broker did not start within 20 s: ${proc.stderr.slice(-20).join('\n')}`);
    await sleep(50);
  }
  return {
    port,
    dataDir,
    bootstrap: `127.0.0.1:${port}`,
    logs: proc.stderr,
    stop: async (signal = 'SIGTERM') => (await proc.stop(signal, 10000)).code,
    kill9: async () => { await proc.stop('SIGKILL', 0); },
  };
}

module.exports = { startBroker, freePort, tempDir, sleep, ROOT };
