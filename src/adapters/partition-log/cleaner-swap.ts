import * as fs from 'fs/promises';
import * as path from 'path';
import { fsyncDir } from './fsync-dir';
import { baseOffsetOfLogFile, LOG_SUFFIX, OFFSET_INDEX_SUFFIX, segmentFileStem, TIME_INDEX_SUFFIX } from './segment-file-name';

/**
 * The files of a cleaning in progress (Kafka's .cleaned / .swap protocol, made self-describing):
 *
 *   1. the cleaned copy of segments [B, E) is written to `<B>.log.cleaned` and fdatasync'ed;
 *   2. it is renamed to `<B>-<E>.swap` and the directory fsync'ed — the commit point;
 *   3. the old segments of [B, E) are deleted;
 *   4. `<B>-<E>.swap` is renamed to `<B>.log` and the directory fsync'ed.
 *
 * A crash before 2 leaves a `.cleaned` file that opening deletes (the old segments are intact). A
 * crash after 2 leaves a `.swap` file that names the range it replaces, so opening finishes steps
 * 3 and 4. Either way the log holds every latest value: the old segments or their cleaned copy.
 */
export const CLEANED_SUFFIX = '.log.cleaned';

/** `<B>-<E>.swap`: the cleaned copy of the segments whose base offsets lie in [B, E). */
export const swapFileName = (base: bigint, end: bigint): string => `${segmentFileStem(base)}-${segmentFileStem(end)}.swap`;

const SWAP = /^(\d{20})-(\d{20})\.swap$/;

/** Finishes or rolls back a cleaning that a crash interrupted; run before the segments are listed. */
export const recoverInterruptedCleaning = async (dir: string, sync: boolean): Promise<void> => {
  const names = await fs.readdir(dir);
  let touched = false;
  for (const name of names) {
    if (name.endsWith(CLEANED_SUFFIX)) {
      await fs.rm(path.join(dir, name), { force: true });
      touched = true;
      continue;
    }
    const m = SWAP.exec(name);
    if (m === null) continue;
    const from = BigInt(m[1]);
    const to = BigInt(m[2]);
    for (const other of names) {
      const base = baseOffsetOfLogFile(other);
      if (base === null || base < from || base >= to) continue;
      for (const suffix of [LOG_SUFFIX, OFFSET_INDEX_SUFFIX, TIME_INDEX_SUFFIX]) {
        await fs.rm(path.join(dir, segmentFileStem(base) + suffix), { force: true });
      }
    }
    await fs.rename(path.join(dir, name), path.join(dir, segmentFileStem(from) + LOG_SUFFIX));
    touched = true;
  }
  if (touched && sync) await fsyncDir(dir);
};

/** Makes a written `.cleaned` file the committed `.swap` of [base, end) (steps 1–2). */
export const commitCleanedFile = async (dir: string, base: bigint, end: bigint, sync: boolean): Promise<string> => {
  const swap = path.join(dir, swapFileName(base, end));
  await fs.rename(path.join(dir, segmentFileStem(base) + CLEANED_SUFFIX), swap);
  if (sync) await fsyncDir(dir);
  return swap;
};

/** Renames the swap file to the segment's `.log` name (step 4). */
export const installSwapFile = async (dir: string, swap: string, base: bigint, sync: boolean): Promise<void> => {
  await fs.rename(swap, path.join(dir, segmentFileStem(base) + LOG_SUFFIX));
  if (sync) await fsyncDir(dir);
};
