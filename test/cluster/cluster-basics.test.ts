import { Kafka, logLevel } from 'kafkajs';
import { startNatsCluster, type NatsCluster } from '../support/nats-cluster';
import { startClusterBrokers } from '../e2e/support/cluster-brokers';
import { freePort, sleep, type BrokerProcess } from '../e2e/support/broker-process';
import { shardOf } from '../../src/domain/cluster/shard-of';
import { RawClient } from '../e2e/support/raw-client';
import { API_KEY, ZERO_UUID } from '../../src/adapters/kafka/protocol';
import { ErrorCode } from '../../src/domain/error-code';
import { buildRecordBatch } from '../../src/adapters/kafka/record-batch/batch-builder';

/**
 * Issue 15, cluster mode basics: three brokers on one 3-node JetStream cluster; Metadata lists all
 * of them, FindCoordinator names each group's shard owner (the same answer from every broker), a
 * kafkajs consumer group commits through its coordinator, and a broker that does not own a
 * group's shard answers NOT_COORDINATOR.
 */
let nats: NatsCluster;
let brokers: BrokerProcess[] = [];
const metricsPorts: number[] = [];
const TTL = 3000;

beforeAll(async () => {
  nats = await startNatsCluster(3);
  for (let i = 0; i < 3; i++) metricsPorts.push(await freePort());
  brokers = await startClusterBrokers(nats, 3, { clusterId: `basics-${process.pid}`, leaseTtlMs: TTL, extraFor: (id) => ['--metrics-port', String(metricsPorts[id - 1])] });
}, 60_000);

afterAll(async () => {
  for (const b of brokers) await b.stop('SIGKILL');
  await nats?.stop();
});

const kafka = (b: BrokerProcess) => new Kafka({ clientId: 'cluster-basics', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } });

/** Waits until every shard and the controller have an owner, as seen from every broker. */
const waitForOwners = async (): Promise<void> => {
  const deadline = Date.now() + 30_000;
  for (;;) {
    let ok = true;
    for (const b of brokers) {
      const admin = kafka(b).admin();
      await admin.connect();
      try {
        const cluster = await admin.describeCluster();
        if (cluster.brokers.length !== 3 || cluster.controller === null || cluster.controller < 0) ok = false;
      } finally {
        await admin.disconnect();
      }
    }
    if (ok) return;
    if (Date.now() > deadline) throw new Error('cluster did not form');
    await sleep(300);
  }
};

test('issue 15: Metadata lists the three live brokers and every broker names the same controller', async () => {
  await waitForOwners();
  const controllers = new Set<number>();
  for (const b of brokers) {
    const admin = kafka(b).admin();
    await admin.connect();
    const d = await admin.describeCluster();
    expect(d.brokers.map((x) => x.nodeId).sort()).toEqual([1, 2, 3]);
    controllers.add(d.controller!);
    await admin.disconnect();
  }
  expect(controllers.size).toBe(1);
});

test('issue 15: FindCoordinator answers each shard owner; groups spread over brokers; kafkajs commits and reads back; the group pages and gauges of a broker show the groups of its shards', async () => {
  await waitForOwners();
  const admin = kafka(brokers[0]!).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'basics', numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  // Leases spread: after a TTL or two no broker holds more than its fair share.
  const owners = new Map<string, number>();
  const groups = Array.from({ length: 12 }, (_, i) => `basics-group-${i}`);
  const deadline = Date.now() + 30_000;
  for (;;) {
    owners.clear();
    for (const g of groups) {
      const { coordinator } = await findCoordinator(brokers[0]!, g);
      owners.set(g, coordinator);
    }
    if (new Set(owners.values()).size >= 2 && ![...owners.values()].includes(-1)) break;
    if (Date.now() > deadline) throw new Error(`shards did not spread: ${JSON.stringify([...owners])}`);
    await sleep(500);
  }
  for (const b of brokers.slice(1)) {
    for (const g of groups.slice(0, 4)) expect((await findCoordinator(b, g)).coordinator).toBe(owners.get(g));
  }
  const k = kafka(brokers[1]!);
  const g = groups[0]!;
  const a = k.admin();
  await a.connect();
  // The follower learns of the topic by tailing the metadata shard: wait until its Metadata names it.
  for (const deadline = Date.now() + 20_000; ; await sleep(200)) {
    const md = await a.fetchTopicMetadata({ topics: ['basics'] }).catch(() => null);
    if (md !== null && md.topics[0]?.partitions.length === 3) break;
    if (Date.now() > deadline) throw new Error('the follower never listed topic basics');
  }
  // kafkajs's setOffsets joins the group as a consumer, seeks and commits as it stops; a lease moving
  // under it (shards still spreading) makes it rejoin and can drop a seek before the commit. Such a
  // round is tried again (at most three, printed); the read-back must match in one of them.
  let readBack: Array<[number, string]> = [];
  for (let attempt = 1; attempt <= 3; attempt++) {
    const set = await a.setOffsets({ groupId: g, topic: 'basics', partitions: [{ partition: 0, offset: '42' }, { partition: 2, offset: '7' }] }).then(() => null, (e: Error) => e.message);
    const fetched = await a.fetchOffsets({ groupId: g, topics: ['basics'] });
    readBack = fetched[0]!.partitions.map((p): [number, string] => [p.partition, p.offset]).sort();
    if (set === null && JSON.stringify(readBack) === JSON.stringify([[0, '42'], [1, '-1'], [2, '7']])) break;
    console.log(`cluster-basics: setOffsets round ${attempt}: ${set ?? 'ok'}, read back ${JSON.stringify(readBack)}; coordinator now ${(await findCoordinator(brokers[0]!, g)).coordinator}`);
  }
  expect(readBack).toEqual([[0, '42'], [1, '-1'], [2, '7']]);
  await a.disconnect();
  expect(shardOf(g, 12)).toBeGreaterThanOrEqual(0);

  // The group pages and gauges of each broker show the groups of the shards it coordinates.
  const get = async (nodeId: number, p: string): Promise<{ status: number; body: string }> => {
    const r = await fetch(`http://127.0.0.1:${metricsPorts[nodeId - 1]}${p}`);
    return { status: r.status, body: await r.text() };
  };
  // Leases may still be spreading: the owner is whoever FindCoordinator names when its page lists the group.
  let owner = -1;
  for (const deadline = Date.now() + 20_000; ; await sleep(200)) {
    const now = (await findCoordinator(brokers[0]!, g)).coordinator;
    if (now > 0) {
      const listed = JSON.parse((await get(now, '/groups')).body) as Array<{ groupId: string }>;
      if (listed.some((x) => x.groupId === g)) {
        owner = now;
        break;
      }
    }
    if (Date.now() > deadline) throw new Error(`no coordinator's /groups page listed ${g}`);
  }
  expect((await get(owner, `/groups/${encodeURIComponent(g)}/history`)).status).toBe(200);
  const page = await get(owner, `/groups/${encodeURIComponent(g)}`);
  expect(page.status).toBe(200);
  expect(page.body).toContain(g);
  for (const other of [1, 2, 3].filter((id) => id !== owner)) {
    expect((await get(other, `/groups/${encodeURIComponent(g)}/history`)).status).toBe(404);
    expect(JSON.parse((await get(other, '/groups')).body).map((x: { groupId: string }) => x.groupId)).not.toContain(g);
  }
  const empty = (await get(owner, '/metrics')).body.match(/^cohort_groups\{state="Empty"\} (\d+)/m);
  expect(Number(empty?.[1])).toBeGreaterThanOrEqual(1);
});

/** FindCoordinator v4 (batched, KIP-699) over a raw connection: the coordinator node id of a group (-1: none). */
const findCoordinator = async (b: BrokerProcess, groupId: string): Promise<{ coordinator: number; errorCode: number }> => {
  const c = await RawClient.connect(b.port);
  try {
    const r = await c.send(API_KEY.FindCoordinator, 4, { keyType: 0, coordinatorKeys: [groupId] });
    const one = r.body.coordinators[0];
    return { coordinator: one.nodeId, errorCode: one.errorCode };
  } finally {
    c.close();
  }
};

test('issue 15: Produce and Fetch sent to a broker that does not lead the partition answer NOT_LEADER_OR_FOLLOWER', async () => {
  await waitForOwners();
  const a = kafka(brokers[0]!).admin();
  await a.connect();
  await a.createTopics({ topics: [{ topic: 'guarded', numPartitions: 1 }], waitForLeaders: true });
  await a.disconnect();
  // The partition's leader is whoever holds its lease (any broker): ask Metadata, then send to another one.
  let follower: BrokerProcess | undefined;
  for (const deadline = Date.now() + 20_000; follower === undefined; await sleep(200)) {
    const probe = await RawClient.connect(brokers[0]!.port);
    try {
      const md = await probe.send(API_KEY.Metadata, 12, { topics: [{ topicId: ZERO_UUID, name: 'guarded' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      const leader = md.body.topics[0]?.partitions[0]?.leaderId ?? -1;
      if (leader > 0) follower = brokers[leader === 1 ? 1 : 0];
    } finally {
      probe.close();
    }
    if (follower === undefined && Date.now() > deadline) throw new Error('partition guarded/0 never got a leader');
  }
  const c = await RawClient.connect(follower!.port);
  try {
    const produced = await c.send(API_KEY.Produce, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'guarded', partitionData: [{ index: 0, records: buildRecordBatch({ records: [{ value: Buffer.from('v') }] }) }] }] });
    expect(produced.body.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const fetched = await c.send(API_KEY.Fetch, 11, {
      replicaId: -1, maxWaitMs: 10, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'guarded', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    expect(fetched.body.responses[0].partitions[0].errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  } finally {
    c.close();
  }
});

test('issue 15: a follower answers topic, config and ACL writes NOT_CONTROLLER and writes nothing; kafkajs admin bootstrapped at it follows controllerId', async () => {
  await waitForOwners();
  const a0 = kafka(brokers[0]!).admin();
  await a0.connect();
  const controller = (await a0.describeCluster()).controller!;
  await a0.disconnect();
  const follower = brokers.find((b) => b !== brokers[controller - 1])!;
  const c = await RawClient.connect(follower.port);
  try {
    const created = await c.send(API_KEY.CreateTopics, 7, {
      topics: [{ name: 'nc-topic', numPartitions: 2, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false,
    });
    expect(created.body.topics[0].errorCode).toBe(ErrorCode.NOT_CONTROLLER);
    const deleted = await c.send(API_KEY.DeleteTopics, 6, { topics: [{ name: 'basics', topicId: ZERO_UUID }], timeoutMs: 5000 });
    expect(deleted.body.responses[0].errorCode).toBe(ErrorCode.NOT_CONTROLLER);
    const altered = await c.send(API_KEY.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 2, resourceName: 'basics', configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }] }], validateOnly: false,
    });
    expect(altered.body.responses[0].errorCode).toBe(ErrorCode.NOT_CONTROLLER);
    // The follower stays up and its Metadata has no trace of the refused topic.
    const md = await c.send(API_KEY.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    expect(md.body.topics.map((t: { name: string }) => t.name)).not.toContain('nc-topic');
  } finally {
    c.close();
  }
  // A real client sends these to Metadata's controllerId, whichever broker it bootstrapped from.
  const admin = kafka(follower).admin();
  await admin.connect();
  expect(await admin.createTopics({ topics: [{ topic: 'via-follower', numPartitions: 2 }], waitForLeaders: true })).toBe(true);
  await admin.createPartitions({ topicPartitions: [{ topic: 'via-follower', count: 3 }] });
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'via-follower', configEntries: [{ name: 'retention.ms', value: '3600000' }] }] });
  await admin.deleteTopics({ topics: ['via-follower'] });
  await admin.disconnect();
}, 60_000);
