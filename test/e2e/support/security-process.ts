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

/** Runs a client driver that prints one JSON line; resolves with it (bounded: SIGKILL after `timeoutMs`). */
export const runJsonDriver = async (file: string, args: string[], timeoutMs = 60_000): Promise<any> => {
  const { stdout } = await run(file, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 22 });
  const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
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
