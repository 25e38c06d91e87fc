import { CrashFileSystem } from '../../fakes/crash-file-system';
import { FileMetaLog } from '../../../src/adapters/wal/file-meta-log';
import type { MetaEvent } from '../../../src/domain/meta-event';

/** Group commit (STYLE.md "The WAL", benchmarks.md Part D.1). */
const commit = (i: number): MetaEvent => ({ type: 'OffsetDeleted', groupId: 'g', topic: 't', partition: i }) as MetaEvent;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const opened = async (fsync = 'always', deferredSyncMs?: number): Promise<{ fs: CrashFileSystem; log: FileMetaLog }> => {
  const fs = new CrashFileSystem();
  const log = new FileMetaLog(fs, { dir: '/d', fsync, deferredSyncMs });
  await log.replay(0, () => undefined);
  return { fs, log };
};

describe('group commit', () => {
  test('N appends in one turn share one write and one fdatasync', async () => {
    const { fs, log } = await opened();
    const writes = fs.counters.pwrite;
    const syncs = fs.counters.fdatasync;
    const all = Array.from({ length: 50 }, (_, i) => log.append([commit(i)]));
    expect(await Promise.all(all)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(fs.counters.pwrite - writes).toBe(1);
    expect(fs.counters.fdatasync - syncs).toBe(1);
    await log.close();
  });

  test('the flush starts one turn later, never from the first waiter', async () => {
    const { fs, log } = await opened();
    const writes = fs.counters.pwrite;
    const first = log.append([commit(0)]);
    await Promise.resolve();
    await Promise.resolve();
    expect(fs.counters.pwrite - writes).toBe(0);
    const second = log.append([commit(1)]);
    await Promise.all([first, second]);
    expect(fs.counters.pwrite - writes).toBe(1);
    await log.close();
  });

  test('appends made while a flush runs wait for the next flush and resolve after it, in order', async () => {
    const { fs, log } = await opened();
    const writes = fs.counters.pwrite;
    const syncs = fs.counters.fdatasync;
    const order: number[] = [];
    const a = [0, 1, 2].map((i) => log.append([commit(i)]).then((p) => (order.push(p), p)));
    while (fs.counters.pwrite === writes) await Promise.resolve().then(nextTurn);
    // The first flush has written and is inside fdatasync now.
    expect(fs.counters.fdatasync - syncs).toBe(1);
    const b = [3, 4].map((i) => log.append([commit(i)]).then((p) => (order.push(p), p)));
    expect(await Promise.all([...a, ...b])).toEqual([0, 1, 2, 3, 4]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(fs.counters.pwrite - writes).toBe(2);
    expect(fs.counters.fdatasync - syncs).toBe(2);
    await log.close();
  });

  test('an append does not resolve before its fdatasync has completed (fsync=always)', async () => {
    const { fs, log } = await opened();
    const syncs = fs.counters.fdatasync;
    let resolvedAtSyncs = -1;
    await log.append([commit(0)]).then(() => (resolvedAtSyncs = fs.counters.fdatasync - syncs));
    expect(resolvedAtSyncs).toBe(1);
    // And the record is in the durable image.
    const image = fs.crash(() => 0.99);
    const reread: number[] = [];
    const again = new FileMetaLog(image, { dir: '/d' });
    await again.replay(0, (_e, p) => reread.push(p));
    expect(reread).toEqual([0]);
    await again.close();
  });

  test('fsync=os writes without fdatasync; close syncs once', async () => {
    const { fs, log } = await opened('os');
    const syncs = fs.counters.fdatasync;
    for (let i = 0; i < 5; i++) await log.append([commit(i)]);
    expect(fs.counters.fdatasync - syncs).toBe(0);
    await log.close();
    expect(fs.counters.fdatasync - syncs).toBe(1);
  });
});

/** Rereads the image a power loss leaves when every unsynced write is dropped. */
const survivorsOfPowerLoss = async (fs: CrashFileSystem): Promise<number[]> => {
  const again = new FileMetaLog(fs.crash(() => 0.5), { dir: '/d' });
  const positions: number[] = [];
  await again.replay(0, (_e, p) => positions.push(p));
  await again.close();
  return positions;
};

const ticks = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await nextTurn();
};

/** PE-10 deferrable appends under fsync=always (issue 14, C2): soft events never hold a flush of their own. */
describe('deferrable appends (PE-10)', () => {
  test('PE-10 a deferrable batch waits for the next non-deferrable one: one record, one fdatasync, resolved in order; PE-1 both durable when they resolve', async () => {
    const { fs, log } = await opened('always', 60_000);
    const writes = fs.counters.pwrite;
    const syncs = fs.counters.fdatasync;
    const order: string[] = [];
    const soft = log.append([commit(0)], { deferrable: true }).then((p) => (order.push('soft'), p));
    await ticks(5);
    expect(fs.counters.pwrite - writes).toBe(0);
    expect(fs.counters.fdatasync - syncs).toBe(0);
    expect(order).toEqual([]);
    const hard = log.append([commit(1)]).then((p) => (order.push('hard'), p));
    expect(await Promise.all([soft, hard])).toEqual([0, 1]);
    expect(order).toEqual(['soft', 'hard']);
    expect(fs.counters.pwrite - writes).toBe(1);
    expect(fs.counters.fdatasync - syncs).toBe(1);
    expect(await survivorsOfPowerLoss(fs)).toEqual([0, 1]);
  });

  test('PE-10 deferrable batches of several turns hold no flush of their own: the next non-deferrable batch writes them all in one record', async () => {
    const { fs, log } = await opened('always', 60_000);
    const writes = fs.counters.pwrite;
    const syncs = fs.counters.fdatasync;
    const soft = [0, 1, 2].map((i) => log.append([commit(i)], { deferrable: true }));
    await ticks(2);
    const soft2 = log.append([commit(3)], { deferrable: true });
    await ticks(2);
    expect(fs.counters.fdatasync - syncs).toBe(0);
    const hard = log.append([commit(4)]);
    expect(await Promise.all([...soft, soft2, hard])).toEqual([0, 1, 2, 3, 4]);
    expect(fs.counters.pwrite - writes).toBe(1);
    expect(fs.counters.fdatasync - syncs).toBe(1);
  });

  test('PE-10 until the next flush a deferrable batch is unresolved, and a power loss (or kill -9) may drop it, never a resolved append', async () => {
    const { fs, log } = await opened('always', 60_000);
    const syncs = fs.counters.fdatasync;
    await log.append([commit(0)]);
    let resolved = false;
    const soft = log.append([commit(1)], { deferrable: true }).then((p) => ((resolved = true), p));
    soft.catch(() => undefined);
    await ticks(3);
    expect(resolved).toBe(false);
    expect(fs.counters.fdatasync - syncs).toBe(1);
    const before = fs.crash(() => 0.5);
    const reread: number[] = [];
    const image = new FileMetaLog(before, { dir: '/d' });
    await image.replay(0, (_e, p) => reread.push(p));
    await image.close();
    expect(reread).toEqual([0]);
  });

  test('PE-10 the deferred fdatasync comes by itself (deferredSyncMs)', async () => {
    const { fs, log } = await opened('always', 5);
    const syncs = fs.counters.fdatasync;
    expect(await log.append([commit(0)], { deferrable: true })).toBe(0);
    expect(fs.counters.fdatasync - syncs).toBe(1);
    expect(await survivorsOfPowerLoss(fs)).toEqual([0]);
  });

  test('PE-10 close syncs and resolves pending deferrable appends', async () => {
    const { fs, log } = await opened('always', 60_000);
    const soft = log.append([commit(0)], { deferrable: true });
    await ticks(3);
    await log.close();
    expect(await soft).toBe(0);
    expect(await survivorsOfPowerLoss(fs)).toEqual([0]);
  });

  test('T-DUR-7 a failed fdatasync rejects the deferrable appends it was to cover too (fail-stop)', async () => {
    const { fs, log } = await opened('always', 60_000);
    fs.failNth('fdatasync', fs.counters.fdatasync + 1);
    const soft = log.append([commit(0)], { deferrable: true });
    await ticks(3);
    const hard = log.append([commit(1)]);
    await expect(soft).rejects.toThrow(/EIO/);
    await expect(hard).rejects.toThrow(/EIO/);
    await expect(log.append([commit(2)])).rejects.toThrow(/EIO/);
  });

  test('fsync=os ignores deferrable: appends resolve after the write, as before', async () => {
    const { fs, log } = await opened('os');
    const syncs = fs.counters.fdatasync;
    expect(await log.append([commit(0)], { deferrable: true })).toBe(0);
    expect(fs.counters.fdatasync - syncs).toBe(0);
    await log.close();
  });
});
