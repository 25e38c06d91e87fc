import { CrashFileSystem } from '../../fakes/crash-file-system';
import { dumpMetaLog } from '../../../src/adapters/wal/dump-meta-log';
import { FileMetaLog } from '../../../src/adapters/wal/file-meta-log';
import { verifyMetaLog } from '../../../src/adapters/wal/verify-meta-log';
import type { MetaEvent } from '../../../src/domain/meta-event';

/** The read-only CLI helpers: `verifyMetaLog` (counts, first bad record) and `dumpMetaLog` (one line per event). */
describe('verifyMetaLog and dumpMetaLog', () => {
  test('verify counts a healthy log; dump prints every event with its position, bytes as hex', async () => {
    const fs = new CrashFileSystem();
    const log = new FileMetaLog(fs, { dir: '/d', segmentBytes: 300 });
    await log.replay(0, () => undefined);
    for (let i = 0; i < 10; i++) {
      // A plain-data event of an ad-hoc shape: the log is schema-free, so the group events' exact shape does not matter.
      const event = { type: 'AssignmentsSynced', groupId: 'g', generation: i, assignments: [{ memberId: 'm', assignment: new Uint8Array([i, 255]) }], at: i };
      await log.append([event as unknown as MetaEvent]);
    }
    await log.close();

    const report = await verifyMetaLog('/d', fs);
    expect(report).toMatchObject({ status: 'ok', firstBad: null, firstPosition: 0, nextPosition: 10, records: 10 });
    expect(report.segments).toBeGreaterThan(1);

    let text = '';
    const printed = await dumpMetaLog('/d', { write: (s: string) => (text += s) }, fs);
    expect(printed).toBe(10);
    const lines = text.trim().split('\n').filter((l) => !l.startsWith('#'));
    expect(lines).toHaveLength(10);
    expect(lines[3]).toBe('3 {"type":"AssignmentsSynced","groupId":"g","generation":3,"assignments":[{"memberId":"m","assignment":"0x03ff"}],"at":3}');
  });

  test('verify reports a torn tail without repairing it', async () => {
    const fs = new CrashFileSystem();
    const log = new FileMetaLog(fs, { dir: '/d', preallocate: false });
    await log.replay(0, () => undefined);
    await log.append([{ type: 'GroupDeleted', groupId: 'a' } as MetaEvent]);
    await log.append([{ type: 'GroupDeleted', groupId: 'b' } as MetaEvent]);
    await log.close();
    const path = fs.paths()[0];
    const bytes = fs.content(path) as Uint8Array;
    fs.overwrite(path, bytes.slice(0, bytes.length - 3));
    const report = await verifyMetaLog('/d', fs);
    expect(report.status).toBe('torn-tail');
    expect(report.nextPosition).toBe(1);
    expect(fs.content(path)).toHaveLength(bytes.length - 3);
  });
});
