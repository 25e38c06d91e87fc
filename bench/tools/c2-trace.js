'use strict';
// Per-request trace of small-group rebalances (issue 14, C2): the C2 driver (one Heartbeat always in flight per
// member, rejoin at once on REBALANCE_IN_PROGRESS) against the current broker and the previous release, one
// after the other; every request of each rebalance is printed with its send and answer time relative to the
// newcomer's first JoinGroup, and each version's median is given at the end.
//   node bench/tools/c2-trace.js [N=10] [rebalances=5] [which=both|cohort|previous] [rounds=1]
// C2_TRACE_REFS=<ref>,<ref> adds builds of other commits (built like the previous release); the versions
// alternate round by round, and only the step medians are printed unless C2_TRACE_VERBOSE=1 (or rounds = 1).
// With C2_TRACE_STRACE=1 each broker runs under `strace -f -ttt -e trace=fdatasync,pwrite64` and the fsyncs
// of each rebalance are printed on the same time line (strace slows every syscall; use it for shape only).
// With C2_TRACE_HOOK=1 each broker preloads c2-trace-hook.js and the broker's own view is printed too: when
// each handler was entered and answered, each MetaLog group-commit record (its events), each fdatasync and
// each garbage collection. C2_TRACE_GAP_MS (default 100) is the pause between rebalances; 0 runs them back to
// back, as the bench does. With several versions, each is paired with this build (ratio of medians).
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
const { KafkaConnection } = require('../load/kafka-connection');
const { GroupMember, formGroup } = require('../load/group-member');
const { startBroker, stopBroker, makeDataDir } = require('../harness/broker-process');
const { previousReleaseBin } = require('../harness/previous-release');

// Pause between rebalances (the bench runs them back to back: C2_TRACE_GAP_MS=0).
const GAP_MS = Number(process.env.C2_TRACE_GAP_MS ?? 100);
const NAMES = { 11: 'JoinGroup', 12: 'Heartbeat', 14: 'SyncGroup' };
const epochMs = () => performance.timeOrigin + performance.now();

let trace = null;
const send = KafkaConnection.prototype.send;
KafkaConnection.prototype.send = function traced(apiKey, version, body, sentAt, raw) {
  const rec = trace === null ? null : { conn: this, api: NAMES[apiKey] || String(apiKey), sent: epochMs(), done: 0, error: null };
  const p = send.call(this, apiKey, version, body, sentAt, raw);
  if (rec === null) return p;
  trace.push(rec);
  return p.then((r) => {
    rec.done = epochMs();
    rec.error = Buffer.isBuffer(r) ? r.readInt16BE(8) : r.errorCode;
    return r;
  });
};

async function rebalance(port, groupId, members, opts) {
  const oldGen = Math.max(...members.map((m) => m.syncedGeneration));
  const newcomer = new GroupMember(await KafkaConnection.open(port), groupId, opts);
  const all = [...members, newcomer];
  trace = [];
  let t0 = 0;
  const done = new Promise((resolve) => {
    const check = () => {
      const gen = newcomer.syncedGeneration;
      if (gen > oldGen && all.every((m) => m.syncedGeneration === gen)) resolve(epochMs());
    };
    for (const m of all) m.onSynced = check;
  });
  newcomer.joinAndSync(() => { t0 = epochMs(); });
  const end = await done;
  const recs = trace;
  trace = null;
  for (const m of all) m.onSynced = () => {};
  newcomer.startHeartbeats();
  members.push(newcomer);
  const index = new Map(all.map((m, i) => [m.conn, i === all.length - 1 ? 'new' : `m${i}`]));
  const byId = new Map(all.map((m, i) => [m.memberId, i === all.length - 1 ? 'new' : `m${i}`]));
  return { t0, end, byId, recs: recs.map((r) => ({ ...r, who: index.get(r.conn) })) };
}

function parseStrace(file, pid) {
  if (!fs.existsSync(file)) return [];
  const out = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^(?:\[pid\s+\d+\]\s+|\d+\s+)?(\d+\.\d+) (fdatasync|pwrite64)\((\d+).*<(\d+\.\d+)>/.exec(line);
    if (m) out.push({ at: Number(m[1]) * 1000, call: m[2], fd: Number(m[3]), ms: Number(m[4]) * 1000 });
  }
  return out;
}

function print(label, { t0, end, recs, byId }, syscalls, hooked) {
  const rel = (t) => (t - t0).toFixed(2).padStart(7);
  console.log(`-- ${label}: ${(end - t0).toFixed(2)} ms`);
  const lines = [];
  for (const r of recs) {
    if (r.api === 'Heartbeat' && r.error === 0) continue;
    lines.push({ at: r.sent, text: `${rel(r.sent)} → ${rel(r.done)}  ${r.who.padEnd(4)} ${r.api} err=${r.error}` });
  }
  const hb = recs.filter((r) => r.api === 'Heartbeat' && r.error === 0 && r.done > 0);
  for (const s of syscalls) if (s.at >= t0 - 1 && s.at <= end + 1) lines.push({ at: s.at, text: `${rel(s.at)} + ${s.ms.toFixed(2)}  broker ${s.call}(fd ${s.fd})` });
  for (const h of hooked) {
    if (h.start < t0 - 1 || h.start > end + 1) continue;
    if (h.k === 'req' && !(h.api === 'Heartbeat' && h.error === 0)) {
      lines.push({ at: h.start, text: `${rel(h.start)} ⇒ ${rel(h.end)}  ${(byId.get(h.member) || (h.member === '' ? 'new' : '?')).padEnd(4)} broker ${h.api} err=${h.error}` });
    } else if (h.k === 'flush') {
      lines.push({ at: h.start, text: `${rel(h.start)} ⇒ ${rel(h.end)}  broker MetaLog record [${h.events.join(' ')}]` });
    } else if (h.k === 'stall') {
      lines.push({ at: h.start, text: `${rel(h.start)} ⇒ ${rel(h.end)}  broker event loop late by ${(h.end - h.start).toFixed(1)} ms` });
    } else if (h.k === 'gc') {
      lines.push({ at: h.start, text: `${rel(h.start)} ⇒ ${rel(h.end)}  broker GC ${h.kind} ${(h.end - h.start).toFixed(2)} ms` });
    } else if (h.k === 'fsync') {
      lines.push({ at: h.start, text: `${rel(h.start)} ⇒ ${rel(h.end)}  broker fdatasync` });
    }
  }
  lines.sort((a, b) => a.at - b.at);
  for (const l of lines) console.log(`   ${l.text}`);
  if (hb.length > 0) {
    const rtt = hb.map((r) => r.done - r.sent).sort((a, b) => a - b);
    console.log(`   (${hb.length} heartbeats answered NONE, round trip p50 ${rtt[rtt.length >> 1].toFixed(2)} ms)`);
  }
}

async function traceVersion(label, bin, N, count) {
  const dataDir = makeDataDir(`c2-trace-${label}`);
  const straceFile = `/tmp/c2-trace-${label}-${process.pid}.strace`;
  const useStrace = process.env.C2_TRACE_STRACE === '1';
  const flags = { 'group-initial-rebalance-delay-ms': 0, 'max-connections': 20000 };
  const hookFile = `/tmp/c2-trace-${label}-${process.pid}.hook.jsonl`;
  const useHook = process.env.C2_TRACE_HOOK === '1';
  const hook = useHook ? { nodeArgs: ['--require', require.resolve('./c2-trace-hook')], env: { C2_TRACE_HOOK_OUT: hookFile } } : {};
  // The hook patches modules as they load: run this build from dist/ module by module, not bundled.
  const runBin = bin || (useHook ? require.resolve('./unbundled-bin') : null);
  const broker = await startBroker({ dataDir, flags, ...hook, ...(runBin ? { bin: runBin } : {}) });
  let tracer = null;
  const conns = [];
  const results = [];
  try {
    if (useStrace) {
      const { spawn } = require('node:child_process');
      tracer = spawn('strace', ['-f', '-ttt', '-T', '-e', 'trace=fdatasync,pwrite64', '-o', straceFile, '-p', String(broker.handle.child.pid)], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 500));
    }
    const opts = { topic: 'bench-c2', partitions: N };
    const open = async () => { const c = await KafkaConnection.open(broker.port); conns.push(c); return c; };
    const members = await formGroup(open, `trace-${label}`, N, opts);
    for (const m of members) m.startHeartbeats();
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < count; i++) {
      results.push(await rebalance(broker.port, `trace-${label}`, members, opts));
      conns.push(members[members.length - 1].conn);
      if (GAP_MS > 0) await new Promise((r) => setTimeout(r, GAP_MS));
    }
    await Promise.all(members.map((m) => m.stopHeartbeats()));
  } finally {
    if (tracer) { tracer.kill('SIGINT'); await new Promise((r) => tracer.once('exit', r)); }
    for (const c of conns) c.close();
    await stopBroker(broker);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const syscalls = useStrace ? parseStrace(straceFile) : [];
  const hooked = useHook && fs.existsSync(hookFile) ? fs.readFileSync(hookFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  if (verbose) results.forEach((r, i) => print(`${label} rebalance ${i + 1} (N=${N + i} → ${N + i + 1})`, r, syscalls, hooked));
  return results;
}

let verbose = true;

/**
 * Medians of the steps of a rebalance as the driver sees them: the newcomer's MEMBER_ID_REQUIRED round trip;
 * from its second JoinGroup to the last REBALANCE_IN_PROGRESS heartbeat answer; from then to the last
 * JoinGroup answer (the join phase ends when the last member rejoins); from then to the last SyncGroup answer.
 */
function phaseSummary(label, results) {
  const phases = { memberIdRequired: [], toLastRebalanceInProgress: [], toLastJoinAnswer: [], toLastSyncAnswer: [] };
  for (const { recs } of results) {
    const joins = recs.filter((r) => r.api === 'JoinGroup' && r.done > 0);
    const first = joins.find((r) => r.error === 79);
    const second = joins.find((r) => r.who === 'new' && r.error === 0);
    const rip = recs.filter((r) => r.api === 'Heartbeat' && r.error === 27);
    const syncs = recs.filter((r) => r.api === 'SyncGroup' && r.done > 0);
    if (!first || !second || rip.length === 0 || syncs.length === 0) continue;
    const lastRip = Math.max(...rip.map((r) => r.done));
    const lastJoin = Math.max(...joins.filter((r) => r.error === 0).map((r) => r.done));
    const lastSync = Math.max(...syncs.map((r) => r.done));
    phases.memberIdRequired.push(first.done - first.sent);
    phases.toLastRebalanceInProgress.push(lastRip - second.sent);
    phases.toLastJoinAnswer.push(lastJoin - lastRip);
    phases.toLastSyncAnswer.push(lastSync - lastJoin);
  }
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[s.length >> 1].toFixed(2) : '-'; };
  console.log(`${label} step medians (ms): ${Object.entries(phases).map(([k, v]) => `${k} ${med(v)}`).join(', ')}`);
}

async function main() {
  const N = Number(process.argv[2] || 10);
  const count = Number(process.argv[3] || 5);
  const which = process.argv[4] || 'both';
  const rounds = Number(process.argv[5] || 1);
  verbose = rounds === 1 || process.env.C2_TRACE_VERBOSE === '1';
  const versions = [];
  if (which !== 'previous') versions.push(['cohort', null]);
  if (which !== 'cohort') versions.push(['previous', previousReleaseBin()]);
  for (const ref of (process.env.C2_TRACE_REFS || '').split(',').filter(Boolean)) versions.push([ref, previousReleaseBin(ref)]);
  const all = new Map(versions.map(([label]) => [label, []]));
  for (let r = 0; r < rounds; r++) {
    for (const [label, bin] of versions) all.get(label).push(...(await traceVersion(label, bin, N, count)));
  }
  for (const [label, results] of all) {
    const ms = results.map((x) => x.end - x.t0).sort((a, b) => a - b);
    phaseSummary(label, results);
    console.log(`${label}: median ${ms[ms.length >> 1].toFixed(2)} ms over ${ms.length} rebalances (N=${N}…${N + count})`);
  }
  if (all.has('cohort') && rounds > 1) {
    for (const [label, results] of all) if (label !== 'cohort') pairedRatio(all.get('cohort'), results, count, label);
  }
}

/**
 * Ratio of the medians (this build / another version: the previous release or a C2_TRACE_REFS build), the
 * per-round ratios (rounds alternate, so each pair shares the machine's load of its moment) and a bootstrap
 * 95 % interval of the ratio of medians.
 */
function pairedRatio(cohort, previous, perRound, label = 'previous') {
  const dur = (xs) => xs.map((x) => x.end - x.t0);
  const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
  const a = dur(cohort);
  const b = dur(previous);
  const perRoundRatios = [];
  for (let i = 0; i + perRound <= Math.min(a.length, b.length); i += perRound) {
    perRoundRatios.push(median(a.slice(i, i + perRound)) / median(b.slice(i, i + perRound)));
  }
  let seed = 1;
  const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const resample = (xs) => xs.map(() => xs[Math.floor(rand() * xs.length)]);
  const boot = [];
  for (let i = 0; i < 2000; i++) boot.push(median(resample(a)) / median(resample(b)));
  boot.sort((x, y) => x - y);
  console.log(`cohort / ${label}: ratio of medians ${(median(a) / median(b)).toFixed(3)}, bootstrap 95 % ${boot[50].toFixed(2)}–${boot[1949].toFixed(2)}; per round ${perRoundRatios.map((r) => r.toFixed(2)).join(' ')}`);
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
