'use strict';
// Security rows (issue 17), all against one Cohort broker in the same run, so each ratio compares TLS with
// plaintext on the same machine state:
//   - Produce v7 acks=-1 and Fetch v11 throughput over an SSL listener vs the PLAINTEXT listener (the
//     produce-fetch suite's load, 16 x 1 KiB records per batch);
//   - connection setup: TLS handshake + SaslHandshake + SCRAM-SHA-512 (4096 iterations, both rounds) on a
//     SASL_SSL listener vs TCP connect + ApiVersions on PLAINTEXT. The client's PBKDF2 is part of the cost,
//     as it is for every real client.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const tls = require('node:tls');
const { spawnSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');
const { KafkaConnection } = require('../load/kafka-connection');
const { connectLoopback } = require('../load/raw-client');
const { ensureTopic } = require('../load/topic-setup');
const { startBroker, stopBroker, makeDataDir, freePort, BIN } = require('../harness/broker-process');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');
const { latencySummary } = require('../harness/stats');
const { produceLoad, fetchLoad, TOPIC, RECORDS_PER_BATCH, CONNECTIONS, DEPTH } = require('./produce-fetch');

const USER = 'bench';
const PASSWORD = crypto.randomBytes(12).toString('base64url');

/** A CA and a broker key store (key + chain, Kafka's PEM key store) made by openssl for this run only. */
function makeCertificates(dir) {
  const openssl = (args) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${(r.stderr || r.error || '').toString().split('\n')[0]}`);
  };
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=bench-ca', '-keyout', 'ca.key', '-out', 'ca.pem']);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'broker.key', '-out', 'broker.csr']);
  fs.writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(['x509', '-req', '-in', 'broker.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', 'san.ext', '-out', 'broker.pem']);
  const keystore = path.join(dir, 'keystore.pem');
  fs.writeFileSync(keystore, fs.readFileSync(path.join(dir, 'broker.key'), 'utf8') + fs.readFileSync(path.join(dir, 'broker.pem'), 'utf8'));
  return { keystore, ca: fs.readFileSync(path.join(dir, 'ca.pem')) };
}

/** `cohort-server users add` with the password on stdin. */
function addUser(dataDir) {
  const r = spawnSync(process.execPath, [BIN, 'users', 'add', USER, '--mechanism', 'SCRAM-SHA-512', '--data-dir', dataDir], { input: `${PASSWORD}\n`, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`users add failed: ${r.stderr.split('\n')[0]}`);
}

const tlsConnector = (ca) => (host, port) => new Promise((resolve, reject) => {
  const s = tls.connect({ host, port, ca }, () => { s.setNoDelay(true); resolve(s); });
  s.once('error', reject);
});

/** One SCRAM-SHA-512 login over an open connection (RFC 5802 client side). */
async function scramLogin(conn) {
  const hs = await conn.request(17, 1, { mechanism: 'SCRAM-SHA-512' });
  if (hs.errorCode !== 0) throw new Error(`SaslHandshake error ${hs.errorCode}`);
  const nonce = crypto.randomBytes(18).toString('base64');
  const bare = `n=${USER},r=${nonce}`;
  const first = await conn.request(36, 2, { authBytes: Buffer.from(`n,,${bare}`) });
  if (first.errorCode !== 0) throw new Error(`SCRAM first round error ${first.errorCode}`);
  const serverFirst = first.authBytes.toString();
  const attrs = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
  const salted = crypto.pbkdf2Sync(PASSWORD, Buffer.from(attrs.s, 'base64'), Number(attrs.i), 64, 'sha512');
  const clientKey = crypto.createHmac('sha512', salted).update('Client Key').digest();
  const storedKey = crypto.createHash('sha512').update(clientKey).digest();
  const withoutProof = `c=biws,r=${attrs.r}`;
  const signature = crypto.createHmac('sha512', storedKey).update(`${bare},${serverFirst},${withoutProof}`).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]));
  const last = await conn.request(36, 2, { authBytes: Buffer.from(`${withoutProof},p=${proof.toString('base64')}`) });
  if (last.errorCode !== 0) throw new Error(`SCRAM final round error ${last.errorCode}`);
}

/** `n` sequential connection setups; resolves per-setup latency summary (ms) and setups/s. */
async function setupLoad(n, open) {
  const lat = new Float64Array(n);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    const conn = await open();
    lat[i] = performance.now() - start;
    conn.close();
  }
  const s = latencySummary(lat, n);
  return { p50Ms: s.p50, p99Ms: s.p99, perSec: n / ((performance.now() - t0) / 1000) };
}

async function run(ctx) {
  const rows = []; const notes = [];
  const dataDir = makeDataDir('security');
  const certDir = makeDataDir('security-certs');
  let broker = null;
  try {
    const { keystore, ca } = makeCertificates(certDir);
    addUser(dataDir);
    const [plain, ssl, saslSsl] = [await freePort(), await freePort(), await freePort()];
    broker = await startBroker({
      dataDir, port: plain,
      flags: { fsync: 'always', listeners: `PLAINTEXT://127.0.0.1:${plain},SSL://127.0.0.1:${ssl},SASL_SSL://127.0.0.1:${saslSsl}`, 'ssl-keystore-location': keystore },
    });
    await ensureTopic(plain, TOPIC);
    const viaTls = tlsConnector(ca);
    const state = { highWatermark: 0 };
    ctx.log('produce over TLS vs plaintext');
    const prod = await pairedRuns(ctx.runs, {
      tls: () => produceLoad(ctx, ssl, state, viaTls),
      plaintext: () => produceLoad(ctx, plain, state, connectLoopback),
    }, ctx.log);
    ctx.log('fetch over TLS vs plaintext');
    const fetch = await pairedRuns(ctx.runs, {
      tls: () => fetchLoad(ctx, ssl, state, viaTls),
      plaintext: () => fetchLoad(ctx, plain, state, connectLoopback),
    }, ctx.log);
    const b = `${RECORDS_PER_BATCH}x1KiB batches`;
    for (const [out, what] of [[prod, `Produce v7 acks=-1 ${b}, ${CONNECTIONS}x${DEPTH}, fsync=always`], [fetch, `Fetch v11 ${CONNECTIONS}x1`]]) {
      rows.push(pairedRow({ bench: 'SEC', name: `${what} over TLS MB/s`, unit: 'MB/s', cohort: { side: 'tls', pick: (m) => m.mbps }, baseline: { side: 'plaintext', pick: (m) => m.mbps }, baselineName: 'plaintext MB/s' }, out));
      rows.push(pairedRow({ bench: 'SEC', name: `${what} over TLS p50`, unit: 'µs', cohort: { side: 'tls', pick: (m) => m.p50Us }, baseline: { side: 'plaintext', pick: (m) => m.p50Us }, baselineName: 'plaintext p50' }, out));
    }
    const n = ctx.quick ? 30 : 100;
    ctx.log(`connection setup x${n}: SASL_SSL SCRAM-SHA-512 vs PLAINTEXT`);
    const setup = await pairedRuns(ctx.runs, {
      scram: () => setupLoad(n, async () => {
        const conn = new KafkaConnection(await viaTls('127.0.0.1', saslSsl), 'cohort-bench');
        await conn.request(18, 3, { clientSoftwareName: 'cohort-bench', clientSoftwareVersion: '1' });
        await scramLogin(conn);
        return conn;
      }),
      plaintext: () => setupLoad(n, async () => {
        const conn = await KafkaConnection.open(plain);
        await conn.request(18, 3, { clientSoftwareName: 'cohort-bench', clientSoftwareVersion: '1' });
        return conn;
      }),
    }, ctx.log);
    rows.push(pairedRow({ bench: 'SEC', name: 'connection setup SASL_SSL SCRAM-SHA-512 (TLS + 2 rounds, 4096 it.) p50', unit: 'ms', cohort: { side: 'scram', pick: (m) => m.p50Ms }, baseline: { side: 'plaintext', pick: (m) => m.p50Ms }, baselineName: 'TCP + ApiVersions p50' }, setup));
    rows.push(pairedRow({ bench: 'SEC', name: 'connection setups/s SASL_SSL SCRAM-SHA-512', unit: '/s', cohort: { side: 'scram', pick: (m) => m.perSec }, baseline: { side: 'plaintext', pick: (m) => m.perSec }, baselineName: 'plaintext /s' }, setup));
    notes.push('security: the baseline of every row is the PLAINTEXT listener of the same broker, measured in the same rounds; the SCRAM setup includes the client\'s PBKDF2 (4096 iterations of HMAC-SHA-512).');
  } finally {
    if (broker) await stopBroker(broker);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(certDir, { recursive: true, force: true });
  }
  return { rows, notes };
}

module.exports = { run };
