import * as fs from 'fs/promises';
import * as os from 'os';
import * as path from 'path';
import { OffsetOutOfRange, type PartitionLogStore } from '../../src/ports/partition-log';
import { MemoryPartitionLogStore } from '../fakes/memory-partition-log';
import { FilePartitionLogStore, partitionDir } from '../../src/adapters/partition-log/file-partition-log-store';
import { buildRecordBatch } from '../../src/adapters/kafka/record-batch/batch-builder';
import { jetStreamLogs, stopSharedNatsCluster } from '../support/jetstream-partition-logs';

/* Issue 13 item 1: DeleteRecords on the PartitionLog port, for every adapter (restart = reopen the files). */

interface Harness { store(): PartitionLogStore; restart(): Promise<PartitionLogStore>; cleanup(): Promise<void>; dir?: string }

const harnesses: Array<[string, () => Promise<Harness>]> = [
  ['memory', async () => {
    const store = new MemoryPartitionLogStore();
    return { store: () => store, restart: async () => { await store.close(); return store; }, cleanup: () => store.close() };
  }],
  ['file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cohort-dr-'));
    let store = new FilePartitionLogStore(dir, { kind: 'always' });
    return {
      dir,
      store: () => store,
      restart: async () => { await store.close(); store = new FilePartitionLogStore(dir, { kind: 'always' }); return store; },
      cleanup: async () => { await store.close(); await fs.rm(dir, { recursive: true, force: true }); },
    };
  }],
  // Issue 15: a control message states the new log start before the subject is purged below it.
  ['jetstream', jetStreamLogs],
];
afterAll(stopSharedNatsCluster, 30_000);

const one = (v: string) => buildRecordBatch({ baseTimestamp: 1000n, records: [{ key: 'k', value: v, timestamp: 1000n }] });

describe.each(harnesses)('DeleteRecords on the %s partition log', (_name, make) => {
  let h: Harness;
  beforeEach(async () => { h = await make(); });
  afterEach(() => h.cleanup());

  const filled = async () => {
    const log = await h.store().open('t', 0, { segmentBytes: 200 });
    for (let i = 0; i < 20; i++) await log.append(one(`v${i}`), { recordCount: 1, maxTimestamp: 1000n });
    return log;
  };

  test('raises the log start offset, deletes whole segments below it, and reads below it are out of range', async () => {
    const log = await filled();
    expect(await log.deleteRecordsBefore(7n)).toBe(7n);
    expect(log.logStartOffset()).toBe(7n);
    await expect(log.read(6n, 1 << 20)).rejects.toBeInstanceOf(OffsetOutOfRange);
    const got = await log.read(7n, 1 << 20);
    expect(got.readBigInt64BE(0)).toBeLessThanOrEqual(7n);
    if (h.dir !== undefined) {
      const files = (await fs.readdir(partitionDir(h.dir, 't', 0))).filter((f) => f.endsWith('.log'));
      expect(files.every((f) => BigInt(f.slice(0, 20)) >= 6n)).toBe(true);
    }
  });

  test('an offset at or below the log start changes nothing; the high watermark is allowed; beyond it is out of range', async () => {
    const log = await filled();
    await log.deleteRecordsBefore(5n);
    expect(await log.deleteRecordsBefore(3n)).toBe(5n);
    await expect(log.deleteRecordsBefore(21n)).rejects.toBeInstanceOf(OffsetOutOfRange);
    expect(log.logStartOffset()).toBe(5n);
    expect(await log.deleteRecordsBefore(20n)).toBe(20n);
    expect(log.logEndOffset()).toBe(20n);
    expect((await log.read(20n, 100)).length).toBe(0);
    expect(await log.append(one('after'), { recordCount: 1, maxTimestamp: 1000n })).toBe(20n);
  });

  test('the new log start survives a restart, and retention never lowers it', async () => {
    const log = await filled();
    await log.deleteRecordsBefore(11n);
    const reopened = await (await h.restart()).open('t', 0, { segmentBytes: 200 });
    expect(reopened.logStartOffset()).toBe(11n);
    await expect(reopened.read(10n, 100)).rejects.toBeInstanceOf(OffsetOutOfRange);
    expect(await reopened.applyRetention(Date.now())).toBeGreaterThanOrEqual(11n);
  });
});
