import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { API_KEY, encodeRequest } from '../../src/adapters/kafka/protocol';
import { AclOperation as Op, ResourceType as RT } from '../../src/domain/security/acl';
import { freePort, sleep, startBrokerProcess, tempDir } from './support/broker-process';
import { RawClient } from './support/raw-client';
import { startSecureBroker, type SecureBroker } from './support/secure-broker';
import { generateTestCertificates, type TestCertificates } from './support/test-certificates';
import { runCommand } from './support/security-process';

const BIN = path.resolve(__dirname, '../../bin/cohort-server.js');
const MTLS = 'User:CN=alice,OU=eng,O=cohort';

const allow = (principal: string, name: string) => ({ resourceType: RT.TOPIC, resourceName: name, patternType: 3, principal, host: '*', operation: Op.DESCRIBE, permission: 3 });
const metadataCode = async (c: RawClient, topic: string): Promise<number> =>
  (await c.send(API_KEY.Metadata, 4, { topics: [{ name: topic }], allowAutoTopicCreation: false })).body.topics[0].errorCode;
/** A handshake that fails must end in an error or a close, never in a secure connection. */
const handshakeFails = (port: number, options: tls.ConnectionOptions): Promise<string> =>
  new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', ...options }, () => {
      // TLS 1.3 reports a rejected client certificate after the client's side completes: wait for the alert.
      s.once('data', () => reject(new Error('data on a connection that should have failed')));
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    s.once('close', () => resolve('closed'));
  });

describe('T-SEC-4 TLS listener abuse (security.md LS-4..LS-8)', () => {
  let certs: TestCertificates;
  let sb: SecureBroker;

  beforeAll(async () => {
    certs = generateTestCertificates();
    sb = await startSecureBroker({ certs, config: { sslClientAuth: 'required', frameTimeoutMs: 700, authorizerEnabled: true, superUsers: 'User:admin' } });
    await sb.broker.security.createAcls([allow(MTLS, 'mtls-only')]);
  });
  afterAll(() => sb.close());

  const tlsClient = (port: number, extra: tls.ConnectionOptions = {}) => RawClient.connectTls(port, { ca: fs.readFileSync(certs.caPem), ...extra });

  it('LS-4 a plaintext Kafka frame on a TLS port (even one announcing 2 GiB) is closed without a Kafka response or allocation (KAFKA-4090 mirror)', async () => {
    for (const port of [sb.ssl!, sb.saslSsl!]) {
      const c = await RawClient.connect(port);
      const frame = encodeRequest(API_KEY.ApiVersions, 0, 1, 'x', {});
      frame.writeInt32BE(0x7fffffff, 0);
      const answered = c.sendFrame(frame, API_KEY.ApiVersions, 0).then(() => true, () => false);
      expect(await c.closedWithin(3000)).toBe(true);
      expect(await answered).toBe(false);
    }
    const ok = await tlsClient(sb.saslSsl!);
    expect((await ok.send(API_KEY.ApiVersions, 0, {})).body.errorCode).toBe(0);
    ok.close();
  });

  it('LS-4 no ClientHello, or a truncated one, is closed by the handshake timeout', async () => {
    const silent = await RawClient.connect(sb.ssl!);
    const t0 = Date.now();
    expect(await silent.closedWithin(5000)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    // The first bytes of a real ClientHello, then nothing.
    const hello: Buffer = await new Promise((resolve) => {
      const capture = net.createServer((s) => s.once('data', (d) => { resolve(d); s.destroy(); capture.close(); })).listen(0, '127.0.0.1', () => {
        const port = (capture.address() as net.AddressInfo).port;
        tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }).on('error', () => undefined);
      });
    });
    const truncated = await RawClient.connect(sb.ssl!);
    truncated.writeRaw(hello.subarray(0, 20));
    expect(await truncated.closedWithin(5000)).toBe(true);
  });

  it('T-SEC-4 TLS 1.0 and 1.1 are refused; TLS 1.2 and 1.3 are accepted', async () => {
    const legacy = await handshakeFails(sb.saslSsl!, { ca: fs.readFileSync(certs.caPem), minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
    expect(legacy).toMatch(/PROTOCOL|VERSION|closed|ECONNRESET/i);
    for (const v of ['TLSv1.2', 'TLSv1.3'] as const) {
      const c = await tlsClient(sb.saslSsl!, { minVersion: v, maxVersion: v });
      expect((c.socket as tls.TLSSocket).getProtocol()).toBe(v);
      c.close();
    }
  });

  it('LS-5 ssl.client.auth=required: no client certificate, or one from another CA, fails the handshake; LS-8 a verified one is User:<subject DN>', async () => {
    expect(await handshakeFails(sb.ssl!, { ca: fs.readFileSync(certs.caPem) })).toBeTruthy();
    expect(await sb.broker.security.state().acls.size).toBe(1);
    const c = await tlsClient(sb.ssl!, { cert: fs.readFileSync(certs.clientCert), key: fs.readFileSync(certs.clientKey) });
    // The ACL names the certificate's subject: allowed (3 = unknown topic, after the authorization passed).
    expect(await metadataCode(c, 'mtls-only')).toBe(3);
    expect(await metadataCode(c, 'someone-else')).toBe(29);
    c.close();
  });

  it('LS-5 SASL_SSL listeners ignore ssl.client.auth: no client certificate is asked for', async () => {
    const c = await tlsClient(sb.saslSsl!);
    expect((await c.send(API_KEY.SaslHandshake, 1, { mechanism: 'PLAIN' })).body.errorCode).toBe(0);
    c.close();
  });

  it('LS-5 ssl.client.auth=requested: without a certificate the principal is User:ANONYMOUS', async () => {
    const requested = await startSecureBroker({ certs, config: { sslClientAuth: 'requested', authorizerEnabled: true } });
    await requested.broker.security.createAcls([allow('User:ANONYMOUS', 'anon-only'), allow(MTLS, 'mtls-only')]);
    const anon = await RawClient.connectTls(requested.ssl!, { ca: fs.readFileSync(certs.caPem) });
    expect(await metadataCode(anon, 'anon-only')).toBe(3);
    expect(await metadataCode(anon, 'mtls-only')).toBe(29);
    anon.close();
    const cert = await RawClient.connectTls(requested.ssl!, { ca: fs.readFileSync(certs.caPem), cert: fs.readFileSync(certs.clientCert), key: fs.readFileSync(certs.clientKey) });
    expect(await metadataCode(cert, 'mtls-only')).toBe(3);
    cert.close();
    await requested.close();
  });

  it('SIGHUP reloads the key store: new connections get the new certificate; a broken store keeps the old one', async () => {
    const dir = tempDir('cohort-tsec4-');
    const keystore = path.join(dir, 'keystore.pem');
    fs.copyFileSync(certs.brokerKeystore, keystore);
    const plain = await freePort();
    const ssl = await freePort();
    const broker = await startBrokerProcess({ port: plain, args: ['--listeners', `PLAINTEXT://127.0.0.1:${plain},SSL://127.0.0.1:${ssl}`, '--ssl-keystore-location', keystore] });
    const fingerprint = async () => {
      // The harness waits for the PLAINTEXT listener; the SSL one is bound right after it.
      let c: RawClient | null = null;
      for (let attempt = 0; c === null; attempt++) {
        c = await RawClient.connectTls(ssl, { ca: fs.readFileSync(certs.caPem) }).catch((err: Error) => {
          if (attempt > 20) throw err;
          return sleep(50).then(() => null);
        });
      }
      const f = (c.socket as tls.TLSSocket).getPeerCertificate().fingerprint256;
      c.close();
      return f;
    };
    try {
      const before = await fingerprint();
      fs.copyFileSync(certs.newBrokerKeystore('rotated'), keystore);
      broker.child.kill('SIGHUP');
      await sleep(300);
      const after = await fingerprint();
      expect(after).not.toBe(before);
      fs.writeFileSync(keystore, 'not a key store');
      broker.child.kill('SIGHUP');
      await sleep(300);
      expect(await fingerprint()).toBe(after);
      expect(broker.logs.some((l) => l.includes('TLS certificate reload failed'))).toBe(true);
    } catch (err) {
      throw new Error(`${(err as Error).message}\n${broker.logs.join('\n')}`);
    } finally {
      expect(await broker.stop()).toBe(0);
    }
  });

  it('LS-6/LS-7 start-up: a TLS listener without a key store is a config error (exit 2); an unreadable or keyless store exits 1 with one line', async () => {
    const dir = tempDir('cohort-tsec4-');
    const noKeystore = await runCommand(process.execPath, [BIN, '--data-dir', dir, '--listeners', 'SSL://127.0.0.1:0'], null, 20000);
    expect(noKeystore.code).toBe(2);
    expect(noKeystore.stderr.trim().split('\n')).toHaveLength(1);
    const certOnly = path.join(dir, 'cert-only.pem');
    fs.writeFileSync(certOnly, fs.readFileSync(certs.caPem));
    const keyless = await runCommand(process.execPath, [BIN, '--data-dir', dir, '--listeners', 'SSL://127.0.0.1:0', '--ssl-keystore-location', certOnly], null, 20000);
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toMatch(/expected one PEM private key/);
    expect(keyless.stderr.trim().split('\n')).toHaveLength(1);
  });
});
