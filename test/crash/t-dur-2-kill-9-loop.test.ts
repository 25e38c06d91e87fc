import { API_KEY } from '../../src/adapters/kafka/protocol';
import { startBrokerProcess, tempDir, sleep, freePort } from '../e2e/support/broker-process';
import { RawClient } from '../e2e/support/raw-client';
import { offsetFetchWhenLoaded } from './commit-workload';

/**
 * T-DUR-2: real SIGKILL crash loop under a commit-heavy load over the wire, on one data dir so damage
 * can accumulate. Ledger oracle: after every restart each key's committed offset is the last acked
 * one or a later sent one (P1/P3: lost_acked = 0, phantom = 0), and never goes back (time_travel = 0).
 * SIGKILL keeps the page cache, so this proves process-crash atomicity; fsync is T-DUR-1's job.
 */
const ITERATIONS = Number(process.env.DUR2_ITERATIONS ?? 100);
const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
const GROUPS = 8;
const PARTITIONS = 2;

const rng = (() => {
  let s = SEED >>> 0 || 1;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 0x100000000);
})();

interface Key { group: string; partition: number }

describe('T-DUR-2 real kill -9 crash loop (G1, G2)', () => {
  it(`${ITERATIONS} SIGKILLs at random points lose no acknowledged commit (seed ${SEED})`, async () => {
    console.log(`T-DUR-2 seed=${SEED} iterations=${ITERATIONS}`);
    const dataDir = tempDir('cohort-dur2-');
    const port = await freePort();
    const args = ['--metalog-segment-bytes', '65536', '--snapshot-every-events', '2000'];
    const keys: Key[] = [];
    for (let g = 0; g < GROUPS; g++) for (let p = 0; p < PARTITIONS; p++) keys.push({ group: `g${g}`, partition: p });
    const acked = new Map<string, number>();
    const sent = new Map<string, number>();
    const lastSeen = new Map<string, number>();
    const id = (k: Key) => `${k.group}/${k.partition}`;
    let next = 1;
    const counts = { lost_acked: 0, phantom: 0, time_travel: 0, open_failures: 0, commits_acked: 0 };

    let broker = await startBrokerProcess({ dataDir, port, args });
    {
      const admin = await RawClient.connect(port);
      const r = await admin.send(API_KEY.CreateTopics, 3, { topics: [{ name: 'dur2', numPartitions: PARTITIONS, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
      expect(r.body.topics[0].errorCode).toBe(0);
      admin.close();
    }
    for (let i = 0; i < ITERATIONS; i++) {
      const clients = await Promise.all(Array.from({ length: 4 }, () => RawClient.connect(port)));
      let stop = false;
      const loops = clients.map(async (c, ci) => {
        while (!stop && !c.closed) {
          // Each key belongs to one client, which awaits every answer before its next commit: two
          // connections racing commits to one key have no defined order (in Kafka neither), so
          // "the last acked commit" would be ambiguous and the ledger would see false losses.
          const own = keys.filter((_, i) => i % clients.length === ci);
          const k = own[next % own.length]!;
          const offset = next++;
          sent.set(id(k), Math.max(sent.get(id(k)) ?? 0, offset));
          try {
            const res = await c.send(API_KEY.OffsetCommit, 2, {
              groupId: k.group, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n,
              topics: [{ name: 'dur2', partitions: [{ partitionIndex: k.partition, committedOffset: BigInt(offset), committedMetadata: `c${offset}` }] }],
            });
            if (res.body.topics[0].partitions[0].errorCode === 0) {
              acked.set(id(k), Math.max(acked.get(id(k)) ?? 0, offset));
              counts.commits_acked++;
            }
          } catch {
            return;
          }
        }
      });
      await sleep(50 + Math.floor(rng() * 450));
      await broker.kill9();
      stop = true;
      await Promise.all(loops);
      for (const c of clients) c.close();
      try {
        broker = await startBrokerProcess({ dataDir, port, args });
      } catch (err) {
        counts.open_failures++;
        throw err;
      }
      const reader = await RawClient.connect(port);
      for (let g = 0; g < GROUPS; g++) {
        const res = await offsetFetchWhenLoaded(reader, { groupId: `g${g}`, topics: [{ name: 'dur2', partitionIndexes: [...Array(PARTITIONS).keys()] }] });
        for (const p of res.body.topics[0]?.partitions ?? []) {
          const key = `g${g}/${p.partitionIndex}`;
          const got = Number(p.committedOffset);
          const a = acked.get(key) ?? -1;
          if (got < a) counts.lost_acked++;
          if (got > (sent.get(key) ?? -1)) counts.phantom++;
          if (got < (lastSeen.get(key) ?? -1)) counts.time_travel++;
          lastSeen.set(key, got);
          // A later sent-but-unacked commit that survived is now the floor for the next round.
          if (got > a) acked.set(key, got);
        }
      }
      reader.close();
    }
    await broker.stop();
    console.log(`T-DUR-2 ledger ${JSON.stringify(counts)}`);
    expect(counts.commits_acked).toBeGreaterThan(ITERATIONS);
    expect({ lost_acked: counts.lost_acked, phantom: counts.phantom, time_travel: counts.time_travel, open_failures: counts.open_failures })
      .toEqual({ lost_acked: 0, phantom: 0, time_travel: 0, open_failures: 0 });
  }, 600_000);
});
