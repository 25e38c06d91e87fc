import { posix } from 'path';
import type { FileDescriptor, FileStat, FileSystem, OpenMode } from '../../src/ports/file-system';

/**
 * CrashFS: an in-memory FileSystem port that can lose power (reliability.md T-DUR-1, SQLite's
 * `test6.c` applied to our port).
 *
 * Model: each file (inode) has durable bytes D and a list of volatile operations (writes and
 * truncates); each directory has durable entries and a list of volatile creates, renames and
 * unlinks.
 * - `fdatasync(fd)` moves that file's pending data into D; `fsyncDir(dir)` moves that directory's
 *   pending entry operations into its durable entries.
 * - `crash(rng)` returns the image after a power loss: each pending write is kept, dropped, or
 *   garbled per 512-byte sector; each pending truncate is kept or dropped; a pending rename happens
 *   entirely or not at all; pending creates and unlinks are each kept or dropped.
 * - `powerCutAfter(n)`: after n mutating operations every call rejects with EIO (the machine is
 *   off), so a test can crash at an exact operation index.
 * - `failNth(op, n, code)`: the n-th `fdatasync` or `pwrite` (1-based, counted from creation)
 *   rejects with `code` and does nothing.
 * Directories are created durably by `mkdir` (a simplification: the tests never lose a directory).
 * Operations resolve asynchronously: `fdatasync`/`fsyncDir` one macrotask later (as on the libuv
 * threadpool, so appends can queue behind a flush), the others one microtask later.
 */
export type SyncableOp = 'fdatasync' | 'pwrite';

const SECTOR = 512;

class Bytes {
  constructor(public buf: Uint8Array = new Uint8Array(0), public size = 0) {}

  clone(): Bytes {
    return new Bytes(this.buf.slice(0, this.size), this.size);
  }

  private reserve(n: number): void {
    if (n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(n, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.size));
    this.buf = next;
  }

  write(pos: number, data: Uint8Array): void {
    this.reserve(pos + data.length);
    if (pos > this.size) this.buf.fill(0, this.size, pos);
    this.buf.set(data, pos);
    this.size = Math.max(this.size, pos + data.length);
  }

  truncate(length: number): void {
    if (length > this.size) {
      this.reserve(length);
      this.buf.fill(0, this.size, length);
    }
    this.size = length;
  }
}

type DataOp = { readonly kind: 'write'; readonly pos: number; readonly data: Uint8Array } | { readonly kind: 'truncate'; readonly length: number };

interface Inode {
  readonly id: number;
  durable: Bytes;
  current: Bytes;
  pending: DataOp[];
}

type DirOp =
  | { readonly kind: 'create'; readonly path: string; readonly inode: number }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string; readonly inode: number }
  | { readonly kind: 'unlink'; readonly path: string };

interface OpenFile {
  readonly inode: Inode;
  readonly path: string;
  readonly writable: boolean;
}

const fsError = (code: string, what: string): Error => Object.assign(new Error(`${code}: ${what}`), { code });

export interface CrashFsCounters {
  pwrite: number;
  fdatasync: number;
  fsyncDir: number;
  /** Mutating operations so far (the index `powerCutAfter` counts). */
  ops: number;
  /** fdatasync calls on a descriptor whose earlier fdatasync or write failed (must stay 0: fsyncgate). */
  syncAfterFailure: number;
}

export class CrashFileSystem implements FileSystem {
  private nextInode = 1;
  private nextFd = 3;
  private readonly inodes = new Map<number, Inode>();
  /** Current (volatile) view of every path → inode. */
  private readonly entries = new Map<string, number>();
  /** Durable view of every path → inode. */
  private readonly durableEntries = new Map<string, number>();
  private readonly dirs = new Set<string>(['/', '.']);
  private readonly pendingDirOps = new Map<string, DirOp[]>();
  private readonly fds = new Map<FileDescriptor, OpenFile>();
  private readonly failedFds = new Set<FileDescriptor>();
  private readonly failures: Array<{ op: SyncableOp; nth: number; code: string }> = [];
  private cutAfter = Infinity;
  private dead = false;
  readonly counters: CrashFsCounters = { pwrite: 0, fdatasync: 0, fsyncDir: 0, ops: 0, syncAfterFailure: 0 };

  /** Makes the `nth` call of `op` (1-based, counted over this instance's life) reject with `code`. */
  failNth(op: SyncableOp, nth: number, code = 'EIO'): void {
    this.failures.push({ op, nth, code });
  }

  /** Allows `n` more mutating operations; every call after that rejects with EIO until `crash`. */
  powerCutAfter(n: number): void {
    this.cutAfter = this.counters.ops + n;
  }

  /** True once the power is cut. */
  isPoweredOff(): boolean {
    return this.counters.ops >= this.cutAfter;
  }

  /** The durable bytes of a file as it would be read after a crash that kept nothing pending (tests). */
  durableContent(path: string): Uint8Array | null {
    const id = this.durableEntries.get(posix.normalize(path));
    return id === undefined ? null : (this.inodes.get(id) as Inode).durable.clone().buf;
  }

  /** Current bytes of a file (what a read now returns). */
  content(path: string): Uint8Array | null {
    const id = this.entries.get(posix.normalize(path));
    if (id === undefined) return null;
    const b = (this.inodes.get(id) as Inode).current;
    return b.buf.slice(0, b.size);
  }

  /** Replaces a file's bytes durably (tests that damage files by hand). */
  overwrite(path: string, data: Uint8Array): void {
    const id = this.entries.get(posix.normalize(path));
    if (id === undefined) throw fsError('ENOENT', path);
    const inode = this.inodes.get(id) as Inode;
    inode.current = new Bytes(data.slice(), data.length);
    inode.durable = inode.current.clone();
    inode.pending = [];
  }

  /** Paths that exist now, sorted (tests). */
  paths(): string[] {
    return [...this.entries.keys()].sort();
  }

  /**
   * Power loss: returns the surviving image as a new file system (no pending operations, no open
   * descriptors) and kills this one, so stale handles of the crashed process only get EIO.
   */
  crash(rng: () => number): CrashFileSystem {
    this.dead = true;
    const next = new CrashFileSystem();
    next.dirs.clear();
    for (const d of this.dirs) next.dirs.add(d);
    const survivors = new Map<number, Bytes>();
    for (const inode of this.inodes.values()) {
      const bytes = inode.durable.clone();
      for (const op of inode.pending) {
        if (op.kind === 'truncate') {
          if (rng() < 0.5) bytes.truncate(op.length);
          continue;
        }
        // Sectors of the file, not of the write: a disk tears at its own boundaries.
        let at = op.pos;
        const end = op.pos + op.data.length;
        while (at < end) {
          const sectorEnd = Math.min(end, (Math.floor(at / SECTOR) + 1) * SECTOR);
          const r = rng();
          if (r < 0.4) {
            bytes.write(at, op.data.subarray(at - op.pos, sectorEnd - op.pos));
          } else if (r < 0.8) {
            // dropped
          } else {
            const junk = new Uint8Array(sectorEnd - at);
            for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(rng() * 256);
            bytes.write(at, junk);
          }
          at = sectorEnd;
        }
      }
      survivors.set(inode.id, bytes);
    }
    const entries = new Map(this.durableEntries);
    for (const ops of this.pendingDirOps.values()) {
      for (const op of ops) {
        if (rng() < 0.5) continue;
        if (op.kind === 'create') entries.set(op.path, op.inode);
        else if (op.kind === 'unlink') entries.delete(op.path);
        else {
          entries.delete(op.from);
          entries.set(op.to, op.inode);
        }
      }
    }
    for (const [path, id] of entries) {
      let inode = next.inodes.get(id);
      if (inode === undefined) {
        const bytes = survivors.get(id) as Bytes;
        inode = { id, durable: bytes, current: bytes.clone(), pending: [] };
        next.inodes.set(id, inode);
      }
      next.entries.set(path, id);
      next.durableEntries.set(path, id);
    }
    next.nextInode = this.nextInode;
    return next;
  }

  // ---- the port ----

  async open(path: string, mode: OpenMode): Promise<FileDescriptor> {
    await this.gate(mode === 'create');
    const p = posix.normalize(path);
    if (!this.dirs.has(posix.dirname(p))) throw fsError('ENOENT', p);
    if (this.dirs.has(p) && mode !== 'read') throw fsError('EISDIR', p);
    let id = this.entries.get(p);
    if (mode === 'create') {
      if (id === undefined) {
        id = this.nextInode++;
        this.inodes.set(id, { id, durable: new Bytes(), current: new Bytes(), pending: [] });
        this.entries.set(p, id);
        this.dirOps(posix.dirname(p)).push({ kind: 'create', path: p, inode: id });
      } else {
        const inode = this.inodes.get(id) as Inode;
        inode.current.truncate(0);
        inode.pending.push({ kind: 'truncate', length: 0 });
      }
    } else if (id === undefined) {
      throw fsError('ENOENT', p);
    }
    const fd = this.nextFd++;
    this.fds.set(fd, { inode: this.inodes.get(id) as Inode, path: p, writable: mode !== 'read' });
    return fd;
  }

  async pwrite(fd: FileDescriptor, data: Uint8Array, position: number): Promise<void> {
    const copy = data.slice();
    await this.gate(true);
    const f = this.file(fd);
    if (!f.writable) throw fsError('EBADF', f.path);
    this.counters.pwrite++;
    this.injected('pwrite', this.counters.pwrite, fd, f.path);
    f.inode.current.write(position, copy);
    f.inode.pending.push({ kind: 'write', pos: position, data: copy });
  }

  async pread(fd: FileDescriptor, length: number, position: number): Promise<Uint8Array> {
    await this.gate(false);
    const b = this.file(fd).inode.current;
    const end = Math.min(b.size, position + length);
    return b.buf.slice(Math.min(position, end), end);
  }

  async preadInto(fd: FileDescriptor, target: Uint8Array, targetOffset: number, length: number, position: number): Promise<number> {
    await this.gate(false);
    const b = this.file(fd).inode.current;
    const end = Math.min(b.size, position + length);
    const start = Math.min(position, end);
    target.set(b.buf.subarray(start, end), targetOffset);
    return end - start;
  }

  async fdatasync(fd: FileDescriptor): Promise<void> {
    await this.gate(true);
    const f = this.file(fd);
    this.counters.fdatasync++;
    if (this.failedFds.has(fd)) this.counters.syncAfterFailure++;
    this.injected('fdatasync', this.counters.fdatasync, fd, f.path);
    for (const op of f.inode.pending) {
      if (op.kind === 'write') f.inode.durable.write(op.pos, op.data);
      else f.inode.durable.truncate(op.length);
    }
    f.inode.pending = [];
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async fsyncDir(dir: string): Promise<void> {
    await this.gate(true);
    const d = posix.normalize(dir);
    if (!this.dirs.has(d)) throw fsError('ENOENT', d);
    this.counters.fsyncDir++;
    for (const op of this.pendingDirOps.get(d) ?? []) {
      if (op.kind === 'create') this.durableEntries.set(op.path, op.inode);
      else if (op.kind === 'unlink') this.durableEntries.delete(op.path);
      else {
        this.durableEntries.delete(op.from);
        this.durableEntries.set(op.to, op.inode);
      }
    }
    this.pendingDirOps.delete(d);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async ftruncate(fd: FileDescriptor, length: number): Promise<void> {
    await this.gate(true);
    const f = this.file(fd);
    if (!f.writable) throw fsError('EBADF', f.path);
    f.inode.current.truncate(length);
    f.inode.pending.push({ kind: 'truncate', length });
  }

  async rename(from: string, to: string): Promise<void> {
    await this.gate(true);
    const a = posix.normalize(from);
    const b = posix.normalize(to);
    const id = this.entries.get(a);
    if (id === undefined) throw fsError('ENOENT', a);
    this.entries.delete(a);
    this.entries.set(b, id);
    // Same-directory renames only (all ours are): one directory's fsync makes it durable.
    this.dirOps(posix.dirname(b)).push({ kind: 'rename', from: a, to: b, inode: id });
  }

  async unlink(path: string): Promise<void> {
    await this.gate(true);
    const p = posix.normalize(path);
    if (!this.entries.delete(p)) throw fsError('ENOENT', p);
    this.dirOps(posix.dirname(p)).push({ kind: 'unlink', path: p });
  }

  async readdir(dir: string): Promise<string[]> {
    await this.gate(false);
    const d = posix.normalize(dir);
    if (!this.dirs.has(d)) throw fsError('ENOENT', d);
    const names: string[] = [];
    for (const p of this.entries.keys()) if (posix.dirname(p) === d) names.push(posix.basename(p));
    for (const p of this.dirs) if (p !== d && posix.dirname(p) === d) names.push(posix.basename(p));
    return names;
  }

  async stat(path: string): Promise<FileStat | null> {
    await this.gate(false);
    const p = posix.normalize(path);
    if (this.dirs.has(p)) return { size: 0, isDirectory: true };
    const id = this.entries.get(p);
    return id === undefined ? null : { size: (this.inodes.get(id) as Inode).current.size, isDirectory: false };
  }

  async mkdir(dir: string): Promise<void> {
    await this.gate(false);
    let d = posix.normalize(dir);
    while (!this.dirs.has(d)) {
      this.dirs.add(d);
      d = posix.dirname(d);
    }
  }

  async close(fd: FileDescriptor): Promise<void> {
    await this.gate(false);
    this.file(fd);
    this.fds.delete(fd);
  }

  // ---- internals ----

  private async gate(mutating: boolean): Promise<void> {
    await Promise.resolve();
    if (this.dead || this.counters.ops >= this.cutAfter) throw fsError('EIO', 'power is off');
    if (mutating) this.counters.ops++;
  }

  private file(fd: FileDescriptor): OpenFile {
    const f = this.fds.get(fd);
    if (f === undefined) throw fsError('EBADF', `fd ${fd}`);
    return f;
  }

  private injected(op: SyncableOp, count: number, fd: FileDescriptor, path: string): void {
    const hit = this.failures.find((f) => f.op === op && f.nth === count);
    if (hit === undefined) return;
    this.failedFds.add(fd);
    throw fsError(hit.code, `${op} #${count} on ${path} (injected)`);
  }

  private dirOps(dir: string): DirOp[] {
    let ops = this.pendingDirOps.get(dir);
    if (ops === undefined) {
      ops = [];
      this.pendingDirOps.set(dir, ops);
    }
    return ops;
  }
}
