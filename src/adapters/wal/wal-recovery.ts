import { dirname } from 'path';
import type { FileSystem } from '../../ports/file-system';
import { inspectWal, MetaLogCorruptError, type InspectOptions, type WalInspection } from './wal-inspection';

export interface RecoveryReport {
  /** The torn tail that was repaired: file, the offset of the last whole record's end, and the non-zero bytes that were after it. */
  readonly tornTail: { readonly file: string; readonly offset: number; readonly bytesCut: number; readonly detail: string } | null;
  /** A segment whose roll never became durable, removed. */
  readonly removedSegment: string | null;
}

/**
 * Open-time recovery (T-DUR-5/6): repairs only what a power loss can leave behind — a torn tail of
 * the last segment (cut at the end of the last whole record, or zeroed when the segment holds no
 * record, and fdatasynced either way before anything is written after it: no stale byte may be read
 * as a record by a later life, etcd's `ZeroToEnd` lesson) or a segment whose roll was cut short.
 * Damage to synced data throws `MetaLogCorruptError` before anything is written.
 */
export const recoverWal = async (fs: FileSystem, dir: string, opts: InspectOptions = {}): Promise<{ inspection: WalInspection; report: RecoveryReport }> => {
  let tornTail: RecoveryReport['tornTail'] = null;
  let removedSegment: string | null = null;
  // Each pass repairs one problem; a removed roll can expose the previous segment's tail once.
  for (let pass = 0; pass < 4; pass++) {
    // Events are delivered by the first pass only (a later pass reads the same records again).
    const inspection = await inspectWal(fs, dir, pass === 0 ? opts : { ...opts, deliver: undefined });
    const problem = inspection.problem;
    if (problem === null) return { inspection, report: { tornTail, removedSegment } };
    switch (problem.kind) {
      case 'corrupt':
        throw new MetaLogCorruptError(problem.path, problem.offset, problem.detail);
      case 'torn-roll':
        await fs.unlink(problem.path);
        await fs.fsyncDir(dirname(problem.path));
        removedSegment = problem.path;
        break;
      case 'torn-tail': {
        // With records, the segment is cut at the last one and the cut synced: the writer appends in
        // a new segment (and would cut this one there anyway, GroupCommitWriter.start), and a crash
        // must not bring the torn bytes back behind records of the next segment, where they would
        // read as damage to a sealed one. Zeroing the tail instead and cutting it after the sync cost
        // a torn open ~25 ms more than a clean one in C4.
        // Without records (a torn first write), the writer goes on in this very segment: its dirty
        // bytes are zeroed in place (keeping the segment's blocks) and synced before anything is
        // written after them. Leaving the zeros to the writer's first fdatasync is not enough: a
        // crash between a new record's write and that sync can keep the record and lose the zeros
        // behind it, and a whole stale frame of the earlier life there would then read as a record
        // (and with `os` or `interval` policies no sync may come at all). That sync is 12–15 ms here.
        const fd = await fs.open(problem.segment.path, 'readWrite');
        try {
          if (problem.segment.records > 0) await fs.ftruncate(fd, problem.offset);
          else await fs.pwrite(fd, new Uint8Array(problem.dirtyEnd - problem.offset), problem.offset);
          await fs.fdatasync(fd);
        } finally {
          await fs.close(fd);
        }
        tornTail = { file: problem.segment.path, offset: problem.offset, bytesCut: problem.dirtyEnd - problem.offset, detail: problem.detail };
        // A torn tail is only ever found in the last segment, after everything the inspection kept:
        // once it is cut, the same inspection describes the log exactly, so it is not read again
        // (re-reading a preallocated segment cost ~0.5 s of recovery in benchmark C4).
        return { inspection: { ...inspection, problem: null }, report: { tornTail, removedSegment } };
      }
    }
  }
  throw new MetaLogCorruptError(dir, 0, 'recovery did not converge');
};
