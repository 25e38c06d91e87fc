import { Kafka, logLevel } from 'kafkajs';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { startNatsCluster, type NatsCluster } from '../support/nats-cluster';
import { startClusterBrokers } from '../e2e/support/cluster-brokers';
import { freePort, sleep, tempDir, type BrokerProcess } from '../e2e/support/broker-process';
import { ErrorCode } from '../../src/domain/error-code';
import { topicOnEveryBroker, waitCoordinated } from './support/cluster-probe';
import { startCommitLoad } from './support/commit-load';

/**
 * Issue 15 bad input: JetStream unreachable at start → one clear line on stderr and a non-zero exit;
 * JetStream lost mid-run → group writes answer retriable coordinator errors, and nothing was
 * acknowledged that is not stored (checked once JetStream is back).
 */
const BIN = path.resolve(__dirname, '../../bin/cohort-server.js');
const TTL = 3000;

test('issue 15: JetStream unreachable at start — one-line error, non-zero exit', async () => {
  const natsPort = await freePort();
  const child = spawn(process.execPath, [BIN, '--data-dir', tempDir(), '--host', '127.0.0.1', '--port', String(await freePort()), '--metalog', `jetstream://127.0.0.1:${natsPort}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).not.toBe(0);
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^cohort-server: JetStream unreachable at 127\.0\.0\.1:\d+/);
});

test('issue 15: a malformed --metalog is a usage error', async () => {
  const child = spawn(process.execPath, [BIN, '--data-dir', tempDir(), '--metalog', 'nats://x'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(2);
  expect(stderr).toMatch(/metalog/);
});

describe('JetStream lost mid-run', () => {
  let nats: NatsCluster;
  let brokers: BrokerProcess[] = [];
  beforeAll(async () => {
    nats = await startNatsCluster(3);
    brokers = await startClusterBrokers(nats, 3, { clusterId: `badinput-${process.pid}`, leaseTtlMs: TTL });
  }, 60_000);
  afterAll(async () => {
    for (const b of brokers) await b.stop('SIGKILL');
    await nats?.stop();
  });

  test('issue 15: group writes answer coordinator errors while JetStream is gone; every acknowledged commit is stored', async () => {
    const admin = new Kafka({ clientId: 'badinput', brokers: brokers.map((b) => b.bootstrap), logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 500 } }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'lost', numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    await topicOnEveryBroker(brokers, 'lost');
    const groups = Array.from({ length: 4 }, (_, i) => `lost-${i}`);
    await waitCoordinated(brokers, groups, 'lost', [0], 30_000);
    const load = startCommitLoad(() => brokers, groups, 'lost');
    await sleep(1500);
    for (let i = 0; i < 3; i++) await nats.kill(i);
    const ackedAtLoss = new Map(load.acked);
    await sleep(8000);
    // Without JetStream nothing can become durable, so nothing more may be acknowledged (one in-flight ack at most).
    for (const g of groups) expect(load.acked.get(g)! - ackedAtLoss.get(g)!).toBeLessThanOrEqual(1);
    const codes = [...load.errors.keys()];
    expect(codes.length).toBeGreaterThan(0);
    for (const c of codes) expect([ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.REQUEST_TIMED_OUT]).toContain(c);
    await load.stop();
    for (let i = 0; i < 3; i++) await nats.restart(i);
    await nats.ready();
    const { committed } = await waitCoordinated(brokers, groups, 'lost', [0], 60_000);
    for (const g of groups) expect(committed.get(g)!.get(0)!).toBeGreaterThanOrEqual(load.acked.get(g)!);
  }, 120_000);
});
