'use strict';
// A scripted classic-protocol consumer speaking raw frames (benchmarks.md C2 driver 1): JoinGroup v5 with the
// MEMBER_ID_REQUIRED retry (KIP-394), SyncGroup v3 (the leader returns a round-robin assignment in zero time),
// Heartbeat v3; a REBALANCE_IN_PROGRESS answer makes it rejoin at once.
const { kafkaCodec, API, ERR } = require('./kafka-codec');

class GroupMember {
  /** conn: a KafkaConnection dedicated to this member while it joins (JoinGroup blocks until the rebalance ends). */
  /**
   * opts.lateSyncIsStable: accept INVALID_REQUEST (42) to a SyncGroup as "already stable" — only for the
   * librdkafka mock, which answers that way to a follower whose SyncGroup arrives after the leader's
   * (rdkafka_mock_cgrp.c check_state, state UP); a real broker returns the assignment.
   */
  constructor(conn, groupId, { topic, partitions, sessionTimeoutMs = 60000, rebalanceTimeoutMs = 30000, lateSyncIsStable = false }) {
    this.lateSyncIsStable = lateSyncIsStable;
    this.conn = conn;
    this.groupId = groupId;
    this.topic = topic;
    this.partitions = partitions;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
    this.memberId = '';
    this.generation = -1;
    this.syncedGeneration = -1;
    this.heartbeating = false;
    this.failure = null;
    this.onSynced = () => {};
    this.joining = null;
  }

  metadata() {
    if (!GroupMember.meta || GroupMember.metaTopic !== this.topic) {
      GroupMember.meta = kafkaCodec().encodeConsumerSubscription(0, { topics: [this.topic] });
      GroupMember.metaTopic = this.topic;
    }
    return GroupMember.meta;
  }

  /** Joins (or rejoins) and syncs until it holds an assignment; resolves the synced generation. */
  joinAndSync(sentAt) {
    if (this.joining === null) {
      this.joining = this.runJoin(sentAt).finally(() => { this.joining = null; });
    }
    return this.joining;
  }

  async runJoin(sentAt) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const join = await this.conn.request(API.JoinGroup, 5, {
        groupId: this.groupId, sessionTimeoutMs: this.sessionTimeoutMs, rebalanceTimeoutMs: this.rebalanceTimeoutMs,
        memberId: this.memberId, groupInstanceId: null, protocolType: 'consumer',
        protocols: [{ name: 'roundrobin', metadata: this.metadata() }],
      }, attempt === 0 ? sentAt : undefined);
      if (join.errorCode === ERR.MEMBER_ID_REQUIRED) { this.memberId = join.memberId; continue; }
      if (join.errorCode === ERR.UNKNOWN_MEMBER_ID) { this.memberId = ''; continue; }
      // GEN-2: a broker that just started listens before its replay ends; retry as a client does.
      if (join.errorCode === ERR.COORDINATOR_LOAD_IN_PROGRESS || join.errorCode === ERR.COORDINATOR_NOT_AVAILABLE) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      if (join.errorCode !== 0) throw new Error(`JoinGroup ${this.groupId}: error ${join.errorCode}`);
      this.memberId = join.memberId;
      this.generation = join.generationId;
      const assignments = join.leader === join.memberId ? this.roundRobin(join.members.map((m) => m.memberId)) : [];
      // Raw: the librdkafka mock answers a failed SyncGroup with a null assignment, which the strict codec rejects;
      // v3 is header v0 + throttleTimeMs + errorCode, so the code is at byte 8.
      const syncFrame = await this.conn.requestRaw(API.SyncGroup, 3, {
        groupId: this.groupId, generationId: this.generation, memberId: this.memberId, groupInstanceId: null, assignments,
      });
      const sync = { errorCode: syncFrame.readInt16BE(8) };
      if (sync.errorCode === ERR.REBALANCE_IN_PROGRESS || sync.errorCode === ERR.ILLEGAL_GENERATION) continue;
      if (sync.errorCode === 42 && this.lateSyncIsStable) sync.errorCode = 0;
      if (sync.errorCode !== 0) throw new Error(`SyncGroup ${this.groupId}: error ${sync.errorCode}`);
      this.syncedGeneration = this.generation;
      this.onSynced(this);
      return this.generation;
    }
    throw new Error(`member of ${this.groupId} did not settle after 50 join attempts`);
  }

  roundRobin(memberIds) {
    const ids = [...memberIds].sort();
    const parts = ids.map(() => []);
    for (let p = 0; p < this.partitions; p++) parts[p % ids.length].push(p);
    const codec = kafkaCodec();
    return ids.map((id, i) => ({
      memberId: id,
      assignment: codec.encodeConsumerAssignment(0, { assignedPartitions: [{ topic: this.topic, partitions: parts[i] }] }),
    }));
  }

  /** One heartbeat; on REBALANCE_IN_PROGRESS rejoins. Resolves the heartbeat's error code. */
  async heartbeat() {
    const hbFrame = await this.conn.requestRaw(API.Heartbeat, 3, {
      groupId: this.groupId, generationId: this.generation, memberId: this.memberId, groupInstanceId: null,
    });
    const hb = { errorCode: hbFrame.readInt16BE(8) };
    if (hb.errorCode === ERR.REBALANCE_IN_PROGRESS || hb.errorCode === ERR.ILLEGAL_GENERATION) await this.joinAndSync();
    else if (hb.errorCode === ERR.UNKNOWN_MEMBER_ID) { this.memberId = ''; await this.joinAndSync(); } // fenced: rejoin as new, like a real consumer
    else if (hb.errorCode !== 0) throw new Error(`Heartbeat ${this.groupId}: error ${hb.errorCode}`);
    return hb.errorCode;
  }

  /** Keeps one heartbeat in flight (after `intervalMs` pause) until stopHeartbeats(); failures land in this.failure. */
  startHeartbeats(intervalMs = 0) {
    this.heartbeating = true;
    const loop = async () => {
      while (this.heartbeating) {
        try { await this.heartbeat(); } catch (e) { if (this.heartbeating) this.failure = this.failure || e; return; }
        if (intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
      }
    };
    this.loop = loop();
  }

  async stopHeartbeats() {
    this.heartbeating = false;
    if (this.loop) await Promise.race([this.loop, new Promise((r) => setTimeout(r, 2000))]);
  }
}

/**
 * Forms a stable group of `n` members, one connection each; resolves the members once every member holds the
 * same generation and a full heartbeat round answers 0 (bounded by timeoutMs).
 */
async function formGroup(openConn, groupId, n, opts, timeoutMs = 60000) {
  const members = [];
  for (let i = 0; i < n; i++) members.push(new GroupMember(await openConn(), groupId, opts));
  const deadline = Date.now() + timeoutMs;
  const bounded = (p, what) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error(`${what} of ${groupId} (${n} members) exceeded ${timeoutMs} ms`)), Math.max(1, deadline - Date.now())))]);
  // A member that holds an assignment keeps heartbeating while the others join, as a real consumer does:
  // that is how it learns of the rebalance the next joiner starts. Without it the group only converges
  // when the join phase times out (the rebalance timeout).
  await bounded(Promise.all(members.map(async (m) => {
    await m.joinAndSync();
    m.startHeartbeats(50);
  })), 'formation');
  await bounded((async () => {
    for (;;) {
      const failed = members.find((m) => m.failure);
      if (failed) throw failed.failure;
      const gens = new Set(members.map((m) => m.syncedGeneration));
      if (gens.size === 1 && members.every((m) => m.joining === null)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  })(), 'convergence');
  await Promise.all(members.map((m) => m.stopHeartbeats()));
  for (;;) {
    const codes = await bounded(Promise.all(members.map((m) => m.heartbeat())), 'stabilisation');
    const gens = new Set(members.map((m) => m.syncedGeneration));
    if (codes.every((c) => c === 0) && gens.size === 1) return members;
  }
}

module.exports = { GroupMember, formGroup };
