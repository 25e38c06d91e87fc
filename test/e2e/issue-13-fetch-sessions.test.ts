import { API_KEY, encodeRequest } from '../../src/adapters/kafka/protocol';
import { buildRecordBatch } from '../../src/adapters/kafka/record-batch/batch-builder';
import { ErrorCode } from '../../src/domain/error-code';
import { startBrokerProcess, type BrokerProcess } from './support/broker-process';
import { RawClient } from './support/raw-client';

/*
 * Issue 13 item 4 (KIP-227) against a started broker process: a consumer of 1,000 partitions opens
 * an incremental fetch session with one full request, then sends small requests and gets back only
 * the partitions with news; session errors carry Kafka's codes. No client in the test matrix uses
 * sessions (kafkajs and librdkafka always fetch sessionless), so the consumer side is the raw
 * protocol, following the Java client's FetchSessionHandler.
 */

const TOPIC = 'issue13-sessions';
const PARTITIONS = 1000;

const fetchBody = (sessionId: number, sessionEpoch: number, partitions: Array<{ partition: number; fetchOffset: bigint }>, topicId = '') => ({
  replicaId: -1, maxWaitMs: 10, minBytes: 0, maxBytes: 50 << 20, isolationLevel: 0, sessionId, sessionEpoch,
  topics: partitions.length === 0 ? [] : [{ topic: TOPIC, topicId, partitions: partitions.map((p) => ({ partition: p.partition, currentLeaderEpoch: -1, fetchOffset: p.fetchOffset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20 })) }],
  forgottenTopicsData: [], rackId: '',
});

describe('issue 13: KIP-227 incremental fetch sessions (raw protocol, 1,000 partitions)', () => {
  let broker: BrokerProcess;
  let client: RawClient;

  const produce = async (partition: number, value: string) => {
    const r = await client.send(API_KEY.Produce, 9, {
      transactionalId: null, acks: -1, timeoutMs: 5000,
      topicData: [{ name: TOPIC, partitionData: [{ index: partition, records: buildRecordBatch({ records: [{ key: 'k', value }] }) }] }],
    });
    expect(r.body.responses[0].partitionResponses[0].errorCode).toBe(0);
  };

  beforeAll(async () => {
    broker = await startBrokerProcess();
    client = await RawClient.connect(broker.port);
    const created = await client.send(API_KEY.CreateTopics, 5, { topics: [{ name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
    expect(created.body.topics[0].errorCode).toBe(0);
    await produce(3, 'first');
  }, 30_000);

  afterAll(async () => {
    client?.close();
    await broker?.stop();
  });

  it('a full request opens a session; incremental requests are small and answered with only what changed', async () => {
    const all = Array.from({ length: PARTITIONS }, (_, partition) => ({ partition, fetchOffset: 0n }));
    const fullFrame = encodeRequest(API_KEY.Fetch, 12, 1, 'c', fetchBody(0, 0, all));
    const full = await client.send(API_KEY.Fetch, 12, fetchBody(0, 0, all));
    expect(full.body.errorCode).toBe(0);
    const sessionId: number = full.body.sessionId;
    expect(sessionId).not.toBe(0);
    expect(full.body.responses[0].partitions).toHaveLength(PARTITIONS);

    // The consumer read partition 3's record: its position moved, so it names that one partition.
    const moved = [{ partition: 3, fetchOffset: 1n }];
    const incFrame = encodeRequest(API_KEY.Fetch, 12, 2, 'c', fetchBody(sessionId, 1, moved));
    const quiet = await client.send(API_KEY.Fetch, 12, fetchBody(sessionId, 1, moved));
    expect(quiet.body).toMatchObject({ errorCode: 0, sessionId });
    expect(quiet.body.responses).toEqual([]);
    expect(incFrame.length * 100).toBeLessThan(fullFrame.length);
    console.log(`fetch request bytes: full ${fullFrame.length}, incremental ${incFrame.length}`);

    await produce(7, 'news');
    const news = await client.send(API_KEY.Fetch, 12, fetchBody(sessionId, 2, []));
    expect(news.body.sessionId).toBe(sessionId);
    expect(news.body.responses.flatMap((t: any) => t.partitions.map((p: any) => [p.partitionIndex, p.highWatermark]))).toEqual([[7, 1n]]);
    expect(news.body.responses[0].partitions[0].records.length).toBeGreaterThan(0);
  });

  it('session errors: a stale epoch is INVALID_FETCH_SESSION_EPOCH, an unknown id FETCH_SESSION_ID_NOT_FOUND', async () => {
    const opened = await client.send(API_KEY.Fetch, 12, fetchBody(0, 0, [{ partition: 0, fetchOffset: 0n }]));
    const id: number = opened.body.sessionId;
    const stale = await client.send(API_KEY.Fetch, 12, fetchBody(id, 5, []));
    expect(stale.body).toMatchObject({ errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: 0, responses: [] });
    const unknown = await client.send(API_KEY.Fetch, 12, fetchBody(id + 1 === 0 ? 2 : id + 1, 1, []));
    expect(unknown.body.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
    // The session itself is still usable at its expected epoch.
    expect((await client.send(API_KEY.Fetch, 12, fetchBody(id, 1, []))).body.errorCode).toBe(0);
    // Epoch -1 closes it: the same id is unknown afterwards.
    await client.send(API_KEY.Fetch, 12, fetchBody(id, -1, [{ partition: 0, fetchOffset: 0n }]));
    expect((await client.send(API_KEY.Fetch, 12, fetchBody(id, 2, []))).body.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  });

  it('Fetch v13+ sessions address partitions by topic id', async () => {
    const md = await client.send(API_KEY.Metadata, 12, { topics: [{ name: TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const topicId: string = md.body.topics[0].topicId;
    const opened = await client.send(API_KEY.Fetch, 13, fetchBody(0, 0, [{ partition: 3, fetchOffset: 1n }, { partition: 9, fetchOffset: 0n }], topicId));
    expect(opened.body.sessionId).not.toBe(0);
    await produce(9, 'v13');
    const inc = await client.send(API_KEY.Fetch, 13, fetchBody(opened.body.sessionId, 1, [], topicId));
    expect(inc.body.responses.map((t: any) => [t.topicId, t.partitions.map((p: any) => p.partitionIndex)])).toEqual([[topicId, [9]]]);
    // A v12 request (topic names) inside a v13 session is FETCH_SESSION_TOPIC_ID_ERROR.
    const mixed = await client.send(API_KEY.Fetch, 12, fetchBody(opened.body.sessionId, 2, []));
    expect(mixed.body.errorCode).toBe(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR);
  });
});
