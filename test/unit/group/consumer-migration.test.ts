import { decodeConsumerAssignment, encodeConsumerAssignment, encodeConsumerSubscription } from '../../../src/adapters/kafka/protocol';
import type { JoinGroupCommand } from '../../../src/application/group/group-api';
import { ErrorCode } from '../../../src/domain/error-code';
import { consumerGroupState } from '../../../src/domain/group/consumer/consumer-group';
import { consumerHarness, converge, Member, parts } from './consumer-harness';
import { joinCmd, settle, type Harness } from './group-harness';

/**
 * KC-60…KC-62: classic members inside a KIP-848 group, the online upgrade when a KIP-848 member
 * joins a classic group, and the downgrade when the last KIP-848 member leaves (TS-79).
 */

const subscription = (topics: string[]) => new Uint8Array(encodeConsumerSubscription(1, { topics, ownedPartitions: [] }));

/** A classic consumer (kafkajs-like, eager): JoinGroup v9 (KIP-394), SyncGroup v5, Heartbeat. */
class ClassicClient {
  memberId = '';
  generation = -1;
  partitions: number[] = [];
  constructor(readonly h: Harness, readonly clientId: string, readonly over: Partial<JoinGroupCommand> = {}) {}

  private cmd(): JoinGroupCommand {
    return joinCmd({ groupId: 'cg', memberId: this.memberId, clientId: this.clientId, protocols: [{ name: 'range', metadata: subscription(['t']), topics: ['t'] }], ...this.over });
  }

  /** Joins until answered; a classic group's join phase is completed by advancing the clock. */
  async join(): Promise<number> {
    let r = await this.h.coord.joinGroup(this.cmd());
    if (r.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      this.memberId = r.memberId;
      const p = this.h.coord.joinGroup(this.cmd());
      await this.h.advance(0);
      r = await p;
    }
    if (r.errorCode === ErrorCode.NONE) {
      this.memberId = r.memberId;
      this.generation = r.generationId;
      return r.leader === r.memberId ? 1 : 0;
    }
    return -r.errorCode;
  }

  async sync(assignments: Array<{ memberId: string; assignment: Uint8Array }> = []): Promise<number> {
    const r = await this.h.coord.syncGroup({ groupId: 'cg', memberId: this.memberId, groupInstanceId: null, generationId: this.generation, protocolType: 'consumer', protocolName: 'range', assignments, apiVersion: 5 });
    if (r.errorCode === ErrorCode.NONE) this.partitions = decodeConsumerAssignment(Buffer.from(r.assignment)).assignedPartitions.flatMap((t) => t.partitions);
    return r.errorCode;
  }

  async beat(): Promise<number> {
    return (await this.h.coord.heartbeat({ groupId: 'cg', memberId: this.memberId, groupInstanceId: null, generationId: this.generation })).errorCode;
  }

  /** What an eager consumer does on REBALANCE_IN_PROGRESS: rejoin and sync. */
  async rejoinIfAsked(): Promise<void> {
    if ((await this.beat()) === ErrorCode.REBALANCE_IN_PROGRESS) {
      await this.join();
      await this.sync();
    }
  }
}

/** Two classic members, Stable, each with 3 of t's 6 partitions (the leader assigns). */
const classicGroup = async (h: Harness): Promise<[ClassicClient, ClassicClient]> => {
  const a = new ClassicClient(h, 'ca');
  const b = new ClassicClient(h, 'cb');
  const first = await h.coord.joinGroup(joinCmd({ groupId: 'cg', clientId: 'ca', protocols: [{ name: 'range', metadata: subscription(['t']), topics: ['t'] }] }));
  a.memberId = first.memberId;
  const second = await h.coord.joinGroup(joinCmd({ groupId: 'cg', clientId: 'cb', protocols: [{ name: 'range', metadata: subscription(['t']), topics: ['t'] }] }));
  b.memberId = second.memberId;
  const ja = h.coord.joinGroup(joinCmd({ groupId: 'cg', memberId: a.memberId, clientId: 'ca', protocols: [{ name: 'range', metadata: subscription(['t']), topics: ['t'] }] }));
  const jb = h.coord.joinGroup(joinCmd({ groupId: 'cg', memberId: b.memberId, clientId: 'cb', protocols: [{ name: 'range', metadata: subscription(['t']), topics: ['t'] }] }));
  await h.advance(0);
  const [ra] = await Promise.all([ja, jb]);
  a.generation = b.generation = ra.generationId;
  const bytes = (ps: number[]) => new Uint8Array(encodeConsumerAssignment(1, { assignedPartitions: [{ topic: 't', partitions: ps }], userData: null }));
  const leader = ra.leader === a.memberId ? a : b;
  const syncs = [
    leader.sync([{ memberId: a.memberId, assignment: bytes([0, 1, 2]) }, { memberId: b.memberId, assignment: bytes([3, 4, 5]) }]),
    (leader === a ? b : a).sync(),
  ];
  await settle();
  await Promise.all(syncs);
  expect(h.coord.groupView('cg')!.state).toBe('Stable');
  return [a, b];
};

describe('KIP-848 migration: mixed groups, online upgrade and downgrade', () => {
  test('KC-62 upgrade: a KIP-848 member joins a Stable classic group; classic members keep their epoch and partitions, then rebalance through JoinGroup/SyncGroup (KC-60, KC-61)', async () => {
    const h = await consumerHarness({ t: 6 });
    const [a, b] = await classicGroup(h);
    const generation = a.generation;
    const c = new Member(h, 'kip848');
    const r = await c.join();
    expect(r.errorCode).toBe(ErrorCode.NONE);
    const g = h.coord.consumerGroupView('cg')!;
    expect(g).toBeDefined();
    expect(g.groupEpoch).toBe(generation + 1);
    expect(h.log.appendedEvents().some((e) => e.type === 'ClassicGroupUpgraded' && e.epoch === generation)).toBe(true);
    // The classic members are still at their generation with their partitions; the new member waits.
    expect(g.members.get(a.memberId)).toMatchObject({ memberEpoch: generation, state: 'STABLE' });
    expect(parts(c.owned, h.topics.id('t'))).toEqual([]);
    // Their heartbeats ask them to rejoin; they rejoin and sync through the KIP-848 group.
    expect(await a.beat()).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    for (let round = 0; round < 4; round++) {
      await a.rejoinIfAsked();
      await b.rejoinIfAsked();
      await converge([c], 2);
    }
    const owners = [...a.partitions, ...b.partitions, ...parts(c.owned, h.topics.id('t'))].sort();
    expect(owners).toEqual([0, 1, 2, 3, 4, 5]);
    expect([a.partitions.length, b.partitions.length, parts(c.owned, h.topics.id('t')).length]).toEqual([2, 2, 2]);
    expect(consumerGroupState(h.coord.consumerGroupView('cg')!)).toBe('Stable');
    expect(await a.beat()).toBe(ErrorCode.NONE);
    // KC-61 / OF-4: a classic member commits at its epoch as generation; a wrong one is ILLEGAL_GENERATION, and v8 is fine.
    const commit = (generationId: number, apiVersion: number) => h.coord.offsetCommit({ groupId: 'cg', memberId: a.memberId, groupInstanceId: null, generationIdOrMemberEpoch: generationId, retentionTimeMs: -1, apiVersion, topics: [{ name: 't', partitions: [{ partitionIndex: a.partitions[0]!, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null, commitTimestamp: -1 }] }] });
    expect((await commit(a.generation, 8)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.NONE);
    expect((await commit(a.generation + 5, 8)).topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  test('KC-62 downgrade: when the last KIP-848 member leaves, the group becomes a classic group at the group epoch and rebalances; classic members rejoin classically', async () => {
    const h = await consumerHarness({ t: 6 });
    const [a, b] = await classicGroup(h);
    const c = new Member(h, 'kip848');
    await c.join();
    for (let round = 0; round < 4; round++) {
      await a.rejoinIfAsked();
      await b.rejoinIfAsked();
      await converge([c], 2);
    }
    const epoch = h.coord.consumerGroupView('cg')!.groupEpoch;
    expect((await c.leave()).errorCode).toBe(ErrorCode.NONE);
    const g = h.coord.groupView('cg')!;
    expect(g).toBeDefined();
    expect(h.coord.consumerGroupView('cg')).toBeUndefined();
    expect(g.state).toBe('PreparingRebalance');
    expect(g.generation).toBe(epoch);
    expect(g.members.size).toBe(2);
    // They learn of the rebalance from their heartbeat and complete it with the classic protocol.
    expect(await a.beat()).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const ja = a.join();
    const jb = b.join();
    await h.advance(0);
    const roles = await Promise.all([ja, jb]);
    expect(roles.sort()).toEqual([0, 1]);
    expect(a.generation).toBe(epoch + 1);
    expect(h.coord.groupView('cg')!.state).toBe('CompletingRebalance');
  });

  test('KC-62 group.consumer.migration.policy=disabled: no upgrade (GROUP_ID_NOT_FOUND); classic members join a KIP-848 group whatever the policy', async () => {
    const h = await consumerHarness({ t: 6 }, { consumerMigrationPolicy: 'disabled' });
    await classicGroup(h);
    expect((await new Member(h, 'x').join()).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    const h2 = await consumerHarness({ t: 6 }, { consumerMigrationPolicy: 'disabled' });
    const c = new Member(h2, 'kip848');
    await c.join();
    const k = new ClassicClient(h2, 'classic');
    expect(await k.join()).toBe(0);
    expect(h2.coord.consumerGroupView('cg')!.members.get(k.memberId)!.classic).not.toBeNull();
    // A protocol type other than "consumer" is refused (KC-60).
    const other = await h2.coord.joinGroup(joinCmd({ groupId: 'cg', memberId: k.memberId, protocolType: 'connect' }));
    expect(other.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    // With downgrade disabled the KIP-848 member's leave keeps the group a KIP-848 group.
    await c.leave();
    expect(h2.coord.consumerGroupView('cg')).toBeDefined();
  });

  test('KC-62 a classic member of a KIP-848 group: session timeout, join deadline after REBALANCE_IN_PROGRESS, LeaveGroup; KC-61 SyncGroup errors', async () => {
    const h = await consumerHarness({ t: 6 });
    const c = new Member(h, 'kip848');
    await c.join();
    const k = new ClassicClient(h, 'classic', { rebalanceTimeoutMs: 20_000 });
    await k.join();
    expect(await k.sync()).toBe(ErrorCode.NONE);
    const syncAt = (generationId: number) => h.coord.syncGroup({ groupId: 'cg', memberId: k.memberId, groupInstanceId: null, generationId, protocolType: 'consumer', protocolName: 'range', assignments: [], apiVersion: 5 });
    expect((await syncAt(k.generation + 1)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await h.coord.syncGroup({ groupId: 'cg', memberId: 'kip848', groupInstanceId: null, generationId: 1, protocolType: 'consumer', protocolName: 'range', assignments: [], apiVersion: 5 })).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    await converge([c], 3);
    // A heartbeat that asks for a rejoin arms the join deadline (its rebalance timeout).
    const d = new Member(h, 'kip848-2');
    await d.join();
    expect(await k.beat()).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // It keeps heartbeating (its 10 s session stays alive) but never rejoins.
    for (let t = 0; t < 3; t++) {
      await h.advance(6000);
      await c.beat();
      await d.beat();
      expect(await k.beat()).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    expect(h.coord.consumerGroupView('cg')!.members.has(k.memberId)).toBe(true);
    await h.advance(2000);
    expect(h.coord.consumerGroupView('cg')!.members.has(k.memberId)).toBe(false);
    expect(h.log.appendedEvents().some((e) => e.type === 'ConsumerMemberLeft' && e.memberId === k.memberId && e.reason === 'JoinTimeout')).toBe(true);
    // LeaveGroup removes a classic member (KC-30); a KIP-848 member is unknown to it.
    const k2 = new ClassicClient(h, 'classic2');
    await k2.join();
    const left = await h.coord.leaveGroup({ groupId: 'cg', members: [{ memberId: k2.memberId, groupInstanceId: null }, { memberId: 'kip848', groupInstanceId: null }], apiVersion: 3 });
    expect(left.members.map((m) => m.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    expect(h.coord.consumerGroupView('cg')!.members.has(k2.memberId)).toBe(false);
  });
});
