import { ErrorCode } from '../../../src/domain/error-code';
import { consumerGroupState } from '../../../src/domain/group/consumer/consumer-group';
import { consumerSessionKey } from '../../../src/application/group/group-timers';
import { consumerHarness, converge, hb, joinHb, Member, parts } from './consumer-harness';
import { joinCmd, settle } from './group-harness';

describe('KIP-848 ConsumerGroupHeartbeat', () => {
  test('KC-10 / TS-69 every invalid request gets its exact error code, nothing is written', async () => {
    const h = await consumerHarness();
    const cases: Array<[Partial<Parameters<typeof joinHb>[0]>, number]> = [
      [{ memberId: '' }, ErrorCode.INVALID_REQUEST], // v1: KIP-1082 client-generated ids
      [{ memberId: '', memberEpoch: 3, apiVersion: 0 }, ErrorCode.INVALID_REQUEST],
      [{ memberId: '', memberEpoch: -1, apiVersion: 0 }, ErrorCode.INVALID_REQUEST],
      [{ groupId: '' }, ErrorCode.INVALID_REQUEST],
      [{ groupId: '  ' }, ErrorCode.INVALID_REQUEST],
      [{ instanceId: '' }, ErrorCode.INVALID_REQUEST],
      [{ rackId: ' ' }, ErrorCode.INVALID_REQUEST],
      [{ rebalanceTimeoutMs: -1 }, ErrorCode.INVALID_REQUEST],
      [{ topicPartitions: null }, ErrorCode.INVALID_REQUEST],
      [{ topicPartitions: [{ topicId: 'x', partitions: [0] }] }, ErrorCode.INVALID_REQUEST],
      [{ subscribedTopicNames: null, subscribedTopicRegex: null }, ErrorCode.INVALID_REQUEST],
      [{ memberEpoch: -2, instanceId: null }, ErrorCode.INVALID_REQUEST],
      [{ memberEpoch: -3 }, ErrorCode.INVALID_REQUEST],
      [{ serverAssignor: 'sticky' }, ErrorCode.UNSUPPORTED_ASSIGNOR],
      [{ subscribedTopicNames: null, subscribedTopicRegex: '(?=lookahead)' }, ErrorCode.INVALID_REGULAR_EXPRESSION],
      [{ subscribedTopicNames: [], subscribedTopicRegex: 'a\\1' }, ErrorCode.INVALID_REGULAR_EXPRESSION],
      [{ memberEpoch: 4 }, ErrorCode.GROUP_ID_NOT_FOUND],
      [{ memberEpoch: -1 }, ErrorCode.GROUP_ID_NOT_FOUND],
    ];
    for (const [over, code] of cases) {
      const r = await h.coord.consumerGroupHeartbeat(joinHb(over));
      expect([JSON.stringify(over), r.errorCode]).toEqual([JSON.stringify(over), code]);
      expect(r.assignment).toBeNull();
    }
    expect(h.log.appendedEvents()).toEqual([]);
  });

  test('KC-11 v0 join without a member id gets a coordinator-generated id; v1 echoes the client id', async () => {
    const h = await consumerHarness();
    const v0 = await h.coord.consumerGroupHeartbeat(joinHb({ memberId: '', apiVersion: 0 }));
    expect(v0).toMatchObject({ errorCode: ErrorCode.NONE, memberId: 'gen-1', memberEpoch: 1 });
    const v1 = await h.coord.consumerGroupHeartbeat(joinHb({ memberId: 'client-uuid' }));
    expect(v1).toMatchObject({ errorCode: ErrorCode.NONE, memberId: 'client-uuid' });
  });

  test('TS-70 / TS-76 a member joins an empty group: epoch 1, all partitions, assignment in the full response; answered after durability (GEN-5)', async () => {
    const h = await consumerHarness();
    const r = await h.coord.consumerGroupHeartbeat(joinHb());
    expect(r).toMatchObject({ errorCode: ErrorCode.NONE, memberId: 'm1', memberEpoch: 1, heartbeatIntervalMs: 5000 });
    expect(parts(r.assignment, h.topics.id('t'))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(h.log.durableEvents().map((e) => e.type)).toEqual([
      'ConsumerMemberJoined', 'SubscriptionMetadataChanged', 'GroupEpochBumped', 'TargetAssignmentComputed', 'MemberReconciled',
    ]);
    // A steady heartbeat that changes nothing writes nothing and carries no assignment (KC-27).
    const steady = await h.coord.consumerGroupHeartbeat(hb('m1', 1, r.assignment));
    expect(steady).toMatchObject({ errorCode: ErrorCode.NONE, memberEpoch: 1, assignment: null });
    expect(h.log.appendedEvents()).toHaveLength(5);
    expect(consumerGroupState(h.coord.consumerGroupView('cg')!)).toBe('Stable');
  });

  test('TS-72 / KC-26 three members: revocation before assignment, no partition owned twice, everyone converges', async () => {
    const h = await consumerHarness();
    const t = h.topics.id('t');
    const [a, b, c] = ['a', 'b', 'c'].map((id) => new Member(h, id));
    await a!.join();
    expect(parts(a!.owned, t)).toEqual([0, 1, 2, 3, 4, 5]);
    await b!.join();
    // b's target is 3 partitions, but a still owns them: b waits (UNRELEASED_PARTITIONS) with nothing.
    expect(b!.owned).toEqual([]);
    expect(h.coord.consumerGroupView('cg')!.members.get('b')!.state).toBe('UNRELEASED_PARTITIONS');
    // a learns it must revoke: its assignment shrinks, its epoch stays until it acknowledges.
    await a!.beat();
    expect(a!.epoch).toBe(1);
    expect(parts(a!.owned, t)).toHaveLength(3);
    expect(h.coord.consumerGroupView('cg')!.members.get('a')!.state).toBe('UNREVOKED_PARTITIONS');
    await a!.beat();
    expect(a!.epoch).toBe(2);
    await b!.beat();
    expect(parts(b!.owned, t)).toHaveLength(3);
    await c!.join();
    await converge([a!, b!, c!]);
    const owners = [a!, b!, c!].flatMap((m) => parts(m.owned, t));
    expect(owners.sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect([a!, b!, c!].map((m) => parts(m.owned, t).length)).toEqual([2, 2, 2]);
    const g = h.coord.consumerGroupView('cg')!;
    expect(consumerGroupState(g)).toBe('Stable');
    expect([...g.members.values()].every((m) => m.memberEpoch === g.groupEpoch)).toBe(true);
  });

  test('KC-21 / TS-71 epoch checks: newer is fenced, the previous epoch with a subset is accepted, unknown member', async () => {
    const h = await consumerHarness();
    const t = h.topics.id('t');
    const a = new Member(h, 'a');
    await a.join();
    expect((await h.coord.consumerGroupHeartbeat(hb('a', 7))).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect((await h.coord.consumerGroupHeartbeat(hb('zz', 1))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const b = new Member(h, 'b');
    await b.join();
    await converge([a, b]);
    expect(a.epoch).toBe(2);
    // The response bumping a to epoch 2 was lost: epoch 1 with a subset of its partitions is accepted.
    const lost = await h.coord.consumerGroupHeartbeat(hb('a', 1, [{ topicId: t, partitions: parts(a.owned, t).slice(0, 1) }]));
    expect(lost).toMatchObject({ errorCode: ErrorCode.NONE, memberEpoch: 2 });
    // …but not with a partition it no longer has, nor without reporting its partitions.
    const other = parts(b.owned, t)[0]!;
    expect((await h.coord.consumerGroupHeartbeat(hb('a', 1, [{ topicId: t, partitions: [other] }]))).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect((await h.coord.consumerGroupHeartbeat(hb('a', 1, null))).errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    // KAFKA-19233: epoch 0 from a known member is a rejoin: it gets its partitions back at the current epoch.
    const rejoin = await h.coord.consumerGroupHeartbeat(joinHb({ memberId: 'a' }));
    expect(rejoin).toMatchObject({ errorCode: ErrorCode.NONE, memberEpoch: 2 });
    expect(parts(rejoin.assignment, t)).toEqual(parts(a.owned, t));
  });

  test('KC-31 / TS-73 a leave (epoch −1) bumps the group epoch and frees the partitions; KC-32 a static −2 leave keeps the assignment without a bump', async () => {
    const h = await consumerHarness();
    const t = h.topics.id('t');
    const a = new Member(h, 'a');
    const b = new Member(h, 'b', { instanceId: 'ib' });
    await a.join();
    await b.join();
    await converge([a, b]);
    const epoch = h.coord.consumerGroupView('cg')!.groupEpoch;
    const kept = parts(b.owned, t);
    const temp = await b.leave(-2);
    expect(temp).toMatchObject({ errorCode: ErrorCode.NONE, memberId: 'b', memberEpoch: -2 });
    expect(h.coord.consumerGroupView('cg')!.groupEpoch).toBe(epoch);
    // KC-22: a new process of the same instance takes over b's assignment without an epoch bump.
    const b2 = new Member(h, 'b2', { instanceId: 'ib' });
    const back = await b2.join();
    expect(back.errorCode).toBe(ErrorCode.NONE);
    expect(parts(back.assignment, t)).toEqual(kept);
    expect(h.coord.consumerGroupView('cg')!.groupEpoch).toBe(epoch);
    expect(h.coord.consumerGroupView('cg')!.members.has('b')).toBe(false);
    // TS-74: the instance is in use: another member id cannot take it; the old id is fenced.
    expect((await h.coord.consumerGroupHeartbeat(joinHb({ memberId: 'b3', instanceId: 'ib' }))).errorCode).toBe(ErrorCode.UNRELEASED_INSTANCE_ID);
    expect((await h.coord.consumerGroupHeartbeat(hb('b', 3, null, { instanceId: 'ib' }))).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect((await h.coord.consumerGroupHeartbeat(hb('x', 3, null, { instanceId: 'nobody' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const left = await a.leave();
    expect(left).toMatchObject({ errorCode: ErrorCode.NONE, memberId: 'a', memberEpoch: -1 });
    expect(h.coord.consumerGroupView('cg')!.groupEpoch).toBe(epoch + 1);
    await converge([b2]);
    expect(parts(b2.owned, t)).toEqual([0, 1, 2, 3, 4, 5]);
    expect((await a.leave()).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('KC-28 / TS-75 the session timer fences a silent member; KC-26 the rebalance timer fences a member that does not revoke', async () => {
    const h = await consumerHarness({ t: 6 }, { consumerSessionTimeoutMs: 45_000 });
    const a = new Member(h, 'a');
    const b = new Member(h, 'b', { rebalanceTimeoutMs: 10_000 });
    await a.join();
    await b.join();
    await a.beat(); // a enters UNREVOKED_PARTITIONS with its rebalance timeout (30 s)
    expect(h.coord.consumerGroupView('cg')!.members.get('a')!.state).toBe('UNREVOKED_PARTITIONS');
    expect(h.clock.deadlineOf(consumerSessionKey('cg', 'a'))).toBeDefined();
    await h.advance(29_999);
    await b.beat();
    expect(h.coord.consumerGroupView('cg')!.members.has('a')).toBe(true);
    await h.advance(1);
    const g = h.coord.consumerGroupView('cg')!;
    expect(g.members.has('a')).toBe(false);
    expect(h.log.appendedEvents().some((e) => e.type === 'ConsumerMemberLeft' && e.reason === 'RebalanceTimeout')).toBe(true);
    await h.advance(45_000);
    expect(h.coord.consumerGroupView('cg')!.members.size).toBe(0);
    expect(h.log.appendedEvents().some((e) => e.type === 'ConsumerMemberLeft' && e.memberId === 'b' && e.reason === 'SessionTimeout')).toBe(true);
  });

  test('KC-20 / TS-77 group.consumer.max.size; members already in the group still heartbeat', async () => {
    const h = await consumerHarness({ t: 6 }, { consumerMaxSize: 1 });
    const a = new Member(h, 'a');
    await a.join();
    expect((await h.coord.consumerGroupHeartbeat(joinHb({ memberId: 'b' }))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect((await a.beat()).errorCode).toBe(ErrorCode.NONE);
  });

  test('KC-25 range assignor chosen by the members, uniform by default; KC-41 contiguous ranges', async () => {
    const h = await consumerHarness({ t: 6 });
    const t = h.topics.id('t');
    const a = new Member(h, 'a', { serverAssignor: 'range' });
    const b = new Member(h, 'b', { serverAssignor: 'range' });
    await a.join();
    await b.join();
    await converge([a, b]);
    expect(parts(a.owned, t)).toEqual([0, 1, 2]);
    expect(parts(b.owned, t)).toEqual([3, 4, 5]);
    expect(h.coord.describeConsumerGroups(['cg'])[0]!.assignorName).toBe('range');
  });

  test('KC-12 regex subscription resolves topics (RE2 full match); KC-24 new topics and added partitions trigger a new target, deleted topics are revoked', async () => {
    const h = await consumerHarness({ 'orders-1': 2, other: 1 });
    const a = new Member(h, 'a', { subscribedTopicNames: [], subscribedTopicRegex: 'orders-.*' });
    await a.join();
    expect(a.owned.map((x) => x.topicId)).toEqual([h.topics.id('orders-1')]);
    h.topics.create('orders-2', 3);
    h.topics.grow('orders-1', 4);
    h.coord.onTopicMetadataChanged();
    await a.beat();
    await converge([a]);
    expect(parts(a.owned, h.topics.id('orders-1'))).toEqual([0, 1, 2, 3]);
    expect(parts(a.owned, h.topics.id('orders-2'))).toEqual([0, 1, 2]);
    const gone = h.topics.id('orders-1');
    h.topics.delete('orders-1');
    h.coord.onTopicMetadataChanged();
    await converge([a]);
    expect(a.owned.map((x) => x.topicId)).toEqual([h.topics.id('orders-2')]);
    expect(parts(a.owned, gone)).toEqual([]);
  });

  test('KC-50 / TS-78 ConsumerGroupDescribe: state, epochs, members with names; unknown and classic groups are GROUP_ID_NOT_FOUND, blank INVALID_GROUP_ID', async () => {
    const h = await consumerHarness();
    const a = new Member(h, 'a', { subscribedTopicNames: ['t', 'u'] });
    await a.join();
    await h.coord.joinGroup(joinCmd({ groupId: 'classic' }));
    await settle();
    const [d, missing, classic, blank] = h.coord.describeConsumerGroups(['cg', 'nope', 'classic', '']);
    expect(d).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Stable', groupEpoch: 1, assignmentEpoch: 1, assignorName: 'uniform' });
    expect(d!.members[0]).toMatchObject({ memberId: 'a', memberEpoch: 1, clientHost: '/127.0.0.1', subscribedTopicNames: ['t', 'u'] });
    expect(d!.members[0]!.assignment.map((x) => [x.topicName, x.partitions.length]).sort()).toEqual([['t', 6], ['u', 3]]);
    expect(missing!.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(classic!.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    expect(blank!.errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    // CG-71: ListGroups knows the type; DescribeGroups (classic API) reads a consumer group as Dead (CG-70).
    expect(h.coord.listGroups({ statesFilter: [], typesFilter: ['Consumer'] }).groups).toEqual([{ groupId: 'cg', protocolType: 'consumer', groupState: 'Stable', groupType: 'consumer' }]);
    expect(h.coord.describeGroups(['cg'], 5)[0]!.groupState).toBe('Dead');
  });

  test('TS-79 / CG-21 an Empty classic group is replaced (offsets kept); a classic group whose members cannot be read is GROUP_ID_NOT_FOUND; a JoinGroup replaces an Empty consumer group', async () => {
    const h = await consumerHarness();
    await h.coord.offsetCommit({ groupId: 'cg', memberId: '', groupInstanceId: null, generationIdOrMemberEpoch: -1, retentionTimeMs: -1, apiVersion: 9, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, committedMetadata: null, commitTimestamp: -1 }] }] });
    const a = new Member(h, 'a');
    expect((await a.join()).errorCode).toBe(ErrorCode.NONE);
    expect(h.coord.consumerGroupView('cg')!.offsets.size).toBe(1);
    // KC-62: a consumer-protocol member is unknown to the classic Heartbeat.
    expect((await h.coord.heartbeat({ groupId: 'cg', memberId: 'a', groupInstanceId: null, generationId: 1 })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await a.leave();
    const join = await h.coord.joinGroup(joinCmd({ groupId: 'cg' }));
    expect(join.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(h.coord.groupView('cg')!.offsets.size).toBe(1);
    const p = h.coord.joinGroup(joinCmd({ groupId: 'cg', memberId: join.memberId }));
    await h.advance(0);
    expect((await p).errorCode).toBe(ErrorCode.NONE);
    // KC-62: its members' metadata is not a consumer subscription, so it cannot be upgraded.
    expect((await h.coord.consumerGroupHeartbeat(joinHb({ memberId: 'z' }))).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  test('OF-4 / OF-35 / TS-58 / TS-64 offsets of a KIP-848 group: member epoch as generation, STALE_MEMBER_EPOCH, v9 only, admin commit when Empty', async () => {
    const h = await consumerHarness();
    const a = new Member(h, 'a');
    await a.join();
    const commit = (memberId: string, epoch: number, apiVersion = 9) =>
      h.coord.offsetCommit({ groupId: 'cg', memberId, groupInstanceId: null, generationIdOrMemberEpoch: epoch, retentionTimeMs: -1, apiVersion, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 7, committedLeaderEpoch: -1, committedMetadata: null, commitTimestamp: -1 }] }] });
    const code = async (p: ReturnType<typeof commit>) => (await p).topics[0]!.partitions[0]!.errorCode;
    expect(await code(commit('a', 1))).toBe(ErrorCode.NONE);
    expect(await code(commit('a', 0))).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(await code(commit('nobody', 1))).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await code(commit('a', 1, 8))).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(await code(commit('', -1))).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const fetch = (memberId: string | null, memberEpoch: number) => h.coord.offsetFetch({ groups: [{ groupId: 'cg', topics: null, memberId, memberEpoch }], requireStable: false });
    expect((await fetch('a', 1)).groups[0]).toMatchObject({ errorCode: ErrorCode.NONE, topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 7 }] }] });
    expect((await fetch('a', 3)).groups[0]!.errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect((await fetch(null, -1)).groups[0]!.errorCode).toBe(ErrorCode.NONE);
    await a.leave();
    expect(await code(commit('', -1))).toBe(ErrorCode.NONE);
  });

  test('PE-13 the history shows a consumer group: one record per group epoch, its trigger, stable once every member reconciled; a restart keeps it; the snapshot carries it', async () => {
    const h = await consumerHarness();
    const [a, b] = [new Member(h, 'a'), new Member(h, 'b')];
    await a.join();
    await b.join();
    await converge([a, b]);
    await b.leave();
    await converge([a]);
    const report = h.coord.groupHistory('cg')!;
    expect(report.summary).toMatchObject({ state: 'Stable', protocolType: 'consumer', generation: 3, members: 1 });
    const gens = report.history.generations;
    expect(gens.map((g) => [g.generation, g.outcome, g.trigger?.kind, g.protocolName])).toEqual([
      [1, 'stable', 'MemberJoined', 'uniform'],
      [2, 'stable', 'MemberJoined', 'uniform'],
      [3, 'stable', 'MemberLeft', 'uniform'],
    ]);
    expect(gens[1]!.members.map((m) => [m.memberId, m.partitions])).toEqual([['a', 3], ['b', 3]]);
    expect(gens[2]!.left).toEqual([{ memberId: 'b', reason: 'LeaveGroup', at: h.clock.now() }]);
    await h.restart();
    expect(h.coord.groupHistory('cg')!.history).toEqual(report.history);
    const snap = [...h.coord.snapshotEvents()].find((e) => e.type === 'ConsumerGroupSnapshot');
    expect(snap).toMatchObject({ groupId: 'cg', history: report.history });
  });

  test('PE-11 / TS-80 a restart keeps epochs and assignments: members heartbeat at their epoch and get NONE with nothing written', async () => {
    const h = await consumerHarness();
    const [a, b] = [new Member(h, 'a'), new Member(h, 'b')];
    await a.join();
    await b.join();
    await converge([a, b]);
    const before = h.coord.consumerGroupView('cg')!;
    const snapshot = JSON.stringify([...before.members.values()]);
    await h.restart();
    const after = h.coord.consumerGroupView('cg')!;
    expect(JSON.stringify([...after.members.values()])).toBe(snapshot);
    // Fresh session timers for every member (PE-11).
    expect(h.clock.deadlineOf(consumerSessionKey('cg', 'a'))).toBe(h.clock.now() + 45_000);
    const written = h.log.appendedEvents().length;
    expect(await a.beat()).toMatchObject({ errorCode: ErrorCode.NONE, memberEpoch: a.epoch, assignment: null });
    expect(await b.beat()).toMatchObject({ errorCode: ErrorCode.NONE, memberEpoch: b.epoch });
    expect(h.log.appendedEvents().length).toBe(written);
  });
});
