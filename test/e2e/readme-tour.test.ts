import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startBrokerProcess, type BrokerProcess } from './support/broker-process';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/cohort-server.js');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The `kcat …` lines of the README's tour, in order, with the default bootstrap replaced. */
const tourCommands = (bootstrap: string): string[] =>
  [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1]!.split('\n'))
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => /(^|\| )kcat /.test(l))
    .map((l) => l.replaceAll('127.0.0.1:9092', bootstrap));

const sh = (cmd: string) => run('bash', ['-c', cmd], { timeout: 30_000 });

/** Every command the README shows is run by a test (issue 6). */
describe('README tour with kcat, as a new user runs it', () => {
  let broker: BrokerProcess;
  afterAll(async () => {
    await broker?.stop();
  });

  it('the README opens with the start and test commands', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(firstBlock).toContain('npm ci && npm start');
    expect(firstBlock).toContain('npm install-ci-test');
    expect(fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8')).toMatch(/\nnpm install-ci-test\n/);
  });

  it('metadata, produce, consume, group consume; after a kill -9 the librdkafka group resumes with nothing new (T-DUR-3)', async () => {
    broker = await startBrokerProcess();
    const cmds = tourCommands(broker.bootstrap);
    expect(cmds).toHaveLength(4);
    const [list, produce, consume, group] = cmds as [string, string, string, string];
    expect((await sh(list)).stdout).toContain('broker 0 at 127.0.0.1');
    await sh(produce);
    expect((await sh(consume)).stdout.trim().split('\n')).toEqual(['k1=hello @0', 'k2=world @1']);
    expect((await sh(`${group} 2>/dev/null`)).stdout.trim().split('\n')).toEqual(['hello', 'world']);
    const { dataDir, port } = broker;
    await broker.kill9();
    broker = await startBrokerProcess({ dataDir, port });
    expect((await sh(`${group} 2>/dev/null`)).stdout.trim()).toBe('');
  }, 90_000);

  it('metalog verify and dump, as the README and docs/operations.md show them', async () => {
    const dataDir = broker.dataDir;
    const verify = spawnSync(process.execPath, [BIN, 'metalog', 'verify', '--data-dir', dataDir], { encoding: 'utf8' });
    expect(verify.status).toBe(0);
    expect(JSON.parse(verify.stdout).status).toBe('ok');
    const dump = spawnSync(process.execPath, [BIN, 'metalog', 'dump', '--data-dir', dataDir], { encoding: 'utf8' });
    expect(dump.status).toBe(0);
    expect(dump.stdout).toContain('"TopicCreated"');
    expect(dump.stdout).toContain('"OffsetCommitted"');
  });

  it('groups list and history (PE-13), as the README shows them, beside the running broker', async () => {
    const lines = [...readme.matchAll(/^node bin\/cohort-server\.js (groups [^#\n]*?)\s*(#.*)?$/gm)].map((m) => m[1]!.trim());
    expect(lines).toEqual(['groups list --data-dir ./data', 'groups history tour-group --data-dir ./data']);
    const run1 = (line: string) =>
      spawnSync(process.execPath, [BIN, ...line.replace('./data', broker.dataDir).split(' ')], { encoding: 'utf8' });
    const list = run1(lines[0]!);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^GROUP\s+STATE\s+GENERATION\s+MEMBERS\s+LAST REBALANCE\n/);
    expect(list.stdout).toMatch(/\ntour-group\s+Empty\s+\d+\s+0\s+/);
    const history = run1(lines[1]!);
    expect(history.status).toBe(0);
    expect(history.stdout).toMatch(/^group tour-group: Empty, generation \d+, 0 members\n/);
    expect(history.stdout).toContain('  trigger: member rdkafka-');
  });

  it('--repair-metalog on a sound log starts normally', async () => {
    const { dataDir, port } = broker;
    await broker.stop();
    broker = await startBrokerProcess({ dataDir, port, args: ['--repair-metalog'] });
    expect((await sh(`kcat -L -b ${broker.bootstrap} -t tour`)).stdout).toContain('topic "tour" with 1 partitions');
  });
});
