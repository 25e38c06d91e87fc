import { API_KEY } from '../../src/adapters/kafka/protocol';
import { freePort, sleep, tempDir } from '../e2e/support/broker-process';
import { RawClient } from '../e2e/support/raw-client';
import { createTopic, WORKLOAD_TOPIC } from './commit-workload';
import { spawnWrappedBroker } from './wrapped-broker';

/**
 * T-DUR-10 read-committed and pipelining order (reliability.md C1, G6): every fdatasync is delayed
 * 200 ms by strace. Connection A sends OffsetCommit(x=7) and, pipelined behind it, Heartbeat and
 * OffsetFetch; connection B polls OffsetFetch every 5 ms. Pass: B never sees 7 before A's commit
 * response has arrived (0 of ≥ 1,000 probes), A's three responses arrive in order, and A's own
 * OffsetFetch returns 7 (one connection is processed in order).
 */
const MIN_PROBES = 1_000;
const MAX_ROUNDS = 60;

describe('T-DUR-10 read-committed with a slow fsync (G6)', () => {
  it(`T-DUR-10 0 of ≥ ${MIN_PROBES} probes see a commit before its ack; A's pipelined responses come in order`, async () => {
    const port = await freePort();
    const broker = spawnWrappedBroker({
      dataDir: tempDir('cohort-dur10-'), port,
      wrapper: ['strace', '-f', '-qq', '-o', '/dev/null', '-e', 'trace=fdatasync', '-e', 'inject=fdatasync:delay_enter=200000'],
    });
    try {
      expect(await broker.ready()).toBe(true);
      expect(await createTopic(port, WORKLOAD_TOPIC, 1)).toBe(0);
      const a = await RawClient.connect(port);
      const b = await RawClient.connect(port);
      // One arrival counter for both sockets: response handlers run one at a time, in arrival order.
      let arrivals = 0;
      let current: string | null = null;
      let polling = true;
      const probes: Array<{ group: string; value: number; arrival: number }> = [];
      const poller = (async () => {
        while (polling) {
          const group = current;
          if (group !== null) {
            const res = await b.send(API_KEY.OffsetFetch, 3, { groupId: group, topics: [{ name: WORKLOAD_TOPIC, partitionIndexes: [0] }] });
            probes.push({ group, value: Number(res.body.topics[0]?.partitions[0]?.committedOffset ?? -1), arrival: ++arrivals });
          }
          await sleep(5);
        }
      })();
      const rounds: Array<{ group: string; commit: number; heartbeat: number; fetch: number; commitCode: number; fetched: number; sentAfter: number }> = [];
      for (let r = 0; r < MAX_ROUNDS && probes.length < MIN_PROBES; r++) {
        const group = `rc${r}`;
        current = group;
        await sleep(10);
        const sentAfter = arrivals;
        const commit = a.send(API_KEY.OffsetCommit, 2, {
          groupId: group, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n,
          topics: [{ name: WORKLOAD_TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 7n, committedMetadata: 'x=7' }] }],
        }).then((res) => ({ res, at: ++arrivals }));
        const heartbeat = a.send(API_KEY.Heartbeat, 3, { groupId: group, generationId: -1, memberId: '', groupInstanceId: null }).then((res) => ({ res, at: ++arrivals }));
        const fetch = a.send(API_KEY.OffsetFetch, 3, { groupId: group, topics: [{ name: WORKLOAD_TOPIC, partitionIndexes: [0] }] }).then((res) => ({ res, at: ++arrivals }));
        const [c, h, f] = await Promise.all([commit, heartbeat, fetch]);
        rounds.push({
          group, commit: c.at, heartbeat: h.at, fetch: f.at, sentAfter,
          commitCode: c.res.body.topics[0].partitions[0].errorCode,
          fetched: Number(f.res.body.topics[0].partitions[0].committedOffset),
        });
        await sleep(10);
      }
      polling = false;
      await poller;
      a.close();
      b.close();
      const byGroup = new Map(rounds.map((r) => [r.group, r]));
      const early = probes.filter((p) => p.value === 7 && p.arrival < byGroup.get(p.group)!.commit);
      // Probes answered while a commit's fsync was pending: B was not blocked, so the check has teeth.
      const duringFsync = probes.filter((p) => {
        const r = byGroup.get(p.group);
        return r !== undefined && p.arrival > r.sentAfter && p.arrival < r.commit;
      });
      const sawCommitted = probes.filter((p) => p.value === 7).length;
      console.log(`T-DUR-10 rounds=${rounds.length} probes=${probes.length} duringFsync=${duringFsync.length} saw7=${sawCommitted} early=${early.length} ownFetchNot7=${rounds.filter((r) => r.fetched !== 7).length}/${rounds.length}`);
      expect(probes.length).toBeGreaterThanOrEqual(MIN_PROBES);
      expect(duringFsync.length).toBeGreaterThan(0);
      expect(early).toEqual([]);
      for (const r of rounds) {
        expect(r.commitCode).toBe(0);
        expect(r.commit).toBeLessThan(r.heartbeat);
        expect(r.heartbeat).toBeLessThan(r.fetch);
        expect(r.fetched).toBe(7);
      }
    } finally {
      await broker.kill9();
    }
  }, 90_000);
});
