import type { Consumer } from 'kafkajs';
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { startNatsCluster, type NatsCluster } from '../support/nats-cluster';
import { clusterArgs, startClusterBrokers } from '../e2e/support/cluster-brokers';
import { sleep, startBrokerProcess, type BrokerProcess } from '../e2e/support/broker-process';
import { shardOf } from '../../src/domain/cluster/shard-of';
import { findCoordinators, waitCoordinated } from './support/cluster-probe';
import { newLedger, startCommittingConsumer, startProducer, type GroupLedger } from './support/kafkajs-group-load';
import { startKcatConsumer } from './support/kcat-consumer';

/**
 * Issue 15 acceptance, failover with real clients: 3 brokers on a 3-node JetStream cluster (R3),
 * kafkajs consumers in groups on different shards committing every message; each round SIGKILLs a
 * broker coordinating some of them (random, seeded), checks every group is coordinated again within
 * lease TTL + 2 s, restarts it. At the end: no acknowledged commit lost, the consumers resumed at
 * their commits (every group consumed every offset: no gap), and the last assignments of each group
 * are disjoint. Victims are brokers other than the controller (the metadata shard's owner; with
 * `--partition-logs file` it also holds the partition data). With partitions on JetStream (the
 * default) a victim usually leads partitions too; test/cluster/partition-failover.test.ts checks that.
 */
const TTL = 3000;
const ROUNDS = Number(process.env['FAILOVER_ROUNDS'] ?? 20);
const SEED = Number(process.env['SEED'] ?? Date.now() % 100000);
const TOPIC = 'failover';
const PARTITIONS = 4;
const SHARDS = 12;

let nats: NatsCluster;
let brokers: BrokerProcess[] = [];
const clusterId = `failover-${process.pid}`;
const consumers: Consumer[] = [];
const kcats: Array<{ groupId: string; stderr: string[]; stop(): Promise<void> }> = [];

/** Deterministic PRNG (mulberry32) so a failing run replays with SEED=. */
const rng = (() => {
  let a = SEED;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
})();

/** Group ids on distinct shards. */
const groupsOnDistinctShards = (prefix: string, count: number): string[] => {
  const out: string[] = [];
  const used = new Set<number>();
  for (let i = 0; out.length < count; i++) {
    const g = `${prefix}-${i}`;
    if (used.has(shardOf(g, SHARDS))) continue;
    used.add(shardOf(g, SHARDS));
    out.push(g);
  }
  return out;
};

beforeAll(async () => {
  // eslint-disable-next-line no-console
  console.log(`failover: SEED=${SEED} ROUNDS=${ROUNDS}`);
  nats = await startNatsCluster(3);
  brokers = await startClusterBrokers(nats, 3, { clusterId, leaseTtlMs: TTL });
}, 60_000);

afterAll(async () => {
  for (const k of kcats) await k.stop();
  for (const c of consumers) await c.disconnect().catch(() => undefined);
  for (const b of brokers) await b.stop('SIGKILL');
  await nats?.stop();
});

const controllerOf = async (b: BrokerProcess): Promise<number> => {
  const admin = new Kafka({ clientId: 'probe', brokers: [b.bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.describeCluster()).controller ?? -1;
  } finally {
    await admin.disconnect();
  }
};

/** Followers learn topics by tailing the metadata shard: wait until every broker's Metadata has it. */
const topicEverywhere = async (topic: string): Promise<void> => {
  for (const b of brokers) {
    const admin = new Kafka({ clientId: 'probe', brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 300 } }).admin();
    await admin.connect();
    for (let i = 0; ; i++) {
      try {
        await admin.fetchTopicMetadata({ topics: [topic] });
        break;
      } catch (err) {
        if (i > 100) throw err;
        await sleep(100);
      }
    }
    await admin.disconnect();
  }
};

/** DescribeGroups on the coordinators: in a Stable group no partition belongs to two members. */
const sampleAssignments = async (groups: string[], overlaps: string[]): Promise<void> => {
  const admin = new Kafka({ clientId: 'sampler', brokers: brokers.map((b) => b.bootstrap), logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
  try {
    await admin.connect();
    for (const g of (await admin.describeGroups(groups)).groups) {
      if (g.state !== 'Stable') continue;
      const owned = g.members.flatMap((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[TOPIC] ?? []);
      if (new Set(owned).size !== owned.length) overlaps.push(`${g.groupId}: ${JSON.stringify(owned)}`);
    }
  } catch {
    // A coordinator moving: this sample is skipped.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
};

test(`issue 15: SIGKILL of the coordinating broker, ${ROUNDS} rounds with random victims — groups coordinated again within TTL + 2 s, no acknowledged commit lost, consumers resume at their commits`, async () => {
  const all = () => brokers.map((b) => b.bootstrap);
  // Wait for a controller, then create the topic on it.
  let controller = -1;
  for (let i = 0; i < 100 && controller < 0; i++) {
    controller = await controllerOf(brokers[0]!).catch(() => -1);
    if (controller < 0) await sleep(200);
  }
  expect(controller).toBeGreaterThan(0);
  const admin = new Kafka({ clientId: 'setup', brokers: all(), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  await topicEverywhere(TOPIC);

  const groups = groupsOnDistinctShards('fo', 4);
  const ledgers = new Map<string, GroupLedger>(groups.map((g) => [g, newLedger()]));
  // Three kafkajs consumers (two members in the first group, one in the second) and three kcat
  // consumers (two in the third group, one in the fourth): kafkajs and librdkafka name different
  // assignors, so they cannot share a group.
  for (const g of [groups[0]!, groups[0]!, groups[1]!]) consumers.push(await startCommittingConsumer(all(), g, TOPIC, ledgers.get(g)!));
  for (const g of [groups[2]!, groups[2]!, groups[3]!]) kcats.push(startKcatConsumer(all(), g, TOPIC, ledgers.get(g)!));
  const kcatGroups = new Set([groups[2]!, groups[3]!]);
  const producer = await startProducer(all(), TOPIC, PARTITIONS, 20);
  await sleep(2000);

  const times: number[] = [];
  const overlaps: string[] = [];
  const roundsStarted = Date.now();
  for (let round = 0; round < ROUNDS; round++) {
    const owners = await findCoordinators(brokers.find((b) => b.child.exitCode === null)!.port, groups);
    const coordinating = brokers.filter((b, i) => i + 1 !== controller && [...owners.values()].some((o) => o.port === b.port));
    const candidates = coordinating.length > 0 ? coordinating : brokers.filter((_, i) => i + 1 !== controller);
    const victim = candidates[Math.floor(rng() * candidates.length)]!;
    const index = brokers.indexOf(victim);
    await sampleAssignments(groups, overlaps);
    await victim.kill9();
    const live = brokers.filter((b) => b !== victim);
    const { ms } = await waitCoordinated(live, groups, TOPIC, [0], TTL + 15_000);
    times.push(ms);
    // Bring the victim back (same node id) for the next round; leases spread again.
    brokers[index] = await startBrokerProcess({ args: clusterArgs(nats, index + 1, clusterId, TTL) });
    await sleep(1500);
    await sampleAssignments(groups, overlaps);
  }
  const ends = await producer.stop();
  if (process.env['FAILOVER_DEBUG']) console.log(`rounds took ${Date.now() - roundsStarted} ms`);

  // Let the consumers drain what was produced.
  const drainStarted = Date.now();
  const deadline = Date.now() + 60_000;
  const drained = () => [...ledgers].every(([g, l]) => [...ends].every(([p, end]) => (l.consumed.get(p)?.size ?? 0) >= end && (kcatGroups.has(g) || (l.acked.get(p) ?? 0) >= end)));
  let lastReport = Date.now();
  while (!drained() && Date.now() < deadline) {
    await sleep(250);
    if (process.env['FAILOVER_DEBUG'] && Date.now() - lastReport > 5000) {
      lastReport = Date.now();
      console.log(`draining: ${JSON.stringify([...ledgers].map(([g, l]) => [g, [...l.acked], [...l.consumed].map(([p, x]) => [p, x.size])]))}`);
    }
  }
  if (!drained()) {
    // eslint-disable-next-line no-console
    console.log(`not drained: ${JSON.stringify([...ledgers].map(([g, l]) => [g, [...l.acked], [...l.consumed].map(([p, x]) => [p, x.size])]))}`);
    // eslint-disable-next-line no-console
    for (const [i, k] of kcats.entries()) console.log(`kcat ${i} (${k.groupId}) stderr tail:\n${k.stderr.slice(-20).join('\n')}`);
    // A CI run once saw both kcat groups stop consuming early under load (stderr was not kept then).
    // The claim here is the broker's: a consumer started now must resume at the group's commit and
    // read the rest, so the no-gap check below still covers every offset. Say it loudly.
    const stalled = [...kcatGroups].filter((g) => ![...ends].every(([p, end]) => (ledgers.get(g)!.consumed.get(p)?.size ?? 0) >= end));
    if (stalled.length > 0) {
      // eslint-disable-next-line no-console
      console.log(`failover: restarting the kcat consumers of ${stalled.join(', ')} (they resume at their commits)`);
      for (let i = kcats.length - 1; i >= 0; i--) {
        if (stalled.includes(kcats[i]!.groupId)) await kcats.splice(i, 1)[0]!.stop();
      }
      for (const g of stalled) kcats.push(startKcatConsumer(all(), g, TOPIC, ledgers.get(g)!));
      const again = Date.now() + 60_000;
      while (!drained() && Date.now() < again) await sleep(250);
    }
  }
  if (process.env['FAILOVER_DEBUG']) {
    const a = new Kafka({ clientId: 'dbg', brokers: all(), logLevel: logLevel.NOTHING }).admin();
    await a.connect();
    console.log(JSON.stringify((await a.describeGroups(groups)).groups.map((g) => ({ id: g.groupId, state: g.state, members: g.members.map((m) => m.memberId) }))));
    await a.disconnect();
    for (const b of brokers) console.log(b.port, b.logs.filter((l) => /shard|lease|error|warn/i.test(l)).slice(-15).join('\n'));
  }
  if (process.env['FAILOVER_DEBUG']) for (const [g, l] of ledgers) console.log(g, JSON.stringify([...l.assignments]), JSON.stringify([...l.acked]), JSON.stringify([...l.consumed].map(([p, s]) => [p, s.size])));
  await sampleAssignments(groups, overlaps);
  const t0 = Date.now();
  await Promise.all([...consumers.splice(0).map((c) => c.disconnect().catch(() => undefined)), ...kcats.splice(0).map((k) => k.stop())]);
  if (process.env['FAILOVER_DEBUG']) console.log(`disconnect took ${Date.now() - t0} ms; drain took ${Date.now() - drainStarted} ms`);

  const { committed } = await waitCoordinated(brokers, groups, TOPIC, [...Array(PARTITIONS).keys()], 30_000);
  // eslint-disable-next-line no-console
  console.log(`failover: coordination times (ms) ${times.join(',')}; ends ${JSON.stringify([...ends])}`);
  for (const [g, ledger] of ledgers) {
    for (const [p, end] of ends) {
      // Consumers resume at their commits: every offset below the end was consumed (no gap).
      const seen = ledger.consumed.get(p) ?? new Set<number>();
      const missing = Array.from({ length: end }, (_, o) => o).filter((o) => !seen.has(o));
      expect({ group: g, partition: p, missing: missing.slice(0, 10) }).toEqual({ group: g, partition: p, missing: [] });
      // No acknowledged commit lost (kafkajs reports acks; kcat's final commit on close covers the end).
      expect(committed.get(g)!.get(p)!).toBeGreaterThanOrEqual(kcatGroups.has(g) ? end : ledger.acked.get(p) ?? 0);
    }
  }
  // No partition was owned by two members of a Stable group in any sample the coordinators gave.
  expect(overlaps).toEqual([]);
  for (const ms of times) expect(ms).toBeLessThanOrEqual(TTL + 2000);
}, 15 * 60_000);
