import { Kafka, logLevel, type Admin, type Consumer, type Producer } from 'kafkajs';
import { decodeConsumerAssignment, decodeConsumerSubscription } from '../../src/adapters/kafka/protocol';
import { startBrokerProcess, sleep, type BrokerProcess } from './support/broker-process';

/*
 * Issue 3 acceptance: the kafkajs 2.2.4 admin client against cohort-server gets Apache Kafka's answers for
 * the classic-group admin APIs (CG-70 DescribeGroups, CG-71 ListGroups, CG-72 DeleteGroups, OF-30..32
 * OffsetFetch) and for its offset resets, which kafkajs implements as an OffsetCommit from a short-lived
 * group member (setOffsets joins the group, seeks, leaves). A consumer started afterwards must begin at the
 * offsets the reset wrote.
 */

const TOPIC = 'admin-topic';
const GROUP = 'admin-group';
const PARTITIONS = 2;

const waitUntil = async (cond: () => boolean, ms: number, what: () => string): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await sleep(50);
  }
};

interface Seen { partition: number; offset: number; value: string }

describe('kafkajs admin against cohort-server (issue 3: CG-70..72, OF-30..32)', () => {
  let broker: BrokerProcess;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  const consumers: Consumer[] = [];

  /** A consumer in GROUP that records what it reads; `fromBeginning` is the fallback when nothing is committed. */
  const startConsumer = async (clientId: string, fromBeginning: boolean): Promise<{ consumer: Consumer; seen: Seen[] }> => {
    const consumer = new Kafka({ clientId, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
      .consumer({ groupId: GROUP, sessionTimeout: 6000, heartbeatInterval: 300, rebalanceTimeout: 6000, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    const seen: Seen[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({ partition, offset: Number(message.offset), value: message.value!.toString() });
      },
    });
    return { consumer, seen };
  };

  const firstOffsets = (seen: Seen[]): Record<number, number> => {
    const out: Record<number, number> = {};
    for (const s of seen) out[s.partition] = Math.min(out[s.partition] ?? Infinity, s.offset);
    return out;
  };

  const committed = async (): Promise<Record<number, string>> => {
    const [t] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    return Object.fromEntries(t.partitions.map((p) => [p.partition, p.offset]));
  };

  const endOffsets = async (): Promise<Record<number, number>> =>
    Object.fromEntries((await admin.fetchTopicOffsets(TOPIC)).map((p) => [p.partition, Number(p.high)]));

  const produce = async (n: number, tag: string): Promise<void> => {
    await producer.send({ topic: TOPIC, messages: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `${tag}-${i}` })) });
  };

  beforeAll(async () => {
    broker = await startBrokerProcess();
    kafka = new Kafka({ clientId: 'e2e-admin', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
    producer = kafka.producer();
    await producer.connect();
    await produce(20, 'first');
  }, 30_000);

  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  }, 30_000);

  it('CG-70/CG-71/CG-72/GEN-8: a live group is Stable with its member, listed, and cannot be deleted (NON_EMPTY_GROUP)', async () => {
    const { seen } = await startConsumer('admin-member', true);
    await waitUntil(() => seen.length >= 20, 20_000, () => `the member to read 20 messages (read ${seen.length})`);

    const { groups } = await admin.describeGroups([GROUP, 'no-such-group']);
    const [live, missing] = groups;
    expect(live).toMatchObject({ groupId: GROUP, errorCode: 0, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(live.members).toHaveLength(1);
    const m = live.members[0];
    expect(m.clientId).toBe('admin-member');
    expect(m.clientHost).toBe('/127.0.0.1');
    expect(m.memberId).toMatch(/^admin-member-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // CG-70: a Stable group shows each member's metadata for the selected protocol and its assignment.
    expect(decodeConsumerSubscription(m.memberMetadata).topics).toEqual([TOPIC]);
    expect(decodeConsumerAssignment(m.memberAssignment).assignedPartitions).toEqual([{ topic: TOPIC, partitions: [0, 1] }]);
    // CG-70 (DescribeGroups below v6): a missing group is Dead with no error.
    expect(missing).toEqual({ groupId: 'no-such-group', errorCode: 0, state: 'Dead', protocolType: '', protocol: '', members: [] });

    expect((await admin.listGroups()).groups).toEqual([{ groupId: GROUP, protocolType: 'consumer' }]);

    // CG-72: DeleteGroups of a group with members answers NON_EMPTY_GROUP (68), of a missing one GROUP_ID_NOT_FOUND (69).
    await expect(admin.deleteGroups([GROUP])).rejects.toMatchObject({ groups: [{ groupId: GROUP, errorCode: 68, error: { type: 'NON_EMPTY_GROUP' } }] });
    await expect(admin.deleteGroups(['no-such-group'])).rejects.toMatchObject({
      groups: [{ groupId: 'no-such-group', errorCode: 69, error: { type: 'GROUP_ID_NOT_FOUND' } }],
    });
    // kafkajs refuses to reset a group that has members: it reads the state from DescribeGroups.
    await expect(admin.setOffsets({ groupId: GROUP, topic: TOPIC, partitions: [{ partition: 0, offset: '0' }] }))
      .rejects.toThrow('The consumer group must have no running instances, current state: Stable');
  }, 45_000);

  it('OF-30/OF-32/CG-16: after the member leaves, the group is Empty and its committed offsets are the end offsets', async () => {
    const c = consumers.pop()!;
    await c.disconnect();
    const { groups: [g] } = await admin.describeGroups([GROUP]);
    expect(g).toEqual({ groupId: GROUP, errorCode: 0, state: 'Empty', protocolType: 'consumer', protocol: '', members: [] });
    const ends = await endOffsets();
    expect(await committed()).toEqual(Object.fromEntries(Object.entries(ends).map(([p, o]) => [p, String(o)])));
  }, 30_000);

  it('resetOffsets earliest: the committed offset is -2 as written, resolves to 0, and a consumer without fromBeginning starts at 0', async () => {
    await admin.resetOffsets({ groupId: GROUP, topic: TOPIC, earliest: true });
    // Kafka stores whatever offset is committed; kafkajs writes the sentinel -2 (EARLIEST) and resolves it later.
    expect(await committed()).toEqual({ 0: '-2', 1: '-2' });
    const [resolved] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC], resolveOffsets: true });
    expect(resolved.partitions.map((p) => [p.partition, p.offset])).toEqual([[0, '0'], [1, '0']]);
    expect(await committed()).toEqual({ 0: '0', 1: '0' });

    const { consumer, seen } = await startConsumer('after-earliest', false);
    await waitUntil(() => seen.length >= 20, 20_000, () => `20 messages after the reset (read ${seen.length})`);
    expect(firstOffsets(seen)).toEqual({ 0: 0, 1: 0 });
    expect(seen.filter((s) => s.value.startsWith('first-'))).toHaveLength(20);
    consumers.splice(consumers.indexOf(consumer), 1);
    await consumer.disconnect();
  }, 45_000);

  it('resetOffsets latest: the committed offset resolves to the end, and a consumer with fromBeginning reads only newer records', async () => {
    await admin.resetOffsets({ groupId: GROUP, topic: TOPIC, earliest: false });
    expect(await committed()).toEqual({ 0: '-1', 1: '-1' });
    const ends = await endOffsets();
    const [resolved] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC], resolveOffsets: true });
    expect(Object.fromEntries(resolved.partitions.map((p) => [p.partition, Number(p.offset)]))).toEqual(ends);

    await produce(10, 'second');
    const { consumer, seen } = await startConsumer('after-latest', true);
    await waitUntil(() => seen.length >= 10, 20_000, () => `the 10 newer messages (read ${seen.length})`);
    await sleep(500); // an older record delivered late would show up here
    expect(seen.map((s) => s.value).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `second-${i}`).sort());
    for (const [p, o] of Object.entries(firstOffsets(seen))) expect(o).toBe(ends[Number(p)]);
    consumers.splice(consumers.indexOf(consumer), 1);
    await consumer.disconnect();
  }, 45_000);

  it('setOffsets: explicit offsets are committed as given and a new consumer starts exactly there', async () => {
    await admin.setOffsets({ groupId: GROUP, topic: TOPIC, partitions: [{ partition: 0, offset: '3' }, { partition: 1, offset: '5' }] });
    expect(await committed()).toEqual({ 0: '3', 1: '5' });
    const ends = await endOffsets();
    const expected = ends[0] - 3 + ends[1] - 5;
    const { consumer, seen } = await startConsumer('after-set', true);
    await waitUntil(() => seen.length >= expected, 20_000, () => `${expected} messages after setOffsets (read ${seen.length})`);
    await sleep(500);
    expect(seen).toHaveLength(expected);
    expect(firstOffsets(seen)).toEqual({ 0: 3, 1: 5 });
    consumers.splice(consumers.indexOf(consumer), 1);
    await consumer.disconnect();
  }, 45_000);

  it('CG-72/OF-31: an Empty group is deleted with its offsets; it is no longer listed and describes as Dead', async () => {
    expect(await admin.deleteGroups([GROUP])).toEqual([{ groupId: GROUP, errorCode: 0 }]);
    expect((await admin.listGroups()).groups).toEqual([]);
    const { groups: [g] } = await admin.describeGroups([GROUP]);
    expect(g).toMatchObject({ groupId: GROUP, errorCode: 0, state: 'Dead', members: [] });
    expect(await committed()).toEqual({ 0: '-1', 1: '-1' });
    await expect(admin.deleteGroups([GROUP])).rejects.toMatchObject({ groups: [{ groupId: GROUP, errorCode: 69 }] });
  }, 30_000);
});
