'use strict';
// Many stable classic groups formed with one short-lived connection per member (a JoinGroup blocks its
// connection until the rebalance ends, so members cannot share one while joining), after which the members
// are driven over a few shared connections by the raw load generator (C3).
const { KafkaConnection } = require('./kafka-connection');
const { formGroup } = require('./group-member');
const { kafkaCodec, API } = require('./kafka-codec');

/**
 * Forms ceil(M / groupSize) groups named `${prefix}-g<i>`, `concurrentMembers` members at a time; resolves
 * [{ groupId, memberId, generation }] for every member. Connections used for joining are closed afterwards.
 */
async function formFleet(port, { members, groupSize, prefix, topic, concurrentMembers = 1000, lateSyncIsStable = false, timeoutMs = 60000 }) {
  const groups = Math.ceil(members / groupSize);
  const perBatch = Math.max(1, Math.floor(concurrentMembers / groupSize));
  const out = [];
  for (let g0 = 0; g0 < groups; g0 += perBatch) {
    const conns = [];
    const open = async () => { const c = await KafkaConnection.open(port); conns.push(c); return c; };
    try {
      const batch = [];
      for (let g = g0; g < Math.min(groups, g0 + perBatch); g++) {
        const n = Math.min(groupSize, members - g * groupSize);
        batch.push(formGroup(open, `${prefix}-g${g}`, n, { topic, partitions: n, lateSyncIsStable }, timeoutMs));
      }
      for (const ms of await Promise.all(batch)) {
        for (const m of ms) out.push({ groupId: m.groupId, memberId: m.memberId, generation: m.syncedGeneration });
      }
    } finally {
      for (const c of conns) c.close();
    }
  }
  return out;
}

/** Heartbeat v3 frames, member i on connection i % connections. */
function heartbeatFrames(fleet, connections) {
  const codec = kafkaCodec();
  const frames = Array.from({ length: connections }, () => []);
  fleet.forEach((m, i) => {
    frames[i % connections].push(codec.encodeRequest(API.Heartbeat, 3, 0, 'cohort-bench', {
      groupId: m.groupId, generationId: m.generation, memberId: m.memberId, groupInstanceId: null,
    }));
  });
  return frames;
}

module.exports = { formFleet, heartbeatFrames };
