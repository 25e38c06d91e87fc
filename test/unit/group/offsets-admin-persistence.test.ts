import type { ClassicGroup } from '../../../src/domain/group/classic-group';
import { ErrorCode } from '../../../src/domain/error-code';
import { replay } from '../../../src/domain/group/evolve';
import type { GroupEvent } from '../../../src/domain/group/events';
import type { OffsetCommitCommand } from '../../../src/application/group/group-api';
import { joinCmd, makeHarness, settle, stableGroup } from './group-harness';
import { GroupTimers } from '../../../src/application/group/group-timers';
import { listCommittedOffsets } from '../../../src/domain/group/committed-offsets';
import { memberAssignment } from '../../../src/domain/group/classic-group';

const commit = (over: Partial<OffsetCommitCommand> = {}): OffsetCommitCommand => ({
  groupId: 'g',
  memberId: '',
  groupInstanceId: null,
  generationIdOrMemberEpoch: -1,
  retentionTimeMs: -1,
  apiVersion: 9,
  topics: [{ name: 't', partitions: [{ partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, committedMetadata: 'md', commitTimestamp: -1 }] }],
  ...over,
});
const codes = (r: { topics: ReadonlyArray<{ partitions: ReadonlyArray<{ errorCode: number }> }> }) => r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));
const fetchOne = (groupId = 'g', requireStable = false) => ({ groups: [{ groupId, topics: [{ name: 't', partitionIndexes: [0, 1] }] }], requireStable });

describe('offsets', () => {
  test('OF-2 commit to a missing group: v9+ GROUP_ID_NOT_FOUND, older ILLEGAL_GENERATION (TS-52)', async () => {
    const h = await makeHarness();
    expect(codes(await h.coord.offsetCommit(commit({ generationIdOrMemberEpoch: 1 })))).toEqual([ErrorCode.GROUP_ID_NOT_FOUND]);
    expect(codes(await h.coord.offsetCommit(commit({ generationIdOrMemberEpoch: 1, apiVersion: 8 })))).toEqual([ErrorCode.ILLEGAL_GENERATION]);
  });

  test('OF-2 generation −1 creates a simple group; instance id ignored; OF-32 fetch (TS-53)', async () => {
    const h = await makeHarness();
    expect(codes(await h.coord.offsetCommit(commit({ groupInstanceId: 'x', memberId: 'm' })))).toEqual([ErrorCode.NONE]);
    const f = await h.coord.offsetFetch(fetchOne());
    expect(f.groups[0]!.topics[0]!.partitions).toEqual([
      { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: 3, metadata: 'md', errorCode: ErrorCode.NONE },
      { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE },
    ]);
    expect(h.coord.listGroups({ statesFilter: [], typesFilter: [] }).groups).toEqual([{ groupId: 'g', protocolType: '', groupState: 'Empty', groupType: 'classic' }]);
  });

  test('OF-3 classic group errors: illegal generation, unknown member, fenced, no member id (TS-54, TS-56)', async () => {
    const h = await makeHarness();
    const { ids } = await stableGroup(h, 1);
    const id = ids[0]!;
    expect(codes(await h.coord.offsetCommit(commit({ memberId: id, generationIdOrMemberEpoch: 5 })))).toEqual([ErrorCode.ILLEGAL_GENERATION]);
    expect(codes(await h.coord.offsetCommit(commit({ memberId: 'x', generationIdOrMemberEpoch: 1 })))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(codes(await h.coord.offsetCommit(commit({ memberId: id, groupInstanceId: 'i', generationIdOrMemberEpoch: 1 })))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(codes(await h.coord.offsetCommit(commit()))).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(codes(await h.coord.offsetCommit(commit({ memberId: id, generationIdOrMemberEpoch: 1 })))).toEqual([ErrorCode.NONE]);
  });

  test('OF-3 commit while CompletingRebalance → REBALANCE_IN_PROGRESS (TS-55)', async () => {
    const h = await makeHarness();
    const first = await h.coord.joinGroup(joinCmd());
    const p = h.coord.joinGroup(joinCmd({ memberId: first.memberId }));
    await h.advance(0);
    await p;
    expect(codes(await h.coord.offsetCommit(commit({ memberId: first.memberId, generationIdOrMemberEpoch: 1 })))).toEqual([ErrorCode.REBALANCE_IN_PROGRESS]);
  });

  test('OF-5 metadata too large fails only its partition (TS-59); OF-6 retention sets expireTimestamp (TS-57)', async () => {
    const h = await makeHarness({ offsetMetadataMaxBytes: 3 });
    const r = await h.coord.offsetCommit(commit({
      retentionTimeMs: 1000,
      topics: [{ name: 't', partitions: [
        { partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: 'toolong', commitTimestamp: -1 },
        { partitionIndex: 1, committedOffset: 2, committedLeaderEpoch: -1, committedMetadata: null, commitTimestamp: -1 },
      ] }],
    }));
    expect(codes(r)).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.NONE]);
    const stored = listCommittedOffsets(h.durable().groups.get('g')!.offsets);
    expect(stored).toEqual([{ topic: 't', partition: 1, offset: 2, leaderEpoch: -1, metadata: '', commitTimestamp: h.clock.now(), expireTimestamp: h.clock.now() + 1000 }]);
  });

  test('OF-8 a member commit re-arms its session (TS-57)', async () => {
    const h = await makeHarness();
    const { ids } = await stableGroup(h, 1);
    for (let i = 0; i < 4; i++) {
      await h.advance(8000);
      expect(codes(await h.coord.offsetCommit(commit({ memberId: ids[0]!, generationIdOrMemberEpoch: 1 })))).toEqual([ErrorCode.NONE]);
    }
    expect(h.coord.groupView('g')!.state).toBe('Stable');
  });

  test('OF-31 fetch of a missing group: -1 per partition, empty list for all-partitions (TS-61)', async () => {
    const h = await makeHarness();
    const f = await h.coord.offsetFetch({ groups: [{ groupId: 'none', topics: null }, { groupId: 'none2', topics: [{ name: 't', partitionIndexes: [3] }] }], requireStable: false });
    expect(f.groups[0]).toEqual({ groupId: 'none', errorCode: ErrorCode.NONE, topics: [] });
    expect(f.groups[1]!.topics[0]!.partitions[0]!.committedOffset).toBe(-1);
  });

  test('GEN-6 / OF-33 reads see only durable commits; require_stable waits for in-flight ones (TS-63)', async () => {
    const h = await makeHarness({}, { durableAfter: 'manual' });
    void h.coord.offsetCommit(commit());
    await settle();
    const committed = await h.coord.offsetFetch(fetchOne());
    expect(committed.groups[0]!.topics[0]!.partitions[0]!.committedOffset).toBe(-1);
    const stable = h.coord.offsetFetch(fetchOne('g', true));
    h.log.flush();
    expect((await stable).groups[0]!.topics[0]!.partitions[0]!.committedOffset).toBe(42);
  });

  test('OF-40 / OF-41 OffsetDelete: GROUP_ID_NOT_FOUND, GROUP_SUBSCRIBED_TO_TOPIC, tombstones (TS-65)', async () => {
    const h = await makeHarness();
    expect((await h.coord.offsetDelete({ groupId: 'none', topics: [] })).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    const { ids } = await stableGroup(h, 1);
    await h.coord.offsetCommit(commit({ memberId: ids[0]!, generationIdOrMemberEpoch: 1, topics: [
      { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '', commitTimestamp: -1 }] },
      { name: 'u', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '', commitTimestamp: -1 }] },
    ] }));
    const r = await h.coord.offsetDelete({ groupId: 'g', topics: [{ name: 't', partitions: [0] }, { name: 'u', partitions: [0, 1] }] });
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(codes(r)).toEqual([ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.NONE, ErrorCode.NONE]);
    expect(listCommittedOffsets(h.durable().groups.get('g')!.offsets).map((o) => o.topic)).toEqual(['t']);
  });

  test('OF-40 non-consumer group with members → NON_EMPTY_GROUP (TS-65)', async () => {
    const h = await makeHarness();
    const first = await h.coord.joinGroup(joinCmd({ protocolType: 'connect' }));
    void h.coord.joinGroup(joinCmd({ protocolType: 'connect', memberId: first.memberId }));
    expect((await h.coord.offsetDelete({ groupId: 'g', topics: [] })).errorCode).toBe(ErrorCode.NON_EMPTY_GROUP);
  });

  test('OF-20 / CG-73 expiry: simple group offsets expire by commit time, then the group is deleted (TS-67)', async () => {
    const h = await makeHarness({ offsetsRetentionMs: 1_000_000, offsetsRetentionCheckIntervalMs: 600_000 });
    await h.coord.offsetCommit(commit());
    await h.advance(600_000);
    expect(h.durable().groups.get('g')!.offsets.size).toBe(1);
    await h.advance(600_000);
    expect(h.durable().groups.has('g')).toBe(false);
    expect(h.coord.groupView('g')).toBeUndefined();
  });

  test('CG-73 an Empty group without offsets disappears at the next check (TS-67)', async () => {
    const h = await makeHarness();
    await h.coord.joinGroup(joinCmd({ apiVersion: 9 }));
    await h.advance(600_000);
    expect(h.coord.groupView('g')).toBeUndefined();
  });

  test('OF-20 a Stable consumer group keeps offsets of subscribed topics (TS-67)', async () => {
    const h = await makeHarness({ offsetsRetentionMs: 1000 });
    const { ids } = await stableGroup(h, 1);
    await h.coord.offsetCommit(commit({ memberId: ids[0]!, generationIdOrMemberEpoch: 1, topics: [
      { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '', commitTimestamp: -1 }] },
      { name: 'gone', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: '', commitTimestamp: -1 }] },
    ] }));
    await h.coord.expireOffsets();
    h.clock.advance(2000);
    await h.coord.heartbeat({ groupId: 'g', memberId: ids[0]!, groupInstanceId: null, generationId: 1 });
    await h.coord.expireOffsets();
    expect(listCommittedOffsets(h.durable().groups.get('g')!.offsets).map((o) => o.topic)).toEqual(['t']);
  });
});

describe('admin APIs', () => {
  test('CG-70 describe Stable, rebalancing and missing groups (TS-46)', async () => {
    const h = await makeHarness();
    const { ids } = await stableGroup(h, 2);
    const [stable, missing, missingV6] = [...h.coord.describeGroups(['g', 'x'], 5), ...h.coord.describeGroups(['x'], 6)];
    expect(stable).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Stable', protocolType: 'consumer', protocolData: 'range' });
    expect(stable!.members.map((m) => m.memberId)).toEqual(ids);
    expect(stable!.members[0]!.metadata.length).toBeGreaterThan(0);
    expect(missing).toMatchObject({ errorCode: ErrorCode.NONE, groupState: 'Dead', protocolType: '', members: [] });
    expect(missingV6!.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    void h.coord.joinGroup(joinCmd({ memberId: ids[0]! }));
    const rebalancing = h.coord.describeGroups(['g'], 5)[0]!;
    expect(rebalancing.groupState).toBe('PreparingRebalance');
    expect(rebalancing.protocolData).toBe('');
    expect(rebalancing.members[0]!.metadata.length).toBe(0);
  });

  test('CG-71 list groups with case-insensitive state/type filters; unknown filter → empty (TS-47)', async () => {
    const h = await makeHarness();
    await stableGroup(h, 1, 'a');
    await h.coord.offsetCommit(commit({ groupId: 'b' }));
    const names = (q: { statesFilter: string[]; typesFilter: string[] }) => h.coord.listGroups(q).groups.map((g) => g.groupId).sort();
    expect(names({ statesFilter: [], typesFilter: [] })).toEqual(['a', 'b']);
    expect(names({ statesFilter: ['stable'], typesFilter: [] })).toEqual(['a']);
    expect(names({ statesFilter: ['EMPTY'], typesFilter: ['Classic'] })).toEqual(['b']);
    expect(names({ statesFilter: ['bogus'], typesFilter: [] })).toEqual([]);
    expect(names({ statesFilter: [], typesFilter: ['consumer'] })).toEqual([]);
  });

  test('CG-72 DeleteGroups: missing → GROUP_ID_NOT_FOUND, non-empty → NON_EMPTY_GROUP, Empty → deleted with offsets (TS-48)', async () => {
    const h = await makeHarness();
    await stableGroup(h, 1, 'busy');
    await h.coord.offsetCommit(commit({ groupId: 'idle' }));
    const r = await h.coord.deleteGroups(['nope', 'busy', 'idle']);
    expect(r.results.map((x) => x.errorCode)).toEqual([ErrorCode.GROUP_ID_NOT_FOUND, ErrorCode.NON_EMPTY_GROUP, ErrorCode.NONE]);
    expect(h.durable().groups.has('idle')).toBe(false);
    const f = await h.coord.offsetFetch({ groups: [{ groupId: 'idle', topics: null }], requireStable: false });
    expect(f.groups[0]!.topics).toEqual([]);
  });
});

describe('persistence and recovery', () => {
  test('PE-11 a Stable group comes back Stable at the same generation; heartbeats get NONE (TS-49)', async () => {
    const h = await makeHarness();
    const { ids, leaderId } = await stableGroup(h, 3);
    const before = h.coord.groupView('g')!;
    const assignments = ids.map((id) => memberAssignment(before.members.get(id)!));
    await h.restart();
    const g = h.coord.groupView('g')!;
    expect(g.state).toBe('Stable');
    expect(g.generation).toBe(1);
    expect(g.leaderId).toBe(leaderId);
    expect(ids.map((id) => memberAssignment(g.members.get(id)!))).toEqual(assignments);
    for (const id of ids) expect((await h.coord.heartbeat({ groupId: 'g', memberId: id, groupInstanceId: null, generationId: 1 })).errorCode).toBe(ErrorCode.NONE);
    // Fresh session timers after load: a silent member expires after its session timeout.
    expect(h.container.get(GroupTimers).sessionDeadline('g', ids[0]!)).toBeDefined();
  });

  test('PE-11 a group that crashed mid-rebalance comes back at its last synced generation', async () => {
    const h = await makeHarness();
    const { leaderId } = await stableGroup(h, 2);
    void h.coord.joinGroup(joinCmd({ memberId: leaderId }));
    expect(h.coord.groupView('g')!.state).toBe('PreparingRebalance');
    await h.restart();
    expect(h.coord.groupView('g')!.state).toBe('Stable');
    expect(h.coord.groupView('g')!.generation).toBe(1);
  });

  test('CG-74 / PE-11 over-capacity group rebalances on load (TS-49)', async () => {
    const h = await makeHarness();
    await stableGroup(h, 3);
    (h.config as { groupMaxSize: number }).groupMaxSize = 2;
    await h.restart();
    expect(h.coord.groupView('g')!.state).toBe('PreparingRebalance');
  });

  test('GEN-2 while loading: COORDINATOR_LOAD_IN_PROGRESS, Heartbeat NONE', async () => {
    const h = await makeHarness();
    h.coord.beginLoad();
    expect((await h.coord.joinGroup(joinCmd())).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    expect((await h.coord.heartbeat({ groupId: 'g', memberId: 'm', groupInstanceId: null, generationId: 1 })).errorCode).toBe(ErrorCode.NONE);
    expect(h.coord.listGroups({ statesFilter: [], typesFilter: [] }).errorCode).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    h.coord.completeLoad();
    expect((await h.coord.joinGroup(joinCmd())).errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  });

  test('GEN-3 / GEN-5 a failed leader-sync write answers NOT_COORDINATOR and stops writes (TS-23)', async () => {
    const h = await makeHarness();
    const first = await h.coord.joinGroup(joinCmd());
    const p = h.coord.joinGroup(joinCmd({ memberId: first.memberId }));
    await h.advance(0);
    const j = await p;
    h.log.injectFailure('EIO');
    const s = await h.coord.syncGroup({ groupId: 'g', memberId: j.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [], apiVersion: 3 });
    expect(s.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(codes(await h.coord.offsetCommit(commit({ groupId: 'other' })))).toEqual([ErrorCode.NOT_COORDINATOR]);
    // Fail-stop instead of a rollback: nothing the failed batch changed is visible to any request.
    expect(h.coord.describeGroups(['g'], 5)[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await h.coord.offsetFetch({ groups: [{ groupId: 'g', topics: null }], requireStable: false })).groups[0]!.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect((await h.coord.heartbeat({ groupId: 'g', memberId: j.memberId, groupInstanceId: null, generationId: 1 })).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });

  test('CG-28 / GEN-3 a failed new-group write answers the mapped error (TS-51)', async () => {
    const h = await makeHarness();
    h.log.injectFailure('EIO');
    expect((await h.coord.joinGroup(joinCmd())).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
  });

  test('PE-7 replaying every appended event equals the live hard state', async () => {
    const h = await makeHarness();
    const { ids } = await stableGroup(h, 3);
    await h.coord.offsetCommit(commit({ memberId: ids[0]!, generationIdOrMemberEpoch: 1 }));
    await h.coord.leaveGroup({ groupId: 'g', members: ids.map((memberId) => ({ memberId, groupInstanceId: null })), apiVersion: 3 });
    await settle();
    expect(replay(h.log.appendedEvents() as GroupEvent[])).toEqual(h.coord.liveState());
    expect(replay(h.log.durableEvents() as GroupEvent[])).toEqual(h.durable());
    expect((h.durable().groups.get('g') as ClassicGroup).generation).toBe(2);
  });
});
