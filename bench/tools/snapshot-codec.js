'use strict';
// Snapshot encoding and decoding cost of C6-shaped state (issue 14, C6: a snapshot encoded through a
// heartbeat window took 58 % of the broker's event loop at 1.2 M members). Forms G groups of 10 members
// with 10 committed offsets each (C6's formTen) on a broker that snapshots as it fills, stops it, and
// times, on the newest snapshot's events, FileSnapshotStore.save into a temp directory and a decode
// that iterates every event — of this checkout's dist/ and, with a ref, of that build, interleaved.
//   node bench/tools/snapshot-codec.js [groups=10000] [previous ref]       (after npm run build)
// Prints per build: median and min of 7 saves and decodes, µs per member, file bytes per member, and
// the most ArrayBuffer memory a save held beyond its start.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { kafkaCodec } = require('../load/kafka-codec');
const { ensureTopic } = require('../load/topic-setup');
const { startBroker, stopBroker, makeDataDir, REPO } = require('../harness/broker-process');
const { previousReleaseBin } = require('../harness/previous-release');
const { formTen, openLanes, TOPIC, OFFSETS_PER_GROUP } = require('../suites/c6-capacity');

const LANES = 50;
const RUNS = 7;

async function fill(groups) {
  const dataDir = makeDataDir('snapcodec');
  const broker = await startBroker({
    dataDir,
    flags: { 'group-initial-rebalance-delay-ms': 100, 'group-max-session-timeout-ms': 1_800_000, 'max-connections': 20000, 'num-partitions': OFFSETS_PER_GROUP, 'snapshot-every-events': 50_000 },
  });
  const conns = [];
  try {
    await ensureTopic(broker.port, TOPIC, OFFSETS_PER_GROUP);
    const codec = kafkaCodec();
    const lanes = await openLanes(broker.port, LANES, conns);
    let next = 0;
    await Promise.all(lanes.map(async (lane) => {
      while (next < groups) {
        const r = await formTen(lane, `snapcodec-g${next++}`, codec);
        if (r.error || r.refused) throw new Error(`fill: ${r.error || `refused ${r.refused}`}`);
      }
    }));
  } finally {
    for (const c of conns) c.close();
    await stopBroker(broker);
  }
  const dir = path.join(dataDir, 'snapshots');
  const newest = fs.readdirSync(dir).filter((f) => f.endsWith('.snap')).sort().pop();
  if (!newest) throw new Error(`no snapshot in ${dir}`);
  return { dataDir, file: path.join(dir, newest) };
}

/** One build's snapshot store and file system, from its dist/ (the modules, not the bundle). */
function build(distDir) {
  require(path.join(REPO, 'node_modules', 'reflect-metadata'));
  const store = require(path.join(distDir, 'adapters', 'snapshot', 'file-snapshot-store'));
  const { NodeFileSystem } = require(path.join(distDir, 'adapters', 'wal', 'node-file-system'));
  return { ...store, NodeFileSystem };
}

async function measure(b, position, events, members) {
  const saves = [];
  const decodes = [];
  let bytes = 0;
  let peak = 0;
  for (let i = 0; i < RUNS; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-snapcodec-save-'));
    const store = new b.FileSnapshotStore(new b.NodeFileSystem(), { dir });
    const base = process.memoryUsage().arrayBuffers;
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().arrayBuffers - base); }, 1);
    let t = process.hrtime.bigint();
    await store.save({ position, events });
    saves.push(Number(process.hrtime.bigint() - t) / 1e6);
    clearInterval(timer);
    const file = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.snap')));
    const data = fs.readFileSync(file);
    bytes = data.length;
    t = process.hrtime.bigint();
    let n = 0;
    for (const e of b.decodeSnapshot(file, data).events) if (e) n++;
    decodes.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (n !== events.length) throw new Error(`decoded ${n} of ${events.length} events`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const med = (xs) => [...xs].sort((a, c) => a - c)[xs.length >> 1];
  return { save: med(saves), saveMin: Math.min(...saves), decode: med(decodes), decodeMin: Math.min(...decodes), bytesPerMember: bytes / members, peakMiB: peak / 2 ** 20, members };
}

async function main() {
  const groups = Number(process.argv[2] || 10000);
  const ref = process.argv[3];
  const builds = [['this checkout', path.join(REPO, 'dist')]];
  if (ref) builds.push([ref, path.join(path.dirname(path.dirname(previousReleaseBin(ref))), 'dist')]);
  const { dataDir, file } = await fill(groups);
  try {
    const current = build(builds[0][1]);
    const snap = current.decodeSnapshot(file, fs.readFileSync(file));
    const events = [...snap.events];
    const members = events.reduce((n, e) => n + (e.type === 'GroupSnapshot' ? e.group.members.length : 0), 0);
    console.log(`${path.basename(file)}: ${events.length} events, ${members} members`);
    const loaded = builds.map(([name, dist]) => [name, build(dist)]);
    const results = new Map(loaded.map(([name]) => [name, []]));
    for (let round = 0; round < 2; round++) for (const [name, b] of loaded) results.get(name).push(await measure(b, snap.position, events, members));
    console.log('build | save ms median (min) | µs/member | decode ms median (min) | µs/member | B/member | peak ArrayBuffer MiB');
    for (const [name, rs] of results) {
      const r = rs.reduce((a, c) => (c.save < a.save ? c : a));
      console.log(`${name} | ${r.save.toFixed(0)} (${r.saveMin.toFixed(0)}) | ${(1000 * r.save / members).toFixed(2)} | ${r.decode.toFixed(0)} (${r.decodeMin.toFixed(0)}) | ${(1000 * r.decode / members).toFixed(2)} | ${r.bytesPerMember.toFixed(0)} | ${r.peakMiB.toFixed(1)}`);
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(`snapshot-codec: ${e.message}`); process.exit(1); });
