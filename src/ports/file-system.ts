/**
 * FileSystem port: the file operations the MetaLog and the snapshot store need, and nothing more.
 * It exists so durability can be tested against a fake that loses unsynced writes (CrashFS, T-DUR-1)
 * and fails chosen calls (T-DUR-7), while production binds it to Node's `fs`.
 *
 * Contract:
 * - Every method rejects with an `Error` carrying an errno-style `code` (`ENOENT`, `EIO`, `ENOSPC`,
 *   `EBADF`, ...). Nothing resolves early: a resolved `pwrite` means the bytes are in the OS (the
 *   page cache), not on disk.
 * - Durability comes only from barriers: `fdatasync(fd)` makes that file's data and size durable;
 *   `fsyncDir(dir)` makes the creations, renames and unlinks of entries in `dir` durable. Until then
 *   a power loss may drop, keep, or garble each 512-byte sector of a write, and keep or drop each
 *   create/unlink; a rename happens entirely or not at all.
 * - After `fdatasync` fails on a descriptor, the data written through it is in an unknown state:
 *   callers must not call `fdatasync` on it again and hope (the fsyncgate rule); they fail-stop.
 * - `pwrite` writes all of `data` at `position` or rejects; `pread` (and `preadInto`) return fewer bytes
 *   than asked only at end of file.
 * - Paths are absolute or relative POSIX paths; `dir` arguments name directories.
 */
export type FileDescriptor = number;

/** `read`: read-only, must exist. `readWrite`: must exist. `create`: read-write, created or truncated to 0. */
export type OpenMode = 'read' | 'readWrite' | 'create';

export interface FileStat {
  readonly size: number;
  readonly isDirectory: boolean;
}

export interface FileSystem {
  open(path: string, mode: OpenMode): Promise<FileDescriptor>;
  pwrite(fd: FileDescriptor, data: Uint8Array, position: number): Promise<void>;
  pread(fd: FileDescriptor, length: number, position: number): Promise<Uint8Array>;
  /**
   * Reads up to `length` bytes at `position` into `target` from `targetOffset` and resolves with how
   * many were read (fewer only at end of file). Lets a reader fill one buffer chunk by chunk instead
   * of allocating and copying a buffer per chunk (issue 14, C4: fresh memory is what a replay pays for).
   */
  preadInto(fd: FileDescriptor, target: Uint8Array, targetOffset: number, length: number, position: number): Promise<number>;
  /** Barrier: the file's data (and size) written so far survive power loss once this resolves. */
  fdatasync(fd: FileDescriptor): Promise<void>;
  /** Barrier: entries created, renamed or unlinked in `dir` survive power loss once this resolves. */
  fsyncDir(dir: string): Promise<void>;
  /** Sets the file length (grows with zeros); durable only after `fdatasync`. */
  ftruncate(fd: FileDescriptor, length: number): Promise<void>;
  /** Atomically replaces `to`; durable only after `fsyncDir` of the directory. */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Entry names (not paths) in `dir`, in no particular order. */
  readdir(dir: string): Promise<string[]>;
  /** `null` when the path does not exist. */
  stat(path: string): Promise<FileStat | null>;
  /** Creates `dir` and its parents; no error when it exists. */
  mkdir(dir: string): Promise<void>;
  close(fd: FileDescriptor): Promise<void>;
}

/** DI symbol for the FileSystem port (kept beside the port; src/ports/symbols.ts is shared). */
export const FILE_SYSTEM = Symbol.for('FileSystem');

/** The errno-style code of a FileSystem rejection (`EIO` when the error carries none). */
export const errnoCode = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'EIO';
};
