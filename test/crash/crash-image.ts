import { posix } from 'path';
import { CrashFileSystem } from '../fakes/crash-file-system';

/** A CrashFS whose durable image is exactly `files` (path → bytes): the disk a test damaged by hand. */
export const imageFs = async (files: ReadonlyMap<string, Uint8Array>): Promise<CrashFileSystem> => {
  const fs = new CrashFileSystem();
  for (const [path, bytes] of files) {
    await fs.mkdir(posix.dirname(path));
    const fd = await fs.open(path, 'create');
    await fs.pwrite(fd, bytes, 0);
    await fs.fdatasync(fd);
    await fs.close(fd);
    await fs.fsyncDir(posix.dirname(path));
  }
  return fs;
};

/** Every file under `dir` in the current image of `fs`. */
export const snapshotFiles = (fs: CrashFileSystem, dir: string): Map<string, Uint8Array> => {
  const out = new Map<string, Uint8Array>();
  for (const p of fs.paths()) if (p.startsWith(`${dir}/`)) out.set(p, fs.content(p) as Uint8Array);
  return out;
};
