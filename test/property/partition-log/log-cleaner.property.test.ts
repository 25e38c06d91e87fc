import * as fc from 'fast-check';
import * as fs from 'fs/promises';
import * as os from 'os';
import * as path from 'path';
import type { PartitionLog, PartitionLogConfig, PartitionLogStore } from '../../../src/ports/partition-log';
import { MemoryPartitionLogStore } from '../../fakes/memory-partition-log';
import { FilePartitionLogStore } from '../../../src/adapters/partition-log/file-partition-log-store';
import { buildRecordBatch } from '../../../src/adapters/kafka/record-batch/batch-builder';
import { consumeLog } from './consume-log';

/*
 * The cleaner's acceptance property (issue 13): for any sequence of keyed records and tombstones, a
 * consumer reading the cleaned log from the start ends with the same key → value map as one that
 * read the uncleaned log, and the offsets it sees only grow. Checked after a first pass (tombstones
 * stamped with a delete horizon), after more appends and a pass past the horizon (tombstones
 * removed), and — for the file log — after reopening the files.
 */

const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() % 2 ** 31;
console.log(`log cleaner property: SEED=${seed}`);

type Rec = { key: string | null; value: string | null };
const recArb: fc.Arbitrary<Rec> = fc.record({
  key: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g') }, { weight: 1, arbitrary: fc.constant(null) }),
  value: fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.constant(null) }),
});
const batchesArb = fc.array(fc.array(recArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 40 });

const RETENTION = 1000;
const config: Partial<PartitionLogConfig> = {
  segmentBytes: 400, cleanupCompact: true, cleanupDelete: false, minCleanableDirtyRatio: 0, deleteRetentionMs: RETENTION,
};
const throttle = { acquire: () => Promise.resolve() };

const append = async (log: PartitionLog, batches: Rec[][]): Promise<void> => {
  for (const recs of batches) {
    await log.append(buildRecordBatch({ baseTimestamp: 1000n, records: recs.map((r) => ({ key: r.key, value: r.value })) }), { recordCount: recs.length, maxTimestamp: 1000n });
  }
};

const consume = consumeLog;

const increasing = (xs: bigint[]): boolean => xs.every((x, i) => i === 0 || x > xs[i - 1]);

const check = async (makeStore: () => Promise<{ store: PartitionLogStore; reopen(): Promise<PartitionLogStore>; done(): Promise<void> }>, runs: number) => {
  await fc.assert(
    fc.asyncProperty(batchesArb, batchesArb, async (first, second) => {
      const h = await makeStore();
      try {
        let log = await h.store.open('t', 0, config);
        await append(log, first);
        const before = await consume(log);
        const end = log.logEndOffset();
        await log.compact({ nowMs: 5000, throttle, firstUnstableOffset: null });
        const after = await consume(log);
        expect(after.map).toEqual(before.map);
        expect(increasing(after.offsets)).toBe(true);
        expect(log.logEndOffset()).toBe(end);

        await append(log, second);
        const before2 = await consume(log);
        // Past every horizon stamped by the first pass: those tombstones may go now.
        await log.compact({ nowMs: 5000 + RETENTION + 1, throttle, firstUnstableOffset: null });
        await log.compact({ nowMs: 5000 + 3 * RETENTION, throttle, firstUnstableOffset: null });
        const after2 = await consume(log);
        expect(after2.map).toEqual(before2.map);
        expect(increasing(after2.offsets)).toBe(true);
        // Every record left below the active segment is the latest of its key (no stale values).
        expect(after2.offsets.length).toBeLessThanOrEqual(before2.offsets.length);

        log = await (await h.reopen()).open('t', 0, config);
        const reopened = await consume(log);
        expect(reopened.map).toEqual(before2.map);
        expect(reopened.offsets).toEqual(after2.offsets);
      } finally {
        await h.done();
      }
    }),
    { seed, numRuns: runs },
  );
};

describe('log cleaner property (issue 13): cleaning never changes what a consumer ends with', () => {
  it('memory log', async () => {
    await check(async () => {
      const store = new MemoryPartitionLogStore();
      return { store, reopen: async () => { await store.close(); return store; }, done: () => store.close() };
    }, 150);
  });

  it('file log (fsync os), including a reopen of the cleaned files', async () => {
    await check(async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cohort-cleaner-'));
      let store = new FilePartitionLogStore(dir, { kind: 'os' });
      return {
        store,
        reopen: async () => { await store.close(); store = new FilePartitionLogStore(dir, { kind: 'os' }); return store; },
        done: async () => { await store.close(); await fs.rm(dir, { recursive: true, force: true }); },
      };
    }, 40);
  });
});
