import { silentLogger } from '../../../src/adapters/system/pino-logger';
import { defaultGroupCoordinatorConfig } from '../../../src/application/group/group-config';
import { GroupStore } from '../../../src/application/group/group-store';
import type { GroupEvent, SyncedMember } from '../../../src/domain/group/events';
import { MemoryMetaLog } from '../../fakes/memory-meta-log';

/**
 * Issue 14 (C6): the group store's snapshot captures each group as it is read, or just before a fold
 * changes it, instead of every group at once. Whatever is folded while the snapshot is read — live
 * or replayed events, the replay fast path's commits, a deletion, a newer snapshot started before the
 * first is read — the snapshot reads back as it was when taken.
 */
const member = (memberId: string): SyncedMember => ({
  memberId, instanceId: null, clientId: 'c', clientHost: '/h', rebalanceTimeoutMs: 10, sessionTimeoutMs: 10,
  subscription: new Uint8Array([1]), subscribedTopics: ['t'], assignment: new Uint8Array([2]),
});
const synced = (groupId: string, generation: number, ids: string[]): GroupEvent => ({
  type: 'AssignmentsSynced', groupId, generation, protocolType: 'consumer', protocolName: 'range', leaderId: ids[0]!, members: ids.map(member), at: generation,
});
const commit = (groupId: string, partition: number, offset: number): GroupEvent => ({
  type: 'OffsetCommitted', groupId, topic: 't', partition, offset, leaderEpoch: 0, metadata: '', commitTimestamp: 5, expireTimestamp: null,
});
const before: GroupEvent[] = [
  { type: 'GroupCreated', groupId: 'g1', at: 1 }, synced('g1', 1, ['a', 'b']), commit('g1', 0, 10), commit('g1', 1, 11),
  { type: 'GroupCreated', groupId: 'g2', at: 1 }, synced('g2', 1, ['c']), commit('g2', 0, 20),
  { type: 'GroupCreated', groupId: 'g3', at: 1 }, commit('g3', 0, 30),
];

const storeWith = (events: GroupEvent[]): GroupStore => {
  const store = new GroupStore(new MemoryMetaLog(), silentLogger, defaultGroupCoordinatorConfig());
  store.beginLoad();
  for (const e of events) store.applyReplayed(e);
  return store;
};

/** Folds that change every group the snapshot holds, through both replay paths, and add one. */
const foldLater = (store: GroupStore): void => {
  store.applyReplayed(synced('g1', 2, ['a']));
  store.applyReplayedOffsetCommitted('g1', 't', 0, 99, 1, 'x', 6, null);
  store.applyReplayed({ type: 'GroupDeleted', groupId: 'g2' });
  store.applyReplayed({ type: 'GroupCreated', groupId: 'g2', at: 9 });
  store.applyReplayedOffsetCommitted('g3', 't', 0, 31, 0, '', 7, null);
  store.applyReplayed(commit('g4', 0, 40));
};

describe('GroupStore snapshots (SnapshotCapture)', () => {
  test('C6 folds between taking a snapshot and reading it, and while it is read, leave it as it was taken', () => {
    const expected = [...storeWith(before).snapshotEvents()];
    expect(expected.filter((e) => e.type === 'GroupSnapshot').map((e) => e.groupId)).toEqual(['g1', 'g2', 'g3']);

    const store = storeWith(before);
    const snapshot = store.snapshotEvents();
    const reader = snapshot[Symbol.iterator]();
    const first = reader.next();
    foldLater(store);
    const rest: GroupEvent[] = [];
    for (let r = reader.next(); !r.done; r = reader.next()) rest.push(r.value);
    expect([first.value, ...rest]).toEqual(expected);
    expect([...snapshot]).toEqual(expected);
  });

  test('C6 a snapshot abandoned part-way is completed when the next one is taken: both read back as taken', () => {
    const store = storeWith(before);
    const expectedFirst = [...storeWith(before).snapshotEvents()];
    const first = store.snapshotEvents();
    first[Symbol.iterator]().next();
    store.applyReplayed(commit('g3', 0, 31));
    const afterOne = storeWith([...before, commit('g3', 0, 31)]);
    const expectedSecond = [...afterOne.snapshotEvents()];
    const second = store.snapshotEvents();
    foldLater(store);
    expect([...first]).toEqual(expectedFirst);
    expect([...second]).toEqual(expectedSecond);
    // A snapshot of the state now equals one of a store that folded the same events without snapshots.
    const plain = storeWith([...before, commit('g3', 0, 31)]);
    foldLater(plain);
    expect([...store.snapshotEvents()]).toEqual([...plain.snapshotEvents()]);
  });
});
