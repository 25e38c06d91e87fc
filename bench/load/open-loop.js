'use strict';
// Open-loop load generator (benchmarks.md C3 "p99 at a fixed offered load of M / 3 s"): requests leave on
// a fixed schedule whatever the server does, spread round robin over the connections, and each latency is
// measured from the request's *scheduled* send time, so a stalled server is charged for the requests it
// delayed (no coordinated omission).
const { performance } = require('node:perf_hooks');
const { connectLoopback, frameSplitter } = require('./raw-client');
const { latencySummary } = require('../harness/stats');

/**
 * Resolves { offeredRate, rate, count, errors, firstError, p50Us, p99Us, maxUs, measuredMs, backlogMax }.
 * opts: port, connections, ratePerSec, warmupMs, measureMs, makeRequest(connIndex, seq) -> { frame },
 *   onResponse(frameWithoutSize) -> error string | undefined, drainMs (default 5000),
 *   maxOutstanding (bound on unanswered requests; reaching it fails the run rather than growing without end).
 */
async function runOpenLoop(opts) {
  const {
    host = '127.0.0.1', port, connections = 1, ratePerSec, warmupMs = 500, measureMs = 2000,
    makeRequest, onResponse = () => undefined, drainMs = 5000, maxOutstanding = 200000,
  } = opts;
  if (!(ratePerSec > 0)) throw new Error(`ratePerSec must be positive, got ${ratePerSec}`);
  const sockets = [];
  try {
    for (let i = 0; i < connections; i++) sockets.push(await connectLoopback(host, port));
  } catch (e) {
    for (const s of sockets) s.destroy();
    throw e;
  }
  const intervalMs = 1000 / ratePerSec;
  const total = Math.ceil(((warmupMs + measureMs) / 1000) * ratePerSec);
  const lat = new Float64Array(total);
  let count = 0; let errors = 0; let firstError = null; let fatal = null;
  let outstanding = 0; let backlogMax = 0; let sent = 0; let corr = 1;
  let finish;
  const finished = new Promise((r) => { finish = r; });
  const start = performance.now();
  const measureStart = start + warmupMs;
  const measureEnd = measureStart + measureMs;

  const fifos = sockets.map(() => []);
  const seqs = sockets.map(() => 0);
  sockets.forEach((sock, ci) => {
    sock.on('data', frameSplitter((frame) => {
      const now = performance.now();
      const head = fifos[ci].shift();
      outstanding--;
      if (head === undefined || frame.readInt32BE(0) !== head.corr) {
        fatal = fatal || new Error(`correlation mismatch on connection ${ci}`);
        finish();
        return;
      }
      let err;
      try { err = onResponse(frame); } catch (e) { err = `response check threw: ${e.message}`; }
      if (err !== undefined && err !== null) { errors++; if (firstError === null) firstError = err; }
      if (head.scheduled >= measureStart && head.scheduled < measureEnd) lat[count++] = now - head.scheduled;
      if (sent === total && outstanding === 0) finish();
    }));
    sock.on('error', (e) => { fatal = fatal || e; finish(); });
  });

  // Sends every request whose scheduled time has come; a 1 ms tick keeps the schedule within ~1 ms.
  const pump = () => {
    const now = performance.now();
    while (sent < total && start + sent * intervalMs <= now) {
      const ci = sent % connections;
      const { frame } = makeRequest(ci, seqs[ci]++);
      const f = Buffer.allocUnsafe(frame.length);
      frame.copy(f);
      const c = corr++ & 0x7fffffff;
      f.writeInt32BE(c, 8);
      fifos[ci].push({ corr: c, scheduled: start + sent * intervalMs });
      sent++; outstanding++;
      sockets[ci].write(f);
    }
    if (outstanding > backlogMax) backlogMax = outstanding;
    if (outstanding > maxOutstanding) { fatal = fatal || new Error(`more than ${maxOutstanding} requests unanswered: the server fell behind the offered load`); finish(); }
  };
  const tick = setInterval(pump, 1);
  pump();
  const bound = setTimeout(() => { fatal = fatal || new Error(`open-loop run not drained ${drainMs} ms after its window (${outstanding} unanswered)`); finish(); }, warmupMs + measureMs + drainMs);
  await finished;
  clearInterval(tick); clearTimeout(bound);
  for (const s of sockets) s.destroy();
  if (fatal) throw fatal;
  if (count === 0) throw new Error('no responses in the measure window');
  const s = latencySummary(lat, count);
  return {
    offeredRate: ratePerSec, rate: count / (measureMs / 1000), count, errors, firstError, backlogMax,
    p50Us: s.p50 * 1000, p99Us: s.p99 * 1000, maxUs: s.max * 1000, measuredMs: measureMs,
  };
}

module.exports = { runOpenLoop };
