import * as fs from 'fs/promises';
import * as path from 'path';
import { crc32c } from '../kafka/record-batch/crc32c';
import { fsyncDir } from './fsync-dir';

/** `<20-digit offset>.snapshot`, Kafka's producer-state snapshot name. */
const SNAPSHOT = /^(\d{20})\.snapshot$/;
const KEEP = 2;

const nameOf = (offset: bigint): string => `${offset.toString().padStart(20, '0')}.snapshot`;

const listSnapshots = async (dir: string): Promise<bigint[]> =>
  (await fs.readdir(dir).catch(() => [] as string[]))
    .map((n) => SNAPSHOT.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => BigInt(m[1]!))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Writes a producer snapshot: `crc32c(payload) | payload` to a temporary file, fsync'ed, renamed
 * into place, the directory fsync'ed; then all but the newest two snapshots are deleted.
 */
export const writeProducerSnapshotFile = async (dir: string, offset: bigint, data: Uint8Array, sync: boolean): Promise<void> => {
  const frame = Buffer.alloc(4 + data.length);
  frame.writeUInt32BE(crc32c(Buffer.from(data.buffer, data.byteOffset, data.byteLength)) >>> 0, 0);
  frame.set(data, 4);
  const tmp = path.join(dir, `${nameOf(offset)}.tmp`);
  const fh = await fs.open(tmp, 'w');
  try {
    await fh.writeFile(frame);
    if (sync) await fh.datasync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, path.join(dir, nameOf(offset)));
  if (sync) await fsyncDir(dir);
  const all = await listSnapshots(dir);
  for (const old of all.slice(0, Math.max(0, all.length - KEEP))) await fs.unlink(path.join(dir, nameOf(old))).catch(() => undefined);
};

/** The newest snapshot at or below `maxOffset` whose checksum holds (TT-34: a damaged one is skipped). */
export const readProducerSnapshotFile = async (dir: string, maxOffset: bigint): Promise<{ offset: bigint; data: Uint8Array } | null> => {
  const candidates = (await listSnapshots(dir)).filter((o) => o <= maxOffset).reverse();
  for (const offset of candidates) {
    const buf = await fs.readFile(path.join(dir, nameOf(offset))).catch(() => null);
    if (buf === null || buf.length < 4) continue;
    const data = buf.subarray(4);
    if ((crc32c(data) >>> 0) !== buf.readUInt32BE(0)) continue;
    return { offset, data };
  }
  return null;
};
