import { ErrorCode } from '../../../src/domain/error-code';
import { makeHarness, stableGroup } from './group-harness';
import { consumerHarness, joinHb } from './consumer-harness';
import { listCommittedOffsets } from '../../../src/domain/group/committed-offsets';

const offset = (groupId: string, topic = 't', partition = 0, value = 7) => ({ groupId, topic, partition, offset: value, leaderEpoch: -1, metadata: 'm', commitTimestamp: 1 });

describe('TxnOffsetCommit on the group side (TO-2, TO-5, TO-6)', () => {
  test('TT-40 TO-2: missing group → accepted without a generation, ILLEGAL_GENERATION with one', async () => {
    const h = await makeHarness();
    expect(h.coord.validateTxnOffsetCommit('new', { memberId: '', groupInstanceId: null, generationId: -1 })).toBe(ErrorCode.NONE);
    expect(h.coord.validateTxnOffsetCommit('new', { memberId: 'm', groupInstanceId: null, generationId: 3 })).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(h.coord.validateTxnOffsetCommit('', { memberId: '', groupInstanceId: null, generationId: -1 })).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  test('TT-40 TO-2: classic group — unknown member, stale generation (ILLEGAL_GENERATION), the current one accepted', async () => {
    const h = await makeHarness();
    const { ids } = await stableGroup(h, 1);
    const gen = h.coord.groupView('g')!.generation;
    expect(h.coord.validateTxnOffsetCommit('g', { memberId: 'nobody', groupInstanceId: null, generationId: gen })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(h.coord.validateTxnOffsetCommit('g', { memberId: ids[0]!, groupInstanceId: null, generationId: gen - 1 })).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(h.coord.validateTxnOffsetCommit('g', { memberId: ids[0]!, groupInstanceId: null, generationId: gen })).toBe(ErrorCode.NONE);
  });

  test('TT-40 TO-2: KIP-848 group — a stale member epoch is ILLEGAL_GENERATION (not STALE_MEMBER_EPOCH)', async () => {
    const h = await consumerHarness();
    const r = await h.coord.consumerGroupHeartbeat(joinHb());
    expect(h.coord.validateTxnOffsetCommit('cg', { memberId: 'm1', groupInstanceId: null, generationId: r.memberEpoch })).toBe(ErrorCode.NONE);
    expect(h.coord.validateTxnOffsetCommit('cg', { memberId: 'm1', groupInstanceId: null, generationId: r.memberEpoch - 1 })).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  test('TO-5: a committed transaction\'s offsets become durable committed offsets (a missing group becomes a simple group)', async () => {
    const h = await makeHarness();
    expect(await h.coord.materializeTxnOffsets([offset('tx-group', 't', 0, 11), offset('tx-group', 't', 1, 12)])).toBe(true);
    const fetched = await h.coord.offsetFetch({ groups: [{ groupId: 'tx-group', topics: [{ name: 't', partitionIndexes: [0, 1] }] }], requireStable: false });
    expect(fetched.groups[0]!.topics[0]!.partitions.map((p) => p.committedOffset)).toEqual([11, 12]);
  });

  test('TO-6 OF-20: offset expiry skips a partition with a pending transactional offset', async () => {
    const h = await makeHarness({ offsetsRetentionMs: 1_000_000, offsetsRetentionCheckIntervalMs: 600_000 });
    await h.coord.materializeTxnOffsets([offset('g', 't', 0), offset('g', 't', 1)]);
    h.coord.setPendingTxnOffsets((groupId, topic, partition) => groupId === 'g' && topic === 't' && partition === 0);
    await h.advance(1_200_000);
    expect(listCommittedOffsets(h.durable().groups.get('g')!.offsets).map((o) => o.partition)).toEqual([0]);
  });
});
