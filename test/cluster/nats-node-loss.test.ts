import { Kafka, logLevel } from 'kafkajs';
import { startNatsCluster, type NatsCluster } from '../support/nats-cluster';
import { startClusterBrokers } from '../e2e/support/cluster-brokers';
import { sleep, type BrokerProcess } from '../e2e/support/broker-process';
import { topicOnEveryBroker, waitCoordinated } from './support/cluster-probe';
import { startCommitLoad } from './support/commit-load';

/**
 * Issue 15 acceptance, NATS node loss: commits run against every group's coordinator while one of
 * the three NATS servers is SIGKILLed. Streams are R3, so a quorum remains: commits go on being
 * acknowledged after the loss, and every acknowledged commit is there at the end.
 */
const TTL = 3000;
const TOPIC = 'natsloss';
let nats: NatsCluster;
let brokers: BrokerProcess[] = [];

beforeAll(async () => {
  nats = await startNatsCluster(3);
  brokers = await startClusterBrokers(nats, 3, { clusterId: `natsloss-${process.pid}`, leaseTtlMs: TTL });
}, 60_000);

afterAll(async () => {
  for (const b of brokers) await b.stop('SIGKILL');
  await nats?.stop();
});

test('issue 15: one NATS node SIGKILLed under commit load — writes continue, nothing acknowledged is lost', async () => {
  const admin = new Kafka({ clientId: 'natsloss', brokers: brokers.map((b) => b.bootstrap), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 500 } }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  await topicOnEveryBroker(brokers, TOPIC);
  const groups = Array.from({ length: 6 }, (_, i) => `natsloss-${i}`);
  await waitCoordinated(brokers, groups, TOPIC, [0], 30_000);
  const load = startCommitLoad(() => brokers, groups, TOPIC);
  await sleep(2000);
  const beforeKill = new Map(load.count);
  await nats.kill(Math.floor(Math.random() * 3));
  const atKill = new Map(load.count);
  // JetStream elects new stream leaders for the streams the lost node led; commits resume after that.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && groups.some((g) => (load.count.get(g) ?? 0) - (atKill.get(g) ?? 0) < 5)) await sleep(250);
  await load.stop();
  // eslint-disable-next-line no-console
  console.log(`nats-node-loss: errors ${JSON.stringify([...load.errors])}, commits after the kill ${JSON.stringify(groups.map((g) => (load.count.get(g) ?? 0) - (atKill.get(g) ?? 0)))}`);
  if (process.env['NATSLOSS_DEBUG']) for (const b of brokers) console.log(b.port, b.logs.filter((l) => /"level":[45]0/.test(l)).slice(-25).join('\n'));
  // Writes continued: every group had commits acknowledged after the kill.
  for (const g of groups) {
    expect(beforeKill.get(g) ?? 0).toBeGreaterThan(0);
    expect({ group: g, after: (load.count.get(g) ?? 0) - (atKill.get(g) ?? 0) > 0 }).toEqual({ group: g, after: true });
  }
  const { committed } = await waitCoordinated(brokers, groups, TOPIC, [0], 30_000).catch((err) => {
    if (process.env['NATSLOSS_DEBUG']) for (const b of brokers) console.log(b.port, b.logs.filter((l) => /"level":[45]0/.test(l)).slice(-30).join('\n'));
    throw err;
  });
  for (const g of groups) expect(committed.get(g)!.get(0)!).toBeGreaterThanOrEqual(load.acked.get(g)!);
}, 120_000);
