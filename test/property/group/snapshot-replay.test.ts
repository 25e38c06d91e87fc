import fc from 'fast-check';
import type { GroupEvent, SyncedMember } from '../../../src/domain/group/events';
import { evolve, replay } from '../../../src/domain/group/evolve';
import { initialGroupsState, type GroupsState } from '../../../src/domain/group/groups-state';
import { evolveHistory, initialHistoryState, type HistoryState } from '../../../src/domain/group/history';
import { snapshotEvents } from '../../../src/domain/group/snapshot-events';
import { SnapshotCapture } from '../../../src/application/group/snapshot-capture';

const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() ^ (Math.random() * 0x7fffffff);
// eslint-disable-next-line no-console
console.log(`snapshot-replay property seed=${seed} (replay with SEED=${seed})`);

const groupId = fc.constantFrom('g1', 'g2', 'g3');
const memberId = fc.constantFrom('a', 'b', 'c', 'd');
const topic = fc.constantFrom('t', 'u');
const bytesArb = fc.uint8Array({ maxLength: 3 });
const syncedMember = (id: string): fc.Arbitrary<SyncedMember> =>
  fc.record({
    memberId: fc.constant(id),
    instanceId: fc.option(fc.constantFrom('i1', 'i2'), { nil: null }),
    clientId: fc.constant('c'),
    clientHost: fc.constant('/h'),
    rebalanceTimeoutMs: fc.nat(100),
    sessionTimeoutMs: fc.nat(100),
    subscription: bytesArb,
    subscribedTopics: fc.option(fc.array(topic, { maxLength: 2 }), { nil: null }),
    assignment: bytesArb,
  });

const eventArb: fc.Arbitrary<GroupEvent> = fc.oneof(
  fc.record({ type: fc.constant('GroupCreated' as const), groupId, at: fc.nat(1000) }),
  fc.record({
    type: fc.constant('AssignmentsSynced' as const),
    groupId,
    generation: fc.nat(20),
    protocolType: fc.constantFrom('consumer', 'connect'),
    protocolName: fc.constantFrom('range', 'rr'),
    leaderId: memberId,
    members: fc.uniqueArray(memberId, { minLength: 1, maxLength: 4 }).chain((ids) => fc.tuple(...ids.map(syncedMember))),
    at: fc.nat(1000),
  }),
  fc.record({ type: fc.constant('GroupEmptied' as const), groupId, generation: fc.nat(20), protocolType: fc.option(fc.constant('consumer'), { nil: null }), at: fc.option(fc.nat(1000), { nil: null }) }),
  fc.record({
    type: fc.constant('StaticMemberReplaced' as const),
    groupId, instanceId: fc.constantFrom('i1', 'i2'), oldMemberId: memberId, newMemberId: fc.constantFrom('n1', 'n2'),
    clientId: fc.constant('c'), clientHost: fc.constant('/h'), rebalanceTimeoutMs: fc.nat(100), sessionTimeoutMs: fc.nat(100),
    subscription: bytesArb, subscribedTopics: fc.constant(null),
  }),
  fc.record({
    type: fc.constant('OffsetCommitted' as const), groupId, topic, partition: fc.nat(2), offset: fc.nat(1000), leaderEpoch: fc.integer({ min: -1, max: 5 }),
    metadata: fc.string({ maxLength: 3 }), commitTimestamp: fc.nat(1000), expireTimestamp: fc.option(fc.nat(1000), { nil: null }),
  }),
  fc.record({ type: fc.constant('OffsetDeleted' as const), groupId, topic, partition: fc.nat(2) }),
  fc.record({ type: fc.constant('OffsetsExpired' as const), groupId, partitions: fc.array(fc.record({ topic, partition: fc.nat(2) }), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('GroupDeleted' as const), groupId }),
);

/**
 * Keeps only events the coordinator could emit in that state: a static replacement needs a synced
 * group holding the old id (with that instance id) and not the new one (CG-60 happens only in
 * Stable); a generation's members carry distinct instance ids (KIP-345: one member per instance).
 */
const plausible = (events: GroupEvent[]): GroupEvent[] => {
  const state = initialGroupsState();
  const out: GroupEvent[] = [];
  for (const e of events) {
    if (e.type === 'StaticMemberReplaced') {
      const g = state.groups.get(e.groupId);
      if (g === undefined || g.kind !== 'classic' || g.protocolName === null || !g.members.has(e.oldMemberId) || g.members.has(e.newMemberId)) continue;
      if (g.members.get(e.oldMemberId)!.instanceId !== e.instanceId) continue;
    }
    if (e.type === 'AssignmentsSynced') {
      const instances = e.members.map((m) => m.instanceId).filter((i) => i !== null);
      if (new Set(instances).size !== instances.length || new Set(e.members.map((m) => m.memberId)).size !== e.members.length) continue;
    }
    evolve(state, e);
    out.push(e);
  }
  return out;
};

describe('group snapshots', () => {
  test('PE-9 for any event sequence and cut point, snapshotEvents(fold(prefix)) + suffix replays to fold(all)', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), fc.nat(), (raw, cutSeed) => {
        const events = plausible(raw);
        const cut = events.length === 0 ? 0 : cutSeed % (events.length + 1);
        const whole = replay(events);
        const fromSnapshot = replay(events.slice(cut), replay(snapshotEvents(replay(events.slice(0, cut)), new Map())));
        expect(fromSnapshot).toEqual(whole);
      }),
      { seed, numRuns: 300 },
    );
  });

  /** State and history folded as the group store folds them. */
  const foldAll = (events: readonly GroupEvent[]): { state: GroupsState; history: HistoryState } => {
    let state = initialGroupsState();
    let history = initialHistoryState();
    for (const e of events) {
      state = evolve(state, e);
      history = evolveHistory(history, e, state.groups.get(e.groupId), 3);
    }
    return { state, history };
  };

  test('C6 a SnapshotCapture read part by part while later events are folded (each fold telling it first) gives what snapshotEvents gave when it was made, and again when re-read', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 60 }), fc.nat(), fc.array(fc.nat(3), { minLength: 1, maxLength: 20 }), (raw, cutSeed, reads) => {
        const events = plausible(raw);
        const cut = events.length === 0 ? 0 : cutSeed % (events.length + 1);
        const reference = foldAll(events.slice(0, cut));
        const expected = [...snapshotEvents(reference.state, reference.history)];
        const live = foldAll(events.slice(0, cut));
        const capture = new SnapshotCapture(live.state, live.history);
        const reader = capture[Symbol.iterator]();
        const got: GroupEvent[] = [];
        const read = (n: number): void => {
          for (let k = 0; k < n; k++) {
            const r = reader.next();
            if (r.done) return;
            got.push(r.value);
          }
        };
        events.slice(cut).forEach((e, i) => {
          read(reads[i % reads.length]!);
          const group = live.state.groups.get(e.groupId);
          if (capture.open && group !== undefined) capture.beforeChange(group);
          live.state = evolve(live.state, e);
          live.history = evolveHistory(live.history, e, live.state.groups.get(e.groupId), 3);
        });
        read(Infinity);
        expect(got).toEqual(expected);
        expect([...capture]).toEqual(expected);
        expect(replay(expected)).toEqual(reference.state);
      }),
      { seed, numRuns: 300 },
    );
  });
});
