'use strict';
// A 3-node nats-server JetStream cluster on loopback for the `cluster` suite (issue 15): temp dirs, free ports.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { freePort } = require('./broker-process');

async function startNatsCluster(size = 3) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-bench-nats-'));
  const nodes = [];
  for (let i = 0; i < size; i++) nodes.push({ name: `n${i}`, port: await freePort(), clusterPort: await freePort(), dir: path.join(root, `n${i}`) });
  const routes = nodes.map((n) => `nats://127.0.0.1:${n.clusterPort}`).join(',');
  for (const n of nodes) {
    fs.mkdirSync(n.dir);
    n.child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(n.port), '-n', n.name, '-js', '-sd', n.dir, '--cluster_name', 'cohort-bench', '--cluster', `nats://127.0.0.1:${n.clusterPort}`, '--routes', routes], { stdio: 'ignore' });
  }
  const servers = nodes.map((n) => `127.0.0.1:${n.port}`);
  const { connect } = require('nats');
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      const nc = await connect({ servers, timeout: 1000, reconnect: false });
      try { await (await nc.jetstreamManager({ timeout: 1000 })).getAccountInfo(); break; } finally { await nc.close(); }
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`JetStream cluster did not form: ${e.message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    url: `jetstream://${servers.join(',')}`,
    stop: async () => {
      for (const n of nodes) n.child.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 200));
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

module.exports = { startNatsCluster };
