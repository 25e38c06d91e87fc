import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { decideRemoveCredential, decideUpsertCredential } from '../../domain/security/decide-credentials';
import type { SecurityEvent } from '../../domain/security/events';
import { isSecurityEvent } from '../../domain/security/events';
import type { CredentialMechanism } from '../../domain/security/security-state';
import { SecurityService } from '../../application/security-service';
import { recover } from '../../application/recovery';
import { NodeFileSystem } from '../wal/node-file-system';
import { FileMetaLog } from '../wal/file-meta-log';
import { FileSnapshotStore } from '../snapshot/file-snapshot-store';
import { credentialFromPassword } from '../security/scram-formatter';
import { readPassword } from './password-input';
import { silentLogger } from '../system/pino-logger';

export const MECHANISMS: readonly CredentialMechanism[] = ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN'];

export interface UsersCommandIo {
  readonly stdin: Readable & { isTTY?: boolean };
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** A problem the command reports as one line and a non-zero exit. */
class UsersError extends Error {}


/**
 * Opens the data directory's MetaLog, folds its security events (snapshot + tail) and runs `work`
 * against them; new events are appended durably. The broker must not be running on the same data
 * directory (like Kafka's `kafka-storage format --add-scram`, this is an offline tool).
 */
const withSecurityState = async <T>(dataDir: string, work: (security: SecurityService) => Promise<T>): Promise<T> => {
  const fs = new NodeFileSystem();
  const metaLog = new FileMetaLog(fs, { dir: path.join(dataDir, 'metalog'), fsync: 'always' });
  const snapshots = new FileSnapshotStore(fs, { dir: path.join(dataDir, 'snapshots') });
  try {
    await metaLog.open();
    const security = new SecurityService(metaLog, { enabled: false, superUsers: new Set(), allowEveryoneIfNoAclFound: false }, () => '');
    await recover(metaLog, snapshots, (e) => (isSecurityEvent(e) ? security.applyReplayed(e) : undefined), silentLogger, () => undefined);
    return await work(security);
  } finally {
    await metaLog.close();
  }
};

const commit = async (security: SecurityService, outcome: ReturnType<typeof decideRemoveCredential>): Promise<void> => {
  if ('code' in outcome) throw new UsersError(outcome.message ?? `error ${outcome.code}`);
  await security.commit([outcome as SecurityEvent]);
};

/** `users add NAME --mechanism M --data-dir D [--iterations N]`: the password comes from stdin or a prompt, never argv. */
export const usersAdd = async (name: string, mechanism: string, iterations: number, dataDir: string, io: UsersCommandIo): Promise<void> => {
  if (!MECHANISMS.includes(mechanism as CredentialMechanism)) throw new UsersError(`unknown mechanism ${mechanism} (expected ${MECHANISMS.join(', ')})`);
  const password = await readPassword(io.stdin, io.stderr, `Password for ${name}: `);
  if (password === '') throw new UsersError('empty password');
  const upsert = await credentialFromPassword(name, password, mechanism as CredentialMechanism, iterations);
  await withSecurityState(dataDir, (security) => commit(security, decideUpsertCredential(upsert)));
  io.stdout.write(`added ${mechanism} credential for ${name} (${iterations} iterations)\n`);
};

/** `users list --data-dir D`: one line per (user, mechanism); never a salt or key. */
export const usersList = async (dataDir: string, io: UsersCommandIo): Promise<void> => {
  await withSecurityState(dataDir, async (security) => {
    for (const [name, byMechanism] of [...security.state().credentials].sort(([a], [b]) => (a < b ? -1 : 1))) {
      for (const c of byMechanism.values()) io.stdout.write(`${name}\t${c.mechanism}\titerations=${c.iterations}\n`);
    }
  });
};

/** `users delete NAME [--mechanism M] --data-dir D`: without --mechanism, every credential of the user. */
export const usersDelete = async (name: string, mechanism: string | undefined, dataDir: string, io: UsersCommandIo): Promise<void> => {
  if (mechanism !== undefined && !MECHANISMS.includes(mechanism as CredentialMechanism)) throw new UsersError(`unknown mechanism ${mechanism}`);
  await withSecurityState(dataDir, async (security) => {
    const held = [...(security.state().credentials.get(name)?.keys() ?? [])];
    const targets = mechanism === undefined ? held : [mechanism as CredentialMechanism];
    if (targets.length === 0) throw new UsersError(`no credential for user ${name}`);
    for (const m of targets) await commit(security, decideRemoveCredential(security.state(), name, m));
  });
  io.stdout.write(`deleted ${mechanism ?? 'every'} credential of ${name}\n`);
};

/** Runs one `users` action; returns the exit code (0 ok, 1 refused or failed, 2 bad usage). */
export const runUsersCommand = async (action: () => Promise<void>, io: UsersCommandIo): Promise<number> => {
  try {
    await action();
    return 0;
  } catch (err) {
    io.stderr.write(`cohort-server: ${((err as Error).message ?? String(err)).split('\n')[0]}\n`);
    return 1;
  }
};
