import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { Kafka, logLevel } from 'kafkajs';
import { freePort, sleep, startBrokerProcess, type BrokerProcess } from './support/broker-process';

/**
 * Issue "Event-sourced group core", acceptance with real clients (PE-13): three kafkajs consumers
 * in a group; one leaves (LeaveGroup), one is killed (session expiry), the broker is restarted with
 * kill -9; `cohort-server groups history --json` (run beside the live broker) shows exactly those
 * triggers in order, before and after the restart, and the timeline page draws them in Chromium.
 */
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/cohort-server.js');
const MEMBER = path.join(__dirname, 'support/kafkajs-member.js');
const CHROMIUM = '/usr/bin/chromium';
const GROUP = 'history-group';
const TOPIC = 'history-topic';

interface Member {
  readonly child: ChildProcess;
  readonly clientId: string;
  memberId: string | null;
  partitions: number[];
}

const startMember = (bootstrap: string, clientId: string): Member => {
  const child = spawn(process.execPath, [MEMBER, bootstrap, GROUP, TOPIC, clientId], { stdio: ['ignore', 'pipe', 'ignore'] });
  const m: Member = { child, clientId, memberId: null, partitions: [] };
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const line of lines) {
      const e = JSON.parse(line) as { event: string; memberId?: string; partitions?: number[] };
      if (e.event === 'assigned') {
        m.memberId = e.memberId!;
        m.partitions = e.partitions!;
      }
    }
  });
  return m;
};

const get = (port: number, p: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: p, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });

interface Report {
  group: { state: string; generation: number; members: number };
  generations: Array<{ generation: number; outcome: string; trigger: { kind: string; memberId: string | null; reason: string | null } | null; members: Array<{ memberId: string; clientId: string; partitions: number | null }> }>;
}

const historyCli = (dataDir: string): Report => {
  const r = spawnSync(process.execPath, [BIN, 'groups', 'history', GROUP, '--data-dir', dataDir, '--json'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`groups history exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Report;
};

/** Waits until the group is Stable with `n` members, every live member holding partitions that cover the topic. */
const stableWith = async (metricsPort: number, members: Member[], n: number): Promise<Report> => {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const res = await get(metricsPort, `/groups/${encodeURIComponent(GROUP)}/history`);
    if (res.status === 200) {
      const report = JSON.parse(res.body) as Report;
      const last = report.generations[report.generations.length - 1];
      const covered = members.flatMap((m) => m.partitions).sort((a, b) => a - b).join(',') === '0,1,2,3,4,5';
      if (report.group.state === 'Stable' && report.group.members === n && last?.outcome === 'stable' && covered &&
        members.every((m) => last.members.some((x) => x.memberId === m.memberId))) return report;
    }
    if (Date.now() > deadline) throw new Error(`group not Stable with ${n} members: ${res.body.slice(0, 2000)}`);
    await sleep(200);
  }
};

describe('PE-13 group history with real kafkajs consumers', () => {
  let broker: BrokerProcess | null = null;
  let browser: Browser | null = null;
  const members: Member[] = [];
  afterAll(async () => {
    for (const m of members) m.child.kill('SIGKILL');
    await browser?.close();
    await broker?.stop();
  });

  test('PE-13 a LeaveGroup and a session expiry are the triggers, in order, before and after a kill -9 restart; Chromium draws them', async () => {
    const metricsPort = await freePort();
    const args = ['--metrics-port', String(metricsPort)];
    broker = await startBrokerProcess({ args });
    const { dataDir, port, bootstrap } = broker;
    const admin = new Kafka({ clientId: 'history-admin', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 6 }] });
    await admin.disconnect();

    for (const name of ['alpha', 'bravo', 'charlie']) {
      members.push(startMember(bootstrap, name));
      await stableWith(metricsPort, members, members.length);
    }
    const [alpha, bravo, charlie] = members as [Member, Member, Member];

    // bravo leaves cleanly: kafkajs disconnect() sends LeaveGroup.
    bravo.child.kill('SIGTERM');
    await new Promise((r) => bravo.child.once('exit', r));
    await stableWith(metricsPort, [alpha, charlie], 2);
    // charlie dies: no LeaveGroup, its session (6 s) expires.
    charlie.child.kill('SIGKILL');
    const afterExpiry = await stableWith(metricsPort, [alpha], 1);

    const triggers = (r: Report) => r.generations.map((g) => [g.trigger?.kind, g.trigger?.memberId, g.trigger?.reason]);
    const before = historyCli(dataDir);
    expect(before.generations.map((g) => g.generation)).toEqual(afterExpiry.generations.map((g) => g.generation));
    const tail = before.generations.slice(-2);
    expect(triggers({ ...before, generations: tail })).toEqual([
      ['MemberLeft', bravo.memberId, 'LeaveGroup'],
      ['MemberLeft', charlie.memberId, 'SessionTimeout'],
    ]);
    // The generations before: one per member that joined, in the order they joined.
    const joins = before.generations.filter((g) => g.trigger?.kind === 'MemberJoined').map((g) => g.trigger!.memberId);
    expect(joins).toEqual([alpha.memberId, bravo.memberId, charlie.memberId]);
    expect(tail[1]!.members.map((m) => [m.clientId, m.partitions])).toEqual([['alpha', 6]]);

    await broker.kill9();
    broker = await startBrokerProcess({ dataDir, port, args });
    // alpha reconnects to the restarted broker and keeps (or regains) its partitions.
    await stableWith(metricsPort, [alpha], 1);
    const after = historyCli(dataDir);
    expect(after.generations.slice(0, before.generations.length)).toEqual(before.generations);
    expect(triggers(after).slice(0, before.generations.length)).toEqual(triggers(before));

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${metricsPort}/groups/${encodeURIComponent(GROUP)}`);
    expect(await page.locator('#group-id').textContent()).toBe(GROUP);
    // alpha's client may rejoin once more after the restart, so the page can hold a later generation
    // than the CLI read: every generation read is drawn, and the timeline and the table agree.
    const drawn = await page.locator('svg rect.generation').count();
    expect(drawn).toBeGreaterThanOrEqual(after.generations.length);
    expect(await page.locator('tr.generation-row').count()).toBe(drawn);
    const triggerCells = await page.locator('tr.generation-row td.trigger').allTextContents();
    const n = before.generations.length;
    expect(triggerCells[n - 2]).toContain(`member ${bravo.memberId} left: sent LeaveGroup`);
    expect(triggerCells[n - 1]).toContain(`member ${charlie.memberId} left: session timeout`);
    expect(await page.locator(`svg g.left[data-reason="LeaveGroup"][data-member="${bravo.memberId}"]`).count()).toBe(1);
    expect(await page.locator(`svg g.left[data-reason="SessionTimeout"][data-member="${charlie.memberId}"]`).count()).toBe(1);
    // One lane per member: alpha, bravo, charlie, and a fourth only if alpha's client, slow to reconnect
    // on a loaded machine, outlived its session after the restart and rejoined as a new member.
    const lanes = await page.locator('text.lane-label').count();
    expect(lanes).toBeGreaterThanOrEqual(3);
    expect(lanes).toBeLessThanOrEqual(4);
    await page.screenshot({ path: path.join(dataDir, 'timeline.png'), fullPage: true });
    void port;
  }, 180_000);
});
