'use strict';
// Many stable classic groups formed with one short-lived connection per member (a JoinGroup blocks its
// connection until the rebalance ends, so members cannot share one while joining), after which the members
// are driven over a few shared connections by the raw load generator (C3).
const { KafkaConnection } = require('./kafka-connection');
const { formGroup } = require('./group-member');
const { kafkaCodec, API } = require('./kafka-codec');

/** Heartbeat period of groups already formed while the rest of their batch forms (well inside 60 s sessions). */
const FORMED_HEARTBEAT_MS = 2000;

/**
 * Forms ceil(M / groupSize) groups named `${prefix}-g<i>`, `concurrentMembers` members at a time; resolves
 * [{ groupId, memberId, generation }] for every member. Connections used for joining are closed afterwards.
 */
async function formFleet(port, { members, groupSize, prefix, topic, concurrentMembers = 1000, lateSyncIsStable = false, timeoutMs = 60000, sessionTimeoutMs = 60000 }) {
  const groups = Math.ceil(members / groupSize);
  const perBatch = Math.max(1, Math.floor(concurrentMembers / groupSize));
  const out = [];
  for (let g0 = 0; g0 < groups; g0 += perBatch) {
    const conns = [];
    const formed = [];
    const open = async () => { const c = await KafkaConnection.open(port); conns.push(c); return c; };
    try {
      const batch = [];
      for (let g = g0; g < Math.min(groups, g0 + perBatch); g++) {
        const n = Math.min(groupSize, members - g * groupSize);
        // A formed group keeps heartbeating while the rest of its batch forms: the mock's fixed join timers
        // can keep a batch forming for longer than a session timeout (60 s), and an idle group would expire.
        batch.push(formGroup(open, `${prefix}-g${g}`, n, { topic, partitions: n, lateSyncIsStable, sessionTimeoutMs }, timeoutMs).then((ms) => {
          for (const m of ms) { m.startHeartbeats(FORMED_HEARTBEAT_MS); formed.push(m); }
          return ms;
        }));
      }
      const done = await Promise.all(batch);
      // Stop without waiting out each member's sleep (that cost ~2 s per batch); a heartbeat still in flight
      // is dropped with its connection below, which a stopped member ignores.
      for (const m of formed) m.heartbeating = false;
      const failed = formed.find((m) => m.failure);
      if (failed) throw failed.failure;
      for (const ms of done) {
        for (const m of ms) out.push({ groupId: m.groupId, memberId: m.memberId, generation: m.syncedGeneration });
      }
    } finally {
      for (const m of formed) m.heartbeating = false;
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
