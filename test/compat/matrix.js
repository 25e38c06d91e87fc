'use strict';
// Runs client × scenario cells, each against a fresh server, and renders the result matrix.
const { SCENARIOS } = require('./scenarios');
const { probeApiVersions, missingApis } = require('./api-versions-probe');
const kafkajs = require('./clients/kafkajs-driver');
const kcat = require('./clients/kcat-driver');
const { kafkaPython, confluentKafka } = require('./clients/python-driver');
const platformatic = require('./clients/platformatic-driver');
const nodeRdkafka = require('./clients/node-rdkafka-driver');

const CLIENTS = [kafkajs, kcat, kafkaPython, confluentKafka, platformatic, nodeRdkafka, nodeRdkafka.consumerProtocol];
const CELL_TIMEOUT_MS = 120000;

let cellCounter = 0;

const firstLine = (e) => String(e && e.message ? e.message : e).split('\n')[0].slice(0, 400);

/** Asks a fresh server which APIs it advertises. */
async function probePeer(peer) {
  const b = await peer.start();
  try {
    const [host, port] = b.bootstrap.split(':');
    return await probeApiVersions(host, Number(port));
  } finally {
    await b.stop('SIGTERM').catch(() => undefined);
    if (b.dataDir) peer.cleanup(b.dataDir);
  }
}

/**
 * Runs one scenario for one client against a fresh server.
 * Resolves to { status: 'pass' | 'fail' | 'skipped', reason?, note?, ms }.
 */
async function runCell(driver, scenario, peer, advertised, fixture = kafkajs) {
  const t0 = Date.now();
  const done = (status, reason, note) => ({ status, reason: reason ?? null, note: note ?? null, ms: Date.now() - t0 });
  if (driver.unsupported[scenario.id]) return done('skipped', driver.unsupported[scenario.id]);
  if (scenario.appliesTo && !scenario.appliesTo(driver)) return done('skipped', 'a KIP-848 scenario: the client has no group.protocol=consumer member');
  if (scenario.id === 'broker-restart' && !peer.restartable) return done('skipped', `${peer.name} cannot be restarted on its data`);
  const setup = scenario.setupApis.filter((a) => !(peer.notNeeded ?? []).includes(a));
  const missing = missingApis(advertised, [...new Set([...scenario.apis(driver), ...setup])]);
  if (missing.length) return done('skipped', `broker does not advertise ${missing.join(', ')}`);
  const unavailable = await driver.available();
  if (unavailable) return done('skipped', unavailable);

  cellCounter += 1;
  let broker = await peer.start();
  const { dataDir, port } = broker;
  const members = [];
  const ctx = {
    cellId: `${process.pid}-${cellCounter}-${Date.now() % 100000}`,
    get bootstrap() { return broker.bootstrap; },
    fixture,
    async createTopic(topic, partitions) {
      if (peer.createTopic) return peer.createTopic(broker.bootstrap, topic, partitions);
      await fixture.createTopic(broker.bootstrap, topic, partitions);
      return partitions;
    },
    async startMember(d, opts) {
      const m = await d.startMember(broker.bootstrap, opts);
      members.push(m);
      return m;
    },
    async restartBroker() {
      const code = await broker.stop('SIGTERM');
      if (code !== 0) throw new Error(`broker exited with ${code} on SIGTERM`);
      broker = await peer.start({ dataDir, port });
    },
  };
  let timer;
  try {
    const note = await Promise.race([
      scenario.run(driver, ctx),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`cell timed out after ${CELL_TIMEOUT_MS / 1000} s`)), CELL_TIMEOUT_MS); }),
    ]);
    return done('pass', null, note);
  } catch (e) {
    return done('fail', firstLine(e));
  } finally {
    clearTimeout(timer);
    await Promise.all(members.map((m) => m.stop().catch(() => undefined)));
    await broker.stop('SIGTERM').catch(() => undefined);
    await broker.kill9().catch(() => undefined);
    if (dataDir) peer.cleanup(dataDir);
  }
}

/** Runs every selected cell in order (one server at a time: the machine has 2 cores). */
async function runMatrix({ peer, clients = CLIENTS, scenarios = SCENARIOS, onCell = () => undefined }) {
  const advertised = await probePeer(peer);
  const results = [];
  for (const driver of clients) {
    for (const scenario of scenarios) {
      const r = await runCell(driver, scenario, peer, advertised);
      const row = { client: driver.name, clientVersion: driver.version, scenario: scenario.id, required: scenario.required, ...r };
      results.push(row);
      onCell(row);
    }
  }
  return { advertised, results };
}

const cellText = (r) => {
  if (r.status === 'pass') return r.note ? `pass (${r.note})` : 'pass';
  if (r.status === 'fail') return `FAIL: ${r.reason}`;
  return `skipped: ${r.reason}`;
};

/** A Markdown table: one row per scenario, one column per client. */
function renderMatrix(results, clients = CLIENTS, scenarios = SCENARIOS) {
  const esc = (s) => s.replace(/\|/g, '\\|');
  const lines = [`| scenario | ${clients.map((c) => c.name).join(' | ')} |`, `| --- | ${clients.map(() => '---').join(' | ')} |`];
  for (const s of scenarios) {
    const cells = clients.map((c) => {
      const r = results.find((x) => x.client === c.name && x.scenario === s.id);
      return r ? esc(cellText(r)) : '';
    });
    lines.push(`| ${s.id}${s.required ? '' : ' (optional)'} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

module.exports = { CLIENTS, SCENARIOS, runCell, runMatrix, probePeer, renderMatrix, cellText };
