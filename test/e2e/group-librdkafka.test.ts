import { spawn, type ChildProcess } from 'node:child_process';
import { API_KEY, decodeConsumerAssignment } from '../../src/adapters/kafka/protocol';
import { startBrokerProcess, sleep, type BrokerProcess } from './support/broker-process';
import { RawClient } from './support/raw-client';

/*
 * Issue 3 acceptance with librdkafka: confluent-kafka 1.7.0 (librdkafka 2.0.2, Debian's python3-confluent-kafka,
 * which loads only under /usr/bin/python3) with partition.assignment.strategy=cooperative-sticky (KIP-429).
 * Cooperative rebalancing runs entirely in the clients (two JoinGroup/SyncGroup rounds, ownedPartitions in the
 * subscription), so the broker must carry it unchanged: CG-6 selects the protocol every member supports, CG-33
 * hands the leader every member's metadata, CG-42 delivers the leader's assignments, CG-11 rebalances on a join
 * and on a LeaveGroup (CG-53). Checked three ways: DescribeGroups (CG-70) decoded with the consumer protocol,
 * each client's own assignment, and a timeline of every client's assign/revoke callbacks.
 */

const PYTHON = '/usr/bin/python3';
const GROUP = 'coop-group';
const TOPIC = 'coop-topic';
const PARTITIONS = [0, 1, 2, 3];

// One group member; prints one JSON line per event, stamped with the host clock so events of different
// processes can be ordered. SIGTERM makes it close the consumer (revoke callback, commit, LeaveGroup).
const MEMBER_PY = `
import json, signal, sys, time
from confluent_kafka import Consumer
bootstrap, group, topic, label = sys.argv[1:5]
stop = [False]
signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
def emit(**d):
    d["t"] = time.time()
    print(json.dumps(d), flush=True)
c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "client.id": label,
              "partition.assignment.strategy": "cooperative-sticky", "session.timeout.ms": 6000,
              "heartbeat.interval.ms": 300, "auto.offset.reset": "earliest", "enable.auto.commit": True,
              "auto.commit.interval.ms": 200, "reconnect.backoff.max.ms": 500})
c.subscribe([topic],
            on_assign=lambda _c, ps: emit(event="assigned", partitions=sorted(p.partition for p in ps)),
            on_revoke=lambda _c, ps: emit(event="revoked", partitions=sorted(p.partition for p in ps)),
            on_lost=lambda _c, ps: emit(event="lost", partitions=sorted(p.partition for p in ps)))
emit(event="started")
current = None
while not stop[0]:
    m = c.poll(0.1)
    if m is not None and m.error() is not None and m.error().code() != -191:
        emit(event="error", error=str(m.error()))
    now = sorted(p.partition for p in c.assignment())
    if now != current:
        current = now
        emit(event="assignment", partitions=now)
c.close()
emit(event="closed")
`;

interface MemberEvent { event: string; t: number; partitions?: number[]; error?: string; label: string }
interface Member { label: string; proc: ChildProcess; events: MemberEvent[]; stderr: string[]; exited: Promise<number | null> }

const waitFor = async (cond: () => Promise<boolean> | boolean, ms: number, what: () => string): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await sleep(100);
  }
};

/** The assignment the client itself last reported (librdkafka's `assignment()`). */
const ownView = (m: Member): number[] | null => {
  const a = m.events.filter((e) => e.event === 'assignment');
  return a.length ? a[a.length - 1].partitions! : null;
};

/**
 * Replays every member's assign/revoke/lost callbacks in time order. KIP-429 incremental callbacks: assigned
 * adds partitions, revoked/lost remove them. Returns the double ownerships seen (must be none: a partition
 * is assigned to a new owner only after its old owner revoked it and rejoined).
 */
const ownershipConflicts = (members: Member[]): string[] => {
  const owner = new Map<number, string>();
  const conflicts: string[] = [];
  const events = members.flatMap((m) => m.events).filter((e) => ['assigned', 'revoked', 'lost'].includes(e.event)).sort((a, b) => a.t - b.t);
  for (const e of events) {
    for (const p of e.partitions!) {
      if (e.event === 'assigned') {
        const prev = owner.get(p);
        if (prev !== undefined && prev !== e.label) conflicts.push(`partition ${p} assigned to ${e.label} at ${e.t} while ${prev} still owned it`);
        owner.set(p, e.label);
      } else if (owner.get(p) === e.label) {
        owner.delete(p);
      }
    }
  }
  return conflicts;
};

describe('cooperative-sticky librdkafka members (issue 3: CG-6, CG-11, CG-33, CG-42, CG-53, CG-70; KIP-429)', () => {
  let broker: BrokerProcess;
  let probe: RawClient;
  const members: Member[] = [];

  const startMember = (label: string): Member => {
    const proc = spawn(PYTHON, ['-c', MEMBER_PY, broker.bootstrap, GROUP, TOPIC, label], { stdio: ['ignore', 'pipe', 'pipe'] });
    const m: Member = {
      label, proc, events: [], stderr: [],
      exited: new Promise((resolve) => proc.once('exit', (code) => resolve(code))),
    };
    let buf = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) if (line.startsWith('{')) m.events.push({ ...JSON.parse(line), label });
    });
    proc.stderr!.on('data', (d: Buffer) => m.stderr.push(d.toString()));
    members.push(m);
    return m;
  };

  const describe1 = async () => {
    const r = await probe.send(API_KEY.DescribeGroups, 5, { groups: [GROUP], includeAuthorizedOperations: false });
    const g = r.body.groups[0];
    return {
      state: g.groupState as string,
      protocolType: g.protocolType as string,
      protocol: g.protocolData as string,
      members: (g.members as { clientId: string; clientHost: string; memberAssignment: Buffer }[]).map((x) => ({
        clientId: x.clientId,
        clientHost: x.clientHost,
        partitions: x.memberAssignment.length === 0 ? [] : decodeConsumerAssignment(x.memberAssignment).assignedPartitions
          .filter((tp) => tp.topic === TOPIC).flatMap((tp) => tp.partitions).sort((a, b) => a - b),
      })),
    };
  };

  /** Null when the group is Stable with exactly `live` as members, their broker-side and client-side assignments agreeing and splitting every partition once. */
  const splitProblem = async (live: Member[]): Promise<string | null> => {
    const g = await describe1();
    if (g.state !== 'Stable') return `group is ${g.state}`;
    const ids = g.members.map((x) => x.clientId).sort();
    if (ids.join() !== live.map((m) => m.label).sort().join()) return `members are [${ids}]`;
    const owners = new Map<number, string>();
    for (const x of g.members) {
      if (x.partitions.length === 0) return `${x.clientId} has no partitions`;
      for (const p of x.partitions) {
        if (owners.has(p)) return `partition ${p} assigned to ${owners.get(p)} and ${x.clientId}`;
        owners.set(p, x.clientId);
      }
      const own = ownView(live.find((m) => m.label === x.clientId)!);
      if (own === null || own.join() !== x.partitions.join()) return `${x.clientId} owns [${own}] but DescribeGroups says [${x.partitions}]`;
    }
    if ([...owners.keys()].sort().join() !== PARTITIONS.join()) return `assigned partitions are [${[...owners.keys()].sort()}]`;
    return null;
  };

  /** Waits for the split, checks it holds, and resolves to the milliseconds it took to appear. */
  const settle = async (live: Member[]): Promise<number> => {
    const t0 = Date.now();
    let last: string | null = 'not polled yet';
    await waitFor(async () => (last = await splitProblem(live)) === null, 40_000,
      () => `${live.length} members to split ${PARTITIONS.length} partitions (${last}); events: ${live.map((m) => `${m.label}=${JSON.stringify(m.events.slice(-4))}`).join(' ')}`);
    const took = Date.now() - t0;
    await sleep(1500); // no further rebalance may undo the split
    expect(await splitProblem(live)).toBeNull();
    expect(ownershipConflicts(members)).toEqual([]);
    for (const m of members) expect(m.events.filter((e) => e.event === 'error')).toEqual([]);
    return took;
  };

  beforeAll(async () => {
    broker = await startBrokerProcess();
    probe = await RawClient.connect(broker.port);
    const r = await probe.send(API_KEY.CreateTopics, 3, {
      topics: [{ name: TOPIC, numPartitions: PARTITIONS.length, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000,
    });
    expect(r.body.topics[0].errorCode).toBe(0);
  }, 30_000);

  afterAll(async () => {
    for (const m of members) m.proc.kill('SIGKILL');
    await Promise.all(members.map((m) => m.exited));
    probe?.close();
    await broker?.stop();
  }, 30_000);

  it('CG-6/CG-33/CG-42/CG-70: two members agree on cooperative-sticky and split 4 partitions 2/2', async () => {
    const [m1, m2] = [startMember('coop-m1'), startMember('coop-m2')];
    await settle([m1, m2]);
    const g = await describe1();
    expect(g.protocolType).toBe('consumer');
    expect(g.protocol).toBe('cooperative-sticky');
    expect(g.members.map((x) => x.clientHost)).toEqual(['/127.0.0.1', '/127.0.0.1']);
    expect(g.members.map((x) => x.partitions.length)).toEqual([2, 2]);
  }, 60_000);

  it('CG-11 + KIP-429: a third member joins; the first two give up one partition between them and never lose the rest', async () => {
    const [m1, m2] = members;
    const before = [ownView(m1)!, ownView(m2)!];
    const mark = [m1.events.length, m2.events.length];
    const m3 = startMember('coop-m3');
    await settle([m1, m2, m3]);
    const after = [ownView(m1)!, ownView(m2)!];
    // Sticky: the survivors keep a subset of what they had; cooperative: they were never left with nothing.
    after.forEach((a, i) => expect(before[i]).toEqual(expect.arrayContaining(a)));
    expect(ownView(m3)).toHaveLength(1);
    [m1, m2].forEach((m, i) => {
      const later = m.events.slice(mark[i]);
      expect(later.filter((e) => e.event === 'assignment' && e.partitions!.length === 0)).toEqual([]);
      expect(later.filter((e) => e.event === 'lost')).toEqual([]);
    });
    const revoked = [m1, m2].flatMap((m, i) => m.events.slice(mark[i]).filter((e) => e.event === 'revoked').flatMap((e) => e.partitions!));
    expect(revoked).toEqual(ownView(m3));
  }, 60_000);

  it('CG-53/CG-11: a member that closes (LeaveGroup) hands its partitions to the other two, each partition owned once', async () => {
    const [m1, m2, m3] = members;
    const moved = ownView(m1)!;
    m1.proc.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([m1.exited, new Promise((r) => { timer = setTimeout(() => r('still running after 15 s'), 15_000); })]);
    clearTimeout(timer);
    expect(exit).toBe(0);
    expect(m1.events[m1.events.length - 1].event).toBe('closed');
    // Before the 6 s session timeout: the partitions moved on the LeaveGroup, not on an expiry.
    expect(await settle([m2, m3])).toBeLessThan(6000);
    expect([...ownView(m2)!, ...ownView(m3)!]).toEqual(expect.arrayContaining(moved));
  }, 60_000);
});
