import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, ConfigResourceTypes, type Admin } from 'kafkajs';
import { startBrokerProcess, type BrokerProcess } from './support/broker-process';

/*
 * Issue 13 acceptance, real clients: kafkajs admin deleteTopicRecords / alterConfigs / describeConfigs,
 * @platformatic/kafka incrementalAlterConfigs (Debian's confluent-kafka 1.7.0 predates
 * incremental_alter_configs; its legacy alter_configs is exercised instead), bad input with Kafka's
 * error codes and nothing changed, and DeleteRecords surviving a restart.
 */

const run = promisify(execFile);
const PLATFORMATIC = path.join(__dirname, 'support', 'platformatic-admin.js');
const PY = '/usr/bin/python3';

const platformatic = async (bootstrap: string, op: string, args: unknown): Promise<any> => {
  const { stdout } = await run(process.execPath, [PLATFORMATIC, JSON.stringify({ bootstrap, op, args })], { timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
};

const TOPIC = 'issue13-admin';

describe('issue 13: admin config changes and DeleteRecords with real clients', () => {
  let broker: BrokerProcess;
  let kafka: Kafka;
  let admin: Admin;

  const topicConfig = async (name: string) => {
    const res = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPIC, configNames: [name] }], includeSynonyms: true });
    return res.resources[0].configEntries[0] as any;
  };

  const offsets = async () => (await admin.fetchTopicOffsets(TOPIC)).map((p) => ({ partition: p.partition, low: p.low, high: p.high }));

  beforeAll(async () => {
    broker = await startBrokerProcess();
    kafka = new Kafka({ clientId: 'e2e-issue13', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
    await producer.disconnect();
  }, 30_000);

  afterAll(async () => {
    await admin?.disconnect().catch(() => undefined);
    await broker?.stop();
  });

  it('kafkajs alterConfigs sets topic overrides that describeConfigs reports as DYNAMIC_TOPIC_CONFIG with synonyms', async () => {
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPIC, configEntries: [{ name: 'retention.ms', value: '7200000' }, { name: 'segment.bytes', value: '1048576' }] }],
    });
    const retention = await topicConfig('retention.ms');
    expect(retention.configValue).toBe('7200000');
    expect(retention.configSource).toBe(1);
    expect(retention.isDefault).toBe(false);
    expect(retention.configSynonyms.map((s: any) => [s.configName, s.configSource])).toEqual([['retention.ms', 1], ['log.retention.ms', 5]]);
    const policy = await topicConfig('cleanup.policy');
    expect([policy.configValue, policy.configSource]).toEqual(['delete', 5]);
  });

  it('bad input gets INVALID_CONFIG and changes nothing (unknown name, wrong type, out of range)', async () => {
    for (const entry of [{ name: 'no.such.config', value: '1' }, { name: 'retention.ms', value: 'soon' }, { name: 'segment.bytes', value: '3' }]) {
      await expect(admin.alterConfigs({
        validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: TOPIC, configEntries: [{ name: 'retention.bytes', value: '1' }, entry] }],
      })).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    }
    expect((await topicConfig('retention.ms')).configValue).toBe('7200000');
  });

  it('@platformatic/kafka incrementalAlterConfigs: SET, APPEND to a list, DELETE; broker dynamic config shows DYNAMIC_BROKER_CONFIG', async () => {
    const ok = await platformatic(broker.bootstrap, 'incrementalAlterConfigs', {
      resources: [{ resourceType: 2, resourceName: TOPIC, configs: [
        { name: 'cleanup.policy', configOperation: 2, value: 'compact' },
        { name: 'min.cleanable.dirty.ratio', configOperation: 0, value: '0.25' },
        { name: 'segment.bytes', configOperation: 1 },
      ] }],
    });
    expect(ok).toMatchObject({ ok: true });
    expect((await topicConfig('cleanup.policy')).configValue).toBe('delete,compact');
    expect((await topicConfig('min.cleanable.dirty.ratio')).configValue).toBe('0.25');
    expect((await topicConfig('segment.bytes')).configSource).toBe(5);

    const broker0 = await platformatic(broker.bootstrap, 'incrementalAlterConfigs', {
      resources: [{ resourceType: 4, resourceName: '0', configs: [{ name: 'log.retention.ms', configOperation: 0, value: '3600000' }] }],
    });
    expect(broker0).toMatchObject({ ok: true });
    const desc = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '0', configNames: ['log.retention.ms'] }], includeSynonyms: true });
    const entry = desc.resources[0].configEntries[0] as any;
    expect([entry.configValue, entry.configSource, entry.readOnly]).toEqual(['3600000', 2, false]);
    // A topic without an override now defaults to the dynamic broker value.
    await admin.createTopics({ topics: [{ topic: 'issue13-defaults', numPartitions: 1 }] });
    const t = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'issue13-defaults', configNames: ['retention.ms'] }], includeSynonyms: true });
    const r = t.resources[0].configEntries[0] as any;
    expect([r.configValue, r.configSource]).toEqual(['3600000', 2]);

    const staticOnly = await platformatic(broker.bootstrap, 'incrementalAlterConfigs', {
      resources: [{ resourceType: 4, resourceName: '0', configs: [{ name: 'num.partitions', configOperation: 0, value: '3' }] }],
    });
    expect(staticOnly.ok).toBe(false);
    expect(JSON.stringify(staticOnly)).toMatch(/"errorCode":42/);
  });

  it("confluent-kafka (librdkafka) legacy alter_configs and describe_configs", async () => {
    const script = `
import sys, json
from confluent_kafka.admin import AdminClient, ConfigResource
a = AdminClient({'bootstrap.servers': sys.argv[1]})
r = ConfigResource('topic', '${TOPIC}', set_config={'cleanup.policy': 'compact,delete', 'retention.ms': '5400000'})
for f in a.alter_configs([r]).values(): f.result(timeout=15)
d = a.describe_configs([ConfigResource('topic', '${TOPIC}')])
for f in d.values():
    c = f.result(timeout=15)
    print(json.dumps({k: [v.value, int(v.source)] for k, v in c.items() if k in ('cleanup.policy', 'retention.ms', 'min.cleanable.dirty.ratio')}))
`;
    const { stdout } = await run(PY, ['-c', script, broker.bootstrap], { timeout: 30_000 });
    // Legacy AlterConfigs replaces every override: min.cleanable.dirty.ratio is back to its default.
    expect(JSON.parse(stdout.trim())).toEqual({ 'cleanup.policy': ['compact,delete', 1], 'retention.ms': ['5400000', 1], 'min.cleanable.dirty.ratio': ['0.5', 5] });
  });

  it('kafkajs deleteTopicRecords advances the low watermark; consumers start there; beyond the high watermark is OFFSET_OUT_OF_RANGE', async () => {
    await admin.deleteTopicRecords({ topic: TOPIC, partitions: [{ partition: 0, offset: '12' }] });
    expect(await offsets()).toEqual([{ partition: 0, low: '12', high: '20' }]);
    await expect(admin.deleteTopicRecords({ topic: TOPIC, partitions: [{ partition: 0, offset: '25' }] })).rejects.toThrow();
    expect(await offsets()).toEqual([{ partition: 0, low: '12', high: '20' }]);

    const consumer = kafka.consumer({ groupId: 'issue13-after-delete', maxWaitTimeInMs: 100 });
    const seen: number[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => { seen.push(Number(message.offset)); } });
    const deadline = Date.now() + 20_000;
    while (seen.length < 8 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await consumer.disconnect();
    expect(seen).toEqual([12, 13, 14, 15, 16, 17, 18, 19]);
  }, 40_000);

  it('the new log start survives a broker restart (SIGTERM and kill -9)', async () => {
    await admin.disconnect();
    await broker.stop();
    broker = await startBrokerProcess({ dataDir: broker.dataDir, port: broker.port });
    kafka = new Kafka({ clientId: 'e2e-issue13', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5 } });
    admin = kafka.admin();
    await admin.connect();
    expect(await offsets()).toEqual([{ partition: 0, low: '12', high: '20' }]);
    await admin.deleteTopicRecords({ topic: TOPIC, partitions: [{ partition: 0, offset: '-1' }] });
    await admin.disconnect();
    await broker.kill9();
    broker = await startBrokerProcess({ dataDir: broker.dataDir, port: broker.port });
    kafka = new Kafka({ clientId: 'e2e-issue13', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 5 } });
    admin = kafka.admin();
    await admin.connect();
    expect(await offsets()).toEqual([{ partition: 0, low: '20', high: '20' }]);
    // Config changes are MetaLog events: they survive too.
    expect((await topicConfig('retention.ms')).configValue).toBe('5400000');
  }, 60_000);
});
