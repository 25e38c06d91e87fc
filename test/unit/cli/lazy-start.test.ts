import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Issue 14 (C4 start-up): what a start does not need it does not load. prom-client and node:http
 * load only when `--metrics-port` is set (they cost ~5–9 ms of every start), and `process.stdin`
 * (its stream, ~1.5 ms) is touched only by the `users add` prompt. The real launcher and bundle, in
 * their own process; a preload reports what was loaded or touched when the broker is told to stop.
 */
const BIN = resolve(__dirname, '../../../bin/cohort-server.js');
let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'cohort-lazy-metrics-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** The broker started with `args` until recovery is done: the Node modules it loaded, and where it first read `process.stdin` (or null). */
const startReport = async (args: string[]): Promise<{ modules: string[]; stdin: string | null }> => {
  const preload = join(root, 'report.js');
  writeFileSync(
    preload,
    `let stdin = null; const d = Object.getOwnPropertyDescriptor(process, 'stdin');
     Object.defineProperty(process, 'stdin', { configurable: true, enumerable: d.enumerable, get() { stdin ??= new Error().stack.split('\\n')[2]; return d.get.call(process); } });
     process.prependListener('SIGTERM', () => { require('fs').writeSync(2, 'MODULES ' + JSON.stringify({ modules: process.moduleLoadList, stdin }) + '\\n'); process.exit(0); });`,
  );
  const child = spawn(process.execPath, ['-r', preload, BIN, '--data-dir', join(root, 'data'), '--host', '127.0.0.1', '--port', '0', ...args]);
  let out = '';
  let err = '';
  // Once recovery is done (logged on stderr) the broker has loaded everything a start loads.
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
    if (err.includes('"recovery complete"') && !err.includes('MODULES ')) child.kill('SIGTERM');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await new Promise((done) => child.on('exit', done));
  clearTimeout(timer);
  const line = err.split('\n').find((l) => l.startsWith('MODULES '));
  if (line === undefined) throw new Error(`no module report; stdout: ${out} stderr: ${err}`);
  return JSON.parse(line.slice('MODULES '.length)) as { modules: string[]; stdin: string | null };
};

describe('lazy start (issue 14, C4 start-up)', () => {
  test('without --metrics-port, a start loads neither node:http nor node:https (prom-client pulls both), and never reads process.stdin', async () => {
    const { modules, stdin } = await startReport([]);
    expect(modules).toContain('NativeModule net');
    expect(modules).not.toContain('NativeModule http');
    expect(modules).not.toContain('NativeModule https');
    expect(stdin).toBeNull();
  }, 30_000);

  test('with --metrics-port, they load', async () => {
    const { modules } = await startReport(['--metrics-port', '0']);
    expect(modules).toContain('NativeModule http');
  }, 30_000);
});
