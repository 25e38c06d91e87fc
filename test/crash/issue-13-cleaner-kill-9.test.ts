import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { FilePartitionLogStore } from '../../src/adapters/partition-log/file-partition-log-store';
import type { PartitionLogConfig } from '../../src/ports/partition-log';
import { consumeLog } from '../property/partition-log/consume-log';
import { baseSeed, seededRandom } from './seeded-random';

/*
 * Issue 13: kill -9 at any point of a cleaning leaves a log that opens and holds every latest value.
 * A child process appends a seeded workload (keyed updates and tombstones) to a compacted file log
 * and runs a cleaning pass after every append, with tiny segments so that passes rewrite, swap and
 * delete segments all the time. The parent SIGKILLs it at a random moment, reopens the files and
 * checks: no temporary cleaner file is left, offsets only grow, and a reader from the start ends
 * with exactly the key → value map of every batch the log kept (those below its end offset).
 */

const ROOT = path.resolve(__dirname, '../..');
const ITERATIONS = Number(process.env.CLEANER_KILLS ?? 25);
const CONFIG: Partial<PartitionLogConfig> = {
  segmentBytes: 1500, cleanupCompact: true, cleanupDelete: false, minCleanableDirtyRatio: 0.2, deleteRetentionMs: 30,
};

/** The workload, shared verbatim by the child (as source) and the parent: batch j of a seed. */
const WORKLOAD = `
function workload(seed, j) {
  let a = (seed ^ Math.imul(j + 1, 0x9e3779b1)) >>> 0;
  const rnd = () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const n = 1 + Math.floor(rnd() * 4);
  const out = [];
  for (let i = 0; i < n; i++) out.push({ key: 'k' + Math.floor(rnd() * 40), value: rnd() < 0.15 ? null : 'v' + j + '-' + i + '-' + 'x'.repeat(Math.floor(rnd() * 30)) });
  return out;
}`;
// eslint-disable-next-line no-new-func
const workload = new Function(`${WORKLOAD}; return workload;`)() as (seed: number, j: number) => Array<{ key: string; value: string | null }>;

const CHILD = `
${WORKLOAD}
const { FilePartitionLogStore } = require(${JSON.stringify(path.join(ROOT, 'dist/adapters/partition-log/file-partition-log-store.js'))});
const { buildRecordBatch } = require(${JSON.stringify(path.join(ROOT, 'dist/adapters/kafka/record-batch/batch-builder.js'))});
const [dir, seed, config] = [process.argv[1], Number(process.argv[2]), JSON.parse(process.argv[3])];
(async () => {
  const log = await new FilePartitionLogStore(dir, { kind: 'always' }).open('t', 0, config);
  let j = Number(process.argv[4]);
  const throttle = { acquire: () => new Promise((r) => setImmediate(r)) };
  for (;;) {
    const recs = workload(seed, j++);
    await log.append(buildRecordBatch({ baseTimestamp: 1000n, records: recs }), { recordCount: recs.length, maxTimestamp: 1000n });
    await log.compact({ nowMs: Date.now(), throttle, firstUnstableOffset: null });
  }
})();
`;

const consume = consumeLog;

describe('issue 13 cleaner crash safety', () => {
  it(`${ITERATIONS} SIGKILLs in the middle of appends and cleanings: the log opens and holds every latest value`, async () => {
    const seed = baseSeed();
    console.log(`cleaner kill -9: SEED=${seed} CLEANER_KILLS=${ITERATIONS}`);
    const rnd = seededRandom(seed);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cohort-cleaner-kill-'));
    let batches = 0;
    const caught = { cleaned: 0, swap: 0 };
    try {
      for (let it = 0; it < ITERATIONS; it++) {
        const child = spawn(process.execPath, ['-e', CHILD, dir, String(seed), JSON.stringify(CONFIG), String(batches)], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        await new Promise((r) => setTimeout(r, 150 + Math.floor(rnd() * 500)));
        child.kill('SIGKILL');
        await exited;
        expect(stderr).toBe('');

        const partDir = path.join(dir, 'topics', 't-0');
        const pending = (await fs.readdir(partDir).catch(() => [] as string[])).filter((f) => f.endsWith('.cleaned') || f.endsWith('.swap'));
        caught.cleaned += pending.filter((f) => f.endsWith('.cleaned')).length > 0 ? 1 : 0;
        caught.swap += pending.filter((f) => f.endsWith('.swap')).length > 0 ? 1 : 0;
        const store = new FilePartitionLogStore(dir, { kind: 'always' });
        try {
          const log = await store.open('t', 0, CONFIG);
          const end = log.logEndOffset();
          // Which batches landed: the workload's offsets are dense, so the end offset says.
          const expected = new Map<string, string>();
          let offset = 0n;
          let j = 0;
          for (; ; j++) {
            const recs = workload(seed, j);
            if (offset + BigInt(recs.length) > end) break;
            for (const r of recs) {
              if (r.value === null) expected.delete(r.key);
              else expected.set(r.key, r.value);
            }
            offset += BigInt(recs.length);
          }
          expect(offset).toBe(end);
          const { map, offsets } = await consume(log);
          expect(offsets.every((o, i) => i === 0 || o > offsets[i - 1])).toBe(true);
          expect(map).toEqual(expected);
          const leftovers = (await fs.readdir(path.join(dir, 'topics', 't-0'))).filter((f) => f.endsWith('.cleaned') || f.endsWith('.swap'));
          expect(leftovers).toEqual([]);
          batches = j;
        } finally {
          await store.close();
        }
      }
      expect(batches).toBeGreaterThan(ITERATIONS);
      console.log(`kills that left a .cleaned file: ${caught.cleaned}, a .swap file: ${caught.swap} (of ${ITERATIONS})`);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
