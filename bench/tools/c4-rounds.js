'use strict';
// C4's torn and clean rows, round by round, with the broker's own view (issue 14): one MetaLog of N commits is
// filled once (kept in C4_ROUNDS_DIR between runs), copied twice as C4 copies it, and the two copies are
// restarted alternately as the bench does — the torn one after `tearLastRecord` each round. Each start prints
// its all-in time (spawn → first OffsetFetch with the last commit), when the broker logged `listening` and
// `recovery complete` (ms after the spawn) and that log's own `ms` (open, repair and replay).
//   node bench/tools/c4-rounds.js [N=1000000] [rounds=6]
// C4_ROUNDS_SNAPSHOT_EVERY=N fills with --snapshot-every-events N (C4's snapshot rows; default none) and keeps the
// snapshots in the copies; C4_ROUNDS_SIDES picks the copies (default "clean,torn").
// C4_ROUNDS_TIMELINE=1 starts the brokers at debug level and prints each replay's progress (events replayed @ ms
// since recovery began, once per chunk read, after the snapshot's fold): where a replay's time goes, chunk by chunk.
// C4_ROUNDS_BIN runs another build's launcher. C4_ROUNDS_NODE_ARGS adds Node flags to each broker (e.g. "--trace-gc"; its output goes to C4_ROUNDS_DIR/out-*.txt
// with C4_ROUNDS_KEEP_OUTPUT=1). The broker is killed with SIGTERM when the flags ask for a CPU profile (a
// SIGKILLed process writes none), with SIGKILL otherwise.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { performance } = require('node:perf_hooks');
const { fill, firstGoodFetch } = require('../suites/c4-recovery');
const { ensureTopic } = require('../load/topic-setup');
const { TOPIC } = require('../suites/c1-offset-commit');
const { startBroker, stopBroker, freePort, BIN } = require('../harness/broker-process');
const { tearLastRecord, copyDataDir } = require('../harness/metalog-files');

const N = Number(process.argv[2] || 1000000);
const ROUNDS = Number(process.argv[3] || 6);
const ROOT = process.env.C4_ROUNDS_DIR || path.join(os.tmpdir(), 'cohort-c4-rounds');
const NODE_ARGS = (process.env.C4_ROUNDS_NODE_ARGS || '').split(/\s+/).filter(Boolean);
const START_BIN = process.env.C4_ROUNDS_BIN || BIN;
const SNAPSHOT_EVERY = Number(process.env.C4_ROUNDS_SNAPSHOT_EVERY || 2e9);
const TIMELINE = process.env.C4_ROUNDS_TIMELINE === '1';
const SIDES = (process.env.C4_ROUNDS_SIDES || 'clean,torn').split(',');
const base = path.join(ROOT, SNAPSHOT_EVERY === 2e9 ? `fill-${N}` : `fill-${N}-snap-${SNAPSHOT_EVERY}`);

async function prepare() {
  const done = path.join(base, 'fill.json');
  if (fs.existsSync(done)) return JSON.parse(fs.readFileSync(done, 'utf8'));
  fs.rmSync(base, { recursive: true, force: true });
  fs.mkdirSync(base, { recursive: true });
  const b = await startBroker({ dataDir: base, flags: { fsync: 'always', 'snapshot-every-events': SNAPSHOT_EVERY } });
  try {
    await ensureTopic(b.port, TOPIC);
    const f = await fill(b.port, N);
    const lastGroup = [...f.acked.keys()].pop();
    const info = { lastGroup, want: f.acked.get(lastGroup), count: f.count };
    fs.writeFileSync(done, JSON.stringify(info));
    return info;
  } finally { await stopBroker(b, 'SIGKILL'); }
}

async function start(dataDir, info, tag) {
  const port = await freePort();
  const args = [...NODE_ARGS, START_BIN, '--data-dir', dataDir, '--host', '127.0.0.1', '--port', String(port), '--advertised-host', '127.0.0.1',
    '--log-level', TIMELINE ? 'debug' : 'info', '--fsync', 'always', '--snapshot-every-events', '2000000000'];
  const t0 = performance.now(); const w0 = Date.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  let alive = true;
  const exited = new Promise((resolve) => child.on('exit', () => { alive = false; resolve(); }));
  try {
    const ms = await firstGoodFetch(port, `c4-g${info.lastGroup}`, info.want, t0, () => alive);
    return { ms: Math.round(ms), ...logged(out, w0) };
  } finally {
    child.kill(NODE_ARGS.some((a) => a.startsWith('--cpu-prof')) ? 'SIGTERM' : 'SIGKILL');
    await exited;
    if (process.env.C4_ROUNDS_KEEP_OUTPUT === '1') fs.writeFileSync(path.join(ROOT, `out-${tag}.txt`), out);
  }
}

function logged(out, w0) {
  const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => { try { return JSON.parse(l); } catch { return {}; } });
  const at = (msg) => { const l = lines.find((x) => x.msg === msg); return l ? l.time - w0 : null; };
  const rec = lines.find((x) => x.msg === 'recovery complete');
  const timeline = lines
    .filter((x) => x.msg === 'replay progress' || x.msg === 'snapshot folded')
    .map((x) => (x.msg === 'snapshot folded' ? `snapshot(${x.snapshotEvents})@${x.ms}` : `${x.replayed}@${x.ms}`))
    .join(' ');
  return { listening: at('listening'), recoveryLogged: at('recovery complete'), recoveryMs: rec ? rec.ms : null, timeline };
}

(async () => {
  const info = await prepare();
  const dirs = {};
  const results = {};
  for (const side of SIDES) {
    dirs[side] = path.join(ROOT, side);
    fs.rmSync(dirs[side], { recursive: true, force: true });
    copyDataDir(base, dirs[side], { withSnapshots: SNAPSHOT_EVERY !== 2e9 });
    results[side] = [];
  }
  const names = Object.keys(results);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < names.length; k++) {
      const side = names[(k + round) % names.length];
      if (side === 'torn') tearLastRecord(dirs.torn, 64, 0x5eed + round);
      const r = await start(dirs[side], info, `${side}-${round}`);
      results[side].push(r);
      console.log(`round ${round} ${side.padEnd(5)} all-in ${r.ms} ms, listening at ${r.listening}, recovery logged at ${r.recoveryLogged} (its ms ${r.recoveryMs})`);
      if (TIMELINE) console.log(`  replayed@ms: ${r.timeline}`);
    }
  }
  const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
  for (const side of names) {
    console.log(`${side}: median all-in ${median(results[side].map((r) => r.ms))} ms, recovery ms ${median(results[side].map((r) => r.recoveryMs))}`);
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
