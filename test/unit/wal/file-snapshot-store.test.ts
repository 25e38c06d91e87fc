import * as CRC32 from 'crc-32';
import { CrashFileSystem } from '../../fakes/crash-file-system';
import { decodeSnapshot, encodeSnapshot, encodeSnapshotPieces, FileSnapshotStore, snapshotName } from '../../../src/adapters/snapshot/file-snapshot-store';
import { ByteWriter } from '../../../src/adapters/wal/byte-writer';
import { ValueEncoder } from '../../../src/adapters/wal/value-codec';
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

/** The newest snapshot with its events decoded into an array (the store hands them out lazily). */
const loadAll = async (store: FileSnapshotStore) => {
  const s = await store.loadLatest();
  return s && { position: s.position, count: s.count, events: [...s.events] };
};

describe('FileSnapshotStore', () => {
  test('save then loadLatest returns the newest snapshot; only the last 2 are kept', async () => {
    const fs = new CrashFileSystem();
    const store = new FileSnapshotStore(fs, { dir: '/s' });
    expect(await store.loadLatest()).toBeNull();
    for (const position of [5, 10, 15]) await store.save({ position, events: [commit(position)] });
    expect(await loadAll(store)).toEqual({ position: 15, count: 1, events: [commit(15)] });
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
    expect(await loadAll(store)).toEqual({ position: 7, count: 1000, events: Array.from({ length: 1000 }, (_, i) => commit(i)) });
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
    expect(back.count).toBe(events.length);
    expect(JSON.stringify([...back.events])).toBe(JSON.stringify(events));
  });

  test('C6: a snapshot of several MiB is encoded and written in pieces of about 1 MiB; its checksum spans them and it loads back whole', async () => {
    const events = Array.from({ length: 120_000 }, (_, i) => ({ ...commit(i), metadata: `m-${i}` }));
    const pieces = await encodeSnapshotPieces({ position: 11, events }, 5);
    expect(pieces[0]!.length).toBe(48);
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces.slice(1, -1)) expect(p.length).toBeLessThan(1.1 * 2 ** 20);
    const store = new FileSnapshotStore(new CrashFileSystem(), { dir: '/s', sliceMs: 5 });
    await store.save({ position: 11, events });
    const back = await loadAll(store);
    expect(back?.count).toBe(events.length);
    expect(JSON.stringify(back?.events)).toBe(JSON.stringify(events));
  });

  test('C6: a save writes each piece to the file as it is encoded (no whole snapshot in memory)', async () => {
    const fs = new CrashFileSystem();
    const store = new FileSnapshotStore(fs, { dir: '/s', sliceMs: 5 });
    const writesBefore: number[] = [];
    const events: Iterable<MetaEvent> = {
      *[Symbol.iterator]() {
        for (let i = 0; i < 120_000; i++) {
          if (i % 20_000 === 0) writesBefore.push(fs.counters.pwrite);
          yield { ...commit(i), metadata: `m-${i}` };
        }
      },
    };
    await store.save({ position: 12, events });
    // Several MiB of payload: pieces were written while later events were still to be made.
    expect(writesBefore.at(-1)).toBeGreaterThan(1);
    expect(writesBefore).toEqual([...writesBefore].sort((a, b) => a - b));
    const back = await loadAll(store);
    expect(back?.count).toBe(120_000);
    expect(back?.events[119_999]).toEqual({ ...commit(119_999), metadata: 'm-119999' });
  });

  test('C6: a loaded snapshot decodes its events as they are iterated (none held up front), as often as asked', async () => {
    const store = new FileSnapshotStore(new CrashFileSystem(), { dir: '/s' });
    await store.save({ position: 9, events: Array.from({ length: 3 }, (_, i) => commit(i)) });
    const s = (await store.loadLatest())!;
    expect(Array.isArray(s.events)).toBe(false);
    const it = s.events[Symbol.iterator]();
    expect(it.next().value).toEqual(commit(0));
    expect([...s.events]).toEqual([commit(0), commit(1), commit(2)]);
  });

  test('an event the checksum vouches for but this build cannot decode stops the iteration with SnapshotDamagedError (no state from part of a snapshot)', async () => {
    // A one-event snapshot whose header, re-sealed, says two: every checksum agrees, the events do not.
    const forged = new Uint8Array(await encodeSnapshot({ position: 4, events: [commit(1)] }));
    new DataView(forged.buffer).setFloat64(16, 2, true);
    new DataView(forged.buffer).setUint32(44, CRC32.buf(forged.subarray(0, 44)) >>> 0, true);
    const s = decodeSnapshot('forged', forged);
    expect(() => [...s.events]).toThrow(/snapshot forged unusable/);
  });

  test('version 2 writes events in the MetaLog\'s compact codecs; a version 1 file (every event in the value encoding) still loads', async () => {
    const events = [commit(1), commit(2), { type: 'GroupCreated', groupId: 'g', at: 5, extra: [1, 'x'] } as unknown as MetaEvent];
    const v2 = await encodeSnapshot({ position: 3, events });
    expect(new DataView(v2.buffer, v2.byteOffset).getUint16(4, true)).toBe(2);
    expect([...decodeSnapshot('v2', v2).events]).toEqual(events);
    // Version 1, sealed as release 0.x sealed it.
    const out = new ByteWriter();
    const enc = new ValueEncoder();
    for (const e of events) enc.encode(out, e);
    const payload = out.toBytes();
    const v1 = new Uint8Array(48 + payload.length);
    const view = new DataView(v1.buffer);
    v1.set([0x43, 0x53, 0x4e, 0x50], 0);
    view.setUint16(4, 1, true);
    view.setUint16(6, 48, true);
    view.setFloat64(8, 3, true);
    view.setFloat64(16, events.length, true);
    view.setFloat64(24, payload.length, true);
    view.setUint32(32, CRC32.buf(payload) >>> 0, true);
    view.setUint32(44, CRC32.buf(v1.subarray(0, 44)) >>> 0, true);
    v1.set(payload, 48);
    expect(v2.length).toBeLessThan(v1.length);
    expect([...decodeSnapshot('v1', v1).events]).toEqual(events);
    // The fast path hands a version-1 file's events over as objects, the same ones.
    const delivered: MetaEvent[] = [];
    decodeSnapshot('v1', v1).deliverTo!({ event: (e) => delivered.push(e), offsetCommitted: () => { throw new Error('no compact commits in version 1'); } });
    expect(delivered).toEqual(events);
    view.setUint16(4, 3, true);
    view.setUint32(44, CRC32.buf(v1.subarray(0, 44)) >>> 0, true);
    expect(() => decodeSnapshot('v3', v1)).toThrow(/unsupported version 3/);
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
