import { ErrorCode } from '../../../src/domain/error-code';
import type { JoinGroupResult, SyncGroupResult } from '../../../src/domain/group/replies';
import { bytes, joinCmd, makeHarness, settle, stableGroup, type Harness } from './group-harness';

/**
 * Issue 14 (C2 small-group rebalance): what a rebalance's responses wait for. PE-10: JoinGroup (and
 * Heartbeat) answers never wait for a MetaLog flush, and the soft events of a rebalance are appended
 * deferrable, so they never force a flush of their own in front of the leader's assignment; PE-1 /
 * CG-42: SyncGroup answers wait for the assignment to be durable, as before.
 */

/** A stable group formed on a MetaLog that is flushed by hand (durability never comes by itself). */
const stableOnManualLog = async (count: number): Promise<{ h: Harness; ids: string[]; leaderId: string; generation: number }> => {
  const h = await makeHarness({}, { durableAfter: 'manual' });
  const pump = setInterval(() => h.log.flush(), 0);
  try {
    const g = await stableGroup(h, count);
    return { h, ids: g.ids, leaderId: g.leaderId, generation: g.generation };
  } finally {
    clearInterval(pump);
  }
};

/** The promise's value once settled, or 'pending'. */
const peek = async <T>(p: Promise<T>): Promise<T | 'pending'> => {
  let value: T | 'pending' = 'pending';
  void p.then((v) => (value = v));
  await settle();
  return value;
};

describe('issue 14: a rebalance waits for one durable write, the assignment', () => {
  test('PE-10 JoinGroup answers of a whole rebalance go out while no append ever becomes durable; PE-1 CG-42 SyncGroup waits for the assignment', async () => {
    const { h, ids, leaderId, generation } = await stableOnManualLog(2);
    const appendsBefore = h.log.deferrableAppends().length;
    const eventsBefore = h.log.appendedEvents().length;

    // A newcomer: MEMBER_ID_REQUIRED, then the join that starts the rebalance (parked).
    const first = await h.coord.joinGroup(joinCmd({ clientId: 'new' }));
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    const joins: Array<Promise<JoinGroupResult>> = [h.coord.joinGroup(joinCmd({ memberId: first.memberId, clientId: 'new' }))];
    // CG-45: the members learn of it from a heartbeat (answered at once) and rejoin.
    for (const id of ids) {
      const hb = await h.coord.heartbeat({ groupId: 'g', memberId: id, groupInstanceId: null, generationId: generation });
      expect(hb.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
      joins.push(h.coord.joinGroup(joinCmd({ memberId: id })));
    }
    const answered = await Promise.all(joins.map(peek));
    expect(answered.map((r) => (r === 'pending' ? 'pending' : r.errorCode))).toEqual([ErrorCode.NONE, ErrorCode.NONE, ErrorCode.NONE]);
    const results = answered as JoinGroupResult[];
    expect(new Set(results.map((r) => r.generationId))).toEqual(new Set([generation + 1]));
    // Nothing of the rebalance is durable, and none of its appends asked for a flush of its own.
    expect(h.log.durableEvents().length).toBe(eventsBefore);
    const rebalanceAppends = h.log.deferrableAppends().slice(appendsBefore);
    expect(rebalanceAppends.length).toBeGreaterThan(0);
    expect(rebalanceAppends.every((d) => d)).toBe(true);
    expect(h.log.appendedEvents().slice(eventsBefore).map((e) => e.type)).toEqual(
      expect.arrayContaining(['MemberJoined', 'RebalanceStarted', 'MemberUpdated', 'GenerationBumped']),
    );

    // SyncGroup: the leader's assignment is hard state (PE-3 b): a normal append, and every answer waits for it.
    const leader = results.find((r) => r.memberId === leaderId) ?? results.find((r) => r.memberId === r.leader)!;
    const syncs: Array<Promise<SyncGroupResult>> = results.map((r) =>
      h.coord.syncGroup({
        groupId: 'g',
        memberId: r.memberId,
        groupInstanceId: null,
        generationId: r.generationId,
        protocolType: 'consumer',
        protocolName: r.protocolName,
        apiVersion: 5,
        assignments: r.memberId === leader.memberId ? results.map((x) => ({ memberId: x.memberId, assignment: bytes(`a2-${x.memberId}`) })) : [],
      }),
    );
    expect(await Promise.all(syncs.map(peek))).toEqual(['pending', 'pending', 'pending']);
    expect(h.log.deferrableAppends().at(-1)).toBe(false);
    expect(h.log.appendedEvents().at(-1)!.type).toBe('AssignmentsSynced');
    h.log.flush();
    const synced = await Promise.all(syncs);
    expect(synced.map((s) => s.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.NONE, ErrorCode.NONE]);
    expect(synced.map((s) => s.assignment)).toEqual(results.map((r) => bytes(`a2-${r.memberId}`)));
  });

  test('PE-10 Heartbeat answers while a deferrable append is pending; OF-33 settled() waits only for hard state', async () => {
    const { h, ids, leaderId, generation } = await stableOnManualLog(2);
    const follower = ids.find((id) => id !== leaderId)!;
    // A follower's changed metadata starts a rebalance: soft events only, never durable here.
    void h.coord.joinGroup(joinCmd({ memberId: follower, protocols: [{ name: 'range', metadata: bytes('range:changed'), topics: ['t'] }] }));
    await settle();
    expect(h.log.pendingCount()).toBeGreaterThan(0);
    const hb = await peek(h.coord.heartbeat({ groupId: 'g', memberId: leaderId, groupInstanceId: null, generationId: generation }));
    expect(hb).toEqual({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS });
    // A require_stable OffsetFetch does not wait for the rebalance's soft events (no offset is in flight).
    const fetched = await peek(h.coord.offsetFetch({ groups: [{ groupId: 'g', topics: null }], requireStable: true }));
    expect(fetched).not.toBe('pending');
  });
});
