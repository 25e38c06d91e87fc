import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { API_KEY } from '../../src/adapters/kafka/protocol';
import { startBrokerProcess, sleep, type BrokerProcess } from './support/broker-process';
import { RawClient } from './support/raw-client';

/*
 * Issue 12 acceptance with a real KIP-848 client: node-rdkafka 3.6.1 (librdkafka 2.12.0) with
 * group.protocol=consumer — ConsumerGroupHeartbeat v1 with client-generated member ids, server-side
 * assignment, OffsetCommit/OffsetFetch v9 with member epochs. Members run in child processes (the
 * compat driver's `member` operation); the group is read over the wire with ConsumerGroupDescribe.
 */

/* eslint-disable @typescript-eslint/no-require-imports */
interface MemberState { assignment: number[] | null; records: Array<{ p: number; o: number; v: string }>; errors: string[]; assignments: number; describe(): string }
interface Member { state: MemberState; stop(): Promise<void> }
const driver = require('../compat/clients/node-rdkafka-driver') as { consumerProtocol: { startMember(b: string, o: { topic: string; group: string; label: string }): Promise<Member> } };
const { killAllTracked } = require('../compat/bounded-process') as { killAllTracked(): void };

const waitFor = async (cond: () => boolean | Promise<boolean>, ms: number, what: () => string): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await sleep(100);
  }
};

const ARGS = ['--group-consumer-heartbeat-interval-ms', '250'];

const describeGroup = async (port: number, groupId: string): Promise<any> => {
  const c = await RawClient.connect(port);
  try {
    return (await c.send(API_KEY.ConsumerGroupDescribe, 0, { groupIds: [groupId], includeAuthorizedOperations: false })).body.groups[0];
  } finally {
    c.close();
  }
};

const kafka = (port: number) => new Kafka({ clientId: 'kip848-e2e', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING });

const produce = async (port: number, topic: string, batch: string, n: number): Promise<void> => {
  const p = kafka(port).producer();
  await p.connect();
  await p.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ key: `k${i % 6}`, value: `${batch}:${i}` })) });
  await p.disconnect();
};

const split = (members: Member[], n: number): string | null => {
  const seen = new Set<number>();
  for (const m of members) {
    if (!m.state.assignment || m.state.assignment.length === 0) return `${m.state.describe()} has nothing`;
    for (const p of m.state.assignment) {
      if (seen.has(p)) return `partition ${p} owned twice`;
      seen.add(p);
    }
  }
  return seen.size === n ? null : `${seen.size} of ${n} partitions owned`;
};

describe('KIP-848 consumer groups with librdkafka 2.12 (group.protocol=consumer)', () => {
  let broker: BrokerProcess;
  const members: Member[] = [];

  afterEach(async () => {
    await Promise.all(members.splice(0).map((m) => m.stop().catch(() => undefined)));
    await broker?.stop().catch(() => undefined);
    killAllTracked();
  });

  test('PE-11 a broker restart (SIGTERM, same data dir) resumes at the same epochs: no rebalance, no redelivery; KC-50 describe over the wire', async () => {
    broker = await startBrokerProcess({ args: ARGS });
    const admin = kafka(broker.port).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'kip848-restart', numPartitions: 6 }] });
    await admin.disconnect();
    await produce(broker.port, 'kip848-restart', 'b1', 60);
    // One member consumes and commits the first batch, then a second joins: the uniform assignor moves
    // half the partitions to it, revoked first (KC-26). (Two members racing from the start could make the
    // first commit a record after revoking it, which Kafka does not prevent either: only epochs are checked.)
    members.push(await driver.consumerProtocol.startMember(broker.bootstrap, { topic: 'kip848-restart', group: 'kip848-g', label: 'a' }));
    await waitFor(() => members[0]!.state.records.length >= 60, 30_000, () => members[0]!.state.describe());
    members.push(await driver.consumerProtocol.startMember(broker.bootstrap, { topic: 'kip848-restart', group: 'kip848-g', label: 'b' }));
    await waitFor(() => split(members, 6) === null, 30_000, () => `the split: ${split(members, 6)} — ${members.map((m) => m.state.describe()).join('; ')}`);
    const before = await describeGroup(broker.port, 'kip848-g');
    expect(before).toMatchObject({ errorCode: 0, groupState: 'Stable', assignorName: 'uniform' });
    expect(before.members).toHaveLength(2);
    expect(before.members.every((m: any) => m.memberEpoch === before.groupEpoch)).toBe(true);
    const assignmentsBefore = members.map((m) => m.state.assignments);

    const { dataDir, port } = broker;
    expect(await broker.stop('SIGTERM')).toBe(0);
    broker = await startBrokerProcess({ dataDir, port, args: ARGS });
    // The members reconnect and heartbeat at their persisted epochs: nothing moves.
    await sleep(2000);
    const after = await describeGroup(broker.port, 'kip848-g');
    expect({ groupEpoch: after.groupEpoch, assignmentEpoch: after.assignmentEpoch, state: after.groupState })
      .toEqual({ groupEpoch: before.groupEpoch, assignmentEpoch: before.assignmentEpoch, state: 'Stable' });
    expect(after.members.map((m: any) => [m.memberId, m.memberEpoch, m.assignment]).sort())
      .toEqual(before.members.map((m: any) => [m.memberId, m.memberEpoch, m.assignment]).sort());
    expect(members.map((m) => m.state.assignments)).toEqual(assignmentsBefore);

    await produce(broker.port, 'kip848-restart', 'b2', 30);
    await waitFor(() => members.reduce((n, m) => n + m.state.records.filter((r) => r.v.startsWith('b2:')).length, 0) >= 30, 30_000, () => members.map((m) => m.state.describe()).join('; '));
    await sleep(500);
    const all = members.flatMap((m) => m.state.records.map((r) => r.v));
    expect(all.length).toBe(90);
    expect(new Set(all).size).toBe(90);

    // CG-71: ListGroups v5 filters by type; OffsetFetch sees the committed offsets.
    const raw = await RawClient.connect(broker.port);
    const listed = await raw.send(API_KEY.ListGroups, 5, { statesFilter: [], typesFilter: ['consumer'] });
    expect(listed.body.groups).toEqual([expect.objectContaining({ groupId: 'kip848-g', groupType: 'consumer', protocolType: 'consumer', groupState: 'Stable' })]);
    raw.close();
    const offsets = await (async () => {
      const a = kafka(broker.port).admin();
      await a.connect();
      try {
        return await a.fetchOffsets({ groupId: 'kip848-g', topics: ['kip848-restart'] });
      } finally {
        await a.disconnect();
      }
    })();
    const lastByPartition = new Map<number, number>();
    for (const m of members) for (const r of m.state.records) lastByPartition.set(r.p, Math.max(lastByPartition.get(r.p) ?? -1, r.o + 1));
    expect(offsets[0]!.partitions.filter((p) => p.offset !== "-1").map((p) => [p.partition, Number(p.offset)]).sort()).toEqual([...lastByPartition].sort());
  }, 120_000);

  test('KC-10 bad input over the wire: every invalid heartbeat gets its Kafka error on the same open connection', async () => {
    broker = await startBrokerProcess({ args: [...ARGS, '--group-consumer-max-size', '1'] });
    const raw = await RawClient.connect(broker.port);
    try {
      const hb = (over: object, version = 1) => raw.send(API_KEY.ConsumerGroupHeartbeat, version, {
        groupId: 'bad-g', memberId: 'm1', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30000,
        subscribedTopicNames: ['t'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [], ...over,
      });
      const cases: Array<[object, number]> = [
        [{ memberId: '' }, 42],
        [{ groupId: ' ' }, 42],
        [{ rebalanceTimeoutMs: -1 }, 42],
        [{ topicPartitions: null }, 42],
        [{ subscribedTopicNames: null }, 42],
        [{ memberEpoch: -2 }, 42],
        [{ memberEpoch: -7 }, 42],
        [{ serverAssignor: 'cooperative-sticky' }, 112],
        [{ subscribedTopicNames: null, subscribedTopicRegex: '(?<=x)y' }, 128],
        [{ memberEpoch: 3 }, 69],
        [{}, 0],
        [{ memberId: 'm2' }, 81],
        [{ memberId: 'm1', memberEpoch: 9, topicPartitions: null }, 110],
        // Kafka checks the group size before it looks the member up (throwIfConsumerGroupIsFull).
        [{ memberId: 'zz', memberEpoch: 1, topicPartitions: null }, 81],
      ];
      const got: Array<[string, number]> = [];
      for (const [over] of cases) got.push([JSON.stringify(over), (await hb(over)).body.errorCode]);
      expect(got).toEqual(cases.map(([over, code]) => [JSON.stringify(over), code]));
      expect(raw.closed).toBe(false);
      const d = await raw.send(API_KEY.ConsumerGroupDescribe, 0, { groupIds: ['', 'bad-g', 'none'], includeAuthorizedOperations: true });
      expect(d.body.groups.map((g: any) => g.errorCode)).toEqual([24, 0, 69]);
      expect(d.body.groups[1].authorizedOperations).toBe(3400);
    } finally {
      raw.close();
    }
  }, 60_000);

  test('KC-12 a regex subscription (librdkafka `^pattern`, RE2 full match) gets the matching topics, and KC-24 a topic created later', async () => {
    broker = await startBrokerProcess({ args: ARGS });
    const admin = kafka(broker.port).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'rx-orders-1', numPartitions: 2 }, { topic: 'rx-other', numPartitions: 2 }] });
    // A child node-rdkafka consumer subscribed to a regex; it prints its assignment as topic:partition.
    const script = `
      const Kafka = require(${JSON.stringify(path.resolve(__dirname, '../../node_modules/node-rdkafka'))});
      const c = new Kafka.KafkaConsumer({ 'bootstrap.servers': '${broker.bootstrap}', 'group.id': 'rx-g', 'group.protocol': 'consumer',
        'topic.metadata.refresh.interval.ms': 500,
        rebalance_cb: (err, a) => { if (err.code === Kafka.CODES.ERRORS.ERR__ASSIGN_PARTITIONS) c.incrementalAssign(a); else c.incrementalUnassign(a);
          console.log(JSON.stringify(c.assignments().map((t) => t.topic + ':' + t.partition).sort())); } }, {});
      c.connect({}, () => { c.subscribe(['^rx-orders-.*']); setInterval(() => c.consume(1, () => undefined), 100); });
      process.on('SIGTERM', () => c.disconnect(() => process.exit(0)));`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let last: string[] = [];
    child.stdout.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.startsWith('[')) last = JSON.parse(line);
    });
    try {
      await waitFor(() => last.join() === 'rx-orders-1:0,rx-orders-1:1', 30_000, () => `the regex member's assignment (${last})`);
      await admin.createTopics({ topics: [{ topic: 'rx-orders-2', numPartitions: 1 }] });
      await waitFor(() => last.join() === 'rx-orders-1:0,rx-orders-1:1,rx-orders-2:0', 30_000, () => `the new topic in the assignment (${last})`);
      const d = await describeGroup(broker.port, 'rx-g');
      expect(d.members[0].subscribedTopicRegex).toBe('(^rx-orders-.*)');
    } finally {
      child.kill('SIGTERM');
      await admin.disconnect();
    }
  }, 90_000);
});
