'use strict';
// C4 snapshot rows, in-process (issue 14): the cost of folding a snapshot of G groups × P committed
// offsets into a GroupStore, as `recover` does, through the snapshot's events (an event object per
// event, from a generator) and through `Snapshot.deliverTo` (commits as fields into the store's
// replay fold). Each way runs in fresh processes, alternating, so neither inherits the other's JIT.
//   node bench/tools/snapshot-fold.js [groups=1000] [partitions=1000] [rounds=7]   (after npm run build)
//   node bench/tools/snapshot-fold.js --write FILE G P; node --cpu-prof bench/tools/snapshot-fold.js --fold FILE events|deliverTo
// Prints per way: median and min ms of decode + fold, and ns per event.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const REPO = path.resolve(__dirname, '..', '..');
const DIST = path.join(REPO, 'dist');

function modules() {
  require(path.join(REPO, 'node_modules', 'reflect-metadata'));
  return {
    ...require(path.join(DIST, 'adapters', 'snapshot', 'file-snapshot-store')),
    ...require(path.join(DIST, 'application', 'group', 'group-store')),
    ...require(path.join(DIST, 'application', 'recovery')),
    ...require(path.join(DIST, 'application', 'group', 'group-config')),
  };
}

const silent = { debug() {}, info() {}, warn() {}, error() {}, child() { return silent; } };
/** The store only appends after its load; nothing here appends. */
const noLog = { append: async () => { throw new Error('no appends here'); }, nextPosition: () => 0 };

async function write(file, groups, partitions) {
  const m = modules();
  const store = new m.GroupStore(noLog, silent, m.defaultGroupCoordinatorConfig());
  store.beginLoad();
  const at = 1_700_000_000_000;
  for (let g = 0; g < groups; g++) {
    const groupId = `group-${g}`;
    store.applyReplayed({ type: 'GroupCreated', groupId, at });
    for (let p = 0; p < partitions; p++) {
      store.applyReplayed({ type: 'OffsetCommitted', groupId, topic: `topic-${p % 10}`, partition: Math.floor(p / 10), offset: 1000 + p, leaderEpoch: -1, metadata: '', commitTimestamp: at + p, expireTimestamp: null });
    }
  }
  const bytes = await m.encodeSnapshot({ position: groups * (partitions + 1), events: [...store.snapshotEvents()] });
  fs.writeFileSync(file, bytes);
}

async function fold(file, way) {
  const m = modules();
  const bytes = fs.readFileSync(file);
  const store = new m.GroupStore(noLog, silent, m.defaultGroupCoordinatorConfig());
  store.beginLoad();
  const t = process.hrtime.bigint();
  const snapshot = m.decodeSnapshot(file, bytes);
  const snapshots = { loadLatest: async () => (way === 'events' ? { position: snapshot.position, count: snapshot.count, events: snapshot.events } : snapshot) };
  const empty = { replay: async (from) => from, nextPosition: () => snapshot.position };
  await m.recover(empty, snapshots, (e) => store.applyReplayed(e), silent, store.applyReplayedOffsetCommitted);
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  process.stdout.write(JSON.stringify({ ms, count: snapshot.count, groups: store.groupsState().groups.size }));
}

async function main() {
  const [groups = 1000, partitions = 1000, rounds = 7] = process.argv.slice(2).map(Number);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-snapfold-'));
  const file = path.join(dir, 'snapshot.snap');
  try {
    await write(file, groups, partitions);
    const results = { events: [], deliverTo: [] };
    let count = 0;
    for (let i = 0; i < rounds; i++) {
      for (const way of i % 2 === 0 ? ['events', 'deliverTo'] : ['deliverTo', 'events']) {
        const r = JSON.parse(execFileSync(process.execPath, [__filename, '--fold', file, way], { encoding: 'utf8' }));
        if (r.groups !== groups) throw new Error(`${way}: folded ${r.groups} groups of ${groups}`);
        results[way].push(r.ms);
        count = r.count;
      }
    }
    const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
    console.log(`snapshot of ${groups} groups × ${partitions} offsets: ${count} events, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);
    console.log('| way | median ms | min ms | ns/event (median) |');
    console.log('|---|---|---|---|');
    for (const [way, ms] of Object.entries(results)) console.log(`| ${way} | ${med(ms).toFixed(1)} | ${Math.min(...ms).toFixed(1)} | ${((med(ms) * 1e6) / count).toFixed(0)} |`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--write') write(process.argv[3], Number(process.argv[4]), Number(process.argv[5])).catch((e) => { console.error(e); process.exit(1); });
else if (process.argv[2] === '--fold') fold(process.argv[3], process.argv[4]).catch((e) => { console.error(e); process.exit(1); });
else main().catch((e) => { console.error(e.message); process.exit(1); });
