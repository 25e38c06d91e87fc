import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort, tempDir } from '../e2e/support/broker-process';
import { fetchOffsets, runCommitScript, SCRIPT_ARGS, SCRIPT_GROUPS, SCRIPT_PARTITIONS, WORKLOAD_TOPIC } from './commit-workload';
import { OffsetLedger, type LedgerCounts } from './offset-ledger';
import { auditTrace, parseStrace } from './syscall-audit';
import { spawnWrappedBroker } from './wrapped-broker';

/**
 * T-DUR-9 directory and rename durability audit (reliability.md C1): the T-DUR-4 script (commits,
 * segment rolls, snapshots, cleanup of old segments) runs under `strace -f -y`, and the checker
 * asserts R1 (rename only after a sync of its source), R2 (entry changes synced in their directory
 * before records there are acked) and R3 (no sync after a failed sync on the same descriptor).
 */
const TRACED = 'openat,pwrite64,fdatasync,fsync,rename,unlink,mkdir';

describe('T-DUR-9 syscall order audit', () => {
  it('T-DUR-9 the checker flags each rule on a hand-written trace', () => {
    const d = '/d';
    const trace = [
      '1 openat(AT_FDCWD</>, "/d/s.tmp", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 5</d/s.tmp>',
      '1 pwrite64(5</d/s.tmp>, "x", 1, 0) = 1',
      '1 rename("/d/s.tmp", "/d/s") = 0',
      '1 openat(AT_FDCWD</>, "/d/w", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 6</d/w>',
      '1 pwrite64(6</d/w>, "x", 1, 0) = 1',
      '2 fdatasync(6</d/w> <unfinished ...>',
      '2 <... fdatasync resumed>) = 0',
      '1 pwrite64(6</d/w>, "y", 1, 1) = 1',
      '2 fdatasync(6</d/w>) = -1 EIO (Input/output error) (INJECTED)',
      '2 fdatasync(6</d/w>) = 0',
    ].join('\n');
    const v = auditTrace(parseStrace(trace), d);
    expect([...new Set(v.map((x) => x.rule))].sort()).toEqual(['R1', 'R2', 'R3']);
    const mkdirOnly = [
      '1 mkdir("/d/snap", 0777) = 0',
      '1 openat(AT_FDCWD</>, "/d/snap/s.tmp", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 5</d/snap/s.tmp>',
      '1 pwrite64(5</d/snap/s.tmp>, "x", 1, 0) = 1',
      '2 fdatasync(5</d/snap/s.tmp>) = 0',
      '1 rename("/d/snap/s.tmp", "/d/snap/s") = 0',
      '1 openat(AT_FDCWD</>, "/d/snap", O_RDONLY|O_CLOEXEC) = 7</d/snap>',
      '1 fsync(7</d/snap>) = 0',
    ].join('\n');
    expect(auditTrace(parseStrace(mkdirOnly), d).map((x) => x.rule)).toEqual(['R2', 'R2']);
    const clean = [
      '1 openat(AT_FDCWD</>, "/d/w", O_RDWR|O_CREAT|O_TRUNC|O_CLOEXEC, 0666) = 6</d/w>',
      '1 pwrite64(6</d/w>, "h", 1, 0) = 1',
      '2 fdatasync(6</d/w>) = 0',
      '1 openat(AT_FDCWD</>, "/d", O_RDONLY|O_CLOEXEC) = 7</d>',
      '1 fsync(7</d>) = 0',
      '1 pwrite64(6</d/w>, "x", 1, 1) = 1',
      '2 fdatasync(6</d/w>) = 0',
    ].join('\n');
    expect(auditTrace(parseStrace(clean), d)).toEqual([]);
  });

  it('T-DUR-9 R1, R2, R3 hold over commits, segment rolls, snapshots and cleanup', async () => {
    const dataDir = tempDir('cohort-dur9-');
    const traceFile = path.join(tempDir('cohort-dur9-trace-'), 'trace.txt');
    const port = await freePort();
    const broker = spawnWrappedBroker({
      dataDir, port, args: SCRIPT_ARGS,
      wrapper: ['strace', '-f', '-qq', '-y', '-e', `trace=${TRACED}`, '-o', traceFile],
    });
    try {
      expect(await broker.ready()).toBe(true);
      const ledger = new OffsetLedger();
      const run = await runCommitScript(port, ledger, 500);
      expect(run.completed).toBe(true);
      const counts: LedgerCounts = { lost_acked: 0, phantom: 0, time_travel: 0, open_failures: 0 };
      ledger.check(await fetchOffsets(port, SCRIPT_GROUPS, WORKLOAD_TOPIC, SCRIPT_PARTITIONS), counts);
      expect(counts).toEqual({ lost_acked: 0, phantom: 0, time_travel: 0, open_failures: 0 });
      const exit = await broker.stop();
      expect(exit.code).toBe(0);
      const calls = parseStrace(fs.readFileSync(traceFile, 'utf8'));
      const inData = (s: string) => s.includes(dataDir + '/');
      // The audit must have seen the interesting steps, or it proves nothing.
      const seen = {
        segmentCreates: calls.filter((c) => c.name === 'openat' && c.args.includes('.wal"') && c.args.includes('O_CREAT')).length,
        renames: calls.filter((c) => c.name === 'rename' && inData(c.args)).length,
        unlinks: calls.filter((c) => c.name === 'unlink' && inData(c.args)).length,
        dirFsyncs: calls.filter((c) => c.name === 'fsync' && inData(c.args)).length,
      };
      console.log(`T-DUR-9 trace: ${calls.length} calls, ${JSON.stringify(seen)}`);
      expect(seen.segmentCreates).toBeGreaterThanOrEqual(3);
      expect(seen.renames).toBeGreaterThanOrEqual(3);
      expect(seen.unlinks).toBeGreaterThanOrEqual(1);
      const violations = auditTrace(calls, dataDir);
      for (const v of violations.slice(0, 10)) console.log(`T-DUR-9 ${v.rule} at call ${v.index}: ${v.detail}`);
      expect(violations).toEqual([]);
    } finally {
      await broker.kill9();
    }
  }, 60_000);
});
