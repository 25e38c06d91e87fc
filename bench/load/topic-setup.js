'use strict';
// Topics the benchmarks write to must exist: Kafka answers OffsetCommit and Produce for an unknown topic with
// UNKNOWN_TOPIC_OR_PARTITION. Cohort creates them through Metadata auto-creation (start the broker with
// --num-partitions large enough); the mock gets them from mockd's arguments.
const { KafkaConnection } = require('./kafka-connection');
const { API } = require('./kafka-codec');

/** Sends Metadata v4 with allowAutoTopicCreation until `topic` has at least `minPartitions` partitions. */
async function ensureTopic(port, topic, minPartitions = 1) {
  const conn = await KafkaConnection.open(port);
  try {
    let last = 'no answer';
    for (let i = 0; i < 50; i++) {
      const md = await conn.request(API.Metadata, 4, { topics: [{ name: topic }], allowAutoTopicCreation: true });
      const t = md.topics.find((x) => x.name === topic);
      if (t && t.errorCode === 0 && t.partitions.length >= minPartitions) return;
      last = t ? `error ${t.errorCode}, ${t.partitions.length} partitions` : 'topic missing from the answer';
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`topic ${topic} not available after Metadata auto-create (${last})`);
  } finally { conn.close(); }
}

module.exports = { ensureTopic };
