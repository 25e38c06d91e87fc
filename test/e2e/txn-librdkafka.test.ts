import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { startBrokerProcess, type BrokerProcess } from './support/broker-process';
import { readUntilQuiet } from './support/read-until-quiet';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';

const readCommitted = (kafka: Kafka, topic: string): Promise<string[]> => readUntilQuiet(kafka, topic);

describe('transactions with librdkafka clients (issue 16 acceptance)', () => {
  let broker: BrokerProcess;
  let kafka: Kafka;
  beforeAll(async () => {
    broker = await startBrokerProcess();
    kafka = new Kafka({ clientId: 'txn-rdkafka-e2e', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'py-in' }, { topic: 'py-out' }, { topic: 'rd-in' }, { topic: 'rd-out', numPartitions: 2 }, { topic: 'k848-in' }, { topic: 'k848-out' }] });
    await admin.disconnect();
  });
  afterAll(async () => {
    await broker.stop();
  });

  it('TO-5 TO-6 MK-20: confluent-kafka-python consume-process-produce with send_offsets_to_transaction: output exactly once, the aborted batch never visible, offsets committed', async () => {
    const { stdout } = await run(PYTHON, [path.join(__dirname, 'support/txn_confluent.py'), broker.bootstrap, 'py-in', 'py-out', 'py-group'], { timeout: 90_000 });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result.errors).toEqual([]);
    expect(result.aborted_once).toBe(true);
    expect(result.out).toEqual(Array.from({ length: 30 }, (_, i) => `out-${i}`));
    expect(result.committed).toBe(30);
  }, 120_000);

  it('TX-24 TX-25 TO-5: node-rdkafka (librdkafka 2.12) transactional producer with sendOffsetsToTransaction: committed visible once, aborted never, aborted offsets never committed', async () => {
    const { stdout } = await run(process.execPath, [path.join(__dirname, 'support/txn-rdkafka.js'), broker.bootstrap, 'rd-out', 'rd-in', 'rd-group'], { timeout: 60_000 });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toEqual({ rounds: [0, 1, 2, 3, 4, 5] });
    const seen = await readCommitted(kafka, 'rd-out');
    const expected = [0, 2, 4].flatMap((r) => Array.from({ length: 5 }, (_, i) => `r${r}-m${i}`));
    expect(seen.sort()).toEqual(expected.sort());
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: 'rd-group', topics: ['rd-in'] });
    await admin.disconnect();
    // Round 4 committed offset 50; round 5 (offset 60) was aborted.
    expect(offsets[0]!.partitions[0]!.offset).toBe('50');
  }, 90_000);

  it('TO-2 TO-5 (KIP-848): node-rdkafka consume-process-produce with group.protocol=consumer: member-epoch TxnOffsetCommit, output exactly once, the aborted batch redone', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'k848-in', messages: Array.from({ length: 30 }, (_, i) => ({ value: `in-${i}` })) });
    await producer.disconnect();
    const { stdout } = await run(process.execPath, [path.join(__dirname, 'support/txn-rdkafka-cpp.js'), broker.bootstrap, 'k848-in', 'k848-out', 'k848-group', '30'], { timeout: 60_000 });
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result).toMatchObject({ processed: 30, aborted: 1 });
    const seen = await readCommitted(kafka, 'k848-out');
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `out-${i}`));
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: 'k848-group', topics: ['k848-in'] });
    await admin.disconnect();
    expect(offsets[0]!.partitions[0]!.offset).toBe('30');
  }, 90_000);
});
