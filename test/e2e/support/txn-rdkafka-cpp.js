/*
 * Issue 16 with a KIP-848 consumer (node-rdkafka, librdkafka 2.12, group.protocol=consumer): consume
 * the input, produce the transformed records and send the consumer's positions in one transaction
 * per poll (TxnOffsetCommit v3 carries the member id and member epoch), abort the second transaction
 * and rewind. Prints one JSON line { processed, transactions, aborted }.
 * Usage: node txn-rdkafka-cpp.js <bootstrap> <in-topic> <out-topic> <group> <expected-count>
 */
const Kafka = require('node-rdkafka');

const [bootstrap, inTopic, outTopic, group, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);
const p = (fn) => new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));

const main = async () => {
  const producer = new Kafka.Producer({ 'bootstrap.servers': bootstrap, 'transactional.id': 'rdkafka-cpp', dr_cb: false });
  await p((cb) => producer.connect({}, cb));
  await p((cb) => producer.initTransactions(15000, cb));
  const consumer = new Kafka.KafkaConsumer({
    'bootstrap.servers': bootstrap, 'group.id': group, 'group.protocol': 'consumer', 'enable.auto.commit': false,
    'isolation.level': 'read_committed',
  }, { 'auto.offset.reset': 'earliest' });
  await p((cb) => consumer.connect({}, cb));
  consumer.subscribe([inTopic]);
  let processed = 0; let transactions = 0; let aborted = 0;
  const deadline = Date.now() + 40000;
  while (processed < expected && Date.now() < deadline) {
    const msgs = await p((cb) => consumer.consume(10, cb));
    if (msgs.length === 0) continue;
    await p((cb) => producer.beginTransaction(cb));
    for (const m of msgs) producer.produce(outTopic, null, Buffer.from(m.value.toString().replace('in-', 'out-')), null);
    const positions = consumer.position().filter((tp) => tp.offset >= 0);
    await p((cb) => producer.sendOffsetsToTransaction(positions, consumer, 10000, cb));
    transactions++;
    if (transactions === 2) {
      await p((cb) => producer.abortTransaction(10000, cb));
      aborted++;
      const committed = await p((cb) => consumer.committed(null, 10000, cb));
      // Wait for each seek (timeout > 0): an asynchronous one (timeout 0) can let messages prefetched past
      // the aborted batch come out of the next consume() first, and they would be processed out of order.
      for (const tp of committed) await p((cb) => consumer.seek({ topic: tp.topic, partition: tp.partition, offset: tp.offset >= 0 ? tp.offset : 0 }, 10000, cb));
      continue;
    }
    await p((cb) => producer.commitTransaction(10000, cb));
    processed += msgs.length;
  }
  consumer.disconnect();
  await p((cb) => producer.disconnect(cb));
  console.log(JSON.stringify({ processed, transactions, aborted }));
};
main().then(() => process.exit(0), (err) => {
  console.log(JSON.stringify({ error: String(err && err.message ? err.message : err) }));
  process.exit(1);
});
