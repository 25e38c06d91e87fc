import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMetaLog } from '../../../src/adapters/wal/file-meta-log';
import { NodeFileSystem } from '../../../src/adapters/wal/node-file-system';
import type { MetaEvent } from '../../../src/domain/meta-event';

/**
 * Issue 14 (C4): a snapshot's position begins a new segment, and an open that replays from it reads
 * nothing older; a later replay from below still verifies and reads the older segment.
 */
const fs = new NodeFileSystem();
const created = (i: number): MetaEvent => ({ type: 'GroupCreated', groupId: `g${i}`, at: i });
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'cohort-checkpoint-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('checkpoint(P) starts a new segment at P; replay from P reads only it; replay from 0 still sees everything', async () => {
  const log = new FileMetaLog(fs, { dir });
  await log.replay(0, () => undefined);
  await log.append(Array.from({ length: 10 }, (_, i) => created(i)));
  log.checkpoint(10);
  await log.append(Array.from({ length: 5 }, (_, i) => created(10 + i)));
  await log.close();
  expect(readdirSync(dir).sort()).toEqual(['00000000000000000000.wal', '00000000000000000010.wal']);

  const fromSnapshot = new FileMetaLog(fs, { dir });
  const seen: number[] = [];
  await fromSnapshot.replay(10, (_e, p) => seen.push(p));
  expect(seen).toEqual([10, 11, 12, 13, 14]);
  // A replay from below the snapshot (a fallback to an older one) verifies the older segment first.
  const all: number[] = [];
  await fromSnapshot.replay(0, (_e, p) => all.push(p));
  expect(all).toEqual(Array.from({ length: 15 }, (_, i) => i));
  await fromSnapshot.close();
});
