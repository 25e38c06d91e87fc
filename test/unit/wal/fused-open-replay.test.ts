import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { ByteWriter } from '../../../src/adapters/wal/byte-writer';
import { FileMetaLog } from '../../../src/adapters/wal/file-meta-log';
import { NodeFileSystem } from '../../../src/adapters/wal/node-file-system';
import { RECORD_EVENTS_TYPED, sealFrame } from '../../../src/adapters/wal/record-frame';
import { scanSegment } from '../../../src/adapters/wal/segment-reader';
import type { FileDescriptor } from '../../../src/ports/file-system';
import type { MetaEvent } from '../../../src/domain/meta-event';
import type { MetaLog, ReplaySink } from '../../../src/ports/meta-log';

/**
 * Issue 14 (C4): the replay that opens a file MetaLog is the open's own pass — each segment is read
 * and checked once, its events delivered as they are checked — instead of an open that reads and
 * checks every segment and a replay that reads them again. Against an explicit `open()` followed by
 * the same replay (the two-pass path): the same events at the same positions, the same end, the
 * same repair, and the same files afterwards, for logs of several segments, any start position
 * (a snapshot's), and a clean, torn or cut last record. Damage is still refused before anything is
 * written, and a record whose checksum holds but whose events do not decode is refused, never cut.
 */
const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() % 0x7fffffff;
console.log(`fused-open-replay: SEED=${seed}`);

class CountingFileSystem extends NodeFileSystem {
  bytesRead = 0;
  override async preadInto(fd: FileDescriptor, target: Uint8Array, targetOffset: number, length: number, position: number): Promise<number> {
    const n = await super.preadInto(fd, target, targetOffset, length, position);
    this.bytesRead += n;
    return n;
  }
  override async pread(fd: FileDescriptor, length: number, position: number): Promise<Uint8Array> {
    const b = await super.pread(fd, length, position);
    this.bytesRead += b.length;
    return b;
  }
}

const nfs = new NodeFileSystem();
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'cohort-fused-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const commit = (g: number, p: number, o: number): MetaEvent => ({
  type: 'OffsetCommitted',
  groupId: `g${g}`,
  topic: 't',
  partition: p,
  offset: o,
  leaderEpoch: -1,
  metadata: o % 3 === 0 ? 'm' : '',
  commitTimestamp: 1_700_000_000_000 + o,
  expireTimestamp: null,
});

/** Every file of the log directory with its bytes. */
const files = (dir: string): Array<[string, string]> =>
  readdirSync(dir)
    .sort()
    .map((n) => [n, readFileSync(join(dir, n)).toString('hex')]);

const newestSegment = (dir: string): string => join(dir, readdirSync(dir).filter((n) => n.endsWith('.wal')).sort().pop()!);

type Delivered = Array<[string, number]>;

/** Replays into a list of (event, position) — through the OffsetCommitted fast path or as objects. */
const replayInto = async (log: MetaLog, from: number, viaSink: boolean): Promise<{ got: Delivered; end: number }> => {
  const got: Delivered = [];
  if (!viaSink) return { end: await log.replay(from, (e, p) => got.push([JSON.stringify(e), p])), got };
  let next = from;
  const sink: ReplaySink = {
    event: (e, p) => {
      got.push([JSON.stringify(e), p]);
      next = p + 1;
    },
    offsetCommitted: (groupId, topic, partition, offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp) => {
      got.push([JSON.stringify({ type: 'OffsetCommitted', groupId, topic, partition, offset, leaderEpoch, metadata, commitTimestamp, expireTimestamp }), next++]);
    },
  };
  return { end: await log.replayTo!(from, sink), got };
};

const damage = fc.constantFrom('none', 'torn', 'cut');

test('issue 14 C4: the replay that opens the log delivers what an open followed by a replay delivers (events, positions, end, repair, files)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 30 }),
      fc.double({ min: 0, max: 1.1, noNaN: true }),
      damage,
      fc.boolean(),
      fc.boolean(),
      async (batchSizes, fromAt, hurt, preallocate, viaSink) => {
        const dir = tempDir();
        const opts = { dir, fsync: 'os' as const, segmentBytes: 900, preallocate };
        const writer = new FileMetaLog(nfs, opts);
        let o = 0;
        for (const n of batchSizes) await writer.append(Array.from({ length: n }, () => commit(o % 4, o % 3, o++)));
        await writer.close();
        const last = newestSegment(dir);
        if (hurt === 'torn') appendFileSync(last, Buffer.from([0x40, 0, 0, 0, 0xef, 0xbe, 0xad, 0xde, 2, 9, 9, 9]));
        if (hurt === 'cut') {
          const size = statSync(last).size;
          if (size > 40) truncateSync(last, size - 3);
        }
        const from = Math.floor(fromAt * o);
        const a = tempDir();
        const b = tempDir();
        cpSync(dir, a, { recursive: true });
        cpSync(dir, b, { recursive: true });
        const fused = new FileMetaLog(nfs, { ...opts, dir: a });
        const twoPass = new FileMetaLog(nfs, { ...opts, dir: b });
        const got = await replayInto(fused, from, viaSink);
        await twoPass.open(from);
        const want = await replayInto(twoPass, from, viaSink);
        expect(got.got).toEqual(want.got);
        expect(got.end).toBe(want.end);
        expect(fused.recoveryReport()?.tornTail?.offset).toBe(twoPass.recoveryReport()?.tornTail?.offset);
        // A second replay (two-pass, the log open) delivers the same again.
        expect((await replayInto(fused, from, viaSink)).got).toEqual(want.got);
        await fused.close();
        await twoPass.close();
        expect(files(a)).toEqual(files(b));
      },
    ),
    { numRuns: 80, seed },
  );
}, 60_000);

test('issue 14 C4: the replay that opens the log reads each segment once (the two-pass open read it twice)', async () => {
  const dir = tempDir();
  const opts = { fsync: 'os' as const, segmentBytes: 16 * 1024 * 1024 };
  const writer = new FileMetaLog(nfs, { ...opts, dir });
  for (let i = 0; i < 1000; i++) await writer.append(Array.from({ length: 100 }, (_, k) => commit(k % 7, k % 5, i * 100 + k)));
  await writer.close();
  const segment = readFileSync(newestSegment(dir));
  let data = segment.length;
  while (data > 0 && segment[data - 1] === 0) data--;
  const a = tempDir();
  const b = tempDir();
  cpSync(dir, a, { recursive: true });
  cpSync(dir, b, { recursive: true });
  const fusedFs = new CountingFileSystem();
  const fused = new FileMetaLog(fusedFs, { ...opts, dir: a });
  expect(await fused.replay(0, () => undefined)).toBe(100_000);
  const twoPassFs = new CountingFileSystem();
  const twoPass = new FileMetaLog(twoPassFs, { ...opts, dir: b });
  await twoPass.open(0);
  expect(await twoPass.replay(0, () => undefined)).toBe(100_000);
  await fused.close();
  await twoPass.close();
  // Both read the data and up to two 1 MiB chunks of zeros after it (the end rule); the two-pass
  // path read the data a second time.
  expect(data).toBeGreaterThan(2 * 1024 * 1024);
  expect(fusedFs.bytesRead).toBeLessThanOrEqual(data + 2 * 1024 * 1024 + 4096);
  expect(twoPassFs.bytesRead - fusedFs.bytesRead).toBeGreaterThanOrEqual(data - 64);
});

test('issue 14 C4 / T-DUR-6: a whole record whose events do not decode refuses the open that replays, and no byte is changed', async () => {
  const dir = tempDir();
  const writer = new FileMetaLog(nfs, { dir, fsync: 'os' });
  await writer.append([commit(0, 0, 1), commit(1, 0, 2)]);
  await writer.append([commit(0, 1, 3)]);
  await writer.close();
  const last = newestSegment(dir);
  // After the last record: a sealed frame (its checksum holds) of one event with an unknown codec.
  const bytes = readFileSync(last);
  const end = scanSegment(bytes, 0, { decode: false }).validEnd;
  const out = new ByteWriter();
  out.u32(0);
  out.u32(0);
  out.u8(RECORD_EVENTS_TYPED);
  out.f64(3);
  out.f64(end);
  out.u32(1);
  out.u8(0xee);
  sealFrame(out.view8(), 0, out.length);
  const frame = Buffer.from(out.view8());
  const damaged = Buffer.concat([bytes.subarray(0, end), frame, bytes.subarray(end + frame.length)]);
  writeFileSync(last, damaged);
  const log = new FileMetaLog(nfs, { dir, fsync: 'os' });
  const got: number[] = [];
  const err = await log.replay(0, (_e, p) => got.push(p)).then(() => null, (e: Error) => e);
  expect(err).toMatchObject({ name: 'MetaLogCorruptError' });
  expect(err!.message).toMatch(/do not decode/);
  // The records before it were delivered as they were checked; the refusal makes them moot (the broker stops).
  expect(got).toEqual([0, 1, 2]);
  expect(readFileSync(last).equals(damaged)).toBe(true);
  expect(readdirSync(dir).filter((n) => n.endsWith('.wal'))).toHaveLength(1);
});

test('issue 14 C4: a replay into a sink reports its progress between reads (positions in order, the last the end), opening or not', async () => {
  const dir = tempDir();
  const opts = { fsync: 'os' as const, segmentBytes: 16 * 1024 * 1024 };
  const writer = new FileMetaLog(nfs, { ...opts, dir });
  for (let i = 0; i < 1000; i++) await writer.append(Array.from({ length: 100 }, (_, k) => commit(k % 7, k % 5, i * 100 + k)));
  await writer.close();
  const log = new FileMetaLog(nfs, { ...opts, dir });
  for (const from of [0, 54_321]) {
    const seen: number[] = [];
    let delivered = 0;
    const end = await log.replayTo(from, { event: () => delivered++, offsetCommitted: () => delivered++, progress: (p) => seen.push(p) });
    expect(end).toBe(100_000);
    expect(delivered).toBe(100_000 - from);
    expect(seen.length).toBeGreaterThan(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    expect(seen[seen.length - 1]).toBe(100_000);
  }
  await log.close();
});

test('issue 14 C4 / SP-5: byte fields of replayed events keep their values once the read window moves on (a SCRAM credential, then 3 MB of commits), opening or not', async () => {
  const dir = tempDir();
  const opts = { fsync: 'os' as const, segmentBytes: 16 * 1024 * 1024 };
  const writer = new FileMetaLog(nfs, { ...opts, dir });
  const credential: MetaEvent = {
    type: 'ScramCredentialUpserted',
    name: 'dana',
    mechanism: 'SCRAM-SHA-512',
    salt: Buffer.alloc(24, 5),
    storedKey: Buffer.alloc(64, 7),
    serverKey: Buffer.alloc(64, 9),
    iterations: 8192,
  } as MetaEvent;
  await writer.append([credential]);
  for (let i = 0; i < 1200; i++) await writer.append(Array.from({ length: 100 }, (_, k) => commit(k % 7, k % 5, i * 100 + k)));
  await writer.close();
  for (const twoPass of [false, true]) {
    const log = new FileMetaLog(nfs, { ...opts, dir });
    if (twoPass) await log.open(0);
    let got: Record<string, unknown> | null = null;
    await log.replayTo(0, { event: (e) => { if (e.type === 'ScramCredentialUpserted') got = e as unknown as Record<string, unknown>; }, offsetCommitted: () => undefined });
    await log.close();
    expect(got).not.toBeNull();
    for (const field of ['salt', 'storedKey', 'serverKey']) {
      expect(Buffer.from(got![field] as Uint8Array).equals(Buffer.from((credential as unknown as Record<string, Uint8Array>)[field]!))).toBe(true);
    }
  }
});
