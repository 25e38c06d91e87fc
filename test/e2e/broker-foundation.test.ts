import { execFile, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { API_KEY, encodeRequest } from '../../src/adapters/kafka/protocol';
import { startBrokerProcess, type BrokerProcess } from './support/broker-process';
import { RawClient } from './support/raw-client';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/cohort-server.js');
const hasKcat = spawnSync('kcat', ['-V']).status === 0;

describe('broker foundation against a running cohort-server (issue 2 acceptance)', () => {
  let broker: BrokerProcess;

  beforeAll(async () => {
    broker = await startBrokerProcess({ args: ['--max-frame-bytes', String(1024 * 1024)] });
  });

  afterAll(async () => {
    await broker.stop();
  });

  it('kafkajs admin.describeCluster() names this broker as the only broker and the controller', async () => {
    const kafka = new Kafka({ clientId: 'foundation', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    await admin.disconnect();
    expect(cluster.brokers).toEqual([{ nodeId: 0, host: '127.0.0.1', port: broker.port }]);
    expect(cluster.controller).toBe(0);
    expect(cluster.clusterId).toBeTruthy();
  });

  it('kcat -L lists the broker', async () => {
    expect(hasKcat).toBe(true);
    const { stdout } = await run('kcat', ['-L', '-b', broker.bootstrap, '-m', '5']);
    expect(stdout).toContain(`broker 0 at 127.0.0.1:${broker.port} (controller)`);
  });

  const probe = async () => {
    const c = await RawClient.connect(broker.port);
    const res = await c.send(API_KEY.ApiVersions, 0, {});
    c.close();
    return res.body.errorCode;
  };

  const header = (apiKey: number, version: number) => {
    const b = Buffer.alloc(10);
    b.writeInt16BE(apiKey, 0);
    b.writeInt16BE(version, 2);
    b.writeInt32BE(7, 4);
    b.writeInt16BE(-1, 8);
    return b;
  };
  const frame = (body: Buffer) => {
    const f = Buffer.alloc(4 + body.length);
    f.writeInt32BE(body.length, 0);
    body.copy(f, 4);
    return f;
  };

  it.each<[string, () => Buffer]>([
    ['garbage bytes', () => Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
    ['a negative size', () => Buffer.from([0xff, 0xff, 0xff, 0xfe, 1, 2, 3])],
    ['a zero size', () => Buffer.from([0, 0, 0, 0])],
    ['a frame over the cap', () => Buffer.from([0x7f, 0xff, 0xff, 0xff, 0, 18, 0, 0])],
    ['an unknown API key', () => frame(header(9999, 0))],
    ['an unsupported version', () => frame(header(API_KEY.JoinGroup, 99))],
    ['a huge array count', () => frame(Buffer.concat([header(API_KEY.Metadata, 1), Buffer.from([0x7f, 0xff, 0xff, 0xff])]))],
    ['a string longer than the frame', () => frame(Buffer.concat([header(API_KEY.FindCoordinator, 0), Buffer.from([0x7f, 0xff, 0x41])]))],
  ])('%s closes that connection while another client keeps working', async (_name, bytes) => {
    const bad = await RawClient.connect(broker.port);
    const good = await RawClient.connect(broker.port);
    bad.writeRaw(bytes());
    expect(await bad.closedWithin(2000)).toBe(true);
    const res = await good.send(API_KEY.ApiVersions, 2, {});
    expect(res.body.errorCode).toBe(0);
    good.close();
    expect(await probe()).toBe(0);
  });

  it('a truncated frame followed by FIN closes without harm', async () => {
    const bad = await RawClient.connect(broker.port);
    const full = encodeRequest(API_KEY.Metadata, 1, 1, 'x', { topics: null });
    bad.socket.end(full.subarray(0, full.length - 3));
    expect(await bad.closedWithin(2000)).toBe(true);
    expect(await probe()).toBe(0);
  });

  it('ApiVersions v99 is answered at v0 with UNSUPPORTED_VERSION (35) and the ApiVersions range (KIP-511)', async () => {
    const c = await RawClient.connect(broker.port);
    const res = await c.sendFrame(frame(Buffer.concat([header(API_KEY.ApiVersions, 99).subarray(0, 8), Buffer.from([0, 0]), Buffer.from([0])])), API_KEY.ApiVersions, 0);
    expect(res.body.errorCode).toBe(35);
    expect(res.body.apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 4 }]);
    c.close();
  });

  it('ApiVersions v3 with an invalid client software name gets INVALID_REQUEST (42)', async () => {
    const c = await RawClient.connect(broker.port);
    const res = await c.send(API_KEY.ApiVersions, 3, { clientSoftwareName: '-bad name-', clientSoftwareVersion: '1' });
    expect(res.body.errorCode).toBe(42);
    c.close();
  });

  it('pipelined requests of one connection are answered strictly in order', async () => {
    const c = await RawClient.connect(broker.port);
    const sent = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0 ? c.send(API_KEY.Metadata, 9, { topics: null, allowAutoTopicCreation: false }) : c.send(API_KEY.ApiVersions, 3, { clientSoftwareName: 'x', clientSoftwareVersion: '1' }),
    );
    const results = await Promise.all(sent);
    expect(results.map((r) => r.correlationId)).toEqual(results.map((_, i) => i + 1));
    c.close();
  });
});

describe('cohort-server CLI', () => {
  it.each([
    [['--port', 'abc'], /--port/],
    [['--fsync', 'sometimes'], /--fsync/],
    [['--no-such-flag'], /unknown option/],
  ])('bad flag %j exits 2 with one line', (args, re) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(re);
  });

  it('a corrupt --config file exits 2 naming the file', () => {
    const file = path.join(require('node:os').tmpdir(), `cohort-bad-${process.pid}.json`);
    require('node:fs').writeFileSync(file, '{ not json');
    const r = spawnSync(process.execPath, [BIN, '--config', file], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(file);
  });

  it('a bad COHORT_* variable exits 2', () => {
    const r = spawnSync(process.execPath, [BIN], { encoding: 'utf8', env: { ...process.env, COHORT_PORT: '-1' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--port/);
  });

  it('--wal-metadata is accepted and SIGTERM exits 0 after closing sockets', async () => {
    const b = await startBrokerProcess({ args: ['--wal-metadata'] });
    const c = await RawClient.connect(b.port);
    const code = await b.stop('SIGTERM');
    expect(code).toBe(0);
    expect(await c.closedWithin(2000)).toBe(true);
  });
});
