import { join } from 'node:path';
import type { GroupEvent } from '../../domain/group/events';
import { isGroupEvent } from '../../domain/group/events';
import { evolve } from '../../domain/group/evolve';
import { initialGroupsState, type GroupsState } from '../../domain/group/groups-state';
import { evolveHistory, initialHistoryState, type HistoryState } from '../../domain/group/history';
import type { FileSystem } from '../../ports/file-system';
import { FileSnapshotStore } from '../snapshot/file-snapshot-store';
import { readWholeFile, scanSegment } from '../wal/segment-reader';
import { inspectWal } from '../wal/wal-inspection';
import { NodeFileSystem } from '../wal/node-file-system';
import { corruptionLine } from '../wal/verify-meta-log';

/** A data directory that holds no MetaLog: nothing is read or written there. */
export class NotCohortDirectoryError extends Error {}
/** The MetaLog is corrupt (`metalog verify` reports the same line). */
export class CorruptMetaLogError extends Error {}

export interface OfflineGroups {
  readonly state: GroupsState;
  readonly history: HistoryState;
  /** Position after the last event read. */
  readonly position: number;
}

const ATTEMPTS = 5;

const isMissing = (err: unknown): boolean => (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/**
 * PE-13 offline: folds the newest snapshot and the MetaLog after it into the group aggregate and its
 * history, read-only — it opens files for reading and never creates, locks or repairs anything, so
 * it may run beside a live broker. The writer may roll segments, write a snapshot or delete old
 * segments meanwhile: a file that vanishes or a gap behind a newer snapshot starts the read over. A
 * torn tail (a flush in progress, or a crash) ends the read at the last whole record.
 */
export const readGroupsOffline = async (dataDir: string, historyMaxGenerations: number, fs: FileSystem = new NodeFileSystem()): Promise<OfflineGroups> => {
  const metalogDir = join(dataDir, 'metalog');
  const st = await fs.stat(metalogDir);
  if (st === null) throw new NotCohortDirectoryError(`${dataDir} is not a Cohort data directory (no metalog/ inside)`);
  for (let attempt = 1; ; attempt++) {
    try {
      const read = await readOnce(fs, dataDir, metalogDir, historyMaxGenerations);
      if (read !== null) return read;
    } catch (err) {
      // A live writer deleted a segment or snapshot between listing and reading it: read again.
      if (!isMissing(err) || attempt >= ATTEMPTS) throw err;
    }
    if (attempt >= ATTEMPTS) throw new Error(`the MetaLog in ${metalogDir} kept changing under ${ATTEMPTS} reads; try again`);
    await new Promise((r) => setTimeout(r, 20 * attempt));
  }
};

const readOnce = async (fs: FileSystem, dataDir: string, metalogDir: string, historyMax: number): Promise<OfflineGroups | null> => {
  const inspection = await inspectWal(fs, metalogDir);
  if (inspection.problem?.kind === 'corrupt') {
    // A flush being written while we read can look damaged: look once more before calling it corrupt.
    await new Promise((r) => setTimeout(r, 50));
    const again = await inspectWal(fs, metalogDir);
    const line = corruptionLine(again);
    if (line !== null) throw new CorruptMetaLogError(line);
  }
  const snapshot = await new FileSnapshotStore(fs, { dir: join(dataDir, 'snapshots') }).loadLatest();
  let state = initialGroupsState();
  let history = initialHistoryState();
  const fold = (e: GroupEvent): void => {
    state = evolve(state, e);
    history = evolveHistory(history, e, state.groups.get(e.groupId), historyMax);
  };
  for (const e of snapshot?.events ?? []) if (isGroupEvent(e)) fold(e);
  let position = snapshot?.position ?? 0;
  for (const seg of inspection.segments) {
    // A gap: a newer snapshot and a truncation happened after the listing.
    if (seg.base > position) return null;
    const buf = await readWholeFile(fs, seg.path);
    const scan = scanSegment(buf, seg.base, {
      decode: true,
      from: position,
      onEvent: (e) => {
        if (isGroupEvent(e)) fold(e);
      },
    });
    position = Math.max(position, scan.endPosition);
    if (scan.stop !== 'eof' && scan.stop !== 'zero') break;
  }
  return { state, history, position };
};
