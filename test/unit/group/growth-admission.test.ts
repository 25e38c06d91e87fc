import 'reflect-metadata';
import type { OffsetCommitCommand } from '../../../src/application/group/group-api';
import { ErrorCode } from '../../../src/domain/error-code';
import { HEAP_GAUGE } from '../../../src/ports/heap-gauge';
import { FakeHeapGauge } from '../../fakes/fake-heap-gauge';
import { consumerHarness, hb, joinHb } from './consumer-harness';
import { joinCmd, makeHarness, settle, stableGroup, type Harness } from './group-harness';

// benchmarks.md C6 / reliability.md G7: near the heap limit, growth ends with a Kafka error; the
// state the coordinator holds keeps working.

const gauge = (h: Harness): FakeHeapGauge => h.container.get<FakeHeapGauge>(HEAP_GAUGE);
const commit = (groupId: string, partitions: number[], over: Partial<OffsetCommitCommand> = {}): OffsetCommitCommand => ({
  groupId,
  memberId: '',
  groupInstanceId: null,
  generationIdOrMemberEpoch: -1,
  retentionTimeMs: -1,
  apiVersion: 8,
  topics: [{ name: 't', partitions: partitions.map((p) => ({ partitionIndex: p, committedOffset: 10 + p, committedLeaderEpoch: -1, committedMetadata: '', commitTimestamp: -1 })) }],
  ...over,
});
/** The error code a request is answered with at once, or 'parked' (admitted: the join phase answers it later). */
const atOnce = async (p: Promise<{ errorCode: number }>): Promise<number | 'parked'> => {
  let code: number | 'parked' = 'parked';
  void p.then((r) => { code = r.errorCode; });
  await settle();
  return code;
};
const codes = (r: { topics: ReadonlyArray<{ partitions: ReadonlyArray<{ errorCode: number }> }> }) => r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));

describe('C6/G7 heap admission control', () => {
  test('live heap at the limit (85 % default): a new classic member gets GROUP_MAX_SIZE_REACHED; members of the group rejoin and heartbeat', async () => {
    const h = await makeHarness();
    const { ids, generation } = await stableGroup(h, 2);
    gauge(h).live = 0.86;
    const refused = await h.coord.joinGroup(joinCmd({ clientId: 'new' }));
    expect(refused.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect(refused.memberId).toBe('');
    expect(h.isPending('new-3')).toBe(false);
    // A new group is refused too (JoinGroup v3: no KIP-394 round).
    expect((await h.coord.joinGroup(joinCmd({ groupId: 'other', apiVersion: 3 }))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect(h.durable().groups.has('other')).toBe(false);
    // Existing members: heartbeats and a rejoin (a rebalance) go on.
    expect((await h.coord.heartbeat({ groupId: 'g', memberId: ids[0]!, groupInstanceId: null, generationId: generation })).errorCode).toBe(ErrorCode.NONE);
    const rejoins = ids.map((id) => h.coord.joinGroup(joinCmd({ memberId: id, clientId: id })));
    const answers = await Promise.all(rejoins);
    expect(answers.map((a) => a.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.NONE]);
    expect(answers[0]!.generationId).toBe(generation + 1);
  });

  test('a KIP-394 pending member admitted before the limit completes its join after it', async () => {
    const h = await makeHarness();
    const first = await h.coord.joinGroup(joinCmd());
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    gauge(h).live = 0.9;
    const second = h.coord.joinGroup(joinCmd({ memberId: first.memberId }));
    await h.advance(0);
    expect((await second).errorCode).toBe(ErrorCode.NONE);
  });

  test('a static member replacing its instance is admitted; a new instance is not', async () => {
    const h = await makeHarness();
    const a = h.coord.joinGroup(joinCmd({ groupInstanceId: 'i1', clientId: 'a' }));
    await h.advance(0);
    expect((await a).errorCode).toBe(ErrorCode.NONE);
    gauge(h).live = 0.9;
    expect(await atOnce(h.coord.joinGroup(joinCmd({ groupInstanceId: 'i1', clientId: 'b' })))).not.toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect(await atOnce(h.coord.joinGroup(joinCmd({ groupInstanceId: 'i2', clientId: 'c' })))).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
  });

  test('garbage counts only past the margin: used at 90 % with live at 50 % admits; used at 93 % refuses', async () => {
    const h = await makeHarness();
    gauge(h).live = 0.5;
    gauge(h).used = 0.9;
    expect((await h.coord.joinGroup(joinCmd())).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    gauge(h).used = 0.93;
    expect((await h.coord.joinGroup(joinCmd({ clientId: 'x' }))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    // Below the limit again: admitted again (nothing sticks).
    gauge(h).used = 0.6;
    expect((await h.coord.joinGroup(joinCmd({ clientId: 'y' }))).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  });

  test('hysteresis: once refusing, the live heap must fall 5 points below the threshold before members are admitted again', async () => {
    const h = await makeHarness();
    gauge(h).live = 0.85;
    expect((await h.coord.joinGroup(joinCmd({ clientId: 'a' }))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    gauge(h).live = 0.81;
    expect((await h.coord.joinGroup(joinCmd({ clientId: 'b' }))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    gauge(h).live = 0.79;
    expect((await h.coord.joinGroup(joinCmd({ clientId: 'c' }))).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    gauge(h).live = 0.84;
    expect((await h.coord.joinGroup(joinCmd({ clientId: 'd' }))).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  });

  test('--group-admission-heap-percent 100 never refuses; a lower percent refuses earlier', async () => {
    const never = await makeHarness({ admissionHeapPercent: 100 });
    gauge(never).live = 0.99;
    gauge(never).used = 0.99;
    expect((await never.coord.joinGroup(joinCmd())).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const early = await makeHarness({ admissionHeapPercent: 50 });
    gauge(early).live = 0.55;
    expect((await early.coord.joinGroup(joinCmd())).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
  });

  test('OffsetCommit: a new group or a new partition is refused with COORDINATOR_NOT_AVAILABLE and not written; offsets the group has are committed', async () => {
    const h = await makeHarness();
    expect(codes(await h.coord.offsetCommit(commit('simple', [0, 1])))).toEqual([ErrorCode.NONE, ErrorCode.NONE]);
    gauge(h).live = 0.9;
    expect(codes(await h.coord.offsetCommit(commit('simple', [0, 1])))).toEqual([ErrorCode.NONE, ErrorCode.NONE]);
    expect(codes(await h.coord.offsetCommit(commit('simple', [1, 2])))).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    expect(codes(await h.coord.offsetCommit(commit('fresh', [0])))).toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE]);
    const durable = h.durable();
    expect(durable.groups.has('fresh')).toBe(false);
    const fetched = await h.coord.offsetFetch({ groups: [{ groupId: 'simple', topics: [{ name: 't', partitionIndexes: [0, 1, 2] }] }], requireStable: true });
    expect(fetched.groups[0]!.topics[0]!.partitions.map((p) => p.committedOffset)).toEqual([10, 11, -1]);
    // A commit the decide rejects keeps its own error (the admission check comes after it).
    expect(codes(await h.coord.offsetCommit(commit('simple', [5], { generationIdOrMemberEpoch: 3, memberId: 'nobody' })))).not.toEqual([ErrorCode.COORDINATOR_NOT_AVAILABLE]);
  });

  test('KIP-848: a joining member (epoch 0) gets GROUP_MAX_SIZE_REACHED; a member of the group keeps heartbeating and rejoins at epoch 0', async () => {
    const h = await consumerHarness();
    const m1 = await h.coord.consumerGroupHeartbeat(joinHb({ memberId: 'm1' }));
    expect(m1.errorCode).toBe(ErrorCode.NONE);
    gauge(h).live = 0.9;
    expect((await h.coord.consumerGroupHeartbeat(joinHb({ memberId: 'm2' }))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect((await h.coord.consumerGroupHeartbeat(joinHb({ groupId: 'cg2', memberId: 'm9' }))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect((await h.coord.consumerGroupHeartbeat(hb('m1', m1.memberEpoch, m1.assignment))).errorCode).toBe(ErrorCode.NONE);
    expect((await h.coord.consumerGroupHeartbeat(joinHb({ memberId: 'm1' }))).errorCode).toBe(ErrorCode.NONE);
  });

  test('the classic join of a KIP-848 group (KC-60) is refused for a new member as well', async () => {
    const h = await consumerHarness();
    expect((await h.coord.consumerGroupHeartbeat(joinHb({ memberId: 'm1' }))).errorCode).toBe(ErrorCode.NONE);
    gauge(h).live = 0.9;
    const refused = await h.coord.joinGroup(joinCmd({ groupId: 'cg' }));
    expect(refused.errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect(refused.memberId).toBe('');
  });
});
