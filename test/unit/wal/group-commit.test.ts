import { CrashFileSystem } from '../../fakes/crash-file-system';
import { FileMetaLog } from '../../../src/adapters/wal/file-meta-log';
import type { MetaEvent } from '../../../src/domain/meta-event';

/** Group commit (STYLE.md "The WAL", benchmarks.md Part D.1). */
const commit = (i: number): MetaEvent => ({ type: 'OffsetDeleted', groupId: 'g', topic: 't', partition: i }) as MetaEvent;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const opened = async (fsync = 'always'): Promise<{ fs: CrashFileSystem; log: FileMetaLog }> => {
  const fs = new CrashFileSystem();
  const log = new FileMetaLog(fs, { dir: '/d', fsync });
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
