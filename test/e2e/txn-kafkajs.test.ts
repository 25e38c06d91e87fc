import { Kafka, logLevel, type Admin } from 'kafkajs';
import { startBrokerProcess, type BrokerProcess } from './support/broker-process';
import { readUntilQuiet } from './support/read-until-quiet';

const readAll = (kafka: Kafka, topic: string, readUncommitted: boolean, settleMs = 1500): Promise<string[]> =>
  readUntilQuiet(kafka, topic, { readUncommitted, settleMs });

describe('transactions with kafkajs (issue 16 acceptance)', () => {
  let broker: BrokerProcess;
  let kafka: Kafka;
  let admin: Admin;
  beforeAll(async () => {
    broker = await startBrokerProcess({ args: ['--transaction-abort-timed-out-transaction-cleanup-interval-ms', '200'] });
    kafka = new Kafka({ clientId: 'txn-e2e', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await broker.stop();
  });

  it('TX-24/TX-25 MK-20 MK-21: committed records are read once by read_committed, aborted ones never; read_uncommitted sees both', async () => {
    await admin.createTopics({ topics: [{ topic: 'tx-basic', numPartitions: 2 }] });
    const producer = kafka.producer({ transactionalId: 'tx-basic-producer', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    for (let round = 0; round < 4; round++) {
      const txn = await producer.transaction();
      await txn.send({ topic: 'tx-basic', messages: [0, 1, 2].map((i) => ({ key: `k${i}`, value: `r${round}-m${i}` })) });
      if (round % 2 === 0) await txn.commit();
      else await txn.abort();
    }
    await producer.disconnect();
    const committed = await readAll(kafka, 'tx-basic', false);
    expect(committed.sort()).toEqual(['r0-m0', 'r0-m1', 'r0-m2', 'r2-m0', 'r2-m1', 'r2-m2']);
    const uncommitted = await readAll(kafka, 'tx-basic', true);
    expect(uncommitted).toHaveLength(12);
  });

  it('TO-5 TO-6: consume-process-produce with sendOffsets: committed output and offsets exactly once, aborted offsets never committed', async () => {
    await admin.createTopics({ topics: [{ topic: 'cpp-in' }, { topic: 'cpp-out' }] });
    const plain = kafka.producer();
    await plain.connect();
    await plain.send({ topic: 'cpp-in', messages: Array.from({ length: 30 }, (_, i) => ({ value: `in-${i}` })) });
    await plain.disconnect();

    const producer = kafka.producer({ transactionalId: 'cpp-producer', maxInFlightRequests: 1, idempotent: true });
    await producer.connect();
    // Process the input in batches of 10: commit, abort, then redo the aborted batch and commit.
    const batches: Array<[number, boolean]> = [[0, true], [10, false], [10, true], [20, true]];
    for (const [from, commit] of batches) {
      const txn = await producer.transaction();
      await txn.send({ topic: 'cpp-out', messages: Array.from({ length: 10 }, (_, i) => ({ value: `out-${from + i}` })) });
      await txn.sendOffsets({ consumerGroupId: 'cpp-group', topics: [{ topic: 'cpp-in', partitions: [{ partition: 0, offset: String(from + 10) }] }] });
      if (commit) await txn.commit();
      else {
        await txn.abort();
        const offsets = await admin.fetchOffsets({ groupId: 'cpp-group', topics: ['cpp-in'] });
        expect(offsets[0]!.partitions[0]!.offset).toBe('10');
      }
    }
    await producer.disconnect();
    const out = await readAll(kafka, 'cpp-out', false);
    expect(out).toEqual(Array.from({ length: 30 }, (_, i) => `out-${i}`));
    const offsets = await admin.fetchOffsets({ groupId: 'cpp-group', topics: ['cpp-in'] });
    expect(offsets[0]!.partitions[0]!.offset).toBe('30');
  });

  it('TX-44 TX-52: a second producer with the same transactional id fences the first', async () => {
    await admin.createTopics({ topics: [{ topic: 'tx-fence' }] });
    const first = kafka.producer({ transactionalId: 'fence-id', maxInFlightRequests: 1, idempotent: true, retry: { retries: 1, initialRetryTime: 50 } });
    await first.connect();
    const t1 = await first.transaction();
    await t1.send({ topic: 'tx-fence', messages: [{ value: 'zombie' }] });
    const second = kafka.producer({ transactionalId: 'fence-id', maxInFlightRequests: 1, idempotent: true });
    await second.connect();
    const t2 = await second.transaction();
    await t2.send({ topic: 'tx-fence', messages: [{ value: 'winner' }] });
    await t2.commit();
    await expect(t1.commit()).rejects.toThrow();
    await first.disconnect().catch(() => undefined);
    await second.disconnect();
    expect(await readAll(kafka, 'tx-fence', false)).toEqual(['winner']);
  });

  it('TX-59 MK-22: an abandoned transaction blocks read_committed until its timeout, then is aborted; later commits are read, the abandoned records never', async () => {
    await admin.createTopics({ topics: [{ topic: 'tx-timeout' }] });
    const abandoned = kafka.producer({ transactionalId: 'abandoned', maxInFlightRequests: 1, idempotent: true, transactionTimeout: 1500 });
    await abandoned.connect();
    const t = await abandoned.transaction();
    await t.send({ topic: 'tx-timeout', messages: [{ value: 'never' }] });
    await abandoned.disconnect(); // gone without EndTxn
    const later = kafka.producer({ transactionalId: 'later', maxInFlightRequests: 1, idempotent: true });
    await later.connect();
    const t2 = await later.transaction();
    await t2.send({ topic: 'tx-timeout', messages: [{ value: 'after' }] });
    await t2.commit();
    await later.disconnect();
    // Until the timeout, the open transaction holds the LSO (kafkajs asks read_committed, MK-23) at its first record.
    const [before] = await admin.fetchTopicOffsets('tx-timeout');
    expect(before!.high).toBe('0');
    const seen = await readAll(kafka, 'tx-timeout', false, 3000);
    expect(seen).toEqual(['after']);
    // never (0), after (1), later's COMMIT (2), the timeout's ABORT (3): everything is stable now.
    const [after] = await admin.fetchTopicOffsets('tx-timeout');
    expect(after!.high).toBe('4');
  });
});
