import { execFile, spawn } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../../bin/cohort-server.js');

/** `cohort-server users add NAME --mechanism M --data-dir D`, the password on stdin (never argv). */
export const cliAddUser = (dataDir: string, name: string, mechanism: string, password: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, 'users', 'add', name, '--mechanism', mechanism, '--data-dir', dataDir], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`users add exited ${code}: ${err}`))));
    p.stdin.end(`${password}\n`);
  });

const lastJsonLine = (stdout: string): string | undefined => stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();

/**
 * Runs a client driver that prints one JSON line; resolves with it (bounded: SIGKILL after `timeoutMs`).
 * A driver that printed its result and then died of a signal of its own (a client library crashing in
 * its teardown, after the broker's answers were read) still yields the result, with a warning; any
 * other failure throws with the exit code, signal and both outputs.
 */
export const runJsonDriver = async (file: string, args: string[], timeoutMs = 60_000): Promise<any> => {
  const name = path.basename(args[0] ?? file);
  const stdout = await run(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 22 }).then(
    (r) => r.stdout,
    (e: { code?: unknown; signal?: unknown; killed?: boolean; stdout?: string; stderr?: string }) => {
      const printed = lastJsonLine(e.stdout ?? '');
      if (printed !== undefined && typeof e.signal === 'string' && e.killed !== true) {
        console.warn(`driver ${name} died of ${e.signal} after printing its result; stderr: ${(e.stderr ?? '').slice(-500)}`);
        return e.stdout!;
      }
      throw new Error(`driver ${name} failed: code=${String(e.code)} signal=${String(e.signal)} killed=${String(e.killed)}\nstdout: ${(e.stdout ?? '').slice(-2000)}\nstderr: ${(e.stderr ?? '').slice(-2000)}`);
    },
  );
  const line = lastJsonLine(stdout);
  if (line === undefined) throw new Error(`driver printed no JSON: ${stdout.slice(0, 500)}`);
  return JSON.parse(line);
};

/** Runs a command to completion, resolving with its exit code and output (never rejects on a non-zero exit). */
export const runCommand = (file: string, args: string[], input: string | null, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const p = spawn(file, args, { stdio: [input === null ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout!.on('data', (d) => (stdout += d));
    p.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (input !== null) p.stdin!.end(input);
  });
