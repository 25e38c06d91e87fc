import { API_KEY, defaultMessage } from '../../src/adapters/kafka/protocol';
import { buildRecordBatch } from '../../src/adapters/kafka/record-batch/batch-builder';
import { startBrokerProcess, type BrokerProcess } from './support/broker-process';
import { RawClient } from './support/raw-client';

/** Transactions over the wire with exact codes (issue 16 bad input, admin APIs, isolation-aware ListOffsets). */
describe('transactions over the wire (issue 16)', () => {
  let broker: BrokerProcess;
  let c: RawClient;
  beforeAll(async () => {
    broker = await startBrokerProcess({ args: ['--transaction-max-timeout-ms', '120000'] });
    c = await RawClient.connect(broker.port);
    const r = await c.send(API_KEY.CreateTopics, 3, { topics: [{ name: 'raw-tx', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
    expect(r.body.topics[0].errorCode).toBe(0);
  });
  afterAll(async () => {
    c.close();
    await broker.stop();
  });

  const init = async (txnId: string, timeoutMs = 60000) =>
    (await c.send(API_KEY.InitProducerId, 4, { ...defaultMessage('InitProducerIdRequest'), transactionalId: txnId, transactionTimeoutMs: timeoutMs, producerId: -1n, producerEpoch: -1 })).body;
  const addPartitions = async (txnId: string, pid: bigint, epoch: number, topics: { name: string; partitions: number[] }[], version = 3) =>
    (await c.send(API_KEY.AddPartitionsToTxn, version, { ...defaultMessage('AddPartitionsToTxnRequest'), v3AndBelowTransactionalId: txnId, v3AndBelowProducerId: pid, v3AndBelowProducerEpoch: epoch, v3AndBelowTopics: topics })).body.resultsByTopicV3AndBelow;
  const describe = async (txnId: string) => (await c.send(API_KEY.DescribeTransactions, 0, { transactionalIds: [txnId] })).body.transactionStates[0];
  const endTxn = async (txnId: string, pid: bigint, epoch: number, committed: boolean, version = 3) =>
    (await c.send(API_KEY.EndTxn, version, { transactionalId: txnId, producerId: pid, producerEpoch: epoch, committed })).body.errorCode;
  const latest = async (partition: number, isolationLevel: number) =>
    (await c.send(API_KEY.ListOffsets, 5, { replicaId: -1, isolationLevel, topics: [{ name: 'raw-tx', partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1n }] }] })).body.topics[0].partitions[0].offset;

  it('TX-50: AddPartitionsToTxn with an unknown topic → UNKNOWN_TOPIC_OR_PARTITION, the rest OPERATION_NOT_ATTEMPTED, nothing added', async () => {
    const p = await init('bad-input');
    const res = await addPartitions('bad-input', p.producerId, p.producerEpoch, [{ name: 'raw-tx', partitions: [0] }, { name: 'no-such-topic', partitions: [0] }]);
    expect(res.map((t: any) => [t.name, t.resultsByPartition[0].partitionErrorCode])).toEqual([['raw-tx', 55], ['no-such-topic', 3]]);
    expect(await describe('bad-input')).toMatchObject({ errorCode: 0, transactionState: 'Empty', topics: [] });
  });

  it('TX-51 TX-55 TX-61: wrong epoch → PRODUCER_FENCED (v2+) / INVALID_PRODUCER_EPOCH (v0–1); unknown pid → INVALID_PRODUCER_ID_MAPPING; nothing half-applied', async () => {
    const p = await init('fence-codes');
    const wrong = await addPartitions('fence-codes', p.producerId, p.producerEpoch + 1, [{ name: 'raw-tx', partitions: [0] }]);
    expect(wrong[0].resultsByPartition[0].partitionErrorCode).toBe(90);
    const old = await addPartitions('fence-codes', p.producerId, p.producerEpoch + 1, [{ name: 'raw-tx', partitions: [0] }], 1);
    expect(old[0].resultsByPartition[0].partitionErrorCode).toBe(47);
    const unknown = await addPartitions('fence-codes', 987654321n, p.producerEpoch, [{ name: 'raw-tx', partitions: [0] }]);
    expect(unknown[0].resultsByPartition[0].partitionErrorCode).toBe(49);
    expect(await endTxn('fence-codes', p.producerId, p.producerEpoch + 3, true)).toBe(90);
    expect(await endTxn('fence-codes', p.producerId, p.producerEpoch, true)).toBe(48); // Empty: INVALID_TXN_STATE (TX-58)
    expect(await describe('fence-codes')).toMatchObject({ transactionState: 'Empty', topics: [] });
    expect((await init('fence-codes', 200000)).errorCode).toBe(50); // above --transaction-max-timeout-ms
  });

  it('MK-23 TX-62 TX-63 PS-42: an open transaction holds LSO; Describe/ListTransactions and DescribeProducers show it; commit releases it', async () => {
    const p = await init('admin-view');
    await addPartitions('admin-view', p.producerId, p.producerEpoch, [{ name: 'raw-tx', partitions: [1] }]);
    const before = await latest(1, 0);
    const produce = await c.send(API_KEY.Produce, 9, {
      transactionalId: 'admin-view', acks: -1, timeoutMs: 5000,
      topicData: [{ name: 'raw-tx', partitionData: [{ index: 1, records: buildRecordBatch({ producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence: 0, transactional: true, records: [{ value: 'a' }, { value: 'b' }] }) }] }],
    });
    expect(produce.body.responses[0].partitionResponses[0].errorCode).toBe(0);
    expect(await latest(1, 0)).toBe(before + 2n);
    expect(await latest(1, 1)).toBe(before);
    expect(await describe('admin-view')).toMatchObject({ errorCode: 0, transactionState: 'Ongoing', producerId: p.producerId, topics: [{ topic: 'raw-tx', partitions: [1] }] });
    const listed = (await c.send(API_KEY.ListTransactions, 1, { stateFilters: ['Ongoing', 'Bogus'], producerIdFilters: [], durationFilter: -1n })).body;
    expect(listed.unknownStateFilters).toEqual(['Bogus']);
    expect(listed.transactionStates).toEqual([{ transactionalId: 'admin-view', producerId: p.producerId, transactionState: 'Ongoing' }]);
    const producers = (await c.send(API_KEY.DescribeProducers, 0, { topics: [{ name: 'raw-tx', partitionIndexes: [1] }] })).body.topics[0].partitions[0];
    expect(producers.activeProducers).toEqual([expect.objectContaining({ producerId: p.producerId, producerEpoch: p.producerEpoch, lastSequence: 1, currentTxnStartOffset: before })]);
    expect(await endTxn('admin-view', p.producerId, p.producerEpoch, true)).toBe(0);
    for (let i = 0; i < 100 && (await latest(1, 1)) !== before + 3n; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await latest(1, 1)).toBe(before + 3n); // data + marker, all stable
    expect((await describe('nope')).errorCode).toBe(105);
  });

  it('PS-20 PS-21: a transactional batch for a partition not in the transaction is refused; without a transactional id too', async () => {
    const p = await init('verify');
    const send = (txnId: string | null, version: number) => c.send(API_KEY.Produce, version, {
      transactionalId: txnId, acks: -1, timeoutMs: 5000,
      topicData: [{ name: 'raw-tx', partitionData: [{ index: 0, records: buildRecordBatch({ producerId: p.producerId, producerEpoch: p.producerEpoch, baseSequence: 0, transactional: true, records: [{ value: 'x' }] }) }] }],
    }).then((r) => r.body.responses[0].partitionResponses[0].errorCode);
    expect(await send('verify', 9)).toBe(48); // INVALID_TXN_STATE before Produce v11
    expect(await send('verify', 11)).toBe(120); // TRANSACTION_ABORTABLE
    expect(await send(null, 9)).toBe(53);
  });

  it('TX-54 TT-15: AddPartitionsToTxn v4 VerifyOnly answers per partition without adding anything', async () => {
    const p = await init('verify-only');
    await addPartitions('verify-only', p.producerId, p.producerEpoch, [{ name: 'raw-tx', partitions: [0] }]);
    const verify = async (epoch: number) => (await c.send(API_KEY.AddPartitionsToTxn, 4, {
      ...defaultMessage('AddPartitionsToTxnRequest'),
      transactions: [{ transactionalId: 'verify-only', producerId: p.producerId, producerEpoch: epoch, verifyOnly: true, topics: [{ name: 'raw-tx', partitions: [0, 1] }] }],
    })).body.resultsByTransaction[0].topicResults[0].resultsByPartition.map((r: any) => r.partitionErrorCode);
    expect(await verify(p.producerEpoch)).toEqual([0, 120]);
    expect(await verify(p.producerEpoch + 1)).toEqual([90, 90]);
    expect(await describe('verify-only')).toMatchObject({ transactionState: 'Ongoing', topics: [{ topic: 'raw-tx', partitions: [0] }] });
  });

  it('OF-33 TO-6: OffsetFetch require_stable answers UNSTABLE_OFFSET_COMMIT while a transactional offset is pending; without it the old offset; after the commit the new one', async () => {
    const fetchOffset = async (requireStable: boolean) => (await c.send(API_KEY.OffsetFetch, 7, {
      ...defaultMessage('OffsetFetchRequest'), groupId: 'stable-group', topics: [{ name: 'raw-tx', partitionIndexes: [0] }], requireStable,
    })).body.topics[0].partitions[0];
    const commit = await c.send(API_KEY.OffsetCommit, 2, {
      ...defaultMessage('OffsetCommitRequest'), groupId: 'stable-group', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n,
      topics: [{ name: 'raw-tx', partitions: [{ partitionIndex: 0, committedOffset: 3n, committedMetadata: '' }] }],
    });
    expect(commit.body.topics[0].partitions[0].errorCode).toBe(0);
    const p = await init('stable-tx');
    const id = { transactionalId: 'stable-tx', producerId: p.producerId, producerEpoch: p.producerEpoch };
    expect((await c.send(API_KEY.AddOffsetsToTxn, 3, { ...id, groupId: 'stable-group' })).body.errorCode).toBe(0);
    const txnCommit = await c.send(API_KEY.TxnOffsetCommit, 3, {
      ...defaultMessage('TxnOffsetCommitRequest'), ...id, groupId: 'stable-group',
      topics: [{ name: 'raw-tx', partitions: [{ partitionIndex: 0, committedOffset: 9n, committedLeaderEpoch: -1, committedMetadata: 'tx' }] }],
    });
    expect(txnCommit.body.topics[0].partitions[0].errorCode).toBe(0);
    expect(await fetchOffset(true)).toMatchObject({ errorCode: 88, committedOffset: -1n });
    expect(await fetchOffset(false)).toMatchObject({ errorCode: 0, committedOffset: 3n });
    expect(await endTxn('stable-tx', p.producerId, p.producerEpoch, true)).toBe(0);
    let after = await fetchOffset(true);
    for (let i = 0; i < 100 && after.errorCode !== 0; i++) {
      await new Promise((r) => setTimeout(r, 10));
      after = await fetchOffset(true);
    }
    expect(after).toMatchObject({ errorCode: 0, committedOffset: 9n, metadata: 'tx' });
  });
});
