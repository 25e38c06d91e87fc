import * as fs from 'fs/promises';
import * as path from 'path';
import type { PartitionLogConfig } from '../../ports/partition-log';
import { recoverInterruptedCleaning } from './cleaner-swap';
import type { FsyncPolicy } from './fsync-policy';
import { fsyncDir } from './fsync-dir';
import { LogSegment } from './log-segment';
import { OffsetIndex } from './offset-index';
import { baseOffsetOfLogFile, OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX } from './segment-file-name';
import { rebuildSegmentIndexes } from './segment-rebuild';
import { TimeIndex } from './time-index';

/*
 * Opening a partition directory: the clean-shutdown marker, an interrupted cleaning, which segments
 * are trusted and which are re-scanned and cut (FilePartitionLog.open).
 */

/** Written by a clean close; its absence on open means the active segment must be re-scanned (Kafka's .kafka_cleanshutdown). */
export const CLEAN_SHUTDOWN_FILE = '.clean-shutdown';

export interface CleanShutdown {
  readonly activeBaseOffset: string;
  readonly activeSize: number;
  readonly logEndOffset: string;
}

export const readFileOrNull = (file: string): Promise<Buffer | null> =>
  fs.readFile(file).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });

/**
 * Opens the log in `dir` (created when absent). Sealed segments whose index files pass the
 * sanity check are trusted; others are rebuilt from their log file. After an unclean shutdown
 * the active segment is re-scanned and cut at the last whole batch with a matching CRC-32C and
 * dense offsets; a bad sealed segment is cut the same way and every later segment dropped.
 */
export async function openSegments(dir: string, cfg: PartitionLogConfig, fsync: FsyncPolicy): Promise<LogSegment[]> {
  const created = await fs.mkdir(dir, { recursive: true });
  if (created !== undefined && fsync.kind !== 'os') {
    // A new partition directory is durable only once its parent's entry is (and the parent's parent's, if new).
    for (let d = dir; d !== path.dirname(created); d = path.dirname(d)) await fsyncDir(path.dirname(d));
  }
  const markerPath = path.join(dir, CLEAN_SHUTDOWN_FILE);
  const markerBuf = await readFileOrNull(markerPath);
  let marker: CleanShutdown | null = null;
  if (markerBuf !== null) {
    try {
      marker = JSON.parse(markerBuf.toString('utf8')) as CleanShutdown;
    } catch {
      marker = null;
    }
    // The marker vouches for one shutdown only: remove it before any new write.
    await fs.rm(markerPath, { force: true });
  }
  // A cleaning cut short by a crash: finish its swap or drop its temporary file (cleaner-swap.ts).
  await recoverInterruptedCleaning(dir, fsync.kind !== 'os');
  const bases = (await fs.readdir(dir))
    .map(baseOffsetOfLogFile)
    .filter((b): b is bigint => b !== null)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const segments: LogSegment[] = [];
  for (let i = 0; i < bases.length; i++) {
    const seg = await LogSegment.openExisting(dir, bases[i]);
    const fileSize = (await seg.fh.stat()).size;
    const isLast = i === bases.length - 1;
    const expectedNext = isLast
      ? marker !== null && marker.activeBaseOffset === bases[i].toString() && marker.activeSize === fileSize
        ? BigInt(marker.logEndOffset)
        : null
      : bases[i + 1];
    const trusted = expectedNext !== null && (await tryAdoptIndexes(seg, fileSize, expectedNext));
    segments.push(seg);
    if (trusted) continue;
    const validEnd = await rebuildSegmentIndexes(seg, fileSize, cfg.indexIntervalBytes, !isLast);
    if (validEnd < fileSize) await seg.fh.truncate(validEnd);
    if (!isLast) {
      // A cleaned segment may end before the next one starts (compaction leaves gaps); a cut one breaks the chain.
      const cut = validEnd < fileSize || seg.nextOffset > bases[i + 1];
      if (!cut) seg.nextOffset = bases[i + 1];
      seg.seal();
      await seg.writeIndexes();
      if (cut) {
        // A hole in the middle: later segments no longer follow on; keep the valid prefix only.
        for (const later of bases.slice(i + 1)) {
          const dropped = await LogSegment.openExisting(dir, later);
          await dropped.delete();
        }
        break;
      }
    }
  }
  if (segments.length === 0) segments.push(await LogSegment.create(dir, 0n));
  if (fsync.kind !== 'os') await fsyncDir(dir);
  return segments;
}

/** Trusts a sealed segment's index files when they pass the sanity check. */
async function tryAdoptIndexes(seg: LogSegment, fileSize: number, nextOffset: bigint): Promise<boolean> {
  const oiBuf = await readFileOrNull(seg.filePath(OFFSET_INDEX_SUFFIX));
  const tiBuf = await readFileOrNull(seg.filePath(TIME_INDEX_SUFFIX));
  if (oiBuf === null || tiBuf === null) return false;
  const oi = OffsetIndex.decode(oiBuf, fileSize);
  const ti = TimeIndex.decode(tiBuf);
  if (oi === null || ti === null) return false;
  const span = Number(nextOffset - seg.baseOffset);
  // The final time entry states (largest timestamp, next offset): it must match the segment's end.
  if (span === 0 ? ti.length !== 0 || fileSize !== 0 : ti.last()?.relOffset !== span) return false;
  const lastEntry = oi.last();
  if (lastEntry !== null) {
    const h = Buffer.alloc(8);
    const { bytesRead } = await seg.fh.read(h, 0, 8, lastEntry.position);
    if (bytesRead < 8 || h.readBigInt64BE(0) !== seg.baseOffset + BigInt(lastEntry.relOffset)) return false;
  }
  seg.adoptIndexes(oi, ti, fileSize, nextOffset);
  return true;
}
