import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { API_KEY, encodeRequest } from '../../src/adapters/kafka/protocol';
import { freePort, sleep, startBrokerProcess, tempDir, type BrokerProcess } from './support/broker-process';
import { RawClient } from './support/raw-client';
import { ScramClient, plainToken, saslLogin } from './support/sasl-client';
import { cliAddUser } from './support/security-process';

/*
 * T-SEC-5 (reliability.md C4) against the real process under a 128 MiB heap, logging at debug level:
 * 1,000 failed logins in a row and 5,000 mutated SASL frames (the T-BAD-3/4 treatment for the SASL
 * path) leave it serving, with a steady consumer group on another listener undisturbed; afterwards no
 * log line, MetaLog segment or snapshot holds a password or a salted password.
 */

const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
const FRAMES = Number(process.env.SASL_FUZZ_FRAMES ?? 5_000);
const PASSWORD = `pw-${crypto.randomBytes(12).toString('base64url')}`;
const ALTERED = `alt-${crypto.randomBytes(12).toString('base64url')}`;
const WRONG = `wrong-${crypto.randomBytes(12).toString('base64url')}`;

const rng = (() => {
  let s = SEED >>> 0 || 11;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 0x100000000);
})();
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const sized = (b: Buffer) => Buffer.concat([Buffer.from([b.length >>> 24, (b.length >>> 16) & 0xff, (b.length >>> 8) & 0xff, b.length & 0xff]), b]);

/** Valid pre-authentication frames of every shape (without size prefixes), the corpus the fuzzer mutates. */
const corpus = (): Buffer[] => {
  const body = (f: Buffer) => f.subarray(4);
  const scram = new ScramClient('SCRAM-SHA-512', 'alice', PASSWORD);
  return [
    body(encodeRequest(API_KEY.ApiVersions, 3, 1, 'fz', { clientSoftwareName: 'fz', clientSoftwareVersion: '1' })),
    ...[0, 1].flatMap((v) => ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].map((mechanism) => body(encodeRequest(API_KEY.SaslHandshake, v, 2, 'fz', { mechanism })))),
    ...[0, 1, 2].flatMap((v) => [plainToken('alice', WRONG), scram.first(), Buffer.from(`c=biws,r=${scram.nonce}x,p=AAAA`)].map((authBytes) => body(encodeRequest(API_KEY.SaslAuthenticate, v, 3, 'fz', { authBytes })))),
    plainToken('alice', WRONG),
    scram.first(),
  ];
};

/** T-BAD-2 mutations plus SASL-specific ones (token bytes, mechanism names, lying token lengths). */
const mutate = (b0: Buffer): Buffer => {
  const b = Buffer.from(b0);
  switch (Math.floor(rng() * 7)) {
    case 0:
      for (let i = 0; i < 1 + rng() * 6; i++) b[Math.floor(rng() * b.length)]! ^= 1 << Math.floor(rng() * 8);
      return sized(b);
    case 1:
      return sized(b.subarray(0, Math.floor(rng() * b.length)));
    case 2:
      if (b.length > 14) b.writeInt32BE(pick([-2, -1, 0x7fffffff, 0x8000, b.length + 1]), 10 + Math.floor(rng() * (b.length - 14)));
      return sized(b);
    case 3:
      return sized(Buffer.concat([b, crypto.randomBytes(1 + Math.floor(rng() * 200))]));
    case 4:
      return sized(Buffer.concat([b.subarray(0, Math.min(12, b.length)), Buffer.alloc(40, 0xff)]));
    case 5: // SA-9: a size just past sasl.server.max.receive.size (524288)
      return Buffer.concat([Buffer.from([0, 8, 0, 1]), b]);
    default: // a lying size prefix
      return Buffer.concat([Buffer.from([0x7f, 0xff, 0xff, 0xff]), b]);
  }
};

describe('T-SEC-5 credential hygiene and failed-login storms against the real process (SA-6, SA-8, SA-9, SP-2)', () => {
  let broker: BrokerProcess;
  let saslPort: number;
  let metricsPort: number;
  let sentinel: Consumer;
  let joins = 0;
  let crashes = 0;

  beforeAll(async () => {
    const dataDir = tempDir('cohort-tsec5-');
    for (const m of ['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN']) await cliAddUser(dataDir, 'alice', m, PASSWORD);
    const port = await freePort();
    saslPort = await freePort();
    metricsPort = await freePort();
    broker = await startBrokerProcess({
      dataDir, port,
      args: ['--listeners', `PLAINTEXT://127.0.0.1:${port},SASL_PLAINTEXT://127.0.0.1:${saslPort}`, '--log-level', 'debug', '--metrics-port', String(metricsPort), '--snapshot-every-events', '3'],
      env: { NODE_OPTIONS: '--max-old-space-size=128' },
    });
    const kafka = new Kafka({ clientId: 'sentinel', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'sentinel-topic', numPartitions: 1 }] });
    await admin.disconnect();
    sentinel = kafka.consumer({ groupId: 'sentinel', sessionTimeout: 10000, heartbeatInterval: 300 });
    sentinel.on(sentinel.events.GROUP_JOIN, () => joins++);
    sentinel.on(sentinel.events.CRASH, () => crashes++);
    await sentinel.connect();
    await sentinel.subscribe({ topic: 'sentinel-topic' });
    await sentinel.run({ eachMessage: async () => undefined });
    while (joins === 0) await sleep(50);
  }, 60_000);

  afterAll(async () => {
    await sentinel?.disconnect();
    await broker?.stop('SIGKILL');
  });

  const failOnce = async (kind: number): Promise<void> => {
    const c = await RawClient.connect(saslPort);
    try {
      switch (kind % 5) {
        case 0: await saslLogin(c, 'SCRAM-SHA-512', 'alice', WRONG); break;
        case 1: await saslLogin(c, 'SCRAM-SHA-256', `nobody-${kind}`, WRONG); break;
        case 2: await saslLogin(c, 'PLAIN', 'alice', WRONG); break;
        case 3: await c.send(API_KEY.SaslHandshake, 1, { mechanism: 'GSSAPI' }); break;
        default: await c.send(API_KEY.SaslAuthenticate, 1, { authBytes: plainToken('alice', WRONG) }).catch(() => undefined);
      }
    } catch {
      // closed on purpose
    }
    await c.closedWithin(3000);
    c.close();
  };

  it('1,000 failed logins in a row: each closed, the broker keeps serving, the sentinel group never rebalances, the failures are counted', async () => {
    let next = 0;
    await Promise.all(Array.from({ length: 50 }, async () => {
      while (next < 1000) await failOnce(next++);
    }));
    expect(broker.child.exitCode).toBeNull();
    const ok = await RawClient.connect(saslPort);
    expect((await saslLogin(ok, 'SCRAM-SHA-512', 'alice', PASSWORD)).errorCode).toBe(0);
    ok.close();
    expect(joins).toBe(1);
    expect(crashes).toBe(0);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const failures = Number(/cohort_authentication_failures_total\{listener="SASL_PLAINTEXT"\} (\d+)/.exec(metrics)?.[1]);
    expect(failures).toBeGreaterThanOrEqual(1000);
  }, 120_000);

  it(`${FRAMES} mutated SASL frames over 100 connections: no crash (seed ${SEED})`, async () => {
    console.log(`T-SEC-5 SASL fuzz seed=${SEED} frames=${FRAMES}`);
    const frames = corpus();
    const prefixes = [[], [frames[1]!], [frames[4]!], [frames[2]!], [frames[0]!, frames[5]!]];
    let sent = 0;
    const worker = async () => {
      while (sent < FRAMES) {
        const s = net.connect({ port: saslPort, host: '127.0.0.1' });
        s.on('error', () => undefined);
        s.resume();
        await new Promise<void>((r) => s.once('connect', () => r()).once('error', () => r()));
        for (const f of pick(prefixes)) s.write(sized(f));
        for (let i = 0; i < 5 && sent < FRAMES; i++, sent++) s.write(mutate(pick(frames)));
        await sleep(5);
        s.destroy();
      }
    };
    await Promise.all(Array.from({ length: 100 }, worker));
    expect(broker.child.exitCode).toBeNull();
    const ok = await RawClient.connect(saslPort);
    expect((await saslLogin(ok, 'PLAIN', 'alice', PASSWORD)).errorCode).toBe(0);
    ok.close();
    expect(joins).toBe(1);
  }, 120_000);

  it('SP-2: no log line, MetaLog segment or snapshot holds a password or salted password', async () => {
    for (const m of ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
      for (const v of [0, 1, 2]) {
        const c = await RawClient.connect(saslPort);
        expect((await saslLogin(c, m, 'alice', PASSWORD, v)).errorCode).toBe(0);
        c.close();
      }
    }
    // AlterUserScramCredentials carries a salted password: neither it nor the password may be stored.
    const salt = crypto.randomBytes(16);
    const salted = crypto.pbkdf2Sync(ALTERED, salt, 4096, 32, 'sha256');
    const c = await RawClient.connect(broker.port);
    const alter = await c.send(API_KEY.AlterUserScramCredentials, 0, { deletions: [], upsertions: [{ name: 'carol', mechanism: 1, iterations: 4096, salt, saltedPassword: salted }] });
    expect(alter.body.results[0].errorCode).toBe(0);
    c.close();
    const carol = await RawClient.connect(saslPort);
    expect((await saslLogin(carol, 'SCRAM-SHA-256', 'carol', ALTERED)).errorCode).toBe(0);
    carol.close();
    expect(await broker.stop('SIGTERM')).toBe(0);

    const secrets = [PASSWORD, ALTERED, WRONG, salted.toString('hex'), salted.toString('base64'), salted.toString('latin1')];
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    const stored = files(broker.dataDir).filter((f) => /metalog|snapshots/.test(f));
    expect(stored.some((f) => f.endsWith('.snap'))).toBe(true);
    const haystacks = [broker.logs.join('\n'), ...stored.map((f) => fs.readFileSync(f).toString('latin1'))];
    for (const secret of secrets) expect(haystacks.filter((h) => h.includes(secret)).length).toBe(0);
    expect(broker.logs.some((l) => l.includes('authentication failed'))).toBe(true);
  }, 60_000);
});
