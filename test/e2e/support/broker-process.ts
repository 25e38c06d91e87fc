import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';

const ROOT = path.resolve(__dirname, '../../..');
const BIN = path.join(ROOT, 'bin/cohort-server.js');

/** A cohort-server child process on 127.0.0.1 with its own data dir (tests clean it up). */
export interface BrokerProcess {
  readonly port: number;
  readonly dataDir: string;
  readonly child: ChildProcess;
  readonly bootstrap: string;
  /** stderr lines seen so far (structured logs). */
  readonly logs: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  kill9(): Promise<void>;
}

/** Asks the kernel for a free loopback port (closed again at once). */
const kernelPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

/** Ports this test process has handed out: the kernel may offer a just-closed port again. */
const handedOut = new Set<number>();

/**
 * A free loopback port not handed out before in this process. Two calls before either port is
 * bound (a metrics port, then the broker's) could get the same port from the kernel: the clean-clone
 * CI run of adc7132 failed group-history so (the broker's listen: EADDRINUSE on its own metrics port).
 */
export const freePort = async (): Promise<number> => {
  for (let tries = 0; ; tries++) {
    const port = await kernelPort();
    if (!handedOut.has(port) || tries >= 20) {
      handedOut.add(port);
      return port;
    }
  }
};

export const tempDir = (prefix = 'cohort-'): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** Starts the built broker (`npm run build` first) and resolves once it accepts connections. */
export const startBrokerProcess = async (
  opts: { dataDir?: string; port?: number; args?: string[]; env?: NodeJS.ProcessEnv; untilLoaded?: boolean } = {},
): Promise<BrokerProcess> => {
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? tempDir();
  const child = spawn(
    process.execPath,
    [BIN, '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(port), '--advertised-host', '127.0.0.1',
      '--group-initial-rebalance-delay-ms', '0', ...(opts.args ?? [])],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } },
  );
  const logs: string[] = [];
  let exited: number | null | undefined;
  const exitPromise = new Promise<number | null>((resolve) => child.once('exit', (code, sig) => {
    exited = code ?? (sig ? 128 : null);
    resolve(code);
  }));
  let buf = '';
  child.stderr!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    logs.push(...lines);
  });
  child.stdout!.resume();
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`broker exited with ${exited}: ${logs.join('\n')}`);
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`broker did not start: ${logs.join('\n')}`);
    }
    await sleep(50);
  }
  // GEN-2: the broker listens before its MetaLog replay ends and answers group requests
  // COORDINATOR_LOAD_IN_PROGRESS meanwhile (clients retry). Tests that send raw requests at once wait
  // for the replay's log line (single-node, info logging), unless they ask to start talking earlier.
  const args = opts.args ?? [];
  const levelAt = args.indexOf('--log-level');
  const quiet = levelAt >= 0 && !['info', 'debug', 'trace'].includes(args[levelAt + 1] ?? '');
  if ((opts.untilLoaded ?? true) && !args.includes('--metalog') && !quiet) {
    while (!logs.some((l) => l.includes('recovery complete')) && exited === undefined && Date.now() < deadline) await sleep(10);
  }
  return {
    port,
    dataDir,
    child,
    bootstrap: `127.0.0.1:${port}`,
    logs,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (exited !== undefined) return exited;
      child.kill(signal);
      return exitPromise;
    },
    kill9: async () => {
      if (exited !== undefined) return;
      child.kill('SIGKILL');
      await exitPromise;
    },
  };
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
