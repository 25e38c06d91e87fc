'use strict';
// A scripted KIP-848 consumer speaking raw ConsumerGroupHeartbeat v1 frames (issue 12 bench): it joins with
// its own member id (KIP-1082), owns exactly what the coordinator last assigned (revoking at once), and
// acknowledges every change with an immediate heartbeat, as librdkafka expedites its heartbeat after
// (un)assigning. `beatUntil(done)` heartbeats back to back until `done(member)`.
const { kafkaCodec } = require('./kafka-codec');

const CONSUMER_GROUP_HEARTBEAT = 68;

class ConsumerMember {
  constructor(conn, groupId, memberId, topic) {
    this.conn = conn;
    this.groupId = groupId;
    this.memberId = memberId;
    this.topic = topic;
    this.epoch = 0;
    this.owned = [];
  }

  get size() {
    return this.owned.reduce((n, t) => n + t.partitions.length, 0);
  }

  async send(full, sentAt) {
    const body = {
      groupId: this.groupId, memberId: this.memberId, memberEpoch: this.epoch, instanceId: null, rackId: null,
      rebalanceTimeoutMs: full ? 30000 : -1, subscribedTopicNames: full ? [this.topic] : null, subscribedTopicRegex: null,
      serverAssignor: null, topicPartitions: this.owned,
    };
    const r = await this.conn.request(CONSUMER_GROUP_HEARTBEAT, 1, body, sentAt);
    if (r.errorCode !== 0) throw new Error(`ConsumerGroupHeartbeat of ${this.memberId} answered error ${r.errorCode}: ${r.errorMessage}`);
    const before = JSON.stringify([this.epoch, this.owned]);
    this.epoch = r.memberEpoch;
    if (r.assignment !== null) this.owned = r.assignment.topicPartitions.map((t) => ({ topicId: t.topicId, partitions: [...t.partitions] }));
    return JSON.stringify([this.epoch, this.owned]) !== before;
  }

  /** The first (full) heartbeat. */
  join(sentAt) {
    this.epoch = 0;
    this.owned = [];
    return this.send(true, sentAt);
  }

  /** Heartbeats until `done(this)`; a heartbeat that changed nothing waits `idleMs` before the next. */
  async beatUntil(done, idleMs = 1) {
    while (!done(this)) {
      const changed = await this.send(false);
      if (!changed && !done(this)) await new Promise((r) => setTimeout(r, idleMs));
    }
  }
}

module.exports = { ConsumerMember, CONSUMER_GROUP_HEARTBEAT, kafkaCodec };
