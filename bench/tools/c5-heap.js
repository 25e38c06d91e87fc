'use strict';
// C5 heap breakdown per member: forms G classic groups × 10 members as the C5 bench does, with a heap
// snapshot (--heapsnapshot-signal) of the broker before and after, and prints what the snapshot diff holds
// per member: bytes by node kind (objects by constructor, arrays by their owner and edge, strings by shape).
//   node bench/tools/c5-heap.js [groups=300] [extra broker flag=value ...]      (after npm run build)
// Example: node bench/tools/c5-heap.js 300 group-history-max-generations=1
// C5_HEAP_KEEP=1 keeps the snapshots; `node bench/tools/c5-heap.js diff A B members` re-reads two of them.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { KafkaConnection } = require('../load/kafka-connection');
const { formGroup } = require('../load/group-member');
const { ensureTopic } = require('../load/topic-setup');
const { startBroker, stopBroker, makeDataDir } = require('../harness/broker-process');
const { sampleHeap, brokerPid } = require('../harness/heap-sample');

const TOPIC = 'bench-c5';
const MEMBERS = 10;
const LANES = 10;
const PROBE = path.join(__dirname, '..', 'harness', 'heap-probe.js');

const probe = (broker, file, seq) => sampleHeap(brokerPid(broker), file, seq, 120000);

/** SIGUSR1 writes a snapshot synchronously on the main thread; the next probe answer comes after it. */
async function snapshot(broker, file, seq, dir) {
  const before = new Set(fs.readdirSync(dir));
  process.kill(broker.handle.child ? broker.handle.child.pid : broker.handle.pid, 'SIGUSR1');
  await new Promise((r) => setTimeout(r, 200));
  const s = await probe(broker, file, seq);
  const name = fs.readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
  return { sample: s, file: path.join(dir, name) };
}

/** Categorised self sizes of a snapshot: Map(category → { count, size }). */
function categorise(file) {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
  const meta = snap.snapshot.meta;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const types = meta.node_types[0];
  const etypes = meta.edge_types[0];
  const { nodes, edges, strings } = snap;
  const N = nodes.length / nf;
  const iType = meta.node_fields.indexOf('type');
  const iName = meta.node_fields.indexOf('name');
  const iSize = meta.node_fields.indexOf('self_size');
  const iEc = meta.node_fields.indexOf('edge_count');
  const owner = new Int32Array(N).fill(-1);
  const ownerEdge = new Int32Array(N).fill(-1);
  let e = 0;
  for (let n = 0; n < N; n++) {
    const ec = nodes[n * nf + iEc];
    for (let k = 0; k < ec; k++, e += ef) {
      const et = etypes[edges[e]];
      if (et === 'weak' || et === 'shortcut') continue;
      const to = edges[e + 2] / nf;
      if (owner[to] === -1) { owner[to] = n; ownerEdge[to] = e; }
    }
  }
  const firstEdge = new Int32Array(N);
  for (let n = 0, acc = 0; n < N; n++) { firstEdge[n] = acc; acc += nodes[n * nf + iEc] * ef; }
  /** An object's shape: its first property names (plain objects all share the name "Object"). */
  const shape = (n) => {
    const names = [];
    const ec = nodes[n * nf + iEc];
    for (let k = 0, x = firstEdge[n]; k < ec && names.length < 4; k++, x += ef) {
      if (etypes[edges[x]] === 'property') names.push(strings[edges[x + 1]]);
    }
    return `{${names.join(',')}}`;
  };
  const nodeName = (n) => {
    const t = types[nodes[n * nf + iType]];
    const nm = strings[nodes[n * nf + iName]];
    if (t === 'object' && nm === 'Object') return `Object${shape(n)}`;
    if (t === 'array' || t === 'code') return t;
    return t === 'object' || t === 'closure' || t === 'hidden' || t === 'code' ? `${t}:${nm}` : t;
  };
  const edgeName = (eIdx) => {
    const et = etypes[edges[eIdx]];
    if (et === 'element' || et === 'hidden') return `[${et}]`;
    const nm = String(strings[edges[eIdx + 1]]);
    return /^\d+$/.test(nm) ? '[i]' : nm;
  };
  const stringShape = (s) => s
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\d+/g, '<n>')
    .slice(0, 60);
  const out = new Map();
  const add = (k, size) => {
    const v = out.get(k) ?? { count: 0, size: 0 };
    v.count++; v.size += size; out.set(k, v);
  };
  for (let n = 0; n < N; n++) {
    const t = types[nodes[n * nf + iType]];
    const size = nodes[n * nf + iSize];
    const nm = strings[nodes[n * nf + iName]];
    const o = owner[n];
    const oo = o === -1 ? -1 : owner[o];
    const up = oo === -1 ? '' : ` ← ${nodeName(oo)}.${edgeName(ownerEdge[o])}`;
    const via = o === -1 ? '(root)' : `${nodeName(o)}.${edgeName(ownerEdge[n])}${up}`;
    if ((t === 'string' || t === 'concatenated string') && o !== -1 && types[nodes[o * nf + iType]] === 'code') add('code (compiled during the fill)', size);
    else if (t === 'string' || t === 'concatenated string' || t === 'sliced string') add(`string "${stringShape(nm)}" ← ${via}`, size);
    else if (t === 'array') add(`array ${nm} ← ${via}`, size);
    else if (t === 'object') add(`object ${nm === 'Object' ? nodeName(n) : nm} ← ${via}`, size);
    else if (t === 'number') add(`number ← ${via}`, size);
    else if (t === 'code') add('code (compiled during the fill)', size);
    else add(`${t} ${nm.slice(0, 40)}`, size);
  }
  return out;
}

function report(fileA, fileB, members) {
  const ca = categorise(fileA);
  const cb = categorise(fileB);
  const rows = [];
  let total = 0;
  for (const [k, v] of cb) {
    const w = ca.get(k) ?? { count: 0, size: 0 };
    const d = (v.size - w.size) / members;
    total += d;
    if (Math.abs(d) >= 2) rows.push([k, (v.count - w.count) / members, d]);
  }
  rows.sort((x, y) => y[2] - x[2]);
  console.log(`snapshot diff per member: ${total.toFixed(1)} B`);
  for (const [k, c, d] of rows.slice(0, Number(process.env.C5_HEAP_TOP ?? 60))) console.log(`${d.toFixed(1).padStart(8)} B ${c.toFixed(2).padStart(7)}×  ${k}`);
}

async function main() {
  if (process.argv[2] === 'diff') return report(process.argv[3], process.argv[4], Number(process.argv[5]));
  const groups = Number(process.argv[2] ?? 300);
  const flags = { 'group-initial-rebalance-delay-ms': 0, 'max-connections': 20000, 'num-partitions': 1000 };
  for (const a of process.argv.slice(3)) { const [k, v] = a.split('='); flags[k] = v; }
  const dataDir = makeDataDir('c5heap');
  const snapDir = fs.mkdtempSync(path.join(os.tmpdir(), 'c5snap-'));
  const file = path.join(snapDir, 'probe.json');
  const conns = [];
  const broker = await startBroker({
    dataDir,
    nodeArgs: ['--expose-gc', '--require', PROBE, '--heapsnapshot-signal=SIGUSR1', `--diagnostic-dir=${snapDir}`],
    env: { BENCH_HEAP_PROBE_FILE: file },
    flags,
  });
  try {
    await ensureTopic(broker.port, TOPIC, 1000);
    const opts = { topic: TOPIC, partitions: MEMBERS, sessionTimeoutMs: 600000, rebalanceTimeoutMs: 60000 };
    const lanes = [];
    for (let l = 0; l < LANES; l++) {
      const lane = [];
      for (let i = 0; i < MEMBERS; i++) { const c = await KafkaConnection.open(broker.port); conns.push(c); lane.push(c); }
      lanes.push(lane);
    }
    const form = (lane, groupId) => { let i = 0; return formGroup(async () => lane[i++], groupId, MEMBERS, opts); };
    await form(lanes[0], 'c5-warmup');
    const s0 = await probe(broker, file, 1);
    const a = await snapshot(broker, file, 2, snapDir);
    for (let g = 0; g < groups; g += LANES) {
      await Promise.all(lanes.map((lane, l) => (g + l < groups ? form(lane, `c5-members-${g + l}`) : null)));
    }
    const s1 = await probe(broker, file, 3);
    const b = await snapshot(broker, file, 4, snapDir);
    const members = groups * MEMBERS;
    console.log(`members ${members}; Δ(heapUsed+external) per member ${((s1.heapUsed + s1.external - s0.heapUsed - s0.external) / members).toFixed(1)} B`);
    report(a.file, b.file, members);
  } finally {
    for (const c of conns) c.close();
    await stopBroker(broker);
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (!process.env.C5_HEAP_KEEP) fs.rmSync(snapDir, { recursive: true, force: true });
    else console.log(`snapshots kept in ${snapDir}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
