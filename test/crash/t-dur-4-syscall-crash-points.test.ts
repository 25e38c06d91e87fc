import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, sleep, startBrokerProcess, tempDir } from '../e2e/support/broker-process';
import { fetchOffsets, runCommitScript, SCRIPT_ARGS, SCRIPT_GROUPS, SCRIPT_PARTITIONS, WORKLOAD_TOPIC } from './commit-workload';
import { OffsetLedger, type LedgerCounts } from './offset-ledger';
import { baseSeed, seededRandom } from './seeded-random';
import { parseStrace } from './syscall-audit';
import { spawnWrappedBroker } from './wrapped-broker';

/**
 * T-DUR-4 crash points at the syscall level (reliability.md C1, G2): the fixed commit script runs
 * under `strace -e inject=<kind>:signal=SIGKILL:when=<n>` so the broker dies on entry to exactly
 * its n-th pwrite64, fdatasync, rename or unlink; then it restarts without strace and the ledger
 * check runs. CI samples DUR4_SAMPLES (30) crash points out of all K per kind (the soak run sweeps
 * every n). Pass: every restart opens and lost_acked = phantom = 0.
 */
const KINDS = ['pwrite64', 'fdatasync', 'rename', 'unlink'] as const;
const SAMPLES = Number(process.env.DUR4_SAMPLES ?? 30);
const SEED = baseSeed();

/**
 * Counts each kind of call in one plain traced run of the script. strace counts `when=` per thread,
 * and fdatasync runs on the libuv threadpool, so K is the largest count of any one thread.
 */
const countCalls = async (): Promise<Record<(typeof KINDS)[number], number>> => {
  const traceFile = path.join(tempDir('cohort-dur4-count-'), 'trace.txt');
  const port = await freePort();
  const broker = spawnWrappedBroker({
    dataDir: tempDir('cohort-dur4-'), port, args: SCRIPT_ARGS,
    wrapper: ['strace', '-f', '-qq', '-o', traceFile, '-e', `trace=${KINDS.join(',')}`],
  });
  try {
    expect(await broker.ready()).toBe(true);
    expect((await runCommitScript(port, new OffsetLedger())).completed).toBe(true);
  } finally {
    // Killed, not stopped: the sampled runs are killed too, so a clean close's calls are not crash points.
    await broker.kill9();
  }
  const perThread = new Map<string, number>();
  for (const call of parseStrace(fs.readFileSync(traceFile, 'utf8'))) {
    const key = `${call.name}:${call.pid}`;
    perThread.set(key, (perThread.get(key) ?? 0) + 1);
  }
  const counts = { pwrite64: 0, fdatasync: 0, rename: 0, unlink: 0 };
  for (const [key, n] of perThread) {
    const kind = key.split(':')[0] as (typeof KINDS)[number];
    counts[kind] = Math.max(counts[kind], n);
  }
  return counts;
};

describe('T-DUR-4 syscall-level crash points (G2)', () => {
  it(`T-DUR-4 ${SAMPLES} sampled SIGKILL crash points: every restart opens, lost_acked = 0 (seed ${SEED})`, async () => {
    console.log(`T-DUR-4 seed=${SEED} samples=${SAMPLES}`);
    const K = await countCalls();
    console.log(`T-DUR-4 K per kind ${JSON.stringify(K)}`);
    for (const kind of KINDS) expect(K[kind]).toBeGreaterThan(0);
    const rng = seededRandom(SEED);
    const counts: LedgerCounts = { lost_acked: 0, phantom: 0, time_travel: 0, open_failures: 0 };
    const failures: string[] = [];
    let killed = 0;
    let ackedTotal = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const kind = KINDS[i % KINDS.length]!;
      // The last call of each kind is always sampled (the cleanup and the final flush).
      const n = i < KINDS.length ? K[kind] : 1 + Math.floor(rng() * K[kind]);
      const dataDir = tempDir('cohort-dur4-');
      const port = await freePort();
      const traced = spawnWrappedBroker({
        dataDir, port, args: SCRIPT_ARGS,
        wrapper: ['strace', '-f', '-qq', '-o', '/dev/null', '-e', `trace=${kind}`, '-e', `inject=${kind}:signal=SIGKILL:when=${n}`],
      });
      const ledger = new OffsetLedger();
      if (await traced.ready()) {
        const run = await runCommitScript(port, ledger);
        ackedTotal += run.acked;
        if (!run.completed) await Promise.race([traced.exit, sleep(2_000)]);
      }
      // The injected SIGKILL fired if the broker died before we killed it.
      if (traced.exited() !== null) killed++;
      await traced.kill9();
      let broker;
      try {
        broker = await startBrokerProcess({ dataDir, port, args: [...SCRIPT_ARGS] });
      } catch (err) {
        counts.open_failures++;
        failures.push(`${kind} n=${n}: restart failed: ${(err as Error).message.split('\n')[0]}`);
        continue;
      }
      const before = { ...counts };
      let state;
      try {
        state = await fetchOffsets(port, SCRIPT_GROUPS, WORKLOAD_TOPIC, SCRIPT_PARTITIONS);
      } catch (err) {
        counts.open_failures++;
        await sleep(300);
        failures.push(`${kind} n=${n}: OffsetFetch after restart failed (${(err as Error).message}), exit ${broker.child.exitCode}: ${broker.logs.join(' | ')}`);
        await broker.kill9();
        continue;
      }
      ledger.check(state, counts);
      if (counts.lost_acked !== before.lost_acked || counts.phantom !== before.phantom) failures.push(`${kind} n=${n}: ${JSON.stringify(counts)}`);
      await broker.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    console.log(`T-DUR-4 ledger ${JSON.stringify(counts)} killed=${killed}/${SAMPLES} acked=${ackedTotal}`);
    for (const f of failures) console.log(`T-DUR-4 failure ${f}`);
    expect(ackedTotal).toBeGreaterThan(0);
    // Most sampled points must really be crash points, or the test proves little.
    expect(killed).toBeGreaterThanOrEqual(Math.ceil(SAMPLES / 2));
    expect(counts).toEqual({ lost_acked: 0, phantom: 0, time_travel: 0, open_failures: 0 });
  }, 180_000);
});
