import fc from 'fast-check';
import { CrashFileSystem } from '../../fakes/crash-file-system';
import { FakeClock } from '../../fakes/fake-clock';
import { MemoryTopics } from '../../fakes/memory-topics';
import { FileMetaLog } from '../../../src/adapters/wal/file-meta-log';
import { GroupCoordinator, defaultGroupCoordinatorConfig } from '../../../src/application/group-coordinator';
import type { ConsumerHeartbeatResult } from '../../../src/application/group/group-api';
import { ErrorCode } from '../../../src/domain/error-code';
import { normalize, type Assignment } from '../../../src/domain/group/consumer/assignment';
import { consumerGroupState } from '../../../src/domain/group/consumer/consumer-group';
import { isGroupEvent, type GroupEvent } from '../../../src/domain/group/events';
import { replay } from '../../../src/domain/group/evolve';
import { recover } from '../../../src/domain/group/recover';
import { snapshotEvents } from '../../../src/domain/group/snapshot-events';
import type { MetaEvent } from '../../../src/domain/meta-event';
import type { LogPosition, MetaLog } from '../../../src/ports/meta-log';
import { coordinatorOver, settle } from '../../unit/group/group-harness';
import { hb, joinHb } from '../../unit/group/consumer-harness';
import { kafkaConsumerReload, projectConsumers } from './kafka-consumer-reload';

/**
 * Issue 12 acceptance, model-based (fc.commands, fake clock, CrashFS): random KIP-848 joins,
 * leaves, heartbeats, silent deaths, members that refuse to revoke, timer expiries and broker
 * crashes at any file operation. After every command: the live aggregate equals the replay of
 * every event (PE-10), no partition is held or revoked by two members, and no two clients at their
 * current epoch own the same partition; after every crash recover(replay(durable prefix)) equals
 * Kafka's reload of those records (PE-11); at the end every member converges to its target.
 */
const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() ^ (Math.random() * 0x7fffffff);
// eslint-disable-next-line no-console
console.log(`consumer-model seed=${seed} (replay with SEED=${seed})`);

class RecordingLog implements MetaLog {
  readonly events: GroupEvent[] = [];
  constructor(readonly inner: FileMetaLog) {}
  append(events: readonly MetaEvent[]): Promise<LogPosition> {
    for (const e of events) if (isGroupEvent(e)) this.events.push(e);
    return this.inner.append(events);
  }
  replay(from: LogPosition, fn: (event: MetaEvent, position: LogPosition) => void): Promise<LogPosition> {
    return this.inner.replay(from, (e, p) => {
      if (isGroupEvent(e)) this.events.push(e);
      fn(e, p);
    });
  }
  nextPosition(): LogPosition {
    return this.inner.nextPosition();
  }
  truncateBefore(position: LogPosition): Promise<void> {
    return this.inner.truncateBefore(position);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

interface Client {
  readonly memberId: string;
  readonly instanceId: string | null;
  epoch: number;
  owned: Assignment;
  alive: boolean;
  /** Keeps reporting partitions it was asked to revoke (KC-26 rebalance timeout). */
  stubborn: boolean;
  busy: boolean;
}

interface World {
  fs: CrashFileSystem;
  log: RecordingLog;
  coord: GroupCoordinator;
  clients: Client[];
  crashes: number;
  stable: number;
}

const clock = new FakeClock();
const topics = new MemoryTopics({ t: 7, u: 3 });
const config = defaultGroupCoordinatorConfig({ consumerSessionTimeoutMs: 45_000, consumerHeartbeatIntervalMs: 5000 });
const T = topics.id('t');

const start = async (fs: CrashFileSystem) => {
  const log = new RecordingLog(new FileMetaLog(fs, { dir: '/data/metalog', segmentBytes: 8192 }));
  const coord = coordinatorOver(clock, log, config, topics).get(GroupCoordinator);
  await coord.start();
  return { log, coord };
};

const union = (a: Assignment, b: Assignment): Assignment => normalize([...a, ...b]);

const apply = (w: World, c: Client, coord: GroupCoordinator, r: ConsumerHeartbeatResult): void => {
  if (coord !== w.coord) return;
  c.busy = false;
  if (r.errorCode === ErrorCode.FENCED_MEMBER_EPOCH || r.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
    // librdkafka: drop every partition and rejoin with epoch 0 (same member id).
    c.epoch = 0;
    c.owned = [];
    return;
  }
  if (r.errorCode !== ErrorCode.NONE) return;
  c.epoch = r.memberEpoch;
  if (r.assignment !== null) c.owned = c.stubborn ? union(c.owned, r.assignment) : r.assignment;
};

const beat = (w: World, c: Client): void => {
  if (c.busy || !c.alive) return;
  c.busy = true;
  const coord = w.coord;
  const cmd = c.epoch === 0
    ? joinHb({ memberId: c.memberId, instanceId: c.instanceId, subscribedTopicNames: c.memberId.endsWith('2') ? ['t', 'u'] : ['t'] })
    : hb(c.memberId, c.epoch, c.owned, { instanceId: c.instanceId });
  void coord.consumerGroupHeartbeat(cmd).then((r) => apply(w, c, coord, r));
};

const checkInvariants = (w: World): void => {
  const live = w.coord.liveState();
  expect(replay(w.log.events)).toEqual(live);
  // PE-9: a snapshot at any cut (ConsumerGroupSnapshot + offsets) plus the tail = the whole.
  const cut = Math.floor(w.log.events.length / 2);
  expect(replay([...snapshotEvents(replay(w.log.events.slice(0, cut)), new Map()), ...w.log.events.slice(cut)])).toEqual(live);
  const g = w.coord.consumerGroupView('cg');
  if (g === undefined) return;
  const holder = new Map<string, string>();
  for (const m of g.members.values()) {
    for (const t of [...m.assigned, ...m.pendingRevocation]) {
      for (const p of t.partitions) {
        const k = `${t.topicId}/${p}`;
        expect([k, holder.get(k)]).toEqual([k, undefined]);
        holder.set(k, m.memberId);
      }
    }
  }
  const owner = new Map<string, string>();
  for (const c of w.clients) {
    const m = g.members.get(c.memberId);
    if (m === undefined || m.memberEpoch !== c.epoch || c.epoch <= 0) continue;
    for (const t of c.owned) {
      for (const p of t.partitions) {
        const k = `${t.topicId}/${p}`;
        expect([k, owner.get(k), c.memberId]).toEqual([k, undefined, c.memberId]);
        owner.set(k, c.memberId);
      }
    }
  }
  if (consumerGroupState(g) === 'Stable') w.stable++;
};

type Cmd = fc.AsyncCommand<object, World>;
const cmd = (name: string, run: (w: World) => Promise<void>): Cmd => ({ check: () => true, run: async (_m, w) => { await run(w); await settle(); await settle(); checkInvariants(w); }, toString: () => name });

const commands = (slots: number) => [
  fc.nat(slots - 1).map((i) => cmd(`join(${i})`, async (w) => { const c = w.clients[i]!; c.alive = true; beat(w, c); })),
  fc.nat(slots - 1).map((i) => cmd(`beat(${i})`, async (w) => beat(w, w.clients[i]!))),
  ...Array.from({ length: 6 }, () => fc.constant(cmd('beatAll', async (w) => { for (const c of w.clients) beat(w, c); }))),
  fc.nat(slots - 1).map((i) => cmd(`leave(${i})`, async (w) => {
    const c = w.clients[i]!;
    if (!c.alive || c.epoch <= 0 || c.busy) return;
    const coord = w.coord;
    c.busy = true;
    const r = await coord.consumerGroupHeartbeat(hb(c.memberId, c.instanceId !== null && i % 2 === 0 ? -2 : -1, null, { instanceId: c.instanceId }));
    if (coord !== w.coord) return;
    Object.assign(c, { busy: false, alive: false, epoch: 0, owned: [] });
    expect(r.errorCode === ErrorCode.NONE || r.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || r.errorCode === ErrorCode.FENCED_INSTANCE_ID).toBe(true);
  })),
  fc.nat(slots - 1).map((i) => cmd(`dies(${i})`, async (w) => { Object.assign(w.clients[i]!, { alive: false, epoch: 0, owned: [] }); })),
  fc.nat(slots - 1).map((i) => cmd(`stubborn(${i})`, async (w) => { w.clients[i]!.stubborn = !w.clients[i]!.stubborn; })),
  fc.constantFrom(100, 5000, 31_000, 46_000).map((ms) => cmd(`advance(${ms})`, async () => { clock.advance(ms); })),
  fc.tuple(fc.nat(30), fc.nat()).map(([ops, s]) => cmd(`crash(${ops},${s})`, async (w) => {
    w.fs.powerCutAfter(w.fs.counters.ops + ops);
    for (const c of w.clients) beat(w, c);
    await settle();
    await settle();
    let x = s;
    const rng = () => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const survivor = w.fs.crash(rng);
    w.coord.unload();
    w.fs = survivor;
    const { log, coord } = await start(survivor);
    Object.assign(w, { log, coord, crashes: w.crashes + 1 });
    for (const c of w.clients) c.busy = false;
    // PE-11: the restarted coordinator serves exactly Kafka's reload of the durable records.
    const replayed = replay(log.events);
    const recovered = replay(recover(replayed, clock.now(), config.groupMaxSize), replayed);
    expect(projectConsumers(recovered)).toEqual(kafkaConsumerReload(log.events));
    expect(projectConsumers(coord.liveState())).toEqual(kafkaConsumerReload(log.events));
  })),
];

describe('issue 12 KIP-848 reconciliation, model-based', () => {
  const totals = { stable: 0, crashes: 0, converged: 0 };
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`consumer-model coverage: ${JSON.stringify(totals)}`);
    expect(totals.stable).toBeGreaterThan(0);
    expect(totals.crashes).toBeGreaterThan(0);
  });

  test('KC-26 no partition owned twice in one epoch; PE-10 live = replay; PE-11 reload after crashes; every member converges to its target', async () => {
    const slots = 4;
    await fc.assert(
      fc.asyncProperty(fc.commands(commands(slots), { maxCommands: 60, size: 'max' }), async (cmds) => {
        const fs = new CrashFileSystem();
        const { log, coord } = await start(fs);
        const clients: Client[] = Array.from({ length: slots }, (_, i) => ({
          memberId: `member-${i}`, instanceId: i % 2 === 0 ? `inst-${i}` : null, epoch: 0, owned: [], alive: false, stubborn: false, busy: false,
        }));
        const world: World = { fs, log, coord, clients, crashes: 0, stable: 0 };
        await fc.asyncModelRun(() => ({ model: {}, real: world }), [...cmds]);
        // Convergence: the cooperative clients heartbeat every 5 s until the silent members' sessions
        // have expired (KC-28), then until nothing changes.
        for (const c of world.clients) Object.assign(c, { stubborn: false });
        for (let round = 0; round < 24; round++) {
          for (const c of world.clients) beat(world, c);
          await settle();
          await settle();
          clock.advance(round < 12 ? 5000 : 100);
        }
        checkInvariants(world);
        const g = world.coord.consumerGroupView('cg');
        if (g !== undefined && g.members.size > 0) {
          expect(consumerGroupState(g)).toBe('Stable');
          for (const m of g.members.values()) {
            const c = world.clients.find((x) => x.memberId === m.memberId)!;
            expect(c.alive).toBe(true);
            expect(c.owned).toEqual(m.assigned);
            expect(m.assigned).toEqual(g.targets.get(m.memberId) ?? []);
          }
          const assigned = [...g.members.values()].filter((m) => m.memberEpoch >= 0).flatMap((m) => m.assigned.filter((t) => t.topicId === T).flatMap((t) => t.partitions));
          if ([...g.members.values()].some((m) => m.memberEpoch >= 0)) expect(assigned.sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
          totals.converged++;
        }
        world.coord.unload();
        totals.stable += world.stable;
        totals.crashes += world.crashes;
      }),
      { seed, numRuns: 60, interruptAfterTimeLimit: 45_000 },
    );
    // fast-check stops starting runs after 45 s; Jest's bound leaves room for the last ones on a loaded machine.
  }, 120_000);
});
