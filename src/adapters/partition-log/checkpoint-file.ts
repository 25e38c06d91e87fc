import * as fs from 'fs/promises';
import * as path from 'path';
import { fsyncDir } from './fsync-dir';

/**
 * A small JSON file replaced atomically (write a temp file, fdatasync, rename over, fsync the
 * directory), as Kafka writes its log-start-offset and cleaner-offset checkpoints: after a crash the
 * file holds either the old or the new content, never a torn mix.
 */
export const writeCheckpoint = async (dir: string, name: string, value: unknown, sync: boolean): Promise<void> => {
  const file = path.join(dir, name);
  const tmp = `${file}.tmp`;
  const fh = await fs.open(tmp, 'w');
  try {
    await fh.writeFile(JSON.stringify(value));
    if (sync) await fh.datasync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, file);
  if (sync) await fsyncDir(dir);
};

/** The parsed content of a checkpoint file, or null when it is absent or unreadable (a torn temp file is never renamed in). */
export const readCheckpoint = async (dir: string, name: string): Promise<unknown> => {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, name), 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || e instanceof SyntaxError) return null;
    throw e;
  }
};

/** Reads `{ [field]: "<decimal>" }` from a checkpoint as a bigint, or null. */
export const readOffsetField = (content: unknown, field: string): bigint | null => {
  if (typeof content !== 'object' || content === null) return null;
  const v = (content as Record<string, unknown>)[field];
  return typeof v === 'string' && /^\d+$/.test(v) ? BigInt(v) : null;
};
