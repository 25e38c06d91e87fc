import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { API_KEY, decodeConsumerAssignment, encodeConsumerSubscription } from '../../src/adapters/kafka/protocol';
import { startBrokerProcess, sleep, type BrokerProcess } from './support/broker-process';
import { RawClient } from './support/raw-client';

/*
 * T-LOAD-5 (spec/reliability.md), integration half: group timers measured from outside the broker.
 *  - A raw member joins (JoinGroup v5 with the KIP-394 MEMBER_ID_REQUIRED retry, CG-24/CG-25), syncs, sends one
 *    heartbeat and goes silent while two kafkajs members keep running: CG-46 expires it sessionTimeoutMs after
 *    that heartbeat (plus at most one timer tick), CG-11 starts a rebalance the kafkajs members learn through
 *    REBALANCE_IN_PROGRESS (CG-45), and the generation rises by exactly one (CG-32). No committed offset moves.
 *  - Variant: a member that joins but never sends SyncGroup is removed by the sync timer (CG-49) after the
 *    group rebalance timeout (CG-4), well before its own session timeout would remove it.
 * Expiry is observed by polling DescribeGroups every POLL_MS on a separate connection: a poll shows the state
 * at some instant between its send and its answer, which bounds the expiry from both sides.
 */

const SESSION_TIMEOUT_MS = 6000;
const TICK_SLACK_MS = 500; // "~6.5 s": one timer tick plus the fsync of the removal and our polling period
const POLL_MS = 20;
const PARTITIONS = 4;
const ILLEGAL_GENERATION = 22;
const MEMBER_ID_REQUIRED = 79;

interface Poll { sent: number; received: number; present: boolean; state: string }
interface DescribedMember { memberId: string; clientId: string; memberAssignment: Buffer }
interface Described { groupState: string; members: DescribedMember[] }

const describeGroup = async (c: RawClient, group: string): Promise<Described> =>
  (await c.send(API_KEY.DescribeGroups, 4, { groups: [group], includeAuthorizedOperations: false })).body.groups[0];

const waitFor = async (cond: () => Promise<boolean> | boolean, ms: number, what: string): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
};

/** Polls DescribeGroups until `memberId` is gone (or `ms` passes); every poll is kept with its timing. */
const pollUntilGone = async (c: RawClient, group: string, memberId: string, ms: number): Promise<Poll[]> => {
  const polls: Poll[] = [];
  const deadline = Date.now() + ms;
  for (;;) {
    const sent = Date.now();
    const g = await describeGroup(c, group);
    const present = g.members.some((m) => m.memberId === memberId);
    polls.push({ sent, received: Date.now(), present, state: g.groupState });
    if (!present || Date.now() > deadline) return polls;
    await sleep(POLL_MS);
  }
};

/** A kafkajs member's view: its group joins, the REBALANCE_IN_PROGRESS (27) heartbeats it saw, its assignment. */
interface KafkajsMember { consumer: Consumer; joins: number; rebalancing: number; assignment: number[] }

describe('T-LOAD-5: group timers against cohort-server (CG-46, CG-49)', () => {
  let broker: BrokerProcess;
  let producer: Producer;
  const consumers: Consumer[] = [];
  const raws: RawClient[] = [];

  const raw = async (): Promise<RawClient> => {
    const c = await RawClient.connect(broker.port);
    raws.push(c);
    return c;
  };

  const startKafkajs = async (group: string, topic: string, label: string, rebalanceTimeout: number): Promise<KafkajsMember> => {
    const consumer = new Kafka({ clientId: label, brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
      .consumer({ groupId: group, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 300, rebalanceTimeout, maxWaitTimeInMs: 100 });
    consumers.push(consumer);
    const m: KafkajsMember = { consumer, joins: 0, rebalancing: 0, assignment: [] };
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      m.joins += 1;
      m.assignment = [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
    });
    consumer.on(consumer.events.REBALANCING, () => { m.rebalancing += 1; });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => undefined });
    return m;
  };

  /** Two kafkajs members that have consumed (and committed) every record of `topic`, in a Stable group. */
  const stableKafkajsPair = async (group: string, topic: string, rebalanceTimeout: number): Promise<KafkajsMember[]> => {
    const admin = new Kafka({ clientId: 'timers-admin', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
    await producer.send({ topic, messages: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    const members = [await startKafkajs(group, topic, `${group}-a`, rebalanceTimeout), await startKafkajs(group, topic, `${group}-b`, rebalanceTimeout)];
    const probe = await raw();
    await waitFor(async () => {
      const g = await describeGroup(probe, group);
      return g.groupState === 'Stable' && g.members.length === 2 && members.every((m) => m.assignment.length === 2);
    }, 30_000, 'two kafkajs members in a Stable group');
    await waitFor(async () => {
      const [t] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return t.partitions.reduce((n, p) => n + Math.max(Number(p.offset), 0), 0) === 40;
    }, 20_000, 'all 40 records committed');
    await admin.disconnect();
    return members;
  };

  const committedOffsets = async (c: RawClient, group: string, topic: string): Promise<number[]> => {
    const r = await c.send(API_KEY.OffsetFetch, 5, { groupId: group, topics: [{ name: topic, partitionIndexes: [0, 1, 2, 3] }], requireStable: false });
    return r.body.topics[0].partitions.map((p: { committedOffset: bigint }) => Number(p.committedOffset));
  };

  /** JoinGroup v5: the first attempt is answered MEMBER_ID_REQUIRED with an id (KIP-394), the retry joins. */
  const rawJoin = async (c: RawClient, group: string, topic: string, rebalanceTimeoutMs: number) => {
    const req = {
      groupId: group, sessionTimeoutMs: SESSION_TIMEOUT_MS, rebalanceTimeoutMs, groupInstanceId: null, protocolType: 'consumer',
      // kafkajs's assignor: the raw member must share a protocol with the kafkajs members (CG-7).
      protocols: [{ name: 'RoundRobinAssigner', metadata: encodeConsumerSubscription(0, { topics: [topic] }) }],
    };
    const first = (await c.send(API_KEY.JoinGroup, 5, { ...req, memberId: '' }, 'raw-silent')).body;
    expect(first.errorCode).toBe(MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^raw-silent-[0-9a-f-]{36}$/);
    const sent = Date.now();
    const joined = (await c.send(API_KEY.JoinGroup, 5, { ...req, memberId: first.memberId }, 'raw-silent')).body;
    const received = Date.now();
    expect(joined.errorCode).toBe(0);
    expect(joined.memberId).toBe(first.memberId);
    expect(joined.protocolName).toBe('RoundRobinAssigner');
    expect(joined.leader).not.toBe(first.memberId); // the kafkajs leader kept its role (CG-32)
    return { memberId: first.memberId as string, generation: joined.generationId as number, sent, received };
  };

  /** Heartbeat v3 on behalf of a member (from any connection) answers its generation check: NONE only for the current one. */
  const heartbeatError = async (c: RawClient, group: string, memberId: string, generationId: number): Promise<number> =>
    (await c.send(API_KEY.Heartbeat, 3, { groupId: group, generationId, memberId, groupInstanceId: null })).body.errorCode;

  const expectGeneration = async (c: RawClient, group: string, memberId: string, generation: number): Promise<void> => {
    expect(await heartbeatError(c, group, memberId, generation)).toBe(0);
    expect(await heartbeatError(c, group, memberId, generation - 1)).toBe(ILLEGAL_GENERATION);
    expect(await heartbeatError(c, group, memberId, generation + 1)).toBe(ILLEGAL_GENERATION);
  };

  beforeAll(async () => {
    broker = await startBrokerProcess();
    producer = new Kafka({ clientId: 'timers-producer', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  }, 30_000);

  afterAll(async () => {
    for (const c of raws) c.close();
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
    await producer?.disconnect().catch(() => undefined);
    await broker?.stop();
  }, 30_000);

  it('T-LOAD-5/CG-46: a silent member is expired 6.0–6.5 s after its last heartbeat; the kafkajs members get 27, rejoin, generation +1', async () => {
    const group = 'timers-silent';
    const topic = 'timers-silent-topic';
    const kjs = await stableKafkajsPair(group, topic, 10_000);
    const probe = await raw();
    const offsetsBefore = await committedOffsets(probe, group, topic);

    const member = await raw();
    const { memberId, generation } = await rawJoin(member, group, topic, 10_000);
    const sync = (await member.send(API_KEY.SyncGroup, 3, { groupId: group, generationId: generation, memberId, groupInstanceId: null, assignments: [] })).body;
    expect(sync.errorCode).toBe(0);
    const mine = decodeConsumerAssignment(sync.assignment).assignedPartitions.flatMap((tp) => tp.partitions);
    expect(mine.length).toBeGreaterThan(0);
    await waitFor(async () => (await describeGroup(probe, group)).groupState === 'Stable', 10_000, 'Stable with 3 members');
    await waitFor(() => kjs.every((m) => m.assignment.length > 0 && !m.assignment.some((p) => mine.includes(p))), 10_000,
      'the kafkajs members to release the raw member\'s partitions');
    const joinsBefore = kjs.map((m) => m.joins);
    const rebalancingBefore = kjs.map((m) => m.rebalancing);

    // The last sign of life: the session timer is re-armed somewhere between this send and its answer (CG-45).
    const hbSent = Date.now();
    expect(await heartbeatError(member, group, memberId, generation)).toBe(0);
    const hbReceived = Date.now();

    const polls = await pollUntilGone(probe, group, memberId, SESSION_TIMEOUT_MS + 3000);
    const gone = polls[polls.length - 1];
    expect(gone.present).toBe(false);
    // Not a tick early: every poll answered before hbSent + 6 s still saw the member.
    expect(polls.filter((p) => p.received < hbSent + SESSION_TIMEOUT_MS && !p.present)).toEqual([]);
    // Not late: the first poll that no longer saw it was sent within 6 s + slack of the heartbeat's answer.
    expect(gone.sent - hbReceived).toBeLessThanOrEqual(SESSION_TIMEOUT_MS + TICK_SLACK_MS);
    process.stdout.write(`T-LOAD-5: silent member gone ${gone.received - hbSent} ms after its heartbeat was sent (${polls.length} polls)\n`);

    // CG-11/CG-45: the survivors are told to rejoin, do so once, and split all partitions between them.
    await waitFor(async () => {
      const g = await describeGroup(probe, group);
      return g.groupState === 'Stable' && g.members.length === 2 && kjs.every((m, i) => m.joins > joinsBefore[i]);
    }, 15_000, 'the two kafkajs members to rebalance');
    await sleep(1000); // a second, spurious rebalance would show up here
    expect(kjs.map((m, i) => m.joins - joinsBefore[i])).toEqual([1, 1]);
    expect(kjs.every((m, i) => m.rebalancing > rebalancingBefore[i])).toBe(true);
    expect(kjs.flatMap((m) => m.assignment).sort()).toEqual([0, 1, 2, 3]);
    const survivors = (await describeGroup(probe, group)).members;
    expect(survivors.map((m) => m.clientId).sort()).toEqual([`${group}-a`, `${group}-b`]);
    await expectGeneration(probe, group, survivors[0].memberId, generation + 1);
    // The expired member is told so if it ever comes back (CG-45).
    expect(await heartbeatError(member, group, memberId, generation)).toBe(25); // UNKNOWN_MEMBER_ID
    expect(await committedOffsets(probe, group, topic)).toEqual(offsetsBefore);
  }, 60_000);

  it('T-LOAD-5 variant/CG-49: a member that joins but never sends SyncGroup is removed after the rebalance timeout, not the session timeout', async () => {
    const group = 'timers-nosync';
    const topic = 'timers-nosync-topic';
    const REBALANCE_TIMEOUT_MS = 3000; // < the 6 s session timeout, so the two timers cannot be confused
    const kjs = await stableKafkajsPair(group, topic, REBALANCE_TIMEOUT_MS);
    const probe = await raw();
    const member = await raw();
    const { memberId, generation, received: joinReceived } = await rawJoin(member, group, topic, REBALANCE_TIMEOUT_MS);
    const joinsBefore = kjs.map((m) => m.joins);

    const polls = await pollUntilGone(probe, group, memberId, SESSION_TIMEOUT_MS + 2000);
    const gone = polls[polls.length - 1];
    expect(gone.present).toBe(false);
    // The sync timer starts at join completion, just before our join answer arrived (CG-33).
    expect(polls.filter((p) => p.received < joinReceived + REBALANCE_TIMEOUT_MS - 100 && !p.present)).toEqual([]);
    expect(gone.sent - joinReceived).toBeLessThanOrEqual(REBALANCE_TIMEOUT_MS + TICK_SLACK_MS);
    process.stdout.write(`CG-49: unsynced member gone ${gone.received - joinReceived} ms after its join completed\n`);

    // The kafkajs members' join of the generation that still held the unsynced member can be reported
    // after rawJoin returns (it counts in `joins`): wait for the assignment of the generation after it.
    await waitFor(async () => {
      const g = await describeGroup(probe, group);
      return g.groupState === 'Stable' && g.members.length === 2 && kjs.every((m, i) => m.joins > joinsBefore[i]) && kjs.flatMap((m) => m.assignment).length === 4;
    }, 15_000, 'the two kafkajs members to rebalance without the unsynced member');
    expect(kjs.flatMap((m) => m.assignment).sort()).toEqual([0, 1, 2, 3]);
    const survivors = (await describeGroup(probe, group)).members;
    await expectGeneration(probe, group, survivors[0].memberId, generation + 1);
    // Its late SyncGroup is refused: the member no longer exists (CG-41).
    const late = (await member.send(API_KEY.SyncGroup, 3, { groupId: group, generationId: generation, memberId, groupInstanceId: null, assignments: [] })).body;
    expect(late.errorCode).toBe(25);
  }, 60_000);
});
