'use strict';
// T-SEC-3 driver for node-rdkafka 3.6.1 (librdkafka 2.12). Usage: node rdkafka_client.js '<json request>'.
// round: produce `values`, consume them in `group`, commit synchronously, print JSON. probe: connect only.
// The result line is printed before the clients are torn down: node-rdkafka can crash while a client
// disconnects (e.g. its issue #1057), and the test then still sees what the broker answered, and how
// the driver ended (security-process.ts).
const Kafka = require('node-rdkafka');

const req = JSON.parse(process.argv[2]);
const promised = (f) => new Promise((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v))));
const print = (o) => new Promise((resolve) => process.stdout.write(`${JSON.stringify(o)}\n`, resolve));
/** Disconnects, bounded: a client that never connected, or a disconnect that never calls back, is left. */
const disconnect = (client) =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, 5000);
    try {
      client.disconnect(() => {
        clearTimeout(t);
        resolve();
      });
    } catch {
      clearTimeout(t);
      resolve();
    }
  });

async function probe(teardown) {
  const errors = [];
  // librdkafka tells why a broker connection failed in its FAIL log lines (SASL or SSL handshake).
  const p = new Kafka.Producer({ ...req.conf, 'socket.timeout.ms': 4000, event_cb: true });
  teardown.push(p);
  p.on('event.error', (e) => errors.push(String(e.message)));
  p.on('event.log', (l) => { if (l.fac === 'FAIL') errors.push(String(l.message)); });
  try {
    await promised((cb) => p.connect({ timeout: 4000 }, cb));
    await promised((cb) => p.getMetadata({ timeout: 4000 }, cb));
    return { ok: true, errors };
  } catch (e) {
    return { ok: false, errors: [...errors, String(e.message)] };
  }
}

async function round(teardown) {
  const p = new Kafka.Producer({ ...req.conf, dr_cb: true, 'request.required.acks': -1 });
  await promised((cb) => p.connect({ timeout: 15000 }, cb));
  let delivered = 0;
  p.on('delivery-report', (err) => { if (!err) delivered++; });
  p.setPollInterval(20);
  for (const v of req.values) p.produce(req.topic, null, Buffer.from(v));
  await promised((cb) => p.flush(15000, cb));
  const deadline = Date.now() + 15000;
  while (delivered < req.values.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  p.setPollInterval(0);
  await promised((cb) => p.disconnect(5000, cb));
  const c = new Kafka.KafkaConsumer({ ...req.conf, 'group.id': req.group, 'enable.auto.commit': false }, { 'auto.offset.reset': 'earliest' });
  await promised((cb) => c.connect({ timeout: 15000 }, cb));
  teardown.push(c);
  c.subscribe([req.topic]);
  const got = [];
  const until = Date.now() + 20000;
  while (got.length < req.values.length && Date.now() < until) {
    const batch = await promised((cb) => c.consume(10, cb));
    for (const m of batch) got.push(m.value.toString());
  }
  c.commitSync(null);
  const committed = await promised((cb) => c.committed([{ topic: req.topic, partition: 0 }], 10000, cb));
  return { consumed: got, committed: committed[0].offset };
}

(async () => {
  const teardown = [];
  const result = await (req.op === 'probe' ? probe(teardown) : round(teardown)).catch((e) => ({ error: String(e && e.message) }));
  await print(result);
  for (const client of teardown) await disconnect(client);
  process.exit(0);
})();
