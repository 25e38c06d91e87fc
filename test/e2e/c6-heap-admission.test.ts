import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { RawClient } from './support/raw-client';
import { startBrokerProcess, sleep, type BrokerProcess } from './support/broker-process';

/*
 * benchmarks.md C6 / reliability.md G7: under a heap cap, growth ends with admission control's Kafka
 * error, not the V8 OOM killer. A broker capped at 64 MiB is filled with simple groups of 1,000
 * committed offsets each until it refuses (COORDINATOR_NOT_AVAILABLE on a commit that adds offsets);
 * then a kafkajs consumer joining a new group gets GROUP_MAX_SIZE_REACHED, while a kafkajs group
 * formed before the fill keeps consuming and committing, the process never exits, and after kill -9
 * the broker recovers every acknowledged group under the same cap.
 */

const CAP = ['--max-old-space-size=64'];
const PARTITIONS = 1000;
const OFFSET_COMMIT = 8;
const OFFSET_FETCH = 9;
const JOIN_GROUP = 11;

jest.setTimeout(240_000);

const waitUntil = async (cond: () => boolean, ms: number, what: string): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
};

describe('C6/G7 heap admission control: a capped broker refuses growth and keeps what it holds', () => {
  let broker: BrokerProcess;
  const consumers: Consumer[] = [];
  let raw: RawClient | null = null;

  afterAll(async () => {
    for (const c of consumers) await c.disconnect().catch(() => undefined);
    raw?.close();
    await broker?.kill9();
  });

  test('C6/G7: fill to the limit → refusals with Kafka errors (kafkajs sees GROUP_MAX_SIZE_REACHED), no OOM, steady group unaffected, kill -9 recovery under the same cap', async () => {
    broker = await startBrokerProcess({ env: { NODE_OPTIONS: CAP.join(' ') }, args: ['--num-partitions', String(PARTITIONS)] });
    const kafka = new Kafka({ clientId: 'c6', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100 } });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'steady-topic', numPartitions: 1 }, { topic: 'fill', numPartitions: PARTITIONS }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();

    // A steady kafkajs group, formed before the fill, consuming and committing throughout.
    const steady = kafka.consumer({ groupId: 'steady', sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    consumers.push(steady);
    let steadyCrashed: unknown = null;
    steady.on(steady.events.CRASH, (e) => { steadyCrashed = e.payload.error; });
    const seen: string[] = [];
    await steady.connect();
    await steady.subscribe({ topics: ['steady-topic'], fromBeginning: true });
    await steady.run({ autoCommitInterval: 200, eachMessage: async ({ message }) => { seen.push(message.value!.toString()); } });
    await producer.send({ topic: 'steady-topic', messages: [{ value: 'before' }] });
    await waitUntil(() => seen.includes('before'), 30_000, 'the steady group to consume');

    // Fill: simple groups (generation -1) of 1,000 offsets each, 4 commits in flight, until refused.
    raw = await RawClient.connect(broker.port);
    const partitions = Array.from({ length: PARTITIONS }, (_, p) => ({ partitionIndex: p, committedOffset: BigInt(p + 1), committedMetadata: '' }));
    const commit = (groupId: string) => raw!.send(OFFSET_COMMIT, 2, { groupId, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n, topics: [{ name: 'fill', partitions }] });
    const acknowledged: string[] = [];
    let refusal: number | null = null;
    /** Commits to new groups; records the acknowledged ones; returns the first refusal's code, if any. */
    const fill = async (names: string[]): Promise<number | null> => {
      let refused: number | null = null;
      const answers = await Promise.all(names.map((n) => commit(n)));
      answers.forEach((a, i) => {
        const codes = new Set(a.body.topics[0].partitions.map((p: { errorCode: number }) => p.errorCode));
        expect(codes.size).toBe(1); // a commit is admitted or refused whole
        const [code] = [...codes] as number[];
        if (code === 0) acknowledged.push(names[i]!);
        else refused ??= code;
      });
      return refused;
    };
    for (let g = 0; g < 4000 && refusal === null; g += 4) refusal = await fill([0, 1, 2, 3].map((k) => `fill-${g + k}`));
    expect(refusal).toBe(15); // COORDINATOR_NOT_AVAILABLE: a write the coordinator cannot make now
    expect(acknowledged.length).toBeGreaterThan(100);
    expect(broker.logs.some((l) => l.includes('heap near its limit'))).toBe(true);

    // A raw JoinGroup of a new member: GROUP_MAX_SIZE_REACHED, no member id handed out. The first
    // refusal may come from garbage (heap in use past its mark) that the next full collection frees:
    // then the coordinator admits again, and the fill goes on until the live heap itself is at the limit.
    let join = { body: { errorCode: -1, memberId: 'unset' } };
    for (let tries = 0; tries < 200 && join.body.errorCode !== 81; tries++) {
      join = await raw.send(JOIN_GROUP, 5, { groupId: `late-raw-${tries}`, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] });
      if (join.body.errorCode !== 81) await fill([`more-${tries}`]);
    }
    expect(join.body.errorCode).toBe(81);
    expect(join.body.memberId).toBe('');

    // A real client joining a new group sees the refusal as Kafka's error. As for the raw join above,
    // a full collection between the two may free garbage and admit it (a clean-clone CI run saw the
    // consumer join): then it leaves, the fill goes on, and a new consumer tries (at most five).
    let lateError: { type?: string } | null = null;
    for (let attempt = 0; attempt < 5 && lateError === null; attempt++) {
      const late = kafka.consumer({ groupId: `late-${attempt}`, sessionTimeout: 10_000, retry: { retries: 0 } });
      consumers.push(late);
      let joined = false;
      late.on(late.events.CRASH, (e) => { lateError = e.payload.error as { type?: string }; });
      late.on(late.events.GROUP_JOIN, () => { joined = true; });
      await late.connect();
      await late.subscribe({ topics: ['steady-topic'], fromBeginning: true });
      await late.run({ eachMessage: async () => undefined });
      await waitUntil(() => lateError !== null || joined, 60_000, 'the late consumer to be refused');
      if (lateError !== null) break;
      console.log(`c6-heap-admission: late consumer ${attempt} was admitted (garbage freed since the raw refusal); filling on`);
      await late.disconnect();
      for (let k = 0; k < 40; k++) await fill([`late-fill-${attempt}-${k}`]);
    }
    expect(lateError).not.toBeNull();
    expect(lateError!.type).toBe('GROUP_MAX_SIZE_REACHED');

    // The steady group still consumes and commits (offsets it has), and the process is alive.
    await producer.send({ topic: 'steady-topic', messages: [{ value: 'after' }] });
    await waitUntil(() => seen.includes('after'), 30_000, 'the steady group to consume after the fill');
    await sleep(1000);
    expect(steadyCrashed).toBeNull();
    const [steadyOffsets] = await admin.fetchOffsets({ groupId: 'steady', topics: ['steady-topic'] });
    expect(steadyOffsets!.partitions[0]!.offset).toBe('2');
    expect(broker.child.exitCode).toBeNull();

    // kill -9, restart under the same cap: every acknowledged group is recovered.
    for (const c of consumers.splice(0)) await c.disconnect().catch(() => undefined);
    await producer.disconnect();
    await admin.disconnect();
    raw.close();
    const dataDir = broker.dataDir;
    await broker.kill9();
    broker = await startBrokerProcess({ dataDir, env: { NODE_OPTIONS: CAP.join(' ') }, args: ['--num-partitions', String(PARTITIONS)] });
    raw = await RawClient.connect(broker.port);
    for (const groupId of [acknowledged[0]!, acknowledged[acknowledged.length >> 1]!, acknowledged[acknowledged.length - 1]!]) {
      const f = await raw.send(OFFSET_FETCH, 7, { groupId, topics: [{ name: 'fill', partitionIndexes: [0, PARTITIONS - 1] }], requireStable: true });
      expect(f.body.errorCode).toBe(0);
      expect(f.body.topics[0].partitions.map((p: { committedOffset: bigint }) => Number(p.committedOffset))).toEqual([1, PARTITIONS]);
    }
    const s = await raw.send(OFFSET_FETCH, 7, { groupId: 'steady', topics: [{ name: 'steady-topic', partitionIndexes: [0] }], requireStable: true });
    expect(Number(s.body.topics[0].partitions[0].committedOffset)).toBe(2);
    expect(broker.child.exitCode).toBeNull();
  });
});
