import fc from 'fast-check';
import { ErrorCode } from '../../../src/domain/error-code';
import type { GroupEvent } from '../../../src/domain/group/events';
import { replay } from '../../../src/domain/group/evolve';
import type { JoinGroupResult } from '../../../src/application/group/group-api';
import { bytes, joinCmd, makeHarness, settle, type Harness } from '../../unit/group/group-harness';
import { GroupPlumbing } from '../../../src/application/group/group-plumbing';

const seed = process.env.SEED !== undefined ? Number(process.env.SEED) : Date.now() ^ (Math.random() * 0x7fffffff);
// eslint-disable-next-line no-console
console.log(`coordinator-model property seed=${seed} (replay with SEED=${seed})`);

const SESSION = 10_000;
const REBALANCE = 20_000;
const NEW_MEMBER = 60_000;

/** A simulated client: what it believes about its membership. */
interface Client {
  readonly slot: number;
  readonly instanceId: string | null;
  memberId: string;
  generation: number;
  /** Member list when it is the leader of `generation`. */
  leaderMembers: JoinGroupResult['members'] | null;
  joining: boolean;
  syncing: boolean;
  /** Generation whose SyncGroup succeeded. */
  synced: number;
  /** False after a crash until the next explicit join. */
  alive: boolean;
}

interface Real {
  h: Harness;
  clients: Client[];
  /** generation → leader id answered to joiners (reset on restart: generations restart at the synced one). */
  leaders: Map<number, string>;
  lastGeneration: number;
  failures: string[];
  stableSeen: number;
}

type Model = { size: number };

const expectedAssignment = (generation: number, id: string, instanceId: string | null) => bytes(`a-${generation}-${instanceId ?? id}`);

const join = (r: Real, c: Client): void => {
  c.joining = true;
  const cmd = joinCmd({ memberId: c.memberId, groupInstanceId: c.instanceId, clientId: `c${c.slot}`, sessionTimeoutMs: SESSION, rebalanceTimeoutMs: REBALANCE });
  void r.h.coord.joinGroup(cmd).then((res) => {
    c.joining = false;
    if (res.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      c.memberId = res.memberId;
      return;
    }
    if (res.errorCode !== ErrorCode.NONE) {
      if (res.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || res.errorCode === ErrorCode.FENCED_INSTANCE_ID) c.memberId = '';
      return;
    }
    const known = r.leaders.get(res.generationId);
    if (known !== undefined && known !== res.leader && res.skipAssignment === false && res.members.length > 0) {
      r.failures.push(`two leaders for generation ${res.generationId}: ${known} and ${res.leader}`);
    }
    if (res.members.length > 0 || !r.leaders.has(res.generationId)) r.leaders.set(res.generationId, res.leader);
    c.memberId = res.memberId;
    c.generation = res.generationId;
    c.leaderMembers = res.leader === res.memberId && res.members.length > 0 ? res.members : null;
  });
};

class JoinCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly slot: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    const c = r.clients[this.slot]!;
    c.alive = true;
    if (!c.joining) join(r, c);
    await settle();
  }
  toString = () => `join(${this.slot})`;
}

const sync = (r: Real, c: Client): void => {
  const generation = c.generation;
  const memberId = c.memberId;
  const assignments = (c.leaderMembers ?? []).map((m) => ({ memberId: m.memberId, assignment: expectedAssignment(generation, m.memberId, m.groupInstanceId) }));
  c.syncing = true;
  void r.h.coord
    .syncGroup({ groupId: 'g', memberId, groupInstanceId: c.instanceId, generationId: generation, protocolType: 'consumer', protocolName: 'range', assignments, apiVersion: 5 })
    .then((res) => {
      c.syncing = false;
      if (res.errorCode !== ErrorCode.NONE) return;
      if (c.generation === generation) c.synced = generation;
      // Invariant: every member of a Stable generation gets the leader's assignment for it.
      const want = expectedAssignment(generation, memberId, c.instanceId);
      if (Buffer.compare(Buffer.from(res.assignment), Buffer.from(want)) !== 0) {
        r.failures.push(`member ${memberId} got '${Buffer.from(res.assignment).toString()}' for generation ${generation}`);
      }
    });
};

const heartbeat = async (r: Real, c: Client): Promise<void> => {
  const res = await r.h.coord.heartbeat({ groupId: 'g', memberId: c.memberId, groupInstanceId: c.instanceId, generationId: c.generation });
  if (res.errorCode === ErrorCode.REBALANCE_IN_PROGRESS && !c.joining) join(r, c);
  if (res.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || res.errorCode === ErrorCode.FENCED_INSTANCE_ID || res.errorCode === ErrorCode.ILLEGAL_GENERATION) {
    if (res.errorCode !== ErrorCode.ILLEGAL_GENERATION) c.memberId = '';
    if (!c.joining) join(r, c);
  }
};

/** What a well-behaved client does next: join, sync its generation, or heartbeat. */
const act = async (r: Real, c: Client): Promise<void> => {
  if (c.joining || c.syncing) return;
  if (c.memberId === '' || c.generation === 0) join(r, c);
  else if (c.synced !== c.generation) sync(r, c);
  else await heartbeat(r, c);
};

class SyncCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly slot: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    const c = r.clients[this.slot]!;
    if (c.memberId === '' || c.generation === 0) return;
    sync(r, c);
    await settle();
  }
  toString = () => `sync(${this.slot})`;
}

class PollRoundCmd implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(_m: Model, r: Real) {
    for (const c of r.clients) if (c.alive) await act(r, c);
    await settle();
  }
  toString = () => 'pollRound';
}

class HeartbeatCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly slot: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    const c = r.clients[this.slot]!;
    if (c.memberId === '') return;
    await heartbeat(r, c);
    await settle();
  }
  toString = () => `heartbeat(${this.slot})`;
}

class LeaveCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly slot: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    const c = r.clients[this.slot]!;
    if (c.memberId === '') return;
    await r.h.coord.leaveGroup({ groupId: 'g', members: [{ memberId: c.memberId, groupInstanceId: c.instanceId }], apiVersion: 3 });
    c.memberId = '';
    c.generation = 0;
    c.alive = false;
    await settle();
  }
  toString = () => `leave(${this.slot})`;
}

class CommitCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly slot: number, readonly offset: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    const c = r.clients[this.slot]!;
    const group = r.h.coord.groupView('g');
    const generationAtIssue = group?.generation;
    const stateAtIssue = group?.state;
    const generation = c.memberId === '' ? -1 : c.generation;
    const res = await r.h.coord.offsetCommit({
      groupId: 'g', memberId: c.memberId, groupInstanceId: c.instanceId, generationIdOrMemberEpoch: generation, retentionTimeMs: -1, apiVersion: 9,
      topics: [{ name: 't', partitions: [{ partitionIndex: this.slot % 3, committedOffset: this.offset, committedLeaderEpoch: -1, committedMetadata: null, commitTimestamp: -1 }] }],
    });
    const code = res.topics[0]!.partitions[0]!.errorCode;
    // Invariant: no commit with a stale generation is accepted.
    if (code === ErrorCode.NONE && generation >= 0 && generation !== generationAtIssue) {
      r.failures.push(`stale commit accepted: generation ${generation} vs ${generationAtIssue}`);
    }
    if (code === ErrorCode.NONE && generation < 0 && stateAtIssue !== undefined && stateAtIssue !== 'Empty') {
      r.failures.push(`admin commit accepted in ${stateAtIssue}`);
    }
  }
  toString = () => `commit(${this.slot}, ${this.offset})`;
}

class CrashCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly slot: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    const c = r.clients[this.slot]!;
    // The process dies: it forgets its member id (a static member keeps its instance id).
    c.memberId = '';
    c.generation = 0;
    c.leaderMembers = null;
    c.alive = false;
  }
  toString = () => `crash(${this.slot})`;
}

class AdvanceCmd implements fc.AsyncCommand<Model, Real> {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    await r.h.advance(this.ms);
  }
  toString = () => `advance(${this.ms})`;
}

class RestartCmd implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(_m: Model, r: Real) {
    await settle();
    await r.h.restart();
    r.leaders.clear();
    r.lastGeneration = r.h.coord.groupView('g')?.generation ?? 0;
    await settle();
  }
  toString = () => 'restart';
}

const checkInvariants = (r: Real): void => {
  const { h } = r;
  expect(r.failures).toEqual([]);
  // replay(events) deep-equals the live and durable hard state.
  expect(replay(h.log.appendedEvents() as GroupEvent[])).toEqual(h.coord.liveState());
  const g = h.coord.groupView('g');
  if (g === undefined) return;
  // Generations never go back (within one coordinator incarnation).
  expect(g.generation).toBeGreaterThanOrEqual(r.lastGeneration);
  r.lastGeneration = g.generation;
  // Member ids unique: pending ids are not members, static map points at members.
  for (const id of h.container.get(GroupPlumbing).pendingIds('g')) expect(g.members.has(id)).toBe(false);
  for (const [instance, id] of g.staticMembers) expect(g.members.get(id)?.instanceId).toBe(instance);
  if (g.state === 'CompletingRebalance' || g.state === 'Stable') {
    expect(g.leaderId !== null && g.members.has(g.leaderId)).toBe(true);
    // At most one generation in flight: every member answered for the current generation got the same leader.
    const leader = r.leaders.get(g.generation);
    if (leader !== undefined) expect(leader).toBe(g.leaderId);
  }
  if (g.state === 'Stable') {
    r.stableSeen++;
    // Every member of a Stable generation holds the leader's assignment for it (static members keep
    // theirs across a replacement, keyed by instance id).
    for (const m of g.members.values()) expect(m.assignment).toEqual(expectedAssignment(g.generation, m.memberId, m.instanceId));
  }
  // Expired members are gone within their timeout: every member has a live session timer bounded
  // by its timeout, unless it is parked in a join or sync (CG-46: alive until the phase ends).
  for (const m of g.members.values()) {
    const deadline = h.clock.deadlineOf(`heartbeat-g-${m.memberId}`);
    if (deadline === undefined) {
      expect(g.joined.has(m.memberId) || h.container.get(GroupPlumbing).hasParkedSync('g', m.memberId)).toBe(true);
    } else {
      expect(deadline).toBeLessThanOrEqual(h.clock.now() + Math.max(SESSION, NEW_MEMBER));
    }
  }
};

describe('classic group coordinator model', () => {
  const totals = { stable: 0, maxGeneration: 0 };
  afterAll(() => {
    // eslint-disable-next-line no-console
    console.log(`coordinator-model coverage: ${totals.stable} Stable observations, max generation ${totals.maxGeneration}`);
    // The generator must actually reach Stable generations, or the invariants above test nothing.
    expect(totals.stable).toBeGreaterThan(0);
  });

  test('random joins, syncs, heartbeats, leaves, commits, crashes and clock advances keep the invariants', async () => {
    const commands = (slots: number) => [
      fc.nat(slots - 1).map((s) => new JoinCmd(s)),
      fc.nat(slots - 1).map((s) => new SyncCmd(s)),
      fc.nat(slots - 1).map((s) => new HeartbeatCmd(s)),
      fc.nat(slots - 1).map((s) => new LeaveCmd(s)),
      fc.tuple(fc.nat(slots - 1), fc.nat(1000)).map(([s, o]) => new CommitCmd(s, o)),
      fc.nat(slots - 1).map((s) => new CrashCmd(s)),
      fc.constantFrom(100, 1000, 3000, 5000, 10_000, 20_000).map((ms) => new AdvanceCmd(ms)),
      fc.constant(new RestartCmd()),
      // Well-behaved polling and time passing dominate, so generations do reach Stable between
      // disruptions.
      ...Array.from({ length: 10 }, () => fc.constant(new PollRoundCmd())),
      ...Array.from({ length: 4 }, () => fc.constantFrom(1000, 3000).map((ms) => new AdvanceCmd(ms))),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 50 })).chain((size) => fc.tuple(fc.constant(size), fc.commands(commands(size), { maxCommands: 120, size: 'max' }))),
        async ([size, cmds]) => {
          const h = await makeHarness({ groupInitialRebalanceDelayMs: 3000, newMemberJoinTimeoutMs: NEW_MEMBER });
          const clients: Client[] = Array.from({ length: size }, (_, slot) => ({
            slot, instanceId: slot % 3 === 0 ? `s${slot}` : null, memberId: '', generation: 0, leaderMembers: null, joining: false, syncing: false, synced: 0, alive: true,
          }));
          const real: Real = { h, clients, leaders: new Map(), lastGeneration: 0, failures: [], stableSeen: 0 };
          const wrapped = [...cmds].map((c) => ({
            check: (m: Model) => c.check(m),
            run: async (m: Model, r: Real) => {
              await c.run(m, r);
              checkInvariants(r);
            },
            toString: () => c.toString(),
          }));
          await fc.asyncModelRun(() => ({ model: { size }, real }), wrapped);
          h.coord.unload();
          totals.stable += real.stableSeen;
          totals.maxGeneration = Math.max(totals.maxGeneration, real.lastGeneration);
        },
      ),
      { seed, numRuns: 100, interruptAfterTimeLimit: 50_000 },
    );
  });
});
