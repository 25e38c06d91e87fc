import * as path from 'node:path';

/** One system call from an `strace -f -y` trace, in the order the calls were entered. */
export interface TracedCall {
  readonly index: number;
  readonly pid: number;
  readonly name: string;
  readonly args: string;
  /** The return text (`0`, `18</path>`, `-1 EIO (Input/output error) (INJECTED)`); '' if the call never returned. */
  readonly ret: string;
}

const ENTRY = /^(\d+)\s+([a-z0-9_]+)\((.*)$/;
const RESUMED = /^(\d+)\s+<\.\.\. ([a-z0-9_]+) resumed>(.*)$/;

/** Splits `args) = ret` at the last `) = ` (paths and strings may hold parentheses, return texts rarely do). */
const splitReturn = (rest: string): { args: string; ret: string } => {
  const at = rest.lastIndexOf(') = ');
  return at < 0 ? { args: rest.replace(/\)?\s*$/, ''), ret: '' } : { args: rest.slice(0, at), ret: rest.slice(at + 4).trim() };
};

/** Parses `strace -f -y -o FILE` output; `<unfinished ...>` calls are completed by their `resumed` line. */
export const parseStrace = (text: string): TracedCall[] => {
  const calls: Array<{ index: number; pid: number; name: string; args: string; ret: string }> = [];
  const open = new Map<string, (typeof calls)[number]>();
  for (const line of text.split('\n')) {
    const resumed = RESUMED.exec(line);
    if (resumed !== null) {
      const call = open.get(`${resumed[1]}:${resumed[2]}`);
      if (call === undefined) continue;
      open.delete(`${resumed[1]}:${resumed[2]}`);
      const { args, ret } = splitReturn(resumed[3]!);
      call.args += args;
      call.ret = ret;
      continue;
    }
    const m = ENTRY.exec(line);
    if (m === null) continue;
    const pid = Number(m[1]);
    const rest = m[3]!;
    const call = { index: calls.length, pid, name: m[2]!, args: '', ret: '' };
    if (rest.endsWith('<unfinished ...>')) {
      call.args = rest.slice(0, -'<unfinished ...>'.length).trim();
      open.set(`${pid}:${call.name}`, call);
    } else {
      Object.assign(call, splitReturn(rest));
    }
    calls.push(call);
  }
  return calls;
};

/** `18</tmp/x/metalog/0.wal>` → { fd: 18, path } for the first fd argument of a call. */
export const fdArg = (args: string): { fd: number; path: string } | null => {
  const m = /^(\d+)<([^>]*)>/.exec(args);
  return m === null ? null : { fd: Number(m[1]), path: m[2]! };
};

/** The quoted string arguments of a call (`rename("a", "b")` → ['a', 'b']). */
export const stringArgs = (args: string): string[] => [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);

const failed = (ret: string): boolean => ret.startsWith('-1');
const isSync = (name: string): boolean => name === 'fsync' || name === 'fdatasync';

/** A rule broken at one call of the trace. */
export interface AuditViolation {
  readonly rule: 'R1' | 'R2' | 'R3';
  readonly index: number;
  readonly detail: string;
}

/**
 * The T-DUR-9 checker (reliability.md C1) over calls touching `dataDir`:
 * - R1: every rename(a, b) is preceded by an fsync/fdatasync of a, after a's last pwrite;
 * - R2: every O_CREAT open, mkdir, rename and unlink in a directory D is followed by an fsync of D
 *   before the next fdatasync that acks records in D (a sync of a file with writes since its last
 *   sync, other than a file whose own creation is still pending: a new file is synced before its entry);
 *   and a directory made by mkdir is synced in its parent before anything inside it is acked or
 *   committed by a directory fsync (else a power loss can drop the whole directory);
 * - R3: no fsync/fdatasync on a descriptor after one failed on it (the fsyncgate rule).
 */
export const auditTrace = (calls: readonly TracedCall[], dataDir: string): AuditViolation[] => {
  const inData = (p: string): boolean => p === dataDir || p.startsWith(dataDir + '/');
  const out: AuditViolation[] = [];
  /** Directory → entries changed there and not yet made durable by an fsync of the directory. */
  const pending = new Map<string, Array<{ op: string; path: string; index: number }>>();
  const dirty = new Set<string>();
  const synced = new Set<string>();
  const failedFds = new Set<string>();
  const addPending = (op: string, p: string, index: number): void => {
    const dir = path.dirname(p);
    pending.set(dir, [...(pending.get(dir) ?? []), { op, path: p, index }]);
  };
  /** R2 for directories: `dir` and its parents inside the data dir must not be pending mkdirs. */
  const unsyncedMkdirs = (dir: string, index: number, what: string): void => {
    for (let d = dir; inData(d) && d !== dataDir; d = path.dirname(d)) {
      const made = (pending.get(path.dirname(d)) ?? []).find((o) => o.op === 'mkdir' && o.path === d);
      if (made !== undefined) out.push({ rule: 'R2', index, detail: `${what} while mkdir ${d}@${made.index} is not yet synced in its parent` });
    }
  };
  for (const c of calls) {
    if (failed(c.ret) && !isSync(c.name)) continue;
    if (c.name === 'openat') {
      const p = stringArgs(c.args)[0];
      if (p !== undefined && inData(p) && c.args.includes('O_CREAT')) {
        addPending('create', p, c.index);
        dirty.add(p);
        synced.delete(p);
      }
    } else if (c.name === 'mkdir' || c.name === 'mkdirat') {
      const p = stringArgs(c.args)[0];
      if (p !== undefined && inData(p)) addPending('mkdir', p, c.index);
    } else if (c.name === 'unlink' || c.name === 'unlinkat') {
      const p = stringArgs(c.args)[0];
      if (p !== undefined && inData(p)) addPending('unlink', p, c.index);
    } else if (c.name === 'rename' || c.name === 'renameat' || c.name === 'renameat2') {
      const [a, b] = stringArgs(c.args);
      if (a === undefined || b === undefined || !inData(b)) continue;
      if (dirty.has(a) || !synced.has(a)) out.push({ rule: 'R1', index: c.index, detail: `rename ${a} -> ${b} without a sync of ${a} after its last write` });
      addPending('rename', b, c.index);
      if (path.dirname(a) !== path.dirname(b)) addPending('rename', a, c.index);
      if (dirty.has(a)) dirty.add(b);
      if (synced.has(a)) synced.add(b);
    } else if (c.name === 'pwrite64') {
      const f = fdArg(c.args);
      if (f !== null && inData(f.path)) {
        dirty.add(f.path);
        synced.delete(f.path);
      }
    } else if (isSync(c.name)) {
      const f = fdArg(c.args);
      if (f === null || !inData(f.path)) continue;
      const fdKey = `${f.fd}<${f.path}>`;
      if (failedFds.has(fdKey)) out.push({ rule: 'R3', index: c.index, detail: `${c.name} on ${fdKey} after a failed sync on it` });
      if (failed(c.ret)) {
        failedFds.add(fdKey);
        continue;
      }
      const dirOps = pending.get(f.path);
      if (dirOps !== undefined && c.name === 'fsync') {
        // An fsync of a directory makes its changed entries durable, but only if the directory's
        // own entry is durable: a new directory must be synced in its parent first.
        unsyncedMkdirs(f.path, c.index, `${c.name} of ${f.path} commits entries`);
        pending.delete(f.path);
        continue;
      }
      const acks = dirty.has(f.path);
      dirty.delete(f.path);
      synced.add(f.path);
      if (!acks) continue;
      const own = pending.get(path.dirname(f.path)) ?? [];
      const blocking = own.filter((o) => !(o.op === 'create' && o.path === f.path));
      unsyncedMkdirs(path.dirname(f.path), c.index, `${c.name} of ${f.path} acks records`);
      if (blocking.length > 0) {
        out.push({ rule: 'R2', index: c.index, detail: `${c.name} of ${f.path} acks records while ${blocking.map((o) => `${o.op} ${o.path}@${o.index}`).join(', ')} is not yet synced in its directory` });
      }
    }
  }
  return out;
};
