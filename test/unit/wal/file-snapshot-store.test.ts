import { CrashFileSystem } from '../../fakes/crash-file-system';
import { decodeSnapshot, encodeSnapshot, FileSnapshotStore, snapshotName } from '../../../src/adapters/snapshot/file-snapshot-store';
import type { MetaEvent } from '../../../src/domain/meta-event';

/** The SnapshotStore port on files (src/ports/snapshot-store.ts; benchmarks.md Part D.7). */
const commit = (i: number): MetaEvent => ({
  type: 'OffsetCommitted',
  groupId: `group-${i % 100}`,
  topic: 'topic',
  partition: i % 50,
  offset: i,
  leaderEpoch: 0,
  metadata: '',
  commitTimestamp: 1_700_000_000_000,
  expireTimestamp: null,
});

describe('FileSnapshotStore', () => {
  test('save then loadLatest returns the newest snapshot; only the last 2 are kept', async () => {
    const fs = new CrashFileSystem();
    const store = new FileSnapshotStore(fs, { dir: '/s' });
    expect(await store.loadLatest()).toBeNull();
    for (const position of [5, 10, 15]) await store.save({ position, events: [commit(position)] });
    expect(await store.loadLatest()).toEqual({ position: 15, events: [commit(15)] });
    expect(fs.paths()).toEqual([`/s/${snapshotName(10)}`, `/s/${snapshotName(15)}`]);
  });

  test('events made while they are iterated (a lazy snapshot source) are written once each, with their count', async () => {
    const store = new FileSnapshotStore(new CrashFileSystem(), { dir: '/s', sliceMs: 0 });
    let made = 0;
    const events: Iterable<MetaEvent> = {
      *[Symbol.iterator]() {
        for (let i = 0; i < 1000; i++) {
          made++;
          yield commit(i);
        }
      },
    };
    await store.save({ position: 7, events });
    expect(made).toBe(1000);
    expect(await store.loadLatest()).toEqual({ position: 7, events: Array.from({ length: 1000 }, (_, i) => commit(i)) });
  });

  test('a crash at any point of a save leaves the previous snapshot or the new one, never neither', async () => {
    for (let cut = 0; cut < 12; cut++) {
      for (const keep of [0.1, 0.5, 0.9]) {
        const fs = new CrashFileSystem();
        const store = new FileSnapshotStore(fs, { dir: '/s' });
        await store.save({ position: 1, events: [commit(1)] });
        fs.powerCutAfter(cut);
        await store.save({ position: 2, events: [commit(2)] }).catch(() => undefined);
        const loaded = await new FileSnapshotStore(fs.crash(() => keep), { dir: '/s' }).loadLatest();
        expect([1, 2]).toContain(loaded?.position);
      }
    }
  });

  test('encoding a large snapshot yields to the event loop between slices', async () => {
    const events = Array.from({ length: 100_000 }, (_, i) => commit(i));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const bytes = await encodeSnapshot({ position: 7, events }, 5);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    const back = decodeSnapshot('mem', bytes);
    expect(back.position).toBe(7);
    expect(back.events).toHaveLength(events.length);
    expect(JSON.stringify(back.events)).toBe(JSON.stringify(events));
  });

  test('a damaged snapshot is reported in `skipped` with its reason', async () => {
    const fs = new CrashFileSystem();
    const store = new FileSnapshotStore(fs, { dir: '/s' });
    await store.save({ position: 3, events: [commit(3)] });
    const path = `/s/${snapshotName(3)}`;
    const bytes = fs.content(path) as Uint8Array;
    bytes[bytes.length - 1] ^= 1;
    fs.overwrite(path, bytes);
    expect(await store.loadLatest()).toBeNull();
    expect(store.skipped[0].message).toContain('payload checksum mismatch');
  });
});
