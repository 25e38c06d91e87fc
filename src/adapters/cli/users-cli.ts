import type { Command } from 'commander';
import { MAX_ITERATIONS, MIN_ITERATIONS } from '../../domain/security/decide-credentials';
import { MECHANISMS, runUsersCommand, usersAdd, usersDelete, usersList } from './users-command';

// Getters: `process.stdin` builds its stream on first touch (~1.5 ms); a broker start never reads it.
const io = {
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
};

/**
 * `cohort-server users add|list|delete`: SASL credentials written to the data directory's MetaLog
 * while the broker is stopped (Kafka: `kafka-storage format --add-scram`). A running broker manages
 * them with AlterUserScramCredentials / DescribeUserScramCredentials instead.
 */
export const addUsersCommand = (program: Command, defaultDataDir: string, usage: (message: string) => never): void => {
  const users = program.command('users').description('manage SASL credentials in the MetaLog while the broker is stopped: add | list | delete').exitOverride();
  users
    .command('add')
    .description('store a salted credential for NAME; the password is read from stdin or a prompt, never from the command line')
    .argument('<name>', 'user name (the principal becomes User:NAME)')
    .requiredOption('--mechanism <mechanism>', `${MECHANISMS.join(' | ')} (Kafka: kafka-storage format --add-scram)`)
    .option('--iterations <n>', `PBKDF2 iterations, ${MIN_ITERATIONS}..${MAX_ITERATIONS}`, String(MIN_ITERATIONS))
    .option('--data-dir <dir>', 'data directory', defaultDataDir)
    .exitOverride()
    .action(async (name: string, o: { mechanism: string; iterations: string; dataDir: string }) => {
      const iterations = Number(o.iterations);
      if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
        usage(`--iterations must be an integer from ${MIN_ITERATIONS} to ${MAX_ITERATIONS}`);
      }
      process.exitCode = await runUsersCommand(() => usersAdd(name, o.mechanism, iterations, o.dataDir, io), io);
    });
  users
    .command('list')
    .description('print every stored credential: user, mechanism, iterations (never salts or keys)')
    .option('--data-dir <dir>', 'data directory', defaultDataDir)
    .exitOverride()
    .action(async (o: { dataDir: string }) => {
      process.exitCode = await runUsersCommand(() => usersList(o.dataDir, io), io);
    });
  users
    .command('delete')
    .description('remove the credential of NAME for one mechanism, or all of them')
    .argument('<name>', 'user name')
    .option('--mechanism <mechanism>', MECHANISMS.join(' | '))
    .option('--data-dir <dir>', 'data directory', defaultDataDir)
    .exitOverride()
    .action(async (name: string, o: { mechanism?: string; dataDir: string }) => {
      process.exitCode = await runUsersCommand(() => usersDelete(name, o.mechanism, o.dataDir, io), io);
    });
};
