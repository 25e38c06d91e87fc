import { ErrorCode } from '../../../src/domain/error-code';
import { bytes, joinCmd, joinDynamic, makeHarness, protocols, settle, stableGroup } from './group-harness';
import { memberAssignment } from '../../../src/domain/group/classic-group';

describe('classic JoinGroup / SyncGroup / Heartbeat', () => {
  test('CG-24 v4+ first join gets MEMBER_ID_REQUIRED, member pending, group untouched (TS-1)', async () => {
    const h = await makeHarness();
    const r = await h.coord.joinGroup(joinCmd());
    expect(r.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(r.memberId).toBe('c-1');
    const g = h.coord.groupView('g')!;
    expect(g.state).toBe('Empty');
    expect(g.members.size).toBe(0);
    expect(h.isPending('c-1')).toBe(true);
    // CG-28: the new group's empty record is durable before the answer.
    expect(h.log.durableEvents()).toEqual([{ type: 'GroupCreated', groupId: 'g', at: h.clock.now() }]);
  });

  test('CG-22 non-empty member id and no group → UNKNOWN_MEMBER_ID (TS-2)', async () => {
    const h = await makeHarness();
    expect((await h.coord.joinGroup(joinCmd({ memberId: 'x' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('CG-20 session timeout out of bounds → INVALID_SESSION_TIMEOUT; GEN-4 empty group id → INVALID_GROUP_ID', async () => {
    const h = await makeHarness();
    expect((await h.coord.joinGroup(joinCmd({ sessionTimeoutMs: 5999 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await h.coord.joinGroup(joinCmd({ sessionTimeoutMs: 1_800_001 }))).errorCode).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await h.coord.joinGroup(joinCmd({ groupId: '' }))).errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });

  test('CG-24 v0-v3 join adds the member directly; CG-3 v0 rebalance timeout = session timeout', async () => {
    const h = await makeHarness();
    const p = h.coord.joinGroup(joinCmd({ apiVersion: 0, rebalanceTimeoutMs: null }));
    await h.advance(0);
    const r = await p;
    expect(r.errorCode).toBe(ErrorCode.NONE);
    expect(r.generationId).toBe(1);
    expect(h.coord.groupView('g')!.members.get(r.memberId)!.rebalanceTimeoutMs).toBe(10_000);
  });

  test('CG-7 inconsistent protocol type / empty type / empty protocols → INCONSISTENT_GROUP_PROTOCOL (TS-5, TS-8)', async () => {
    const h = await makeHarness();
    expect((await h.coord.joinGroup(joinCmd({ protocolType: '' }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await h.coord.joinGroup(joinCmd({ protocols: [] }))).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    await stableGroup(h, 1);
    const other = await h.coord.joinGroup(joinCmd({ protocolType: 'connect' }));
    expect(other).toMatchObject({ errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL, memberId: '', protocolType: null });
    const noCommon = await h.coord.joinGroup(joinCmd({ protocols: protocols(['roundrobin']) }));
    expect(noCommon.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  test('CG-23 joins beyond group.max.size → GROUP_MAX_SIZE_REACHED with memberId "" (TS-3)', async () => {
    const h = await makeHarness({ groupMaxSize: 1 });
    await stableGroup(h, 1);
    const r = await h.coord.joinGroup(joinCmd({ clientId: 'late', apiVersion: 3 }));
    expect(r).toMatchObject({ errorCode: ErrorCode.GROUP_MAX_SIZE_REACHED, memberId: '' });
    expect(h.coord.groupView('g')!.members.size).toBe(1);
  });

  test('CG-31 initial delay: extended by new arrivals, capped by the rebalance timeout (TS-9)', async () => {
    const h = await makeHarness({ groupInitialRebalanceDelayMs: 3000 });
    const a = await joinDynamic(h, { rebalanceTimeoutMs: 7000, clientId: 'a' });
    await h.advance(2000);
    const b = await joinDynamic(h, { rebalanceTimeoutMs: 7000, clientId: 'b' });
    await h.advance(999);
    expect(h.coord.groupView('g')!.state).toBe('PreparingRebalance');
    await h.advance(1); // t=3000: a new member arrived → extend by min(3000, remaining 4000)
    expect(h.coord.groupView('g')!.state).toBe('PreparingRebalance');
    await h.advance(3000); // t=6000: nobody new → complete
    const [ra, rb] = await Promise.all([a.result, b.result]);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
    expect(h.coord.groupView('g')!.state).toBe('CompletingRebalance');
  });

  test('CG-31 initial delay never exceeds ≈ the rebalance timeout (TS-9 cap)', async () => {
    const h = await makeHarness({ groupInitialRebalanceDelayMs: 3000 });
    const first = await joinDynamic(h, { rebalanceTimeoutMs: 4000, clientId: 'a' });
    let t = 0;
    while (h.coord.groupView('g')!.state === 'PreparingRebalance' && t < 20_000) {
      await joinDynamic(h, { rebalanceTimeoutMs: 4000, clientId: `x${t}` });
      await h.advance(500);
      t += 500;
    }
    expect(t).toBeLessThanOrEqual(4500);
    expect((await first.result).errorCode).toBe(ErrorCode.NONE);
  });

  test('CG-33 only the leader receives the member list; protocol selected by vote (TS-18, TS-8)', async () => {
    const h = await makeHarness();
    const { joins, leaderId } = await stableGroup(h, 3);
    for (const j of joins) {
      expect(j.protocolType).toBe('consumer');
      expect(j.protocolName).toBe('range');
      expect(j.members.length).toBe(j.memberId === leaderId ? 3 : 0);
    }
  });

  test('CG-14 both sync orders deliver each member its assignment; group Stable (TS-19)', async () => {
    const h = await makeHarness();
    const { ids } = await stableGroup(h, 2);
    const g = h.coord.groupView('g')!;
    expect(g.state).toBe('Stable');
    for (const id of ids) expect(memberAssignment(g.members.get(id)!)).toEqual(bytes(`a-${id}`));
    // Follower after leader: answered from the Stable state.
    const late = await h.coord.syncGroup({ groupId: 'g', memberId: ids[1]!, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [], apiVersion: 3 });
    expect(late).toEqual({ errorCode: ErrorCode.NONE, protocolType: 'consumer', protocolName: 'range', assignment: bytes(`a-${ids[1]}`) });
  });

  test('CG-42 leader omits assignments → members get empty bytes (TS-24)', async () => {
    const h = await makeHarness();
    const a = await joinDynamic(h, { clientId: 'a' });
    await h.advance(0);
    const j = await a.result;
    const r = await h.coord.syncGroup({ groupId: 'g', memberId: j.memberId, groupInstanceId: null, generationId: 1, protocolType: 'consumer', protocolName: 'range', assignments: [], apiVersion: 5 });
    expect(r.assignment).toEqual(new Uint8Array(0));
    expect(h.coord.groupView('g')!.state).toBe('Stable');
  });

  test('CG-41 sync errors: ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, unknown group (TS-21)', async () => {
    const h = await makeHarness();
    const { ids } = await stableGroup(h, 1);
    const base = { groupId: 'g', memberId: ids[0]!, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [], apiVersion: 3 };
    expect((await h.coord.syncGroup({ ...base, generationId: 7 })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await h.coord.syncGroup({ ...base, memberId: 'nope' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await h.coord.syncGroup({ ...base, groupId: 'other' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('CG-40 / CG-41 KIP-559 protocol checks on SyncGroup (TS-22)', async () => {
    const h = await makeHarness();
    const { ids } = await stableGroup(h, 1);
    const base = { groupId: 'g', memberId: ids[0]!, groupInstanceId: null, generationId: 1, assignments: [], apiVersion: 5 };
    expect((await h.coord.syncGroup({ ...base, protocolType: null, protocolName: 'range' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await h.coord.syncGroup({ ...base, protocolType: 'connect', protocolName: 'range' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect((await h.coord.syncGroup({ ...base, protocolType: 'consumer', protocolName: 'rr' })).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const ok = await h.coord.syncGroup({ ...base, apiVersion: 4, protocolType: null, protocolName: null });
    expect(ok.errorCode).toBe(ErrorCode.NONE);
  });

  test('CG-25 follower rejoin with same metadata: current generation, no rebalance (TS-12)', async () => {
    const h = await makeHarness();
    const { ids, leaderId } = await stableGroup(h, 2);
    const follower = ids.find((id) => id !== leaderId)!;
    const r = await h.coord.joinGroup(joinCmd({ memberId: follower, clientId: 'c1' }));
    expect(r).toMatchObject({ errorCode: ErrorCode.NONE, generationId: 1, leader: leaderId, members: [] });
    expect(h.coord.groupView('g')!.state).toBe('Stable');
  });

  test('CG-25 leader rejoin always rebalances (TS-13); changed metadata rebalances (TS-14)', async () => {
    const h = await makeHarness();
    const { ids, leaderId } = await stableGroup(h, 2);
    void h.coord.joinGroup(joinCmd({ memberId: leaderId }));
    expect(h.coord.groupView('g')!.state).toBe('PreparingRebalance');
    const h2 = await makeHarness();
    const s2 = await stableGroup(h2, 2);
    const follower = s2.ids.find((id) => id !== s2.leaderId)!;
    void h2.coord.joinGroup(joinCmd({ memberId: follower, protocols: protocols(['range'], 'changed') }));
    expect(h2.coord.groupView('g')!.state).toBe('PreparingRebalance');
    expect(ids.length).toBe(2);
  });

  test('CG-25 known id against an Empty group → UNKNOWN_MEMBER_ID (TS-15)', async () => {
    const h = await makeHarness();
    await h.coord.joinGroup(joinCmd());
    expect((await h.coord.joinGroup(joinCmd({ memberId: 'ghost' }))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('CG-32 at rebalance timeout non-rejoined dynamic members are removed; generation +1 (TS-16, TS-18)', async () => {
    const h = await makeHarness();
    const { ids, leaderId } = await stableGroup(h, 3);
    const p = h.coord.joinGroup(joinCmd({ memberId: leaderId }));
    // Others keep their sessions alive but never rejoin.
    for (let t = 0; t < 30_000; t += 5000) {
      for (const id of ids) if (id !== leaderId) await h.coord.heartbeat({ groupId: 'g', memberId: id, groupInstanceId: null, generationId: 1 });
      await h.advance(5000);
    }
    const r = await p;
    expect(r.generationId).toBe(2);
    expect(r.members.map((m) => m.memberId)).toEqual([leaderId]);
    expect([...h.coord.groupView('g')!.members.keys()]).toEqual([leaderId]);
  });

  test('CG-45 heartbeat during PreparingRebalance → REBALANCE_IN_PROGRESS, CompletingRebalance/Stable → NONE (TS-28, TS-29)', async () => {
    const h = await makeHarness();
    const a = await joinDynamic(h, { clientId: 'a' });
    await h.advance(0);
    const j = await a.result;
    const hb = { groupId: 'g', memberId: j.memberId, groupInstanceId: null, generationId: 1 };
    expect(h.coord.groupView('g')!.state).toBe('CompletingRebalance');
    expect((await h.coord.heartbeat(hb)).errorCode).toBe(ErrorCode.NONE);
    await h.coord.syncGroup({ ...hb, protocolType: null, protocolName: null, assignments: [], apiVersion: 3 });
    expect((await h.coord.heartbeat(hb)).errorCode).toBe(ErrorCode.NONE);
    void h.coord.joinGroup(joinCmd({ groupId: 'g', clientId: 'b', apiVersion: 3 }));
    expect(h.coord.groupView('g')!.state).toBe('PreparingRebalance');
    expect((await h.coord.heartbeat(hb)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  test('CG-45 heartbeat errors: ILLEGAL_GENERATION, unknown member, unknown group, Empty group (TS-30)', async () => {
    const h = await makeHarness();
    const { ids } = await stableGroup(h, 1);
    const hb = { groupId: 'g', memberId: ids[0]!, groupInstanceId: null, generationId: 1 };
    expect((await h.coord.heartbeat({ ...hb, generationId: 0 })).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await h.coord.heartbeat({ ...hb, memberId: 'x' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await h.coord.heartbeat({ ...hb, groupId: 'nope' })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await h.coord.joinGroup(joinCmd({ groupId: 'empty' }));
    expect((await h.coord.heartbeat({ ...hb, groupId: 'empty', generationId: 0 })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  test('CG-46 heartbeats maintain the session; silence removes the member and rebalances (TS-31, TS-11)', async () => {
    const h = await makeHarness();
    const { ids } = await stableGroup(h, 2);
    const [a, b] = ids as [string, string];
    const hb = { groupId: 'g', memberId: a, groupInstanceId: null, generationId: 1 };
    await h.advance(9000);
    expect((await h.coord.heartbeat(hb)).errorCode).toBe(ErrorCode.NONE);
    await h.advance(1000);
    expect(h.coord.groupView('g')!.members.has(b)).toBe(false);
    expect(h.coord.groupView('g')!.state).toBe('PreparingRebalance');
    await h.advance(8999);
    expect((await h.coord.heartbeat(hb)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(h.coord.groupView('g')!.members.has(a)).toBe(true);
  });

  test('CG-48 pending member id dropped after its session timeout (TS-10)', async () => {
    const h = await makeHarness();
    const r = await h.coord.joinGroup(joinCmd());
    await h.advance(9999);
    expect(h.isPending(r.memberId)).toBe(true);
    await h.advance(1);
    expect(h.isPending(r.memberId)).toBe(false);
  });

  test('CG-30 / CG-48 a pending id blocks join completion until it expires (TS-26)', async () => {
    const h = await makeHarness();
    const { leaderId } = await stableGroup(h, 1);
    const pending = await h.coord.joinGroup(joinCmd({ clientId: 'new' }));
    expect(pending.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(h.coord.groupView('g')!.state).toBe('Stable');
    const p = h.coord.joinGroup(joinCmd({ memberId: leaderId }));
    expect(h.coord.groupView('g')!.state).toBe('PreparingRebalance');
    await h.advance(9999);
    expect(h.coord.groupView('g')!.state).toBe('PreparingRebalance');
    await h.advance(1);
    expect((await p).generationId).toBe(2);
    expect(h.coord.groupView('g')!.state).toBe('CompletingRebalance');
  });

  test('CG-30 a pending id that joins completes the phase (TS-26)', async () => {
    const h = await makeHarness();
    const { leaderId } = await stableGroup(h, 1);
    const pending = await h.coord.joinGroup(joinCmd({ clientId: 'new' }));
    const p = h.coord.joinGroup(joinCmd({ memberId: leaderId }));
    const q = h.coord.joinGroup(joinCmd({ memberId: pending.memberId, clientId: 'new' }));
    const [rp, rq] = await Promise.all([p, q]);
    expect(rp.generationId).toBe(2);
    expect(rq.generationId).toBe(2);
    expect(rp.members.length).toBe(2);
  });

  test('CG-49 sync timer removes members that never synced and rebalances (TS-25)', async () => {
    const h = await makeHarness();
    const a = await joinDynamic(h, { clientId: 'a' });
    const b = await joinDynamic(h, { clientId: 'b' });
    await h.advance(0);
    const [ja, jb] = await Promise.all([a.result, b.result]);
    const leader = ja.memberId === ja.leader ? ja : jb;
    const follower = leader === ja ? jb : ja;
    const s = h.coord.syncGroup({ groupId: 'g', memberId: leader.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [], apiVersion: 3 });
    await settle();
    expect((await s).errorCode).toBe(ErrorCode.NONE);
    // Keep both sessions alive; the follower never syncs.
    for (let t = 0; t < 30_000; t += 5000) {
      await h.coord.heartbeat({ groupId: 'g', memberId: leader.memberId, groupInstanceId: null, generationId: h.coord.groupView('g')!.generation });
      await h.coord.heartbeat({ groupId: 'g', memberId: follower.memberId, groupInstanceId: null, generationId: 1 });
      await h.advance(5000);
    }
    expect(h.coord.groupView('g')!.members.has(follower.memberId)).toBe(false);
    expect(h.coord.groupView('g')!.state).not.toBe('Stable');
  });

  test('CG-46 leader never syncs and expires → follower parked sync gets REBALANCE_IN_PROGRESS (TS-20)', async () => {
    const h = await makeHarness();
    const a = await joinDynamic(h, { clientId: 'a' });
    const b = await joinDynamic(h, { clientId: 'b' });
    await h.advance(0);
    const [ja, jb] = await Promise.all([a.result, b.result]);
    const follower = ja.memberId === ja.leader ? jb : ja;
    const s = h.coord.syncGroup({ groupId: 'g', memberId: follower.memberId, groupInstanceId: null, generationId: 1, protocolType: null, protocolName: null, assignments: [], apiVersion: 3 });
    await h.advance(10_000);
    expect((await s).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  test('CG-47 a new member parked in join expires after the new-member timeout (TS-27)', async () => {
    const h = await makeHarness();
    const { leaderId } = await stableGroup(h, 1);
    const newcomer = await joinDynamic(h, { clientId: 'n', rebalanceTimeoutMs: 1_000_000 });
    expect(h.coord.groupView('g')!.state).toBe('PreparingRebalance');
    let result: unknown = null;
    void newcomer.result.then((r) => (result = r));
    for (let t = 0; t < 300_000; t += 5000) {
      expect((await h.coord.heartbeat({ groupId: 'g', memberId: leaderId, groupInstanceId: null, generationId: 1 })).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      expect(result).toBeNull();
      await h.advance(5000);
    }
    expect(result).toMatchObject({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, memberId: '' });
    expect([...h.coord.groupView('g')!.members.keys()]).toEqual([leaderId]);
  });
});

describe('issue 13 item 5: rebalance timeout 0', () => {
  test('CG-3 a rebalance timeout ≤ 0 is taken as absent: the session timeout stands in, so a SyncGroup after the join is answered', async () => {
    const h = await makeHarness();
    const first = await h.coord.joinGroup(joinCmd({ rebalanceTimeoutMs: 0 }));
    const pending = h.coord.joinGroup(joinCmd({ memberId: first.memberId, rebalanceTimeoutMs: 0 }));
    await h.advance(0);
    const joined = await pending;
    expect(joined.errorCode).toBe(ErrorCode.NONE);
    expect(h.coord.groupView('g')!.members.get(joined.memberId)!.rebalanceTimeoutMs).toBe(10_000);
    // The sync timer is the group rebalance timeout: nothing expires before the member syncs.
    await h.advance(0);
    const s = await h.coord.syncGroup({ groupId: 'g', memberId: joined.memberId, groupInstanceId: null, generationId: joined.generationId, protocolType: 'consumer', protocolName: 'range', assignments: [], apiVersion: 5 });
    expect(s.errorCode).toBe(ErrorCode.NONE);
    expect(h.coord.groupView('g')!.state).toBe('Stable');
  });
});
