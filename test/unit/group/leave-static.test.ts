import { ErrorCode } from '../../../src/domain/error-code';
import { bytes, joinCmd, makeHarness, protocols, settle } from './group-harness';
import { memberAssignment } from '../../../src/domain/group/classic-group';

const staticStable = async (instances: string[], apiVersion = 9) => {
  const h = await makeHarness();
  const ps = instances.map((i) => h.coord.joinGroup(joinCmd({ groupInstanceId: i, clientId: i, apiVersion })));
  await h.advance(0);
  const joins = await Promise.all(ps);
  const leader = joins.find((j) => j.memberId === j.leader)!;
  const syncs = joins.map((j) =>
    h.coord.syncGroup({
      groupId: 'g', memberId: j.memberId, groupInstanceId: instances[joins.indexOf(j)]!, generationId: 1, protocolType: 'consumer', protocolName: 'range', apiVersion: 5,
      assignments: j === leader ? joins.map((x) => ({ memberId: x.memberId, assignment: bytes(x.memberId) })) : [],
    }),
  );
  await settle();
  await Promise.all(syncs);
  return { h, joins, leaderId: leader.memberId };
};

describe('LeaveGroup and static membership', () => {
  test('CG-53 valid leave removes the member and rebalances; last leave empties the group (TS-42, CG-16)', async () => {
    const { h, joins } = await staticStable(['i1']);
    const r = await h.coord.leaveGroup({ groupId: 'g', members: [{ memberId: joins[0]!.memberId, groupInstanceId: 'i1' }], apiVersion: 3 });
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.members[0]!.errorCode).toBe(ErrorCode.NONE);
    const g = h.coord.groupView('g')!;
    expect(g.state).toBe('Empty');
    expect(g.generation).toBe(2);
    expect(h.durable().groups.get('g')!.members.size).toBe(0);
  });

  test('CG-53 unknown member / unknown group / v0-2 top-level folding (TS-42)', async () => {
    const { h } = await staticStable(['i1']);
    const unknown = await h.coord.leaveGroup({ groupId: 'g', members: [{ memberId: 'x', groupInstanceId: null }], apiVersion: 1 });
    expect(unknown.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const noGroup = await h.coord.leaveGroup({ groupId: 'nope', members: [{ memberId: 'x', groupInstanceId: null }], apiVersion: 3 });
    expect(noGroup.errorCode).toBe(ErrorCode.NONE);
    expect(noGroup.members[0]!.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const noGroupV0 = await h.coord.leaveGroup({ groupId: 'nope', members: [{ memberId: 'x', groupInstanceId: null }], apiVersion: 0 });
    expect(noGroupV0.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('CG-53 / CG-62 batch leave with per-member errors: fenced, unknown instance, admin removal (TS-43, TS-44)', async () => {
    const { h, joins } = await staticStable(['i1', 'i2', 'i3']);
    const r = await h.coord.leaveGroup({
      groupId: 'g',
      members: [
        { memberId: 'wrong-id', groupInstanceId: 'i1' },
        { memberId: joins[1]!.memberId, groupInstanceId: 'i9' },
        { memberId: '', groupInstanceId: 'i3' },
        { memberId: '', groupInstanceId: 'unknown' },
      ],
      apiVersion: 4,
    });
    expect(r.members.map((m) => m.errorCode)).toEqual([ErrorCode.FENCED_INSTANCE_ID, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(h.coord.groupView('g')!.staticMembers.has('i3')).toBe(false);
    expect(h.coord.groupView('g')!.state).toBe('PreparingRebalance');
  });

  test('CG-53 a pending member id can leave (TS-45)', async () => {
    const h = await makeHarness();
    const r = await h.coord.joinGroup(joinCmd());
    const l = await h.coord.leaveGroup({ groupId: 'g', members: [{ memberId: r.memberId, groupInstanceId: null }], apiVersion: 3 });
    expect(l.members[0]!.errorCode).toBe(ErrorCode.NONE);
    expect(h.isPending(r.memberId)).toBe(false);
  });

  test('CG-60 static leader restart: new id, no rebalance, old id fenced; v9+ skipAssignment + members (TS-33, TS-35)', async () => {
    const { h, leaderId } = await staticStable(['i1', 'i2']);
    const r = await h.coord.joinGroup(joinCmd({ groupInstanceId: 'i1', clientId: 'i1', apiVersion: 9 }));
    const instanceOfLeader = h.coord.groupView('g')!.members.get(r.memberId)!.instanceId;
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.generationId).toBe(1);
    expect(h.coord.groupView('g')!.state).toBe('Stable');
    if (instanceOfLeader === 'i1' && h.coord.groupView('g')!.leaderId === r.memberId) {
      expect(r.skipAssignment).toBe(true);
      expect(r.members.length).toBe(2);
    }
    const old = await h.coord.heartbeat({ groupId: 'g', memberId: leaderId, groupInstanceId: 'i1', generationId: 1 });
    expect(old.errorCode).toBe(leaderId === r.memberId ? ErrorCode.NONE : ErrorCode.FENCED_INSTANCE_ID);
    // The replacement is durable and replays as the same Stable group (PE-3 d).
    expect(h.durable().groups.get('g')!.members.has(r.memberId)).toBe(true);
  });

  test('CG-60 v<9 replacement of the leader answers the old leader id and no members (TS-35)', async () => {
    const { h, leaderId, joins } = await staticStable(['i1', 'i2']);
    const leaderInstance = joins[0]!.memberId === leaderId ? 'i1' : 'i2';
    const r = await h.coord.joinGroup(joinCmd({ groupInstanceId: leaderInstance, clientId: leaderInstance, apiVersion: 8 }));
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.leader).toBe(leaderId);
    expect(r.memberId).not.toBe(leaderId);
    expect(r.members).toEqual([]);
    expect(r.skipAssignment).toBe(false);
    expect(h.coord.groupView('g')!.leaderId).toBe(r.memberId);
    expect(memberAssignment(h.coord.groupView('g')!.members.get(r.memberId)!)).toEqual(bytes(leaderId));
  });

  test('CG-60 static follower restart keeps generation, no rebalance (TS-34)', async () => {
    const { h, leaderId, joins } = await staticStable(['i1', 'i2']);
    const followerInstance = joins[0]!.memberId === leaderId ? 'i2' : 'i1';
    const r = await h.coord.joinGroup(joinCmd({ groupInstanceId: followerInstance, clientId: followerInstance, apiVersion: 7 }));
    expect(r).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leader: leaderId, members: [] });
    expect(h.coord.groupView('g')!.state).toBe('Stable');
  });

  test('CG-60 replacement that changes the selected protocol rebalances (TS-36)', async () => {
    const { h } = await staticStable(['i1']);
    void h.coord.joinGroup(joinCmd({ groupInstanceId: 'i1', protocols: protocols(['roundrobin', 'range']) }));
    expect(h.coord.groupView('g')!.state).not.toBe('Stable');
  });

  test('CG-62 static rejoin with mismatched / unknown instance id (TS-38)', async () => {
    const { h, joins } = await staticStable(['i1', 'i2']);
    const fenced = await h.coord.joinGroup(joinCmd({ memberId: joins[0]!.memberId, groupInstanceId: 'i2' }));
    expect(fenced.errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(fenced.protocolType).toBeNull();
    const unknown = await h.coord.joinGroup(joinCmd({ memberId: joins[0]!.memberId, groupInstanceId: 'i9' }));
    expect(unknown.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('CG-60 duplicate instance: the old id parked join gets FENCED_INSTANCE_ID (TS-39)', async () => {
    const { h, joins, leaderId } = await staticStable(['i1', 'i2']);
    const follower = joins.find((j) => j.memberId !== leaderId)!;
    const followerInstance = joins.indexOf(follower) === 0 ? 'i1' : 'i2';
    const parkedJoin = h.coord.joinGroup(joinCmd({ memberId: follower.memberId, groupInstanceId: followerInstance, protocols: protocols(['range'], 'new') }));
    expect(h.coord.groupView('g')!.state).toBe('PreparingRebalance');
    void h.coord.joinGroup(joinCmd({ groupInstanceId: followerInstance }));
    expect((await parkedJoin).errorCode).toBe(ErrorCode.FENCED_INSTANCE_ID);
  });

  test('CG-61 non-rejoined static member is kept and listed to the leader (TS-40, TS-32)', async () => {
    const { h, joins, leaderId } = await staticStable(['i1', 'i2']);
    const follower = joins.find((j) => j.memberId !== leaderId)!;
    const p = h.coord.joinGroup(joinCmd({ memberId: leaderId, groupInstanceId: joins.indexOf(follower) === 0 ? 'i2' : 'i1' }));
    for (let t = 0; t < 30_000; t += 5000) {
      await h.coord.heartbeat({ groupId: 'g', memberId: follower.memberId, groupInstanceId: null, generationId: 1 });
      await h.advance(5000);
    }
    const r = await p;
    expect(r.generationId).toBe(2);
    expect(r.members.map((m) => m.memberId).sort()).toEqual([leaderId, follower.memberId].sort());
  });

  test('CG-32 only non-rejoined static members → group stays PreparingRebalance (TS-41)', async () => {
    const { h } = await staticStable(['i1']);
    const p = h.coord.joinGroup(joinCmd({ groupInstanceId: 'i2', clientId: 'i2', protocols: protocols(['range']) }));
    const joins = h.coord.groupView('g')!;
    expect(joins.state).toBe('PreparingRebalance');
    // The newcomer leaves; only the static member (not rejoined) remains.
    const newId = [...joins.members.values()].find((m) => m.instanceId === 'i2')!.memberId;
    await h.coord.leaveGroup({ groupId: 'g', members: [{ memberId: newId, groupInstanceId: 'i2' }], apiVersion: 3 });
    expect((await p).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const staticId = h.coord.groupView('g')!.staticMembers.get('i1')!;
    for (let t = 0; t < 65_000; t += 5000) {
      await h.coord.heartbeat({ groupId: 'g', memberId: staticId, groupInstanceId: 'i1', generationId: 1 });
      await h.advance(5000);
    }
    expect(h.coord.groupView('g')!.generation).toBe(1);
    expect(h.coord.groupView('g')!.state).toBe('PreparingRebalance');
  });
});
