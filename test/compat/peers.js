'use strict';
// The servers a matrix can run against. `cohort` is the broker under test; `librdkafka-mock` is
// librdkafka's in-process mock cluster, a reference peer that checks the suite itself (a cell that
// fails against it is a bug in the suite, not in the broker).
const fs = require('node:fs');
const path = require('node:path');
const { startBroker } = require('./broker-launcher');
const { spawnTracked } = require('./bounded-process');
const { parseJsonLine } = require('./member-state');

const cohortPeer = (start = startBroker) => ({
  name: 'cohort',
  restartable: true,
  async start(opts = {}) {
    // KIP-848 members heartbeat at the interval the broker sets: 250 ms (the classic members ask for 500 ms).
    const b = await start({ ...opts, args: [...(opts.args ?? []), '--group-consumer-heartbeat-interval-ms', '250'] });
    return { bootstrap: b.bootstrap, port: b.port, dataDir: b.dataDir, logs: b.logs, stop: (sig) => b.stop(sig), kill9: () => b.kill9() };
  },
  cleanup(dataDir) {
    fs.rmSync(dataDir, { recursive: true, force: true });
  },
});

// The mock has no CreateTopics: a Metadata request for a new topic auto-creates it with 4 partitions,
// so scenarios run on whatever partition count it made.
const librdkafkaMockPeer = () => ({
  name: 'librdkafka-mock',
  restartable: false,
  notNeeded: ['CreateTopics'],
  async createTopic(bootstrap, topic) {
    const kcat = require('./clients/kcat-driver');
    for (let attempt = 0; ; attempt++) {
      try {
        return (await kcat.partitions(bootstrap, topic)).length;
      } catch (e) {
        if (attempt >= 5) throw e;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  },
  async start() {
    const proc = spawnTracked('/usr/bin/python3', [path.join(__dirname, 'python', 'mock_cluster.py')], { cwd: path.join(__dirname, 'python') });
    const deadline = Date.now() + 10000;
    let bootstrap = null;
    while (!bootstrap) {
      const line = proc.stdout.map(parseJsonLine).find((e) => e && e.bootstrap);
      if (line) bootstrap = line.bootstrap;
      else if (Date.now() > deadline || proc.exit) { proc.kill(); throw new Error(`mock cluster did not start: ${proc.stderr.slice(-3).join(' | ')}`); }
      else await new Promise((r) => setTimeout(r, 50));
    }
    return {
      bootstrap,
      port: Number(bootstrap.split(':')[1]),
      dataDir: null,
      logs: proc.stderr,
      stop: async (sig = 'SIGTERM') => (await proc.stop(sig, 5000)).code,
      kill9: async () => { await proc.stop('SIGKILL', 0); },
    };
  },
  cleanup() {},
});

module.exports = { cohortPeer, librdkafkaMockPeer };
