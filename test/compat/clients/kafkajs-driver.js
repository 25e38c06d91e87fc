'use strict';
// kafkajs 2.2.4, in process. kafkajs has no partition-assign consumer: reading a topic back always
// goes through a consumer group, so produce-consume also needs the group APIs here.
const { Kafka, logLevel, Partitioners } = require('kafkajs');
const { createMemberState } = require('../member-state');

const kafka = (bootstrap, clientId = 'compat-kafkajs') => new Kafka({
  clientId,
  brokers: [bootstrap],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 3000,
  requestTimeout: 15000,
  retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
});

const withTimeout = (p, ms, what) => {
  let t;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise((_, reject) => { t = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms); }),
  ]);
};

const GROUP_APIS = ['FindCoordinator', 'JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'OffsetFetch', 'OffsetCommit'];

async function withAdmin(bootstrap, f) {
  const admin = kafka(bootstrap).admin();
  await withTimeout(admin.connect(), 10000, 'admin connect');
  try {
    return await f(admin);
  } finally {
    await withTimeout(admin.disconnect(), 5000, 'admin disconnect').catch(() => undefined);
  }
}

module.exports = {
  name: 'kafkajs',
  version: 'kafkajs 2.2.4',
  async available() {
    try { require.resolve('kafkajs'); return null; } catch { return 'kafkajs is not installed'; }
  },
  unsupported: {},
  extraApis: { 'produce-consume': GROUP_APIS },

  async createTopic(bootstrap, topic, partitions) {
    await withAdmin(bootstrap, async (admin) => {
      const created = await withTimeout(
        admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true, timeout: 10000 }),
        20000, 'createTopics');
      if (!created) throw new Error(`createTopics(${topic}) answered "already exists"`);
    });
  },

  async partitions(bootstrap, topic) {
    return withAdmin(bootstrap, async (admin) => {
      const md = await withTimeout(admin.fetchTopicMetadata({ topics: [topic] }), 10000, 'fetchTopicMetadata');
      return md.topics[0].partitions.map((p) => p.partitionId).sort((a, b) => a - b);
    });
  },

  async produce(bootstrap, topic, messages) {
    const producer = kafka(bootstrap).producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await withTimeout(producer.connect(), 10000, 'producer connect');
    try {
      await withTimeout(producer.send({ topic, acks: -1, messages: messages.map((m) => ({ key: m.k, value: m.v })) }), 20000, 'send');
    } finally {
      await withTimeout(producer.disconnect(), 5000, 'producer disconnect').catch(() => undefined);
    }
  },

  async consume(bootstrap, topic, count, timeoutMs) {
    const consumer = kafka(bootstrap).consumer({
      groupId: `compat-read-${process.pid}-${Date.now()}`, sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 6000,
      maxWaitTimeInMs: 200, retry: { retries: 3 },
    });
    const out = [];
    let crash = null;
    consumer.on(consumer.events.CRASH, (e) => { crash = e.payload.error; });
    await withTimeout(consumer.connect(), 10000, 'consumer connect');
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          out.push({ p: partition, o: Number(message.offset), k: message.key?.toString() ?? null, v: message.value?.toString() ?? null });
        },
      });
      const deadline = Date.now() + timeoutMs;
      while (out.length < count && Date.now() < deadline && !crash) await new Promise((r) => setTimeout(r, 50));
      if (crash && out.length < count) throw crash;
      return out;
    } finally {
      await withTimeout(consumer.disconnect(), 10000, 'consumer disconnect').catch(() => undefined);
    }
  },

  /** A group member committing each message (manual commitOffsets) before reporting it. */
  async startMember(bootstrap, { topic, group, label }) {
    const state = createMemberState(label);
    const consumer = kafka(bootstrap, `compat-kafkajs-${label}`).consumer({
      groupId: group, sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 6000, maxWaitTimeInMs: 200, retry: { retries: 3 },
    });
    // kafkajs rebalances eagerly: from REBALANCING until the next GROUP_JOIN the member owns nothing.
    consumer.on(consumer.events.REBALANCING, () => state.apply({ event: 'revoked', partitions: [] }));
    consumer.on(consumer.events.GROUP_JOIN, (e) => state.apply({ event: 'assigned', partitions: e.payload.memberAssignment[topic] ?? [] }));
    consumer.on(consumer.events.CRASH, (e) => state.apply({ event: 'error', error: e.payload.error.message }));
    await withTimeout(consumer.connect(), 10000, 'consumer connect');
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const next = (BigInt(message.offset) + 1n).toString();
        await consumer.commitOffsets([{ topic, partition, offset: next }]);
        state.apply({ event: 'record', p: partition, o: message.offset, k: message.key?.toString() ?? null, v: message.value?.toString() ?? null });
      },
    });
    let stopped = false;
    return {
      state,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await withTimeout(consumer.disconnect(), 10000, 'consumer disconnect').catch(() => undefined);
        state.apply({ event: 'closed' });
      },
    };
  },

  admin: {
    listGroups: (bootstrap) => withAdmin(bootstrap, async (a) => (await withTimeout(a.listGroups(), 10000, 'listGroups')).groups.map((g) => g.groupId)),
    describeGroup: (bootstrap, group) => withAdmin(bootstrap, async (a) => {
      const g = (await withTimeout(a.describeGroups([group]), 10000, 'describeGroups')).groups[0];
      return { group: g.groupId, state: g.state, protocolType: g.protocolType, protocol: g.protocol, members: g.members.map((m) => m.memberId), errorCode: g.errorCode };
    }),
    fetchOffsets: (bootstrap, group, topic) => withAdmin(bootstrap, async (a) => {
      const res = await withTimeout(a.fetchOffsets({ groupId: group, topics: [topic] }), 10000, 'fetchOffsets');
      const out = {};
      for (const p of res[0].partitions) if (Number(p.offset) >= 0) out[String(p.partition)] = Number(p.offset);
      return out;
    }),
    deleteGroup: (bootstrap, group) => withAdmin(bootstrap, async (a) => { await withTimeout(a.deleteGroups([group]), 10000, 'deleteGroups'); }),
  },
};
