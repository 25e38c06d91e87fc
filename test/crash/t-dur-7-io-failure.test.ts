import { CrashFileSystem, type SyncableOp } from '../fakes/crash-file-system';
import { FileMetaLog } from '../../src/adapters/wal/file-meta-log';
import type { MetaEvent } from '../../src/domain/meta-event';
import { MetaLogError } from '../../src/ports/meta-log';
import { applyEvent, keyOf, OffsetLedger, type LedgerCounts, type OffsetState } from './offset-ledger';

/**
 * T-DUR-7 fsync and write failure, in-process (reliability.md C1, G5): the k-th fdatasync fails
 * with EIO (k = 1..10), or the k-th pwrite with ENOSPC. Pass: 0 acks for the failed batch, every
 * later append rejects, no second fdatasync on the failed descriptor (fsyncgate), the one-line
 * reason names the cause, and after a restart without the fault no acked commit is lost.
 */
const DIR = '/data/metalog';

const commit = (partition: number, offset: number): MetaEvent => ({
  type: 'OffsetCommitted',
  groupId: 'g',
  topic: 't',
  partition,
  offset,
  leaderEpoch: 0,
  metadata: '',
  commitTimestamp: 0,
  expireTimestamp: null,
});

const cases: Array<[SyncableOp, string, number]> = [];
for (let k = 1; k <= 10; k++) cases.push(['fdatasync', 'EIO', k]);
for (let k = 1; k <= 10; k++) cases.push(['pwrite', 'ENOSPC', k]);

describe('T-DUR-7 injected write and fsync failures', () => {
  test.each(cases)('T-DUR-7 %s fails with %s on call #%i: no ack for the batch, fail-stop, no second fdatasync', async (op, code, k) => {
    let fs = new CrashFileSystem();
    fs.failNth(op, k, code);
    const failures: MetaLogError[] = [];
    const log = new FileMetaLog(fs, { dir: DIR, segmentBytes: 400, onFailure: (e) => failures.push(e) });
    const ledger = new OffsetLedger();
    let offset = 0;
    let failedRound = -1;
    const ackedAfterFailure: number[] = [];
    const rejections: MetaLogError[] = [];
    for (let round = 0; round < 12; round++) {
      // Three appends in one turn: one group-commit batch.
      const batch = [0, 1, 2].map((p) => {
        const e = commit(p, ++offset);
        ledger.send(keyOf(e as never), offset);
        return log.append([e]).then(
          () => {
            if (failedRound >= 0) ackedAfterFailure.push(round);
            ledger.ack(keyOf(e as never), (e as { offset: number }).offset);
            return true;
          },
          (err: unknown) => {
            expect(err).toBeInstanceOf(MetaLogError);
            rejections.push(err as MetaLogError);
            return false;
          },
        );
      });
      const acks = await Promise.all(batch);
      if (acks.includes(false)) {
        // (1) the whole failed batch is unacknowledged.
        expect(acks).toEqual([false, false, false]);
        if (failedRound < 0) failedRound = round;
      }
    }
    expect(failedRound).toBeGreaterThanOrEqual(0);
    expect(ackedAfterFailure).toEqual([]);
    // (2) the one-line cause; `onFailure` fires once when the fault hits a running log (a fault
    // while opening surfaces as the rejection of open itself).
    const verb = op === 'fdatasync' ? 'fsync' : 'write';
    expect(rejections[0].message).toMatch(new RegExp(`^MetaLog ${verb} failed: ${code} \\(/data/metalog/`));
    expect(rejections[0].message).not.toContain('\n');
    expect(rejections[0].code).toBe(code);
    expect(failures.length).toBeLessThanOrEqual(1);
    if (failures.length === 1) expect(failures[0]).toBe(rejections[0]);
    // Later appends reject too.
    await expect(log.append([commit(9, 9)])).rejects.toBeInstanceOf(MetaLogError);
    // (3) fsyncgate: never an fdatasync on the descriptor whose write or fdatasync failed.
    expect(fs.counters.syncAfterFailure).toBe(0);
    const syncsBefore = fs.counters.fdatasync;
    await log.close();
    expect(fs.counters.fdatasync).toBe(syncsBefore);

    // (4) restart after a power loss, fault gone: no acked commit lost.
    fs = fs.crash(() => 0.3);
    const state: OffsetState = new Map();
    const again = new FileMetaLog(fs, { dir: DIR, segmentBytes: 400 });
    await again.replay(0, (e) => applyEvent(state, e));
    const counts: LedgerCounts = { lost_acked: 0, phantom: 0, time_travel: 0, open_failures: 0 };
    ledger.check(state, counts);
    expect(counts).toEqual({ lost_acked: 0, phantom: 0, time_travel: 0, open_failures: 0 });
    await again.close();
  });
});
