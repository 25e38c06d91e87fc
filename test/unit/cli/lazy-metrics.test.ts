import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Issue 14 (C4 start-up): prom-client and node:http load only when `--metrics-port` is set; a broker
 * started without it never loads them (they cost ~5–9 ms of every start). The real launcher and
 * bundle, in their own process; a preload reports the Node modules loaded when the broker is told
 * to stop.
 */
const BIN = resolve(__dirname, '../../../bin/cohort-server.js');
let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'cohort-lazy-metrics-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

const loadedModules = async (args: string[]): Promise<string[]> => {
  const preload = join(root, 'report.js');
  writeFileSync(
    preload,
    `process.prependListener('SIGTERM', () => { require('fs').writeSync(2, 'MODULES ' + JSON.stringify(process.moduleLoadList) + '\\n'); process.exit(0); });`,
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
  return JSON.parse(line.slice('MODULES '.length)) as string[];
};

describe('lazy metrics (issue 14, C4 start-up)', () => {
  test('without --metrics-port, a start loads neither node:http nor node:https (prom-client pulls both)', async () => {
    const modules = await loadedModules([]);
    expect(modules).toContain('NativeModule net');
    expect(modules).not.toContain('NativeModule http');
    expect(modules).not.toContain('NativeModule https');
  }, 30_000);

  test('with --metrics-port, they load', async () => {
    const modules = await loadedModules(['--metrics-port', '0']);
    expect(modules).toContain('NativeModule http');
  }, 30_000);
});
