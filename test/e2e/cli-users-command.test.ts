import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './support/broker-process';
import { runCommand } from './support/security-process';

const BIN = path.resolve(__dirname, '../../bin/cohort-server.js');
const users = (args: string[], input: string | null = null) => runCommand(process.execPath, [BIN, 'users', ...args], input, 20000);

/** `cohort-server users add|list|delete` (issue 17 item 3; Kafka's `kafka-storage format --add-scram`). */
describe('cohort-server users (SP-1, SP-2, CR-4)', () => {
  it('adds, lists and deletes credentials; the password comes from stdin and is never stored', async () => {
    const dir = tempDir('cohort-users-');
    expect((await users(['add', 'alice', '--mechanism', 'SCRAM-SHA-512', '--data-dir', dir], 'pw-in-stdin-42\n')).code).toBe(0);
    expect((await users(['add', 'alice', '--mechanism', 'PLAIN', '--iterations', '8192', '--data-dir', dir], 'pw-in-stdin-42\n')).code).toBe(0);
    expect((await users(['add', 'bob', '--mechanism', 'SCRAM-SHA-256', '--data-dir', dir], 'other\n')).code).toBe(0);
    const listed = await users(['list', '--data-dir', dir]);
    expect(listed.stdout.trim().split('\n')).toEqual(['alice\tSCRAM-SHA-512\titerations=4096', 'alice\tPLAIN\titerations=8192', 'bob\tSCRAM-SHA-256\titerations=4096']);
    expect((await users(['delete', 'alice', '--mechanism', 'PLAIN', '--data-dir', dir])).code).toBe(0);
    expect((await users(['delete', 'bob', '--data-dir', dir])).code).toBe(0);
    expect((await users(['list', '--data-dir', dir])).stdout.trim()).toBe('alice\tSCRAM-SHA-512\titerations=4096');
    const segments = fs.readdirSync(path.join(dir, 'metalog')).map((f) => fs.readFileSync(path.join(dir, 'metalog', f)).toString('latin1'));
    expect(segments.some((s) => s.includes('pw-in-stdin-42'))).toBe(false);
  });

  it('refuses bad input with one line: unknown mechanism or user (exit 1), iterations out of range (exit 2), an empty password (exit 1)', async () => {
    const dir = tempDir('cohort-users-');
    for (const [args, input, code] of [
      [['add', 'x', '--mechanism', 'GSSAPI', '--data-dir', dir], 'p\n', 1],
      [['add', 'x', '--mechanism', 'PLAIN', '--iterations', '100', '--data-dir', dir], 'p\n', 2],
      [['add', 'x', '--mechanism', 'PLAIN', '--data-dir', dir], '\n', 1],
      [['delete', 'nobody', '--data-dir', dir], null, 1],
      [['add', 'x', '--data-dir', dir], 'p\n', 2],
    ] as [string[], string | null, number][]) {
      const r = await users(args, input);
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
