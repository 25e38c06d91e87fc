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

/**
 * Waits until the JetStream meta leader is elected (account info answers) and, with `replicas`, until
 * a stream of that many replicas can be placed: a leader elected by a quorum may not know the last
 * node yet, and an R3 stream created then fails with "no suitable peers for placement" (it failed a
 * clean-clone CI run of split-brain and jetstream-fencing).
 */
const waitForJetStream = async (servers: string[], replicas = 0): Promise<void> => {
  const deadline = Date.now() + 30_000;
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
      if (Date.now() > deadline) throw new Error(`JetStream cluster did not form: ${(err as Error).message}`);
      await sleep(200);
    }
  }
};

/** Starts `size` nats-server nodes clustered on loopback with JetStream, and waits for a meta leader. */
export const startNatsCluster = async (size = 3): Promise<NatsCluster> => {
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
  await waitForJetStream(servers, size);
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
