import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FileSnapshotStore } from '../../../src/adapters/snapshot/file-snapshot-store';
import { FileMetaLog } from '../../../src/adapters/wal/file-meta-log';
import { NodeFileSystem } from '../../../src/adapters/wal/node-file-system';
import { runGroupsCommand } from '../../../src/adapters/cli/groups-command';
import { readGroupsOffline } from '../../../src/adapters/cli/offline-groups';
import type { GroupEvent } from '../../../src/domain/group/events';
import type { MetaEvent } from '../../../src/domain/meta-event';

/**
 * PE-13 `cohort-server groups list|history`: bad input gets one line and the documented exit code,
 * nothing is ever written, and a reader beside a live writer never disturbs it.
 */
const BIN = resolve(__dirname, '../../../bin/cohort-server.js');
const fs = new NodeFileSystem();
let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'cohort-groups-cli-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

const sink = () => {
  const lines: string[] = [];
  return { lines, write: (t: string) => lines.push(...t.split('\n').filter((l) => l !== '')) };
};

const groupEvents = (groupId: string, generation: number, at: number): GroupEvent[] => [
  { type: 'GroupCreated', groupId, at },
  {
    type: 'MemberJoined', groupId, memberId: `${groupId}-m1`, instanceId: null, clientId: '<b>client</b>', clientHost: '/127.0.0.1',
    protocolType: 'consumer', protocols: [{ name: 'range', metadata: new Uint8Array([1]), topics: ['t'] }], sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000, replacedMemberId: null, at,
  },
  { type: 'RebalanceStarted', groupId, trigger: { kind: 'MemberJoined', memberId: `${groupId}-m1`, replacedMemberId: null }, at },
  { type: 'GenerationBumped', groupId, generation, protocolType: 'consumer', protocolName: 'range', leaderId: `${groupId}-m1`, memberIds: [`${groupId}-m1`], trigger: { kind: 'MemberJoined', memberId: `${groupId}-m1`, replacedMemberId: null }, at: at + 5 },
];

const writeLog = async (dataDir: string, batches: MetaEvent[][], segmentBytes = 1 << 16): Promise<FileMetaLog> => {
  const log = new FileMetaLog(fs, { dir: join(dataDir, 'metalog'), segmentBytes });
  await log.replay(0, () => undefined);
  for (const b of batches) await log.append(b);
  return log;
};

const sha = (dir: string): string => {
  const h = createHash('sha256');
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      h.update(p);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
};

describe('cohort-server groups (PE-13)', () => {
  test('PE-13 groups list and history print the folded groups; --json is the same document as the HTTP API', async () => {
    const dataDir = join(root, 'data');
    const log = await writeLog(dataDir, [groupEvents('g1', 1, 1_000), groupEvents('g2', 1, 2_000)]);
    await log.close();
    const out = sink();
    expect(await runGroupsCommand('list', undefined, { dataDir, json: true, historyMaxGenerations: 100 }, out, sink())).toBe(0);
    expect(JSON.parse(out.lines.join('\n')).map((g: { groupId: string; state: string }) => [g.groupId, g.state])).toEqual([
      ['g1', 'CompletingRebalance'],
      ['g2', 'CompletingRebalance'],
    ]);
    const text = sink();
    expect(await runGroupsCommand('history', 'g1', { dataDir, json: false, historyMaxGenerations: 100 }, text, sink())).toBe(0);
    expect(text.lines).toContain('  trigger: member g1-m1 joined');
  });

  test('PE-13 bad input: an unknown group is one line and exit 2', async () => {
    const dataDir = join(root, 'data');
    await (await writeLog(dataDir, [groupEvents('g1', 1, 1_000)])).close();
    const err = sink();
    expect(await runGroupsCommand('history', 'nope', { dataDir, json: false, historyMaxGenerations: 100 }, sink(), err)).toBe(2);
    expect(err.lines).toEqual([`cohort-server: unknown group "nope" in ${dataDir}`]);
  });

  test('PE-13 bad input: a directory that is not a Cohort data directory is refused and left untouched', async () => {
    const plain = join(root, 'plain');
    mkdirSync(plain);
    writeFileSync(join(plain, 'notes.txt'), 'hello');
    const before = sha(plain);
    for (const dir of [plain, join(root, 'missing')]) {
      const err = sink();
      expect(await runGroupsCommand('list', undefined, { dataDir: dir, json: false, historyMaxGenerations: 100 }, sink(), err)).toBe(2);
      expect(err.lines).toEqual([`cohort-server: ${dir} is not a Cohort data directory (no metalog/ inside)`]);
    }
    expect(sha(plain)).toBe(before);
    expect(existsSync(join(root, 'missing'))).toBe(false);
  });

  test('PE-13 / T-DUR-6 a corrupt MetaLog: the same line as `metalog verify`, exit 1, files byte-identical', async () => {
    const dataDir = join(root, 'data');
    await (await writeLog(dataDir, Array.from({ length: 20 }, (_, i) => groupEvents(`g${i}`, 1, 1_000 + i)))).close();
    const seg = join(dataDir, 'metalog', readdirSync(join(dataDir, 'metalog'))[0]!);
    const bytes = readFileSync(seg);
    bytes[200] ^= 0xff; // inside an early record that later synced records vouch for
    writeFileSync(seg, bytes);
    const before = sha(dataDir);
    const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--data-dir', dataDir], { encoding: 'utf8' });
    const verify = run(['metalog', 'verify']);
    const history = run(['groups', 'history', 'g1']);
    const list = run(['groups', 'list', '--json']);
    expect(verify.status).toBe(1);
    expect(verify.stderr).toMatch(/^cohort-server: MetaLog corrupt: .* at byte \d+: .+\n$/);
    for (const r of [history, list]) {
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(verify.stderr);
      expect(r.stdout).toBe('');
    }
    expect(sha(dataDir)).toBe(before);
  });

  test('PE-13 the offline read starts at the newest snapshot: segments wholly below it are never opened (a writer may be deleting them)', async () => {
    const dataDir = join(root, 'data');
    const log = await writeLog(dataDir, Array.from({ length: 40 }, (_, i) => groupEvents(`g${i % 5}`, 1 + i, 1_000 + i)), 1024);
    const position = log.nextPosition();
    await new FileSnapshotStore(fs, { dir: join(dataDir, 'snapshots') }).save({ position, events: groupEvents('snap', 1, 7) });
    await log.append(groupEvents('after', 1, 9));
    await log.close();
    const segments = readdirSync(join(dataDir, 'metalog')).filter((n) => n.endsWith('.wal')).sort();
    expect(segments.length).toBeGreaterThan(3);
    // Every segment but the one holding the snapshot's position is "deleted" the moment it is opened,
    // as a writer truncating after its next snapshot does between a reader's listing and its read.
    const holding = segments.filter((n) => Number(n.slice(0, -4)) <= position).pop()!;
    const opened: string[] = [];
    const racing = new Proxy(fs, {
      get: (target, key) =>
        key === 'open'
          ? async (path: string, mode: 'read') => {
              const name = path.split('/').pop()!;
              if (name.endsWith('.wal')) opened.push(name);
              if (name.endsWith('.wal') && Number(name.slice(0, -4)) < Number(holding.slice(0, -4))) throw Object.assign(new Error(`${path}: gone`), { code: 'ENOENT' });
              return target.open(path, mode);
            }
          : (target as unknown as Record<string | symbol, unknown>)[key as string],
    }) as NodeFileSystem;
    const read = await readGroupsOffline(dataDir, 100, racing);
    expect(opened.every((n) => n >= holding)).toBe(true);
    expect(read.position).toBe(position + 4);
    expect([...read.state.groups.keys()].sort()).toEqual(['after', 'snap']);
  });

  test('PE-13 a reader beside a live writer (rolls, snapshots, truncation) never fails and never disturbs it', async () => {
    const dataDir = join(root, 'data');
    const log = await writeLog(dataDir, [], 2048);
    const snapshots = new FileSnapshotStore(fs, { dir: join(dataDir, 'snapshots') });
    let stop = false;
    let written = 0;
    let previous = 0;
    const writer = (async () => {
      while (!stop) {
        const events = groupEvents(`w${written % 7}`, 1 + written, 10_000 + written);
        await log.append(events);
        written++;
        if (written % 25 === 0) {
          // A snapshot of nothing but a marker group, then the old segments go, as the journal does.
          const position = log.nextPosition();
          await snapshots.save({ position, events: groupEvents('snap', 1, written) });
          await log.truncateBefore(previous);
          previous = position;
        }
      }
    })();
    // The real CLI, in its own process as operators run it, over and over while the writer works.
    let reads = 0;
    const deadline = Date.now() + 2_500;
    try {
      while (Date.now() < deadline) {
        const r = await new Promise<{ code: number | null; out: string; err: string }>((done) => {
          const child = spawn(process.execPath, [BIN, 'groups', 'list', '--json', '--data-dir', dataDir]);
          let out = '';
          let err = '';
          child.stdout.on('data', (d: Buffer) => (out += d.toString()));
          child.stderr.on('data', (d: Buffer) => (err += d.toString()));
          child.on('exit', (code) => done({ code, out, err }));
        });
        expect(r.err).toBe('');
        expect(r.code).toBe(0);
        expect(Array.isArray(JSON.parse(r.out))).toBe(true);
        reads++;
      }
    } finally {
      // Also on a failed read: the writer must not outlive the test's directory.
      stop = true;
      await writer;
      await log.close();
    }
    expect(reads).toBeGreaterThan(2);
    expect(written).toBeGreaterThan(50);
    // The writer's log is intact: it reopens and replays every event it wrote since the last snapshot.
    const reopened = new FileMetaLog(fs, { dir: join(dataDir, 'metalog'), segmentBytes: 2048 });
    const end = await reopened.replay(previous, () => undefined);
    expect(end).toBe(written * 4);
    await reopened.close();
  });
});
