'use strict';
// Drivers for the two Debian Python clients. Each operation is one bounded `/usr/bin/python3` child
// running test/compat/python/<script>.py with a JSON request; members stream JSON events until SIGTERM.
const path = require('node:path');
const { runBounded, spawnTracked } = require('../bounded-process');
const { memberFromProcess, parseJsonLine } = require('../member-state');

// The Debian packages load only under the system interpreter, not the pyenv python3 first on PATH.
const PYTHON = '/usr/bin/python3';
const DIR = path.join(__dirname, '..', 'python');

/** Builds the driver for one Python client script. */
function pythonDriver({ name, version, script, module, unsupported, adminOps }) {
  const file = path.join(DIR, script);
  const call = async (req, timeoutMs = 30000) => {
    const r = await runBounded(PYTHON, [file, JSON.stringify(req)], { timeoutMs, cwd: DIR });
    const last = [...r.stdout].reverse().map(parseJsonLine).find(Boolean);
    if (r.timedOut) throw new Error(`${req.op} timed out after ${timeoutMs} ms${last && last.error ? `: ${last.error}` : ''}`);
    if (!last) throw new Error(`${req.op} printed no result (exit ${r.code}): ${r.stderr.slice(-3).join(' | ')}`);
    if (last.error) throw new Error(`${req.op}: ${last.error}`);
    return last.result;
  };
  const admin = {};
  if (adminOps.includes('list')) admin.listGroups = async (bootstrap) => (await call({ op: 'admin-list', bootstrap })).groups;
  if (adminOps.includes('describe')) admin.describeGroup = (bootstrap, group) => call({ op: 'admin-describe', bootstrap, group });
  if (adminOps.includes('offsets')) {
    admin.fetchOffsets = async (bootstrap, group, topic) => (await call({ op: 'admin-offsets', bootstrap, group, topic })).offsets;
  }
  if (adminOps.includes('delete')) admin.deleteGroup = (bootstrap, group) => call({ op: 'admin-delete', bootstrap, group });
  return {
    name,
    version,
    async available() {
      const r = await runBounded(PYTHON, ['-c', `import ${module}`], { timeoutMs: 10000 });
      return r.code === 0 ? null : `${module} does not import under ${PYTHON}`;
    },
    unsupported,
    extraApis: {},
    createTopic: (bootstrap, topic, partitions) => call({ op: 'create-topic', bootstrap, topic, partitions }),
    partitions: async (bootstrap, topic) => (await call({ op: 'partitions', bootstrap, topic })).partitions,
    produce: (bootstrap, topic, messages) => call({ op: 'produce', bootstrap, topic, messages: messages.map((m) => ({ k: m.k, v: m.v })) }),
    consume: async (bootstrap, topic, count, timeoutMs) =>
      (await call({ op: 'consume', bootstrap, topic, count, timeoutS: timeoutMs / 1000 }, timeoutMs + 10000)).records,
    async startMember(bootstrap, { topic, group, label }) {
      return memberFromProcess(spawnTracked(PYTHON, [file, JSON.stringify({ op: 'member', bootstrap, topic, group })], { cwd: DIR }), label);
    },
    admin,
    adminNote: adminOps.length < 4 ? `${version} has no ${['list', 'describe', 'offsets', 'delete'].filter((o) => !adminOps.includes(o)).join('/')} group API` : null,
  };
}

const kafkaPython = pythonDriver({
  name: 'kafka-python',
  version: 'kafka-python 2.0.2',
  script: 'kafka_python_compat.py',
  module: 'kafka',
  unsupported: {},
  adminOps: ['list', 'describe', 'offsets', 'delete'],
});

// confluent-kafka 1.7.0 predates AdminClient.delete_consumer_groups and list_consumer_group_offsets:
// offsets are read with Consumer.committed(), and group deletion is left out of the cell.
const confluentKafka = pythonDriver({
  name: 'confluent-kafka',
  version: 'confluent-kafka 1.7.0 (librdkafka 2.0.2)',
  script: 'confluent_kafka_compat.py',
  module: 'confluent_kafka',
  unsupported: {},
  adminOps: ['list', 'describe', 'offsets'],
});

module.exports = { kafkaPython, confluentKafka };
