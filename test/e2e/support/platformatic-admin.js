'use strict';
// Runs one @platformatic/kafka 1.35.0 admin call in a child process (the package is ES modules only:
// Node 20 can require() it, Jest cannot) and prints the JSON result on stdout.
// Usage: node platformatic-admin.js '<json {bootstrap, op, args}>'
const req = JSON.parse(process.argv[2]);
const k = require('@platformatic/kafka');

const main = async () => {
  const admin = new k.Admin({ clientId: 'e2e-platformatic-admin', bootstrapBrokers: [req.bootstrap], timeout: 15000, retries: 2, retryDelay: 200 });
  try {
    const result = await admin[req.op](req.args);
    process.stdout.write(`${JSON.stringify({ ok: true, result: result ?? null }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v))}\n`);
  } catch (err) {
    const errors = (err.errors ?? []).map((e) => ({ message: e.message, apiCode: e.apiCode ?? null, response: e.response ?? null }));
    process.stdout.write(`${JSON.stringify({ ok: false, message: err.message, apiCode: err.apiCode ?? null, errors, response: err.response ?? null }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
  } finally {
    await admin.close().catch(() => undefined);
  }
};

main().then(() => process.exit(0), (e) => { process.stdout.write(`${JSON.stringify({ ok: false, message: String(e) })}\n`); process.exit(0); });
