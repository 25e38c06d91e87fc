/*
 * Issue 16 acceptance with node-rdkafka (librdkafka 2.12): a transactional producer commits and
 * aborts alternately, sending consumer offsets in each transaction. Prints one JSON line.
 * Usage: node txn-rdkafka.js <bootstrap> <out-topic> <in-topic> <group>
 */
const Kafka = require('node-rdkafka');

const [bootstrap, outTopic, inTopic, group] = process.argv.slice(2);
const p = (fn) => new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));

const main = async () => {
  const producer = new Kafka.Producer({ 'bootstrap.servers': bootstrap, 'transactional.id': 'rdkafka-txn', dr_cb: false });
  await p((cb) => producer.connect({}, cb));
  await p((cb) => producer.initTransactions(15000, cb));
  const consumer = new Kafka.KafkaConsumer({ 'bootstrap.servers': bootstrap, 'group.id': group, 'enable.auto.commit': false }, {});
  await p((cb) => consumer.connect({}, cb));
  const done = [];
  for (let round = 0; round < 6; round++) {
    await p((cb) => producer.beginTransaction(cb));
    for (let i = 0; i < 5; i++) producer.produce(outTopic, i % 2, Buffer.from(`r${round}-m${i}`), null);
    await p((cb) => producer.sendOffsetsToTransaction([{ topic: inTopic, partition: 0, offset: (round + 1) * 10 }], consumer, 10000, cb));
    if (round % 2 === 0) await p((cb) => producer.commitTransaction(10000, cb));
    else await p((cb) => producer.abortTransaction(10000, cb));
    done.push(round);
  }
  consumer.disconnect();
  await p((cb) => producer.disconnect(cb));
  console.log(JSON.stringify({ rounds: done }));
};
main().then(() => process.exit(0), (err) => {
  console.log(JSON.stringify({ error: String(err && err.message ? err.message : err) }));
  process.exit(1);
});
