import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { connect, StorageType } from 'nats';

/** One nats-server process of a test cluster. */
export interface NatsNode {
  readonly name: string;
  readonly port: number;
  readonly clusterPort: number;
  readonly dir: string;
  child: ChildProcess | null;
  readonly logs: string[];
}

/** A 3-node (by default) JetStream cluster on 127.0.0.1: temp dirs, free ports, R3-capable. */
export interface NatsCluster {
  readonly nodes: readonly NatsNode[];
  /** `jetstream://127.0.0.1:p1,127.0.0.1:p2,...` for `--metalog`. */
  readonly url: string;
  readonly servers: string[];
  /** SIGKILLs one node (a NATS node loss). */
  kill(index: number): Promise<void>;
  /** Restarts a killed node on the same ports and store directory (does not wait: a lone node has no quorum). */
  restart(index: number): Promise<void>;
  /** Waits until JetStream answers (a meta leader is elected). */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const spawnNode = (node: NatsNode, routes: string): ChildProcess => {
  const child = spawn(
    'nats-server',
    ['-a', '127.0.0.1', '-p', String(node.port), '-n', node.name, '-js', '-sd', node.dir,
      '--cluster_name', 'cohort-test', '--cluster', `nats://127.0.0.1:${node.clusterPort}`, '--routes', routes],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.resume();
  child.stderr!.on('data', (d: Buffer) => {
    node.logs.push(...d.toString().split('\n').filter((l) => l.length > 0));
    if (node.logs.length > 500) node.logs.splice(0, node.logs.length - 500);
  });
  return child;
};

/** A node process that exited on its own (e.g. a port taken since `freePort` chose it), with its last log lines. */
const deadNode = (nodes: readonly NatsNode[]): string | null => {
  const dead = nodes.find((n) => n.child !== null && n.child.exitCode !== null);
  return dead === undefined ? null : `node ${dead.name} exited (${dead.child!.exitCode}): ${dead.logs.slice(-3).join(' | ')}`;
};

/**
 * Waits until the JetStream meta leader is elected (account info answers) and, with `replicas`, until
 * a stream of that many replicas can be placed: a leader elected by a quorum may not know the last
 * node yet, and an R3 stream created then fails with "no suitable peers for placement" (it failed a
 * clean-clone CI run of split-brain and jetstream-fencing). Gives up early when a node has exited.
 */
const waitForJetStream = async (servers: string[], replicas = 0, nodes: readonly NatsNode[] = [], waitMs = 30_000): Promise<void> => {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const nc = await connect({ servers, timeout: 1000, reconnect: false });
      try {
        const jsm = await nc.jetstreamManager({ timeout: 1000 });
        await jsm.getAccountInfo();
        if (replicas > 1) {
          const probe = `cohort_placement_probe_${process.pid}`;
          await jsm.streams.add({ name: probe, subjects: [probe], num_replicas: replicas, storage: StorageType.Memory });
          await jsm.streams.delete(probe);
        }
        return;
      } finally {
        await nc.close();
      }
    } catch (err) {
      const dead = deadNode(nodes);
      if (dead !== null || Date.now() > deadline) {
        const logs = nodes.map((n) => `${n.name}: ${n.logs.slice(-2).join(' | ')}`).join('; ');
        throw new Error(`JetStream cluster did not form: ${dead ?? (err as Error).message}${logs === '' ? '' : ` (${logs})`}`);
      }
      await sleep(200);
    }
  }
};

/** One try at a cluster: fresh directories and ports, every node spawned, ready for `size` replicas. */
const formCluster = async (size: number, waitMs: number): Promise<{ root: string; nodes: NatsNode[]; routes: string; servers: string[] }> => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-nats-'));
  const nodes: NatsNode[] = [];
  for (let i = 0; i < size; i++) {
    const dir = path.join(root, `n${i}`);
    fs.mkdirSync(dir);
    nodes.push({ name: `n${i}`, port: await freePort(), clusterPort: await freePort(), dir, child: null, logs: [] });
  }
  const routes = nodes.map((n) => `nats://127.0.0.1:${n.clusterPort}`).join(',');
  for (const n of nodes) n.child = spawnNode(n, routes);
  const servers = nodes.map((n) => `127.0.0.1:${n.port}`);
  try {
    await waitForJetStream(servers, size, nodes, waitMs);
  } catch (err) {
    for (const n of nodes) n.child?.kill('SIGKILL');
    await Promise.all(nodes.map((n) => (n.child === null || n.child.exitCode !== null ? undefined : new Promise((r) => n.child!.once('exit', r)))));
    fs.rmSync(root, { recursive: true, force: true });
    throw err;
  }
  return { root, nodes, routes, servers };
};

/**
 * Starts `size` nats-server nodes clustered on loopback with JetStream, and waits until a stream of
 * `size` replicas can be placed. A cluster that does not form (a node that died on a port another
 * test took after `freePort` chose it; a clean-clone CI run of 23376d1 waited 30 s for placement in
 * cluster/bad-input) is thrown away and formed again on new ports, three tries at most.
 */
export const startNatsCluster = async (size = 3): Promise<NatsCluster> => {
  let formed: Awaited<ReturnType<typeof formCluster>> | undefined;
  for (let attempt = 1; formed === undefined; attempt++) {
    try {
      formed = await formCluster(size, 20_000);
    } catch (err) {
      if (attempt >= 3) throw err;
      process.stderr.write(`startNatsCluster: try ${attempt} failed, forming again on new ports: ${(err as Error).message}\n`);
    }
  }
  const { root, nodes, routes, servers } = formed;
  const killNode = async (n: NatsNode): Promise<void> => {
    const child = n.child;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    n.child = null;
  };
  return {
    nodes,
    servers,
    url: `jetstream://${servers.join(',')}`,
    kill: (i) => killNode(nodes[i]!),
    restart: async (i) => {
      nodes[i]!.child = spawnNode(nodes[i]!, routes);
    },
    ready: () => waitForJetStream(servers),
    stop: async () => {
      for (const n of nodes) await killNode(n);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
};
