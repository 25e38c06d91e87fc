import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { API_KEY } from '../../src/adapters/kafka/protocol';
import { freePort, sleep, startBrokerProcess, type BrokerProcess } from './support/broker-process';
import { RawClient } from './support/raw-client';

/** GET http://127.0.0.1:<port><path>: status, content type and body. */
const get = (port: number, path = '/metrics'): Promise<{ status: number; type: string; body: string }> =>
  new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });

/** The value of the sample `name{labels…}` in a Prometheus text exposition (labels matched as a subset), or undefined. */
const sample = (text: string, name: string, labels: Record<string, string> = {}): number | undefined => {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = new Map([...(m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(m[3]);
  }
  return undefined;
};

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/** TCP ports a process listens on (Linux /proc: its socket inodes joined with the LISTEN rows of tcp/tcp6). */
const listeningPorts = (pid: number): number[] => {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    const target = (() => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return '';
      }
    })();
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m !== null) inodes.add(m[1]);
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const row of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      // cols: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (cols.length > 9 && cols[3] === '0A' && inodes.has(cols[9])) ports.add(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
};

describe('Prometheus endpoint (issue 6 item 4): --metrics-port', () => {
  let broker: BrokerProcess;
  let metricsPort: number;
  let consumer: Consumer | null = null;

  beforeAll(async () => {
    metricsPort = await freePort();
    broker = await startBrokerProcess({ args: ['--metrics-port', String(metricsPort)] });
  });

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await broker.stop();
  });

  it('serves every cohort metric and the default process metrics on /metrics, bound to 127.0.0.1 by default', async () => {
    const res = await get(metricsPort);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of ['cohort_requests_total', 'cohort_groups', 'cohort_metalog_fsync_duration_seconds', 'cohort_snapshot_age_seconds']) {
      expect(res.body).toContain(`# TYPE ${name} `);
    }
    expect(sample(res.body, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
    expect(sample(res.body, 'cohort_recovery_duration_seconds')).toBeGreaterThanOrEqual(0);
    expect((await get(metricsPort, '/')).status).toBe(404);
    expect(broker.logs.some((l) => l.includes('metrics endpoint listening') && l.includes('"host":"127.0.0.1"'))).toBe(true);
    expect(listeningPorts(broker.child.pid!)).toEqual([broker.port, metricsPort].sort((a, b) => a - b));
  });

  it('request counters move per API name and version; connections are counted while open', async () => {
    const before = (await get(metricsPort)).body;
    const c = await RawClient.connect(broker.port);
    await c.send(API_KEY.ApiVersions, 3, { clientSoftwareName: 'metrics-test', clientSoftwareVersion: '1' });
    await c.send(API_KEY.ApiVersions, 3, { clientSoftwareName: 'metrics-test', clientSoftwareVersion: '1' });
    await c.send(API_KEY.Metadata, 1, { topics: [] });
    // Heartbeat for a group that does not exist: an error response, counted by its error code.
    const hb = await c.send(API_KEY.Heartbeat, 0, { groupId: 'no-such-group', generationId: 1, memberId: 'm' });
    expect(hb.body.errorCode).not.toBe(0);
    const during = (await get(metricsPort)).body;
    c.close();

    const delta = (name: string, labels: Record<string, string>) => (sample(during, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);
    expect(delta('cohort_requests_total', { api: 'ApiVersions', version: '3' })).toBe(2);
    expect(delta('cohort_requests_total', { api: 'Metadata', version: '1' })).toBe(1);
    expect(delta('cohort_request_duration_seconds_count', { api: 'Metadata', version: '1' })).toBe(1);
    expect(delta('cohort_request_errors_total', { api: 'Heartbeat', version: '0', error_code: String(hb.body.errorCode) })).toBe(1);
    expect(sample(during, 'cohort_connections_open')).toBeGreaterThanOrEqual(1);
  });

  it('a kafkajs group join shows up as a Stable group with its member, a rebalance, and MetaLog and partition-log activity', async () => {
    const kafka = new Kafka({ clientId: 'metrics-e2e', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10 } });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'metrics-topic', messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.disconnect();

    consumer = kafka.consumer({ groupId: 'metrics-group', sessionTimeout: 10_000, heartbeatInterval: 500 });
    const joined = new Promise<void>((resolve) => consumer!.on(consumer!.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topic: 'metrics-topic', fromBeginning: true });
    await consumer.run({ eachMessage: async () => undefined });
    await joined;

    let text = '';
    for (let i = 0; i < 100; i++) {
      text = (await get(metricsPort)).body;
      if ((sample(text, 'cohort_groups', { state: 'Stable' }) ?? 0) >= 1) break;
      await sleep(100);
    }
    expect(sample(text, 'cohort_groups', { state: 'Stable' })).toBe(1);
    expect(sample(text, 'cohort_groups', { state: 'PreparingRebalance' })).toBe(0);
    expect(sample(text, 'cohort_group_members')).toBe(1);
    expect(sample(text, 'cohort_group_rebalances_total')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cohort_requests_total', { api: 'JoinGroup' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cohort_requests_total', { api: 'SyncGroup' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cohort_requests_total', { api: 'Produce' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cohort_partition_log_appends_total')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cohort_partition_log_appended_records_total')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'cohort_metalog_append_duration_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cohort_metalog_flush_events_sum')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'cohort_metalog_fsync_duration_seconds_count')).toBeGreaterThanOrEqual(1);
  });
});

describe('Prometheus endpoint is off by default; COHORT_METRICS_PORT turns it on', () => {
  it('without --metrics-port nothing listens', async () => {
    const probe = await freePort();
    const broker = await startBrokerProcess();
    try {
      expect(await listening(probe)).toBe(false);
      // The Kafka listener is the only one: no metrics port, not even an ephemeral one.
      expect(listeningPorts(broker.child.pid!)).toEqual([broker.port]);
      expect(broker.logs.some((l) => l.includes('metrics endpoint'))).toBe(false);
    } finally {
      await broker.stop();
    }
  });

  it('COHORT_METRICS_PORT enables it like the flag', async () => {
    const port = await freePort();
    const broker = await startBrokerProcess({ env: { COHORT_METRICS_PORT: String(port) } });
    try {
      const res = await get(port);
      expect(res.status).toBe(200);
      expect(res.body).toContain('# TYPE cohort_requests_total counter');
    } finally {
      await broker.stop();
    }
  });
});
