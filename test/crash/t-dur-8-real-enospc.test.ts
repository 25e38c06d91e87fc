import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { tempDir } from '../e2e/support/broker-process';
import { expectFailStop, runFailStop } from './fail-stop-run';

/**
 * T-DUR-8 real ENOSPC (reliability.md C1, G5): the data dir sits on a 1 MiB tmpfs and a commit load
 * with 1 KB metadata fills it. Pass: T-DUR-7 items 1, 2 and 4 (no ack after the failure, one fatal
 * line naming ENOSPC, exit within 1 s), then after `mount -o remount,size=64m` a restart finds
 * every acked commit. Root only (mount); skipped with a printed reason otherwise.
 */
const isRoot = process.getuid?.() === 0;
if (!isRoot) console.log('T-DUR-8 skipped: needs root to mount a tmpfs (CI runs as root)');

describe('T-DUR-8 real ENOSPC on a full tmpfs (G5)', () => {
  (isRoot ? it : it.skip)('T-DUR-8 a full 1 MiB tmpfs: no ack after ENOSPC, one fatal line, exit within 1 s; after growing it every acked commit is back', async () => {
    const mnt = tempDir('cohort-dur8-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
    try {
      const r = await runFailStop({
        dataDir: path.join(mnt, 'data'),
        wrapper: [],
        metadataBytes: 1000,
        exitWithinMs: 30_000,
        beforeRestart: () => execFileSync('mount', ['-o', 'remount,size=64m', mnt]),
      });
      expectFailStop(r, /^MetaLog \w+ failed: ENOSPC/);
    } finally {
      execFileSync('umount', [mnt]);
    }
  }, 60_000);
});
