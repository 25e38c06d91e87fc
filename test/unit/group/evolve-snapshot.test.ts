import type { ClassicGroup } from '../../../src/domain/group/classic-group';
import * as E from 'fp-ts/Either';
import { ErrorCode } from '../../../src/domain/error-code';
import { newClassicGroup, type ClassicMember } from '../../../src/domain/group/classic-group';
import { decideHeartbeat } from '../../../src/domain/group/decide-heartbeat';
import { decideOffsetExpiry } from '../../../src/domain/group/decide-offset-expiry';
import type { GroupEvent } from '../../../src/domain/group/events';
import { evolve, replay } from '../../../src/domain/group/evolve';
import { selectProtocol, supportsProtocols } from '../../../src/domain/group/protocol-selection';
import { snapshotEvents } from '../../../src/domain/group/snapshot-events';
import { validateIdentity } from '../../../src/domain/group/member-identity';

const member = (memberId: string, names: string[], instanceId: string | null = null): ClassicMember => ({
  memberId, instanceId, clientId: 'c', clientHost: '/h', rebalanceTimeoutMs: 1, sessionTimeoutMs: 1, protocolType: 'consumer',
  protocols: names.map((name) => ({ name, metadata: new Uint8Array([1]), topics: ['t'] })), assignmentLatin1: '', assignedPartitions: null,
});
const synced = (memberId: string) => ({
  memberId, instanceId: null, clientId: 'c', clientHost: '/h', rebalanceTimeoutMs: 1, sessionTimeoutMs: 1,
  subscription: new Uint8Array([1]), subscribedTopics: ['t'], assignment: new Uint8Array([2]),
});

describe('group domain', () => {
  test('PE-7 AssignmentsSynced replaces the group metadata and keeps offsets; PE-8 commit creates a simple group', () => {
    const events: GroupEvent[] = [
      { type: 'OffsetCommitted', groupId: 'g', topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: null },
      { type: 'AssignmentsSynced', groupId: 'g', generation: 3, protocolType: 'consumer', protocolName: 'range', leaderId: 'a', members: [synced('a'), synced('b')], at: 7 },
      { type: 'AssignmentsSynced', groupId: 'g', generation: 4, protocolType: 'consumer', protocolName: 'range', leaderId: 'b', members: [synced('b')], at: 8 },
    ];
    const g = replay(events).groups.get('g') as ClassicGroup;
    expect(g.generation).toBe(4);
    expect([...g.members.keys()]).toEqual(['b']);
    expect(g.offsets.size).toBe(1);
  });

  test('PE-9 snapshotEvents replays to the same state (static replacement, emptied, deleted)', () => {
    const events: GroupEvent[] = [
      { type: 'GroupCreated', groupId: 'e', at: 1 },
      { type: 'AssignmentsSynced', groupId: 'g', generation: 1, protocolType: 'consumer', protocolName: 'range', leaderId: 'a', members: [synced('a'), synced('b')], at: 7 },
      { type: 'StaticMemberReplaced', groupId: 'g', instanceId: 'i', oldMemberId: 'a', newMemberId: 'a2', clientId: 'c', clientHost: '/h', rebalanceTimeoutMs: 1, sessionTimeoutMs: 1, subscription: new Uint8Array([9]), subscribedTopics: null },
      { type: 'OffsetCommitted', groupId: 's', topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: null },
      { type: 'OffsetDeleted', groupId: 's', topic: 't', partition: 0 },
      { type: 'GroupEmptied', groupId: 'x', generation: 2, protocolType: 'consumer', at: 3 },
      { type: 'GroupDeleted', groupId: 'x' },
    ];
    const state = replay(events);
    expect((state.groups.get('g') as ClassicGroup).leaderId).toBe('a2');
    expect(replay(snapshotEvents(state, new Map()))).toEqual(state);
  });

  test('PE-9 a snapshot is fixed when taken: folds after it do not change its events, and it can be read twice', () => {
    const commit = (topic: string, partition: number, offset: number, metadata = '', expireTimestamp: number | null = null): GroupEvent => ({
      type: 'OffsetCommitted', groupId: 'g', topic, partition, offset, leaderEpoch: 1, metadata, commitTimestamp: 5, expireTimestamp,
    });
    const before: GroupEvent[] = [commit('t', 0, 1), commit('t', 1, 2, 'm', 90), commit('u', 3, 4)];
    const state = replay(before);
    const snapshot = snapshotEvents(state, new Map());
    for (const e of [commit('t', 0, 10, 'x'), commit('t', 5, 11), commit('t', 1, 12), { type: 'OffsetDeleted', groupId: 'g', topic: 'u', partition: 3 } as GroupEvent]) {
      evolve(state, e);
    }
    expect(replay(snapshot)).toEqual(replay(before));
    expect(replay(snapshot)).toEqual(replay(before));
  });

  test('C6 a snapshot copies no offset table up front; a fold copies only a table it changes while a snapshot holds it', () => {
    const commit = (topic: string, partition: number, offset: number): GroupEvent => ({
      type: 'OffsetCommitted', groupId: 'g', topic, partition, offset, leaderEpoch: 1, metadata: '', commitTimestamp: 5, expireTimestamp: null,
    });
    const state = replay([commit('t', 0, 1), commit('u', 0, 2)]);
    const tables = () => state.groups.get('g')!.offsets.topics;
    const [t0, u0] = [tables().get('t'), tables().get('u')];
    const snapshot = snapshotEvents(state, new Map());
    expect(tables().get('t')).toBe(t0);
    evolve(state, commit('t', 0, 10));
    evolve(state, commit('t', 1, 11));
    expect(tables().get('t')).not.toBe(t0); // copied once, on the first change
    expect(tables().get('u')).toBe(u0); // untouched: still shared with the snapshot
    expect([...snapshot].map((e) => (e.type === 'OffsetCommitted' ? [e.topic, e.partition, e.offset] : e.type))).toEqual(['GroupSnapshot', ['t', 0, 1], ['u', 0, 2]]);
    expect(replay(snapshotEvents(state, new Map()))).toEqual(state);
  });

  test('CG-6 protocol vote with leader tie-break; CG-7 compatibility', () => {
    const members = [member('a', ['rr', 'range']), member('b', ['range', 'rr'])];
    expect(selectProtocol(members, 'a')).toBe('rr');
    expect(selectProtocol([...members, member('c', ['range'])], 'a')).toBe('range');
    const g = newClassicGroup('g', 0);
    expect(supportsProtocols(g, 'consumer', ['x'])).toBe(true);
    expect(supportsProtocols(g, '', ['x'])).toBe(false);
    g.state = 'Stable';
    g.protocolType = 'consumer';
    for (const m of members) g.members.set(m.memberId, m);
    expect(supportsProtocols(g, 'consumer', ['range'])).toBe(true);
    expect(supportsProtocols(g, 'consumer', ['sticky'])).toBe(false);
    expect(supportsProtocols(g, 'connect', ['range'])).toBe(false);
  });

  test('CG-62 identity: unknown instance, fenced instance, unknown member', () => {
    const g = newClassicGroup('g', 0);
    g.members.set('a', member('a', ['r'], 'i'));
    g.staticMembers.set('i', 'a');
    expect(validateIdentity(g, 'a', 'j')).toEqual(E.left({ code: ErrorCode.UNKNOWN_MEMBER_ID }));
    expect(validateIdentity(g, 'b', 'i')).toEqual(E.left({ code: ErrorCode.FENCED_INSTANCE_ID }));
    expect(validateIdentity(g, 'b', null)).toEqual(E.left({ code: ErrorCode.UNKNOWN_MEMBER_ID }));
    expect(validateIdentity(g, 'a', 'i')).toEqual(E.right(undefined));
  });

  test('CG-45 heartbeat decision table', () => {
    const g = newClassicGroup('g', 0);
    g.members.set('a', member('a', ['r']));
    g.generation = 2;
    const hb = { memberId: 'a', groupInstanceId: null, generationId: 2 };
    g.state = 'PreparingRebalance';
    expect(decideHeartbeat(hb, g)).toEqual(E.right(ErrorCode.REBALANCE_IN_PROGRESS));
    g.state = 'Stable';
    expect(decideHeartbeat(hb, g)).toEqual(E.right(ErrorCode.NONE));
    expect(decideHeartbeat({ ...hb, generationId: 1 }, g)).toEqual(E.left({ code: ErrorCode.ILLEGAL_GENERATION }));
    expect(decideHeartbeat(hb, undefined)).toEqual(E.left({ code: ErrorCode.UNKNOWN_MEMBER_ID }));
  });

  test('OF-20 expiry: explicit expireTimestamp, Empty base = state timestamp, rebalancing groups never expire', () => {
    const offsets = replay([
      { type: 'OffsetCommitted', groupId: 'g', topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: 0, expireTimestamp: 50 },
      { type: 'OffsetCommitted', groupId: 'g', topic: 'u', partition: 0, offset: 1, leaderEpoch: -1, metadata: '', commitTimestamp: 0, expireTimestamp: null },
    ]).groups.get('g')!.offsets;
    const g = newClassicGroup('g', 100, offsets);
    g.protocolType = 'consumer';
    expect(decideOffsetExpiry(g, 60, 1000)).toEqual([{ type: 'OffsetsExpired', groupId: 'g', partitions: [{ topic: 't', partition: 0 }] }]);
    expect(decideOffsetExpiry(g, 1100, 1000)).toEqual([
      { type: 'OffsetsExpired', groupId: 'g', partitions: [{ topic: 't', partition: 0 }, { topic: 'u', partition: 0 }] },
      { type: 'GroupDeleted', groupId: 'g' },
    ]);
    g.state = 'PreparingRebalance';
    g.members.set('a', member('a', ['r']));
    expect(decideOffsetExpiry(g, 10_000, 1000)).toEqual([{ type: 'OffsetsExpired', groupId: 'g', partitions: [{ topic: 't', partition: 0 }] }]);
  });
});
