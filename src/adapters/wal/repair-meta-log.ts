import { dirname, join } from 'path';
import type { FileSystem } from '../../ports/file-system';
import { NodeFileSystem } from './node-file-system';
import { parseSegmentName } from './segment-file';
import { findLaterDurableRecord, readWholeFile, scanSegment } from './segment-reader';
import { inspectWal, listSegments } from './wal-inspection';

export interface RepairReport {
  /** The damaged segment, or null when there was nothing to repair. */
  readonly file: string | null;
  /** Byte offset the segment was truncated at. */
  readonly offset: number;
  /** Copies kept for forensics (`*.broken`). */
  readonly broken: string[];
  /** Whole records (flush batches) found valid past the damage and dropped with it, across segments. */
  readonly recordsDropped: number;
  /** Events in those records. */
  readonly eventsDropped: number;
  readonly bytesDropped: number;
}

/**
 * Point-in-time repair (`--repair-metalog`, T-DUR-6): the damaged segment is copied to `*.broken`
 * (as etcd does), truncated at its first bad record, and every later segment — whose positions would
 * follow a hole — is renamed to `*.broken`. Acknowledged records past the damage are lost; the
 * report says how many, so the operator knows what was given up.
 */
export const repairMetaLog = async (dir: string, fs: FileSystem = new NodeFileSystem()): Promise<RepairReport> => {
  const inspection = await inspectWal(fs, dir);
  const problem = inspection.problem;
  if (problem === null || problem.kind === 'torn-roll' || problem.kind === 'torn-tail') {
    // Open-time recovery handles these on its own.
    return { file: null, offset: 0, broken: [], recordsDropped: 0, eventsDropped: 0, bytesDropped: 0 };
  }
  const broken: string[] = [];
  let recordsDropped = 0;
  let eventsDropped = 0;
  let bytesDropped = 0;

  const damaged = await readWholeFile(fs, problem.path);
  const copy = `${problem.path}.broken`;
  const cfd = await fs.open(copy, 'create');
  try {
    await fs.pwrite(cfd, damaged, 0);
    await fs.fdatasync(cfd);
  } finally {
    await fs.close(cfd);
  }
  broken.push(copy);
  // Count what valid records sit past the damage in this segment.
  const view = new DataView(damaged.buffer, damaged.byteOffset, damaged.byteLength);
  let at = problem.offset;
  for (;;) {
    const later = findLaterDurableRecord(damaged, at, damaged.length);
    if (later < 0) break;
    const len = view.getUint32(later, true);
    recordsDropped++;
    eventsDropped += view.getUint32(later + 9 + 16, true);
    at = later + 8 + len - 1;
  }
  let lastNonZero = damaged.length;
  while (lastNonZero > problem.offset && damaged[lastNonZero - 1] === 0) lastNonZero--;
  bytesDropped += lastNonZero - problem.offset;
  const fd = await fs.open(problem.path, 'readWrite');
  try {
    await fs.ftruncate(fd, problem.offset);
    await fs.fdatasync(fd);
  } finally {
    await fs.close(fd);
  }

  const damagedBase = parseSegmentName(problem.path.slice(dirname(problem.path).length + 1));
  for (const seg of await listSegments(fs, dir)) {
    if (damagedBase === null || seg.base <= damagedBase) continue;
    const path = join(dir, seg.name);
    const bytes = await readWholeFile(fs, path);
    const scan = scanSegment(bytes, seg.base, { decode: false });
    recordsDropped += scan.records;
    eventsDropped += scan.endPosition - seg.base;
    bytesDropped += scan.validEnd;
    await fs.rename(path, `${path}.broken`);
    broken.push(`${path}.broken`);
  }
  await fs.fsyncDir(dir);
  return { file: problem.path, offset: problem.offset, broken, recordsDropped, eventsDropped, bytesDropped };
};
