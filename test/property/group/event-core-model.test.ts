import fc from 'fast-check';
import { CrashFileSystem } from '../../fakes/crash-file-system';
import { FakeClock } from '../../fakes/fake-clock';
import { FileMetaLog } from '../../../src/adapters/wal/file-meta-log';
import { GroupCoordinator, defaultGroupCoordinatorConfig, type GroupCoordinatorConfig } from '../../../src/application/group-coordinator';
import type { JoinGroupResult } from '../../../src/application/group/group-api';
import { ErrorCode } from '../../../src/domain/error-code';
import { isGroupEvent, type GroupEvent, type RebalanceTrigger } from '../../../src/domain/group/events';
import { replay } from '../../../src/domain/group/evolve';
import { evolveHistory, initialHistoryState } from '../../../src/domain/group/history';
import { recover } from '../../../src/domain/group/recover';
import { snapshotEvents } from '../../../src/domain/group/snapshot-events';
import type { MetaEvent } from '../../../src/domain/meta-event';
import type { LogPosition, MetaLog } from '../../../src/ports/meta-log';
import type { Scheduler } from '../../../src/ports/scheduler';
import { Container } from 'inversify';
import { GroupPlumbing } from '../../../src/application/group/group-plumbing';
import { GroupTimers } from '../../../src/application/group/group-timers';
import { bytes, coordinatorOver, joinCmd, settle } from '../../unit/group/group-harness';
import { kafkaReload, projectForReload } from './kafka-reload';
import { memberAssignment } from '../../../src/domain/group/classic-group';

/**
 * Issue "Event-sourced group core", acceptance: a model-based run (fc.commands, fake clock) of
 * joins, rejoins with changed metadata, static members, syncs, heartbeats, leaves, session
 * expiries, clock jumps and broker crashes through CrashFS at any operation. After every command
 * the live aggregate (and the history projection) equals a replay of every event written so far
 * (PE-10); after a crash, recover(replay(durable prefix)) equals Kafka's reload of the hard-state
 * records of that prefix (PE-11); no client ever sees a generation go backwards while the broker
 * lives; every GenerationBumped's trigger names an event that happened in its rebalance. Also the
 * protocol's own invariants: one leader per generation, the leader's assignment reaches every member
 * of a Stable generation (static members keep theirs across a new member id), no stale-generation
 * commit is accepted, pending ids are never members, and every member not parked has a bounded
 * session timer (CG-46).
 */
const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() ^ (Math.random() * 0x7fffffff);
// eslint-disable-next-line no-console
console.log(`event-core-model seed=${seed} (replay with SEED=${seed})`);

const SESSION = 10_000;
const REBALANCE = 20_000;
const LOG_DIR = '/data/metalog';

/** The MetaLog port as the coordinator sees it, recording every event it is handed or replays. */
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
  readonly slot: number;
  readonly instanceId: string | null;
  memberId: string;
  generation: number;
  leaderMembers: JoinGroupResult['members'] | null;
  joining: boolean;
  syncing: boolean;
  synced: number;
  alive: boolean;
  /** Version of its subscription metadata: a change makes its next join a "changed metadata" rejoin. */
  meta: number;
}

interface Broker {
  fs: CrashFileSystem;
  log: RecordingLog;
  coord: GroupCoordinator;
  container: Container;
  /** Key prefix of this broker life's timers. */
  timerPrefix: string;
  /** Highest generation any client was answered in this broker's life. */
  maxAnswered: number;
  /** Invariant violations found inside callbacks. */
  failures: string[];
  /** generation → the leader answered to its joiners, in this broker's life and this group's. */
  leaders: Map<number, string>;
  /** GroupDeleted events seen so far. */
  deletions: number;
  clients: Client[];
  crashes: number;
  stable: number;
}

const config: GroupCoordinatorConfig = defaultGroupCoordinatorConfig({ groupInitialRebalanceDelayMs: 3000, newMemberJoinTimeoutMs: 60_000 });
const clock = new FakeClock();

/**
 * The timers of one broker life. Every life shares the fake clock, but a dead broker's late work
 * (a write failing after the power cut) must not touch the next life's timers: in a real crash they
 * die with the process.
 */
let lives = 0;
let memberIds = 0;
const lifeScheduler = (): Scheduler & { readonly prefix: string } => {
  const prefix = `life${++lives}:`;
  return {
    prefix,
    schedule: (key, delayMs, fn) => clock.schedule(prefix + key, delayMs, fn),
    cancel: (key) => clock.cancel(prefix + key),
    isScheduled: (key) => clock.isScheduled(prefix + key),
    now: () => clock.now(),
  };
};

const start = async (fs: CrashFileSystem): Promise<{ log: RecordingLog; coord: GroupCoordinator; container: Container; timerPrefix: string }> => {
  const log = new RecordingLog(new FileMetaLog(fs, { dir: LOG_DIR, segmentBytes: 4096 }));
  // Unique across broker lives, as UUIDs are: a recovered group may still hold ids of an earlier life.
  const cfg = { ...config, generateMemberId: (prefix: string) => `${prefix}-${++memberIds}` };
  const scheduler = lifeScheduler();
  const container = coordinatorOver(clock, log, cfg, undefined, scheduler);
  const coord = container.get(GroupCoordinator);
  await coord.start();
  return { log, coord, container, timerPrefix: scheduler.prefix };
};

const expectedAssignment = (generation: number, id: string, instanceId: string | null) => bytes(`a-${generation}-${instanceId ?? id}`);

/**
 * Generations restart only when the group itself is deleted (CG-73 deletes an Empty group without
 * offsets at the retention check) — a new group — or when the broker restarts (PE-11).
 */
const incarnation = (b: Broker): number => {
  const deletions = b.log.events.filter((e) => e.type === 'GroupDeleted').length;
  if (deletions !== b.deletions) {
    b.deletions = deletions;
    b.maxAnswered = 0;
    b.leaders.clear();
  }
  return deletions;
};

/** An answer to a request sent while the group had incarnation `sentIn`: checked only if it still has it. */
const answered = (b: Broker, generation: number, sentIn: number): void => {
  if (incarnation(b) !== sentIn) return;
  if (generation < b.maxAnswered) b.failures.push(`generation went back: ${generation} after ${b.maxAnswered}`);
  b.maxAnswered = Math.max(b.maxAnswered, generation);
};

const join = (b: Broker, c: Client): void => {
  c.joining = true;
  const coord = b.coord;
  const cmd = joinCmd({
    memberId: c.memberId, groupInstanceId: c.instanceId, clientId: `c${c.slot}`, sessionTimeoutMs: SESSION, rebalanceTimeoutMs: REBALANCE,
    protocols: [{ name: 'range', metadata: bytes(`m${c.meta}`), topics: ['t'] }],
  });
  const sentIn = incarnation(b);
  void coord.joinGroup(cmd).then((res) => {
    if (coord !== b.coord) return;
    c.joining = false;
    if (res.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      c.memberId = res.memberId;
      return;
    }
    if (res.errorCode !== ErrorCode.NONE) {
      if (res.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || res.errorCode === ErrorCode.FENCED_INSTANCE_ID) c.memberId = '';
      return;
    }
    answered(b, res.generationId, sentIn);
    const known = incarnation(b) === sentIn ? b.leaders.get(res.generationId) : undefined;
    if (known !== undefined && known !== res.leader && !res.skipAssignment && res.members.length > 0) {
      b.failures.push(`two leaders for generation ${res.generationId}: ${known} and ${res.leader}`);
    }
    if (incarnation(b) === sentIn && (res.members.length > 0 || !b.leaders.has(res.generationId))) b.leaders.set(res.generationId, res.leader);
    c.memberId = res.memberId;
    c.generation = res.generationId;
    c.leaderMembers = res.leader === res.memberId && res.members.length > 0 ? res.members : null;
  });
};

const sync = (b: Broker, c: Client): void => {
  const generation = c.generation;
  const memberId = c.memberId;
  const coord = b.coord;
  const assignments = (c.leaderMembers ?? []).map((m) => ({ memberId: m.memberId, assignment: expectedAssignment(generation, m.memberId, m.groupInstanceId), partitions: 1 }));
  c.syncing = true;
  const sentIn = incarnation(b);
  void coord
    .syncGroup({ groupId: 'g', memberId, groupInstanceId: c.instanceId, generationId: generation, protocolType: 'consumer', protocolName: 'range', assignments, apiVersion: 5 })
    .then((res) => {
      if (coord !== b.coord) return;
      c.syncing = false;
      if (res.errorCode !== ErrorCode.NONE) return;
      answered(b, generation, sentIn);
      if (c.generation === generation) c.synced = generation;
      // Every member of a Stable generation gets the leader's assignment for it.
      const want = expectedAssignment(generation, memberId, c.instanceId);
      if (Buffer.compare(Buffer.from(res.assignment), Buffer.from(want)) !== 0) {
        b.failures.push(`member ${memberId} got '${Buffer.from(res.assignment).toString()}' for generation ${generation}`);
      }
    });
};

const heartbeat = async (b: Broker, c: Client): Promise<void> => {
  const res = await b.coord.heartbeat({ groupId: 'g', memberId: c.memberId, groupInstanceId: c.instanceId, generationId: c.generation });
  if (res.errorCode === ErrorCode.REBALANCE_IN_PROGRESS && !c.joining) join(b, c);
  if (res.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || res.errorCode === ErrorCode.FENCED_INSTANCE_ID || res.errorCode === ErrorCode.ILLEGAL_GENERATION) {
    if (res.errorCode !== ErrorCode.ILLEGAL_GENERATION) c.memberId = '';
    if (!c.joining) join(b, c);
  }
};

const act = async (b: Broker, c: Client): Promise<void> => {
  if (c.joining || c.syncing) return;
  if (c.memberId === '' || c.generation === 0) join(b, c);
  else if (c.synced !== c.generation) sync(b, c);
  else await heartbeat(b, c);
};

type Cmd = fc.AsyncCommand<object, Broker>;
const cmd = (name: string, run: (b: Broker) => Promise<void>): Cmd => ({ check: () => true, run: (_m, b) => run(b), toString: () => name });

const joinC = (slot: number) => cmd(`join(${slot})`, async (b) => { const c = b.clients[slot]!; c.alive = true; if (!c.joining) join(b, c); await settle(); });
const changeC = (slot: number) => cmd(`rejoinChanged(${slot})`, async (b) => { const c = b.clients[slot]!; c.alive = true; c.meta++; if (!c.joining) join(b, c); await settle(); });
const syncC = (slot: number) => cmd(`sync(${slot})`, async (b) => { const c = b.clients[slot]!; if (c.memberId !== '' && c.generation > 0) sync(b, c); await settle(); });
const heartbeatC = (slot: number) => cmd(`heartbeat(${slot})`, async (b) => { const c = b.clients[slot]!; if (c.memberId !== '') await heartbeat(b, c); await settle(); });
const leaveC = (slot: number) =>
  cmd(`leave(${slot})`, async (b) => {
    const c = b.clients[slot]!;
    if (c.memberId === '') return;
    await b.coord.leaveGroup({ groupId: 'g', members: [{ memberId: c.memberId, groupInstanceId: c.instanceId }], apiVersion: 3 });
    Object.assign(c, { memberId: '', generation: 0, alive: false });
    await settle();
  });
const commitC = (slot: number, offset: number) =>
  cmd(`commit(${slot}, ${offset})`, async (b) => {
    const c = b.clients[slot]!;
    const group = b.coord.groupView('g');
    const generationAtIssue = group?.generation;
    const stateAtIssue = group?.state;
    const generation = c.memberId === '' ? -1 : c.generation;
    const res = await b.coord.offsetCommit({
      groupId: 'g', memberId: c.memberId, groupInstanceId: c.instanceId, generationIdOrMemberEpoch: generation, retentionTimeMs: -1, apiVersion: 9,
      topics: [{ name: 't', partitions: [{ partitionIndex: slot % 3, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null, commitTimestamp: -1 }] }],
    });
    const code = res.topics[0]!.partitions[0]!.errorCode;
    // OF-3: no commit with a stale generation is accepted; an admin commit only into an Empty group.
    if (code === ErrorCode.NONE && generation >= 0 && generation !== generationAtIssue) b.failures.push(`stale commit accepted: ${generation} vs ${generationAtIssue}`);
    if (code === ErrorCode.NONE && generation < 0 && stateAtIssue !== undefined && stateAtIssue !== 'Empty') b.failures.push(`admin commit accepted in ${stateAtIssue}`);
  });
const dieC = (slot: number) => cmd(`clientDies(${slot})`, async (b) => { Object.assign(b.clients[slot]!, { memberId: '', generation: 0, leaderMembers: null, alive: false }); });
const pollC = cmd('pollRound', async (b) => { for (const c of b.clients) if (c.alive) await act(b, c); await settle(); await settle(); });
const advanceC = (ms: number) => cmd(`advance(${ms})`, async () => { clock.advance(ms); await settle(); await settle(); });

/** The power goes out after `ops` more file-system operations; the broker restarts on what survived. */
const crashC = (ops: number, crashSeed: number) =>
  cmd(`brokerCrash(${ops}, ${crashSeed})`, async (b) => {
    b.fs.powerCutAfter(b.fs.counters.ops + ops);
    for (const c of b.clients) if (c.alive) await act(b, c);
    await settle();
    await settle();
    let s = crashSeed;
    const rng = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const survivor = b.fs.crash(rng);
    b.coord.unload();
    b.fs = survivor;
    const { log, coord, container, timerPrefix } = await start(survivor);
    b.log = log;
    b.coord = coord;
    b.container = container;
    b.timerPrefix = timerPrefix;
    b.maxAnswered = 0;
    b.leaders.clear();
    b.deletions = 0;
    b.crashes++;
    for (const c of b.clients) Object.assign(c, { joining: false, syncing: false });
    // PE-11: what the restarted coordinator serves is recover(replay(durable prefix)), which is
    // exactly what Kafka reloads from the hard records of that prefix.
    const prefix = log.events.slice();
    const replayed = replay(prefix);
    const recovered = replay(recover(replayed, clock.now(), config.groupMaxSize), replayed);
    expect(projectForReload(recovered)).toEqual(kafkaReload(prefix));
    expect(projectForReload(coord.liveState())).toEqual(kafkaReload(prefix));
    await settle();
  });

/** Every GenerationBumped's trigger is an event of its own rebalance (after the previous bump). */
const checkTriggers = (events: readonly GroupEvent[]): void => {
  const matches = (t: RebalanceTrigger, e: GroupEvent): boolean => {
    switch (t.kind) {
      case 'MemberJoined':
        return e.type === 'MemberJoined' && e.memberId === t.memberId && e.replacedMemberId === t.replacedMemberId;
      case 'MemberUpdated':
        return e.type === 'MemberUpdated' && e.memberId === t.memberId;
      case 'MemberLeft':
        return e.type === 'MemberLeft' && e.memberId === t.memberId && e.reason === t.reason;
      case 'GroupRecovered':
        return e.type === 'GroupRecovered';
      case 'MetadataChanged':
        return false;
    }
  };
  let windowStart = 0;
  events.forEach((e, i) => {
    if (e.type === 'GroupRecovered') windowStart = i;
    if (e.type !== 'GenerationBumped') return;
    expect(e.trigger).not.toBeNull();
    const window = events.slice(windowStart, i);
    expect(window.some((x) => matches(e.trigger!, x))).toBe(true);
    expect(window.some((x) => x.type === 'RebalanceStarted' && JSON.stringify(x.trigger) === JSON.stringify(e.trigger))).toBe(true);
    windowStart = i;
  });
};

const check = (b: Broker): void => {
  expect(b.failures).toEqual([]);
  const events = b.log.events;
  expect(replay(events)).toEqual(b.coord.liveState());
  let history = initialHistoryState();
  const state = replay([]);
  for (const e of events) history = evolveHistory(history, e, replay([e], state).groups.get(e.groupId), config.historyMaxGenerations);
  expect(history).toEqual(b.coord.historyState());
  // PE-9 / PE-13: a snapshot at any cut (aggregate + bounded history) plus the tail = the whole.
  const cut = Math.floor(events.length / 2);
  let cutHistory = initialHistoryState();
  const cutState = replay([]);
  for (const e of events.slice(0, cut)) cutHistory = evolveHistory(cutHistory, e, replay([e], cutState).groups.get(e.groupId), config.historyMaxGenerations);
  let resumedHistory = initialHistoryState();
  const resumed = replay([]);
  for (const e of [...snapshotEvents(cutState, cutHistory), ...events.slice(cut)]) {
    resumedHistory = evolveHistory(resumedHistory, e, replay([e], resumed).groups.get(e.groupId), config.historyMaxGenerations);
  }
  expect(resumed).toEqual(b.coord.liveState());
  expect(resumedHistory).toEqual(b.coord.historyState());
  checkTriggers(events);
  const g = b.coord.groupView('g');
  if (g === undefined) return;
  const plumbing = b.container.get(GroupPlumbing);
  // KIP-394 pending ids are not members; the static map points at members.
  for (const id of plumbing.pendingIds('g')) expect(g.members.has(id)).toBe(false);
  for (const [instance, id] of g.staticMembers) expect(g.members.get(id)?.instanceId).toBe(instance);
  incarnation(b);
  if (g.state === 'CompletingRebalance' || g.state === 'Stable') {
    expect(g.leaderId !== null && g.members.has(g.leaderId)).toBe(true);
    // (A static replacement changes the leader id within a generation once its write is durable:
    // compare only when no answer is still on its way.)
    const leader = b.leaders.get(g.generation);
    if (leader !== undefined && !b.clients.some((c) => c.joining)) expect(leader).toBe(g.leaderId);
  }
  if (g.state === 'Stable') {
    b.stable++;
    for (const m of g.members.values()) expect(memberAssignment(m)).toEqual(expectedAssignment(g.generation, m.memberId, m.instanceId));
  }
  // CG-46: every member has a session timer within its timeout, unless it is parked in a join or sync.
  for (const m of g.members.values()) {
    const deadline = b.container.get(GroupTimers).sessionDeadline('g', m.memberId);
    if (deadline === undefined) expect(g.joined.has(m.memberId) || plumbing.hasParkedSync('g', m.memberId)).toBe(true);
    else expect(deadline).toBeLessThanOrEqual(clock.now() + Math.max(SESSION, config.newMemberJoinTimeoutMs));
  }
};

describe('issue 11 event-sourced group core, model-based', () => {
  const totals = { stable: 0, crashes: 0, generations: 0 };
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`event-core-model coverage: ${JSON.stringify(totals)}`);
    expect(totals.stable).toBeGreaterThan(0);
    expect(totals.crashes).toBeGreaterThan(0);
  });

  test('PE-10 live = replay(events) after every command; PE-11 recover(replay(durable prefix)) = Kafka reload after every crash; generations never go back; triggers name real events', async () => {
    const commands = (slots: number) => [
      fc.nat(slots - 1).map(joinC),
      fc.nat(slots - 1).map(changeC),
      fc.nat(slots - 1).map(syncC),
      fc.nat(slots - 1).map(heartbeatC),
      fc.nat(slots - 1).map(leaveC),
      fc.nat(slots - 1).map(dieC),
      fc.tuple(fc.nat(slots - 1), fc.nat(1000)).map(([slot, o]) => commitC(slot, o)),
      fc.constantFrom(100, 1000, 3000, 10_000, 20_000, 70_000, 400_000).map(advanceC),
      fc.tuple(fc.nat(40), fc.nat()).map(([ops, s]) => crashC(ops, s)),
      ...Array.from({ length: 8 }, () => fc.constant(pollC)),
      ...Array.from({ length: 4 }, () => fc.constantFrom(1000, 3000).map(advanceC)),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 50 })).chain((slots) => fc.tuple(fc.constant(slots), fc.commands(commands(slots), { maxCommands: 100, size: 'max' }))),
        async ([slots, cmds]) => {
        const fs = new CrashFileSystem();
        const { log, coord, container, timerPrefix } = await start(fs);
        const clients: Client[] = Array.from({ length: slots }, (_, slot) => ({
          slot, instanceId: slot % 2 === 0 ? `s${slot}` : null, memberId: '', generation: 0, leaderMembers: null,
          joining: false, syncing: false, synced: 0, alive: true, meta: 0,
        }));
        const broker: Broker = { fs, log, coord, container, timerPrefix, maxAnswered: 0, failures: [], leaders: new Map(), deletions: 0, clients, crashes: 0, stable: 0 };
        const wrapped = [...cmds].map((c) => ({
          check: () => true,
          run: async (m: object, b: Broker) => {
            await c.run(m, b);
            check(b);
          },
          toString: () => c.toString(),
        }));
        await fc.asyncModelRun(() => ({ model: {}, real: broker }), wrapped);
        broker.coord.unload();
        totals.stable += broker.stable;
        totals.crashes += broker.crashes;
        totals.generations = Math.max(totals.generations, broker.coord.groupView('g')?.generation ?? 0);
      }),
      { seed, numRuns: 100, interruptAfterTimeLimit: 45_000 },
    );
    // fast-check stops starting runs after 45 s; Jest's bound leaves room for the last ones on a loaded machine.
  }, 120_000);
});
