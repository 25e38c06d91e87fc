import { LeaseManager, type LeaseListener } from '../../../src/application/cluster/lease-manager';
import { FakeClock } from '../../fakes/fake-clock';
import { MemoryBucket, MemoryClusterKv } from '../../fakes/memory-cluster-kv';

const TTL = 3000;
const KEYS = ['shard.0', 'shard.1', 'shard.2', 'shard.3', 'shard.meta'];
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, child: () => silent } as never;
const flush = () => new Promise<void>((r) => setImmediate(r));

interface Node {
  readonly id: number;
  readonly clock: FakeClock;
  readonly leases: LeaseManager;
  readonly events: string[];
  paused: boolean;
}

const node = (bucket: MemoryBucket, id: number): Node => {
  const clock = new FakeClock();
  const events: string[] = [];
  const listener: LeaseListener = { acquired: (k) => events.push(`+${k}`), lost: (k) => events.push(`-${k}`) };
  const leases = new LeaseManager(new MemoryClusterKv(bucket), clock, clock, { self: { nodeId: id, host: '127.0.0.1', port: 9000 + id }, keys: KEYS, sticky: new Set(['shard.meta']), ttlMs: TTL }, listener, silent);
  return { id, clock, leases, events, paused: false };
};

/** Advances every running node's clock in 50 ms steps; a paused node's clock stands still (SIGSTOP), then catches up. */
const run = async (nodes: Node[], ms: number, each?: () => void): Promise<void> => {
  for (let t = 0; t < ms; t += 50) {
    for (const n of nodes) if (!n.paused) n.clock.advance(50);
    await flush();
    await flush();
    each?.();
  }
};

/** No key is held (valid lease, on its own clock) by two running nodes at once. */
const assertNoDoubleOwner = (nodes: Node[]): void => {
  for (const k of KEYS) {
    const owners = nodes.filter((n) => !n.paused && n.leases.owns(k)).map((n) => n.id);
    expect({ key: k, owners: owners.length <= 1 }).toEqual({ key: k, owners: true });
  }
};

describe('issue 15: shard leases (LeaseManager over a CAS key-value bucket)', () => {
  test('leases spread: the controller keeps only the metadata shard, the others share the group shards; never two owners', async () => {
    const bucket = new MemoryBucket();
    const nodes = [node(bucket, 1), node(bucket, 2), node(bucket, 3)];
    for (const n of nodes) await n.leases.start();
    await run(nodes, 3 * TTL, () => assertNoDoubleOwner(nodes));
    const owned = nodes.map((n) => n.leases.ownedKeys().sort());
    expect(owned.flat().sort()).toEqual([...KEYS].sort());
    const controller = nodes.find((n) => n.leases.owns('shard.meta'))!;
    expect(controller.leases.ownedKeys()).toEqual(['shard.meta']);
    for (const n of nodes.filter((x) => x !== controller)) expect(n.leases.ownedKeys()).toHaveLength(2);
  });

  test('a dead owner\'s leases are taken over only after the TTL; a paused owner resumes already stepped down', async () => {
    const bucket = new MemoryBucket();
    const nodes = [node(bucket, 1), node(bucket, 2), node(bucket, 3)];
    for (const n of nodes) await n.leases.start();
    await run(nodes, 3 * TTL);
    const victim = nodes.find((n) => !n.leases.owns('shard.meta'))!;
    const keys = victim.leases.ownedKeys();
    expect(keys.length).toBeGreaterThan(0);
    victim.paused = true;
    const others = nodes.filter((n) => n !== victim);
    // Its last renewal was at most one tick (1 s) before the pause: until TTL after it, nobody takes its keys.
    await run(nodes, TTL - 1100);
    for (const k of keys) expect(others.some((n) => n.leases.owns(k))).toBe(false);
    // Within TTL + 2 s of the pause every key has a new owner.
    await run(nodes, 3100);
    for (const k of keys) expect(others.filter((n) => n.leases.owns(k))).toHaveLength(1);
    // The paused node wakes up: its clock jumps; it owns nothing any more, before any renewal could run.
    victim.paused = false;
    for (const k of keys) expect(victim.leases.owns(k)).toBe(false);
    for (const k of keys) expect(victim.events).toContain(`-${k}`);
    await run(nodes, TTL, () => assertNoDoubleOwner(nodes));
  });

  test('a lease whose renewal is refused (someone else wrote it) is lost at once', async () => {
    const bucket = new MemoryBucket();
    const a = node(bucket, 1);
    await a.leases.start();
    await run([a], 500);
    expect(a.leases.owns('shard.0')).toBe(true);
    bucket.write('shard.0', JSON.stringify({ nodeId: 9, host: 'x', port: 1 }), null);
    await flush();
    expect(a.leases.owns('shard.0')).toBe(false);
    expect(a.events).toContain('-shard.0');
  });

  test('an unreachable bucket: the owner steps down when its lease runs out', async () => {
    const bucket = new MemoryBucket();
    const a = node(bucket, 1);
    await a.leases.start();
    await run([a], 500);
    expect(a.leases.ownedKeys().length).toBe(KEYS.length);
    bucket.down = true;
    await run([a], TTL + 100);
    expect(a.leases.ownedKeys()).toEqual([]);
  });
});

describe('issue 15: partition leases (dynamic keys, one fair share per key family)', () => {
  const withPartitions = (bucket: MemoryBucket, id: number, parts: () => string[]): Node => {
    const clock = new FakeClock();
    const events: string[] = [];
    const listener: LeaseListener = { acquired: (k) => events.push(`+${k}`), lost: (k) => events.push(`-${k}`) };
    const leases = new LeaseManager(new MemoryClusterKv(bucket), clock, clock, {
      self: { nodeId: id, host: '127.0.0.1', port: 9000 + id }, keys: KEYS, sticky: new Set(['shard.meta']), ttlMs: TTL, dynamicKeys: parts,
    }, listener, silent);
    return { id, clock, leases, events, paused: false };
  };

  test('partitions and shards are each spread over the non-controller brokers; a dead leader\'s partitions move; a deleted topic\'s lease is handed back', async () => {
    const bucket = new MemoryBucket();
    let parts = ['part.a.0', 'part.a.1', 'part.a.2', 'part.a.3', 'part.b.0', 'part.b.1'];
    const nodes = [1, 2, 3].map((id) => withPartitions(bucket, id, () => parts));
    for (const n of nodes) await n.leases.start();
    await run(nodes, 3 * TTL);
    const controller = nodes.find((n) => n.leases.owns('shard.meta'))!;
    const others = nodes.filter((n) => n !== controller);
    expect(controller.leases.ownedKeys()).toEqual(['shard.meta']);
    for (const n of others) {
      const mine = n.leases.ownedKeys();
      // Fair share per family: 4 shards and 6 partitions over two brokers.
      expect(mine.filter((k) => k.startsWith('shard.'))).toHaveLength(2);
      expect(mine.filter((k) => k.startsWith('part.'))).toHaveLength(3);
    }
    const victim = others[0]!;
    const survivor = others[1]!;
    const moved = victim.leases.ownedKeys().filter((k) => k.startsWith('part.'));
    victim.paused = true;
    await run(nodes, TTL + 2000);
    for (const k of moved) expect(survivor.leases.owns(k)).toBe(true);
    // Topic b deleted: its partitions leave the key list and their leases are handed back.
    parts = parts.filter((k) => !k.startsWith('part.b.'));
    await run(nodes.filter((n) => n !== victim), 2 * TTL);
    expect(survivor.leases.ownedKeys().filter((k) => k.startsWith('part.b.'))).toEqual([]);
    expect(survivor.leases.ownedKeys().filter((k) => k.startsWith('part.a.')).sort()).toEqual(['part.a.0', 'part.a.1', 'part.a.2', 'part.a.3']);
  });
});
