'use strict';
// @platformatic/kafka 1.35.0 (pure JavaScript; 2.x needs Node 22). The package is ES modules only: Node 20.20
// can require() it but Jest cannot, so every operation runs in a bounded child `node` process executing this
// same file (`node platformatic-driver.js '<json request>'`), which prints JSON lines, the last one the result.
// Members stream JSON events until SIGTERM, then close the consumer (LeaveGroup).
const { runBounded, spawnTracked } = require('../bounded-process');
const { memberFromProcess, parseJsonLine } = require('../member-state');

const MODULE = '@platformatic/kafka';
const VERSION = '1.35.0';

// ---------------------------------------------------------------------------------------------------------
// Child side: the operations themselves, run against the real client.

const emit = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

const base = (req, clientId = 'compat-platformatic') => ({
  clientId,
  bootstrapBrokers: [req.bootstrap],
  timeout: 15000,
  retries: 3,
  retryDelay: 200,
});

async function childOps() {
  // eslint-disable-next-line global-require
  const k = require(MODULE);
  const withAdmin = async (req, f) => {
    const admin = new k.Admin(base(req));
    try { return await f(admin); } finally { await admin.close().catch(() => undefined); }
  };
  return {
    'create-topic': (req) => withAdmin(req, async (a) => {
      await a.createTopics({ topics: [req.topic], partitions: req.partitions, replicas: 1 });
      return { ok: true };
    }),
    partitions: (req) => withAdmin(req, async (a) => {
      const md = await a.metadata({ topics: [req.topic] });
      const t = md.topics.get(req.topic);
      if (!t) throw new Error(`metadata has no topic ${req.topic}`);
      return { partitions: t.partitions.map((_, i) => i) };
    }),
    async produce(req) {
      const p = new k.Producer({ ...base(req), serializers: k.stringSerializers, acks: k.ProduceAcks.ALL, autocreateTopics: false });
      try {
        await p.send({ messages: req.messages.map((m) => ({ topic: req.topic, key: m.k, value: m.v })) });
        return { ok: true };
      } finally {
        await p.close().catch(() => undefined);
      }
    },
    async consume(req) {
      const c = new k.Consumer({ ...base(req), groupId: `compat-read-${process.pid}-${Date.now()}`, deserializers: k.stringDeserializers });
      const out = [];
      try {
        const stream = await c.consume({ topics: [req.topic], mode: k.MessagesStreamModes.EARLIEST, autocommit: false, maxWaitTime: 200 });
        const deadline = Date.now() + req.timeoutMs;
        await new Promise((resolve, reject) => {
          const t = setInterval(() => { if (out.length >= req.count || Date.now() > deadline) { clearInterval(t); resolve(); } }, 50);
          stream.on('data', (m) => out.push({ p: m.partition, o: Number(m.offset), k: m.key ?? null, v: m.value ?? null }));
          stream.on('error', (e) => { clearInterval(t); reject(e); });
        });
        await stream.close().catch(() => undefined);
        return { records: out };
      } finally {
        await c.close(true).catch(() => undefined);
      }
    },
    async member(req) {
      // Listen for SIGTERM before anything else: consume() may still be pending when the harness stops a member
      // that already reported its assignment, and the default action would skip the LeaveGroup.
      const stopped = new Promise((resolve) => { process.once('SIGTERM', resolve); process.once('SIGINT', resolve); });
      const c = new k.Consumer({
        ...base(req, `compat-platformatic-${req.label}`), groupId: req.group, deserializers: k.stringDeserializers,
        sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 6000,
      });
      c.on('consumer:group:join', (e) => {
        const mine = (e.assignments ?? []).filter((a) => a.topic === req.topic).flatMap((a) => a.partitions);
        emit({ event: 'assigned', partitions: mine });
      });
      c.on('consumer:heartbeat:error', (e) => emit({ event: 'error', error: `heartbeat: ${e.error?.message ?? e}` }));
      const stream = await c.consume({
        topics: [req.topic], mode: k.MessagesStreamModes.COMMITTED, fallbackMode: k.MessagesStreamFallbackModes.EARLIEST,
        autocommit: false, maxWaitTime: 200, sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 6000,
      });
      // One record at a time: commit it, then report it (the harness counts only committed records).
      let chain = Promise.resolve();
      stream.on('data', (m) => {
        chain = chain.then(async () => {
          try {
            await m.commit();
            emit({ event: 'record', p: m.partition, o: Number(m.offset), k: m.key ?? null, v: m.value ?? null });
          } catch (e) {
            emit({ event: 'error', error: `commit failed: ${e.message}` });
          }
        });
      });
      stream.on('error', (e) => emit({ event: 'error', error: e.message }));
      emit({ event: 'started' });
      await stopped;
      await chain;
      await stream.close().catch(() => undefined);
      await c.close().catch((e) => emit({ event: 'error', error: `close: ${e.message}` }));
      emit({ event: 'closed' });
      return { ok: true };
    },
    'admin-list': (req) => withAdmin(req, async (a) => ({ groups: [...(await a.listGroups()).keys()] })),
    'admin-describe': (req) => withAdmin(req, async (a) => {
      const g = (await a.describeGroups({ groups: [req.group] })).get(req.group);
      return { group: g.id, state: g.state, protocolType: g.protocolType, protocol: g.protocol, members: [...g.members.keys()] };
    }),
    'admin-offsets': (req) => withAdmin(req, async (a) => {
      const [g] = await a.listConsumerGroupOffsets({ groups: [{ groupId: req.group, topics: [{ name: req.topic, partitionIndexes: req.partitions }] }] });
      const out = {};
      for (const t of g.topics) for (const p of t.partitions) if (p.committedOffset >= 0n) out[String(p.partitionIndex)] = Number(p.committedOffset);
      return { offsets: out };
    }),
    'admin-delete': (req) => withAdmin(req, async (a) => {
      await a.deleteGroups({ groups: [req.group] });
      return { ok: true };
    }),
  };
}

if (require.main === module) {
  (async () => {
    const req = JSON.parse(process.argv[2]);
    const ops = await childOps();
    const op = ops[req.op];
    if (!op) throw new Error(`unknown op ${req.op}`);
    emit({ result: await op(req) });
    process.exit(0);
  })().catch((e) => {
    emit({ error: `${e.name ?? 'Error'}: ${e.message}${e.errors ? ` (${e.errors.map((x) => x.message).join('; ')})` : ''}` });
    process.exit(1);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Parent side: the driver interface of test/compat/clients/kafkajs-driver.js.

async function call(req, timeoutMs = 30000) {
  const r = await runBounded(process.execPath, [__filename, JSON.stringify(req)], { timeoutMs });
  const last = [...r.stdout].reverse().map(parseJsonLine).find(Boolean);
  if (r.timedOut) throw new Error(`${req.op} timed out after ${timeoutMs} ms${last && last.error ? `: ${last.error}` : ''}`);
  if (!last) throw new Error(`${req.op} printed no result (exit ${r.code}): ${r.stderr.filter((l) => l.trim()).slice(-3).join(' | ')}`);
  if (last.error) throw new Error(`${req.op}: ${last.error}`);
  return last.result;
}

const GROUP_APIS = ['FindCoordinator', 'JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'OffsetFetch', 'OffsetCommit'];

module.exports = {
  name: 'platformatic',
  version: `@platformatic/kafka ${VERSION}`,
  async available() {
    try {
      require.resolve(MODULE);
    } catch {
      return `${MODULE} is not installed`;
    }
    return null;
  },
  unsupported: {},
  // Its one-shot reader is a group consumer too (a fresh group, EARLIEST mode).
  extraApis: { 'produce-consume': GROUP_APIS },

  createTopic: (bootstrap, topic, partitions) => call({ op: 'create-topic', bootstrap, topic, partitions }),
  partitions: async (bootstrap, topic) => (await call({ op: 'partitions', bootstrap, topic })).partitions,
  produce: (bootstrap, topic, messages) => call({ op: 'produce', bootstrap, topic, messages: messages.map((m) => ({ k: m.k, v: m.v })) }),
  consume: async (bootstrap, topic, count, timeoutMs) => (await call({ op: 'consume', bootstrap, topic, count, timeoutMs }, timeoutMs + 15000)).records,

  async startMember(bootstrap, { topic, group, label }) {
    return memberFromProcess(spawnTracked(process.execPath, [__filename, JSON.stringify({ op: 'member', bootstrap, topic, group, label })]), label);
  },

  admin: {
    listGroups: async (bootstrap) => (await call({ op: 'admin-list', bootstrap })).groups,
    describeGroup: (bootstrap, group) => call({ op: 'admin-describe', bootstrap, group }),
    fetchOffsets: async (bootstrap, group, topic) => {
      const partitions = await module.exports.partitions(bootstrap, topic);
      return (await call({ op: 'admin-offsets', bootstrap, group, topic, partitions })).offsets;
    },
    deleteGroup: (bootstrap, group) => call({ op: 'admin-delete', bootstrap, group }),
  },
};
