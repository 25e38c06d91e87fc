import * as fs from 'fs';
import { injectable } from 'inversify';
import type { FileDescriptor, FileStat, FileSystem, OpenMode } from '../../ports/file-system';

export interface NodeFileSystemOptions {
  /**
   * `true`: fdatasync with `fs.fdatasyncSync` (about 100 µs less per durable write, but the event
   * loop is frozen for the flush); `false` (default): `fs.fdatasync` on the libuv threadpool.
   * benchmarks.md Part D.2 leaves the choice to bench/.
   */
  readonly blockingSync?: boolean;
}

const OPEN_FLAGS: Record<OpenMode, string> = { read: 'r', readWrite: 'r+', create: 'w+' };

/**
 * FileSystem port on Node's `fs`. Data-path calls are synchronous (they only touch the page cache
 * and return in microseconds); the flush is asynchronous unless `blockingSync` is set.
 */
@injectable()
export class NodeFileSystem implements FileSystem {
  private readonly blockingSync: boolean;

  constructor(options: NodeFileSystemOptions = {}) {
    this.blockingSync = options.blockingSync ?? false;
  }

  async open(path: string, mode: OpenMode): Promise<FileDescriptor> {
    return fs.openSync(path, OPEN_FLAGS[mode]);
  }

  async pwrite(fd: FileDescriptor, data: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < data.length) {
      done += fs.writeSync(fd, data, done, data.length - done, position + done);
    }
  }

  async pread(fd: FileDescriptor, length: number, position: number): Promise<Uint8Array> {
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, out, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done === length ? out : out.subarray(0, done);
  }

  async preadInto(fd: FileDescriptor, target: Uint8Array, targetOffset: number, length: number, position: number): Promise<number> {
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, target, targetOffset + done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done;
  }

  fdatasync(fd: FileDescriptor): Promise<void> {
    if (this.blockingSync) {
      fs.fdatasyncSync(fd);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  async fsyncDir(dir: string): Promise<void> {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  async ftruncate(fd: FileDescriptor, length: number): Promise<void> {
    fs.ftruncateSync(fd, length);
  }

  async rename(from: string, to: string): Promise<void> {
    fs.renameSync(from, to);
  }

  async unlink(path: string): Promise<void> {
    fs.unlinkSync(path);
  }

  async readdir(dir: string): Promise<string[]> {
    return fs.readdirSync(dir);
  }

  async stat(path: string): Promise<FileStat | null> {
    try {
      const s = fs.statSync(path);
      return { size: s.size, isDirectory: s.isDirectory() };
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return null;
      throw e;
    }
  }

  async mkdir(dir: string): Promise<void> {
    fs.mkdirSync(dir, { recursive: true });
  }

  async close(fd: FileDescriptor): Promise<void> {
    fs.closeSync(fd);
  }
}
