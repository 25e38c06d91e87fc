import { spawn, type ChildProcess } from 'node:child_process';
import { API_KEY } from '../../src/adapters/kafka/protocol';
import { startBrokerProcess, sleep, type BrokerProcess } from './support/broker-process';
import { RawClient } from './support/raw-client';

interface Member { proc: ChildProcess; log: string[] }

const startMember = (bootstrap: string, instanceId: string): Member => {
  const proc = spawn('kcat', ['-b', bootstrap, '-G', 'static-group', '-X', `group.instance.id=${instanceId}`,
    '-X', 'session.timeout.ms=10000', '-X', 'heartbeat.interval.ms=300', '-X', 'auto.offset.reset=earliest', 'static-topic'],
  { stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  proc.stderr!.on('data', (d: Buffer) => log.push(...d.toString().split('\n').filter((l) => l.includes('rebalanced'))));
  return { proc, log };
};

const describe1 = async (port: number) => {
  const c = await RawClient.connect(port);
  const r = await c.send(API_KEY.DescribeGroups, 4, { groups: ['static-group'], includeAuthorizedOperations: false });
  c.close();
  return r.body.groups[0] as { groupState: string; members: { memberId: string; groupInstanceId: string | null }[] };
};

const waitFor = async (cond: () => Promise<boolean>, ms: number) => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond()) return true;
    await sleep(100);
  }
  return false;
};

describe('static membership with librdkafka (KIP-345)', () => {
  let broker: BrokerProcess;
  const members: Member[] = [];
  beforeAll(async () => {
    broker = await startBrokerProcess();
    const c = await RawClient.connect(broker.port);
    await c.send(API_KEY.CreateTopics, 3, { topics: [{ name: 'static-topic', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000 });
    c.close();
  });
  afterAll(async () => {
    for (const m of members) m.proc.kill('SIGKILL');
    await broker.stop();
  });

  it('CG-61/TS-34: a group.instance.id member restarted inside its session timeout causes no rebalance', async () => {
    const a = startMember(broker.bootstrap, 'member-a');
    const b = startMember(broker.bootstrap, 'member-b');
    members.push(a, b);
    expect(await waitFor(async () => {
      const g = await describe1(broker.port);
      return g.groupState === 'Stable' && g.members.length === 2 && b.log.length > 0 && a.log.length > 0;
    }, 30_000)).toBe(true);
    await sleep(1500);
    const before = await describe1(broker.port);
    const oldA = before.members.find((m) => m.groupInstanceId === 'member-a')!.memberId;
    const bRebalances = b.log.length;

    a.proc.kill('SIGKILL');
    await sleep(500);
    const a2 = startMember(broker.bootstrap, 'member-a');
    members.push(a2);
    expect(await waitFor(async () => a2.log.length > 0, 20_000)).toBe(true);
    await sleep(2000);

    const after = await describe1(broker.port);
    expect(after.groupState).toBe('Stable');
    expect(after.members.map((m) => m.groupInstanceId).sort()).toEqual(['member-a', 'member-b']);
    // CG-60: the restarted instance got a new member id, the old one is replaced.
    expect(after.members.find((m) => m.groupInstanceId === 'member-a')!.memberId).not.toBe(oldA);
    // The other member never saw a rebalance.
    expect(b.log.length).toBe(bRebalances);
  }, 90_000);
});
