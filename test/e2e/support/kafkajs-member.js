'use strict';
// One kafkajs 2.2.4 consumer-group member in its own process, so a test can end it the way real
// deployments end: SIGTERM → consumer.disconnect() (LeaveGroup), or SIGKILL (session expiry).
// argv: bootstrap group topic clientId. Prints one JSON line per assignment: {"event":"assigned",...}.
const { Kafka, logLevel } = require('kafkajs');

const [bootstrap, groupId, topic, clientId] = process.argv.slice(2);
const kafka = new Kafka({ clientId, brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 1000 } });
const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, rebalanceTimeout: 10000 });
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

consumer.on(consumer.events.GROUP_JOIN, (e) => {
  const partitions = e.payload.memberAssignment[topic] ?? [];
  say({ event: 'assigned', memberId: e.payload.memberId, generation: e.payload.generationId, partitions });
});

const main = async () => {
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: async () => undefined });
};

process.on('SIGTERM', () => {
  consumer.disconnect().finally(() => {
    say({ event: 'closed' });
    process.exit(0);
  });
});
// Bounded: a member never outlives its test by more than two minutes.
setTimeout(() => process.exit(3), 120_000).unref();
main().catch((err) => {
  say({ event: 'error', error: String(err) });
  process.exit(1);
});
