import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { sleep } from '../e2e/support/broker-process';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/cohort-server.js');

/** How a wrapped broker ended: exit code or signal, and when (ms since the epoch). */
export interface BrokerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
}

/**
 * A cohort-server started through a wrapper command (`strace …`, `fiu-run -x`) or directly.
 * `child` is the wrapper; `nodePid()` finds the broker itself (the wrapper's child under strace,
 * the same process under fiu-run, which execs).
 */
export interface WrappedBroker {
  readonly port: number;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** stderr lines seen so far. */
  readonly stderr: string[];
  /** Resolves when the wrapper process exits. */
  readonly exit: Promise<BrokerExit>;
  exited(): BrokerExit | null;
  /** The pid of the node process running the broker. */
  nodePid(): number;
  /** Resolves true once the port accepts connections, false if the process exited first or `ms` passed. */
  ready(ms?: number): Promise<boolean>;
  /** SIGKILLs the broker (and the wrapper) and waits for the wrapper to exit. */
  kill9(): Promise<BrokerExit>;
  /** SIGTERMs the broker itself (a wrapper such as strace then exits with it) and waits. */
  stop(): Promise<BrokerExit>;
}

/** The broker's own command line (node + cli + flags) on 127.0.0.1:`port`. */
export const brokerCommand = (dataDir: string, port: number, args: readonly string[] = []): string[] => [
  process.execPath, BIN, '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(port),
  '--advertised-host', '127.0.0.1', '--group-initial-rebalance-delay-ms', '0', ...args,
];

/** Spawns `wrapper… node cohort-server …` without waiting for it to listen (see `ready`). */
export const spawnWrappedBroker = (opts: { dataDir: string; port: number; args?: readonly string[]; wrapper?: readonly string[] }): WrappedBroker => {
  const cmd = [...(opts.wrapper ?? []), ...brokerCommand(opts.dataDir, opts.port, opts.args)];
  const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  let buf = '';
  child.stderr!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    stderr.push(...lines);
  });
  let done: BrokerExit | null = null;
  const exit = new Promise<BrokerExit>((resolve) =>
    child.once('exit', (code, signal) => {
      if (buf.length > 0) stderr.push(buf);
      done = { code, signal, at: Date.now() };
      resolve(done);
    }),
  );
  const direct = (opts.wrapper ?? []).length === 0 || opts.wrapper![0] === 'fiu-run';
  const nodePid = (): number => {
    if (direct) return child.pid!;
    // strace forks the tracee: the broker is the wrapper's only child.
    const children = fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    if (children.length === 0) throw new Error('traced broker has no process yet');
    return Number(children[0]);
  };
  return {
    port: opts.port,
    dataDir: opts.dataDir,
    child,
    stderr,
    exit,
    exited: () => done,
    nodePid,
    ready: async (ms = 20_000) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (done !== null) return false;
        if (await canConnect(opts.port)) return true;
        await sleep(20);
      }
      return false;
    },
    kill9: async () => {
      if (done !== null) return done;
      let pid = child.pid!;
      try {
        pid = nodePid();
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone: the wrapper is about to exit on its own.
      }
      // strace exits only once its tracee is dead, so the port is free when `exit` resolves; killing
      // strace first would detach a broker that still holds the port for a moment.
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const result = await exit;
      clearTimeout(timer);
      while (fs.existsSync(`/proc/${pid}`) && !isZombie(pid)) await sleep(5);
      return result;
    },
    stop: async () => {
      if (done !== null) return done;
      process.kill(nodePid(), 'SIGTERM');
      return exit;
    },
  };
};

const isZombie = (pid: number): boolean => {
  try {
    return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
};

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
