import { MetaJournal } from '../../../src/application/meta-journal';
import { silentLogger } from '../../../src/adapters/system/pino-logger';
import type { MetaEvent } from '../../../src/domain/meta-event';
import { MemoryMetaLog } from '../../fakes/memory-meta-log';
import { MemorySnapshotStore } from '../../fakes/memory-snapshot-store';

// When the MetaJournal snapshots (PE-9; C6: never rewrite a large state every few events).
const commit = (i: number): MetaEvent => ({
  type: 'OffsetCommitted', groupId: 'g', topic: 't', partition: i, offset: i, leaderEpoch: -1, metadata: '', commitTimestamp: 1, expireTimestamp: null,
});
const settle = async (): Promise<void> => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); };

describe('MetaJournal snapshot schedule', () => {
  test('every snapshotEveryEvents appends while the state is smaller; once the state is larger, after as many appends as the last snapshot held', async () => {
    const snapshots = new MemorySnapshotStore();
    const journal = new MetaJournal(new MemoryMetaLog(), snapshots, 10, silentLogger);
    let stateSize = 4;
    journal.setSnapshotSource(() => Array.from({ length: stateSize }, (_, i) => commit(i)));
    const taken: number[] = [];
    let appended = 0;
    const appendOne = async (): Promise<void> => {
      await journal.append([commit(appended++)]);
      await settle();
      const latest = await snapshots.loadLatest();
      if (latest !== null && latest.position !== taken[taken.length - 1]) taken.push(latest.position);
    };
    for (let i = 0; i < 20; i++) await appendOne();
    expect(taken).toEqual([10, 20]); // state of 4 events: every 10
    stateSize = 25;
    for (let i = 0; i < 10; i++) await appendOne();
    expect(taken).toEqual([10, 20, 30]); // this snapshot holds 25 events…
    for (let i = 0; i < 20; i++) await appendOne();
    expect(taken).toEqual([10, 20, 30]); // …so 20 more appends are not enough
    for (let i = 0; i < 5; i++) await appendOne();
    expect(taken).toEqual([10, 20, 30, 55]);
  });

  test('after a restart, the loaded snapshot\'s size counts the same way', async () => {
    const snapshots = new MemorySnapshotStore();
    const journal = new MetaJournal(new MemoryMetaLog(), snapshots, 10, silentLogger);
    journal.setLoadedSnapshot(null, 30);
    journal.setSnapshotSource(() => [commit(0)]);
    for (let i = 0; i < 29; i++) await journal.append([commit(i)]);
    await settle();
    expect(await snapshots.loadLatest()).toBeNull();
    await journal.append([commit(29)]);
    await settle();
    expect((await snapshots.loadLatest())?.position).toBe(30);
  });
});
