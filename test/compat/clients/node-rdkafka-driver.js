'use strict';
// node-rdkafka 3.6.1 with its bundled librdkafka 2.12.0, built from source by its install script (an
// optionalDependency approved in package.json "allowScripts"; when the build failed or was skipped the module
// does not load and every cell reports `skipped`). The native addon runs in a bounded child `node` process
// executing this same file (`node node-rdkafka-driver.js '<json request>'`), so a crash in native code fails
// one cell, not the harness. Group members use partition.assignment.strategy=cooperative-sticky (KIP-429);
// the `consumerProtocol` variant runs them with group.protocol=consumer (KIP-848: ConsumerGroupHeartbeat,
// server-side assignment, incremental reconciliation; session and heartbeat interval are the broker's).
const { runBounded, spawnTracked } = require('../bounded-process');
const { memberFromProcess, parseJsonLine } = require('../member-state');

const MODULE = 'node-rdkafka';

// ---------------------------------------------------------------------------------------------------------
// Child side: the operations themselves, run against the real client.

const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const promised = (f) => new Promise((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v))));

const base = (req, clientId = 'compat-node-rdkafka') => ({
  'bootstrap.servers': req.bootstrap,
  'client.id': clientId,
  'reconnect.backoff.max.ms': 500,
  'socket.timeout.ms': 15000,
});

function childOps() {
  // eslint-disable-next-line global-require
  const Kafka = require(MODULE);
  const E = Kafka.CODES.ERRORS;
  const topicPartitions = async (client, topic) => {
    const md = await promised((cb) => client.getMetadata({ topic, timeout: 10000 }, cb));
    const t = md.topics.find((x) => x.name === topic);
    if (!t) throw new Error(`metadata has no topic ${topic}`);
    return t.partitions.map((p) => p.id).sort((a, b) => a - b);
  };
  const connected = async (client) => {
    await promised((cb) => client.connect({ timeout: 10000 }, cb));
    return client;
  };
  return {
    async 'create-topic'(req) {
      const admin = Kafka.AdminClient.create(base(req));
      try {
        await promised((cb) => admin.createTopic({ topic: req.topic, num_partitions: req.partitions, replication_factor: 1 }, 15000, cb));
      } finally {
        admin.disconnect();
      }
      return { ok: true };
    },
    async partitions(req) {
      const p = await connected(new Kafka.Producer(base(req)));
      try {
        return { partitions: await topicPartitions(p, req.topic) };
      } finally {
        await promised((cb) => p.disconnect(5000, cb)).catch(() => undefined);
      }
    },
    async produce(req) {
      const p = await connected(new Kafka.Producer({ ...base(req), dr_cb: true, 'request.required.acks': -1, 'linger.ms': 5, 'message.timeout.ms': 15000 }));
      const errors = [];
      let acked = 0;
      p.on('delivery-report', (err) => { if (err) errors.push(err.message); else acked += 1; });
      p.setPollInterval(20);
      try {
        for (const m of req.messages) p.produce(req.topic, null, Buffer.from(m.v), m.k);
        await promised((cb) => p.flush(20000, cb));
        const deadline = Date.now() + 5000;
        while (acked + errors.length < req.messages.length && Date.now() < deadline) await sleep(20);
        if (errors.length || acked < req.messages.length) throw new Error(`delivery failed: ${[...new Set(errors)].join(', ')} (${acked}/${req.messages.length} acked)`);
        return { acked };
      } finally {
        await promised((cb) => p.disconnect(5000, cb)).catch(() => undefined);
      }
    },
    async consume(req) {
      // Assign-only (no group), like the other librdkafka drivers: Metadata, ListOffsets and Fetch.
      const c = await connected(new Kafka.KafkaConsumer({ ...base(req), 'group.id': 'compat-assign-only', 'enable.auto.commit': false }, {}));
      try {
        const parts = await topicPartitions(c, req.topic);
        c.assign(parts.map((partition) => ({ topic: req.topic, partition, offset: Kafka.CODES.OFFSET_BEGINNING ?? -2 })));
        const out = [];
        const deadline = Date.now() + req.timeoutMs;
        while (out.length < req.count && Date.now() < deadline) {
          const msgs = await promised((cb) => c.consume(500, cb));
          for (const m of msgs) out.push({ p: m.partition, o: m.offset, k: m.key ? m.key.toString() : null, v: m.value ? m.value.toString() : null });
          if (msgs.length === 0) await sleep(20);
        }
        return { records: out };
      } finally {
        await promised((cb) => c.disconnect(cb)).catch(() => undefined);
      }
    },
    async member(req) {
      // Listen for SIGTERM before connecting: a stop that arrives early must still close the consumer (LeaveGroup).
      let stop = false;
      process.once('SIGTERM', () => { stop = true; });
      process.once('SIGINT', () => { stop = true; });
      let consumer;
      let closing = false;
      const report = () => {
        // While disconnecting, librdkafka revokes everything but no longer answers assignments() (ERR__STATE).
        if (closing) return emit({ event: 'revoked', partitions: [] });
        return emit({
          event: 'assigned', protocol: consumer.rebalanceProtocol(),
          partitions: consumer.assignments().filter((tp) => tp.topic === req.topic).map((tp) => tp.partition),
        });
      };
      // KIP-848 members may not set the classic group settings: librdkafka refuses them with group.protocol=consumer.
      const groupSettings = req.protocol === 'consumer'
        ? { 'group.protocol': 'consumer' }
        : { 'partition.assignment.strategy': 'cooperative-sticky', 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 500 };
      consumer = new Kafka.KafkaConsumer({
        ...base(req, `compat-node-rdkafka-${req.label}`), 'group.id': req.group, ...groupSettings,
        'max.poll.interval.ms': 10000, 'enable.auto.commit': false,
        // KIP-429: with the cooperative protocol the callbacks carry only the partitions that change.
        rebalance_cb: (err, assignment) => {
          const cooperative = consumer.rebalanceProtocol() === 'COOPERATIVE';
          if (err.code === E.ERR__ASSIGN_PARTITIONS) {
            if (cooperative) consumer.incrementalAssign(assignment); else consumer.assign(assignment);
          } else if (err.code === E.ERR__REVOKE_PARTITIONS) {
            if (cooperative) consumer.incrementalUnassign(assignment); else consumer.unassign();
          } else {
            emit({ event: 'error', error: `rebalance: ${err.message}` });
          }
          report();
        },
      }, { 'auto.offset.reset': 'earliest' });
      consumer.on('event.error', (e) => emit({ event: 'error', error: e.message }));
      await connected(consumer);
      consumer.subscribe([req.topic]);
      emit({ event: 'started' });
      while (!stop) {
        const msgs = await promised((cb) => consumer.consume(100, cb)).catch((e) => { emit({ event: 'error', error: e.message }); return []; });
        const rewound = new Set();
        for (const m of msgs) {
          if (rewound.has(m.partition)) continue;
          try {
            // Commit first, report after: the harness counts only committed records.
            consumer.commitMessageSync(m);
            emit({ event: 'record', p: m.partition, o: m.offset, k: m.key ? m.key.toString() : null, v: m.value ? m.value.toString() : null });
          } catch (e) {
            // A rebalance is completing (OF-3: REBALANCE_IN_PROGRESS). A revoked partition goes to its next owner
            // from the committed offset; one this member keeps (cooperative-sticky) is not fetched again by itself,
            // so rewind to the uncommitted record and drop the rest of the batch for that partition.
            emit({ event: 'error', error: `commit failed: ${e.message}` });
            rewound.add(m.partition);
            const owned = consumer.assignments().some((tp) => tp.topic === m.topic && tp.partition === m.partition);
            if (owned) {
              await promised((cb) => consumer.seek({ topic: m.topic, partition: m.partition, offset: m.offset }, 5000, cb))
                .catch((err) => emit({ event: 'error', error: `seek failed: ${err.message}` }));
            }
          }
        }
        if (msgs.length === 0) await sleep(20);
      }
      closing = true;
      await promised((cb) => consumer.disconnect(cb));
      emit({ event: 'closed' });
      return { ok: true };
    },
  };
}

if (require.main === module) {
  (async () => {
    const req = JSON.parse(process.argv[2]);
    const op = childOps()[req.op];
    if (!op) throw new Error(`unknown op ${req.op}`);
    emit({ result: await op(req) });
    process.exit(0);
  })().catch((e) => {
    emit({ error: `${e.name ?? 'Error'}: ${e.message}` });
    process.exit(1);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Parent side: the driver interface of test/compat/clients/kafkajs-driver.js.

async function call(req, timeoutMs = 30000) {
  const r = await runBounded(process.execPath, [__filename, JSON.stringify(req)], { timeoutMs });
  const last = [...r.stdout].reverse().map(parseJsonLine).find(Boolean);
  if (r.timedOut) throw new Error(`${req.op} timed out after ${timeoutMs} ms${last && last.error ? `: ${last.error}` : ''}`);
  if (!last) throw new Error(`${req.op} printed no result (exit ${r.code ?? r.signal}): ${r.stderr.filter((l) => l.trim()).slice(-3).join(' | ')}`);
  if (last.error) throw new Error(`${req.op}: ${last.error}`);
  return last.result;
}

let loadProblem; // undefined: not checked yet; null: loads

const classic = {
  name: 'node-rdkafka',
  version: 'node-rdkafka 3.6.1 (librdkafka 2.12.0)',
  /** Loads the addon in a child: an optional dependency that was not built is a skip, not a failure. */
  async available() {
    if (loadProblem !== undefined) return loadProblem;
    const r = await runBounded(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(MODULE)}).librdkafkaVersion)`],
      { timeoutMs: 15000, cwd: __dirname });
    loadProblem = r.code === 0
      ? null
      : `${MODULE} does not load (optional dependency; its install script builds librdkafka from source): ${r.stderr.filter((l) => /Error/.test(l))[0] ?? `exit ${r.code}`}`;
    return loadProblem;
  },
  unsupported: {
    'admin-groups': 'node-rdkafka 3.6.1 has no consumer-group admin API (list/describe/delete groups)',
  },
  extraApis: {},

  createTopic: (bootstrap, topic, partitions) => call({ op: 'create-topic', bootstrap, topic, partitions }),
  partitions: async (bootstrap, topic) => (await call({ op: 'partitions', bootstrap, topic })).partitions,
  produce: (bootstrap, topic, messages) => call({ op: 'produce', bootstrap, topic, messages: messages.map((m) => ({ k: m.k, v: m.v })) }),
  consume: async (bootstrap, topic, count, timeoutMs) => (await call({ op: 'consume', bootstrap, topic, count, timeoutMs }, timeoutMs + 15000)).records,

  async startMember(bootstrap, { topic, group, label }) {
    return memberFromProcess(spawnTracked(process.execPath, [__filename, JSON.stringify({ op: 'member', bootstrap, topic, group, label })]), label);
  },
};

/** The same client as a KIP-848 member (group.protocol=consumer): a column of its own for the group scenarios. */
const consumerProtocol = {
  ...classic,
  name: 'node-rdkafka (consumer)',
  version: 'node-rdkafka 3.6.1 (librdkafka 2.12.0), group.protocol=consumer',
  apiNames: { group: ['FindCoordinator', 'ConsumerGroupHeartbeat', 'OffsetCommit', 'OffsetFetch'] },
  // The server pushes the heartbeat interval (250 ms in the compat broker), so a leave reaches the others within 1 s.
  leaveMovesWithinMs: 1000,
  unsupported: {
    ...classic.unsupported,
    'create-topic': 'not a group scenario: the node-rdkafka column covers it',
    'produce-consume': 'not a group scenario: the node-rdkafka column covers it',
  },
  async startMember(bootstrap, { topic, group, label }) {
    return memberFromProcess(spawnTracked(process.execPath, [__filename, JSON.stringify({ op: 'member', bootstrap, topic, group, label, protocol: 'consumer' })]), label);
  },
};

module.exports = classic;
module.exports.consumerProtocol = consumerProtocol;
