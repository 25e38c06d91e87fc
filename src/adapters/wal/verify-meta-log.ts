import type { FileSystem } from '../../ports/file-system';
import { NodeFileSystem } from './node-file-system';
import { inspectWal, type WalInspection } from './wal-inspection';

export interface VerifyReport {
  readonly segments: number;
  /** Whole records (flush batches) before the first problem. */
  readonly records: number;
  /** First position still in the log and the position after its last whole record. */
  readonly firstPosition: number;
  readonly nextPosition: number;
  /** `ok`; `torn-tail`/`torn-roll` (repaired automatically on open); `corrupt` (open refuses). */
  readonly status: 'ok' | 'torn-tail' | 'torn-roll' | 'corrupt';
  /** The first bad record: file, byte offset and reason. */
  readonly firstBad: { readonly file: string; readonly offset: number; readonly detail: string } | null;
  /** The one-line corruption message (`corruptionLine`), when corrupt. */
  readonly corruption: string | null;
}

/** Read-only check of a MetaLog directory (`cohort-server --verify-metalog`). */
export const verifyMetaLog = async (dir: string, fs: FileSystem = new NodeFileSystem()): Promise<VerifyReport> => {
  const inspection = await inspectWal(fs, dir);
  const segs = inspection.segments;
  const p = inspection.problem;
  const firstBad =
    p === null
      ? null
      : p.kind === 'torn-tail'
        ? { file: p.segment.path, offset: p.offset, detail: p.detail }
        : p.kind === 'torn-roll'
          ? { file: p.path, offset: 0, detail: p.detail }
          : { file: p.path, offset: p.offset, detail: p.detail };
  return {
    segments: segs.length + (p?.kind === 'torn-roll' ? 1 : 0),
    records: inspection.records,
    firstPosition: segs.length > 0 ? segs[0].base : 0,
    nextPosition: segs.length > 0 ? segs[segs.length - 1].endPosition : 0,
    status: p === null ? 'ok' : p.kind,
    firstBad,
    corruption: corruptionLine(inspection),
  };
};

/**
 * The one line that names corruption (T-DUR-6): `metalog verify` prints it on stderr, and every
 * offline reader (`groups list|history`) answers with exactly this line. Null when not corrupt.
 */
export const corruptionLine = (inspection: Pick<WalInspection, 'problem'>): string | null => {
  const p = inspection.problem;
  return p?.kind === 'corrupt' ? `MetaLog corrupt: ${p.path} at byte ${p.offset}: ${p.detail}` : null;
};
