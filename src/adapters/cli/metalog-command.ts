import * as path from 'node:path';
import { dumpMetaLog } from '../wal/dump-meta-log';
import { verifyMetaLog } from '../wal/verify-meta-log';

/** `cohort-server metalog dump|verify --data-dir D`: prints events or a verification report; exit 0 when the log is sound. */
export const runMetalogCommand = async (action: 'dump' | 'verify', dataDir: string): Promise<number> => {
  const dir = path.join(dataDir, 'metalog');
  try {
    if (action === 'dump') {
      await dumpMetaLog(dir, process.stdout);
      return 0;
    }
    const report = await verifyMetaLog(dir);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (report.status !== 'corrupt') return 0;
    process.stderr.write(`cohort-server: ${report.corruption}\n`);
    return 1;
  } catch (err) {
    process.stderr.write(`cohort-server: ${((err as Error).message ?? String(err)).split('\n')[0]}\n`);
    return 1;
  }
};
