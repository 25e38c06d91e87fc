import { join } from 'node:path';
import type { GroupEvent } from '../../domain/group/events';
import { isGroupEvent } from '../../domain/group/events';
import { evolve } from '../../domain/group/evolve';
import { initialGroupsState, type GroupsState } from '../../domain/group/groups-state';
import { evolveHistory, initialHistoryState, type HistoryState } from '../../domain/group/history';
import type { FileSystem } from '../../ports/file-system';
import { FileSnapshotStore } from '../snapshot/file-snapshot-store';
import { scanSegmentFile } from '../wal/segment-reader';
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
 * segments meanwhile: a file that vanishes or a gap below the snapshot read starts the read over. A
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
  // The snapshot first, then the segments from its position on, as the broker's own open reads them:
  // the writer deletes only segments below the snapshot before the newest, so the ones read here
  // stay until it has written two more snapshots (listing first and reading every listed segment
  // lost the race to each truncation under load: the CI run of 8646b14).
  const snapshot = await new FileSnapshotStore(fs, { dir: join(dataDir, 'snapshots') }).loadLatest();
  let position = snapshot?.position ?? 0;
  const inspection = await inspectWal(fs, metalogDir, { verifyFrom: position });
  if (inspection.problem?.kind === 'corrupt') {
    // A flush being written while we read can look damaged: look once more before calling it corrupt.
    await new Promise((r) => setTimeout(r, 50));
    const again = await inspectWal(fs, metalogDir, { verifyFrom: position });
    const line = corruptionLine(again);
    if (line !== null) throw new CorruptMetaLogError(line);
  }
  let state = initialGroupsState();
  let history = initialHistoryState();
  const fold = (e: GroupEvent): void => {
    state = evolve(state, e);
    history = evolveHistory(history, e, state.groups.get(e.groupId), historyMax);
  };
  for (const e of snapshot?.events ?? []) if (isGroupEvent(e)) fold(e);
  for (const seg of inspection.segments) {
    // Wholly below the snapshot: not needed (and maybe deleted by now).
    if (seg.endPosition <= position) continue;
    // A gap: the segments holding the snapshot's position were deleted after it was read.
    if (seg.base > position) return null;
    const scan = await scanSegmentFile(fs, seg.path, seg.base, {
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
