'use strict';
// Raw-frame load generator (benchmarks.md C0 "same client for every server"): C connections x `depth`
// outstanding requests, a warm-up window then a measure window, per-request latency and rate.
// Kafka answers the requests of one connection in order, so in-flight requests are a FIFO per connection;
// the correlation id of each response is still checked against the head of that FIFO.
const net = require('node:net');
const { performance } = require('node:perf_hooks');
const { latencySummary } = require('../harness/stats');

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Opens one TCP connection to a loopback address (rejects anything else: C0 "loopback only"). */
function connectLoopback(host, port, timeoutMs = 5000) {
  if (!LOOPBACK.has(host)) return Promise.reject(new Error(`refusing non-loopback host ${host}`));
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`connect ${host}:${port} timed out`)); }, timeoutMs);
    s.once('connect', () => { clearTimeout(timer); s.setNoDelay(true); resolve(s); });
    s.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

/** Splits a byte stream into Kafka frames (4-byte size prefix); calls onFrame with the frame WITHOUT its size. */
function frameSplitter(onFrame) {
  let pending = null;
  return (chunk) => {
    let buf = pending === null ? chunk : Buffer.concat([pending, chunk]);
    let off = 0;
    while (buf.length - off >= 4) {
      const size = buf.readInt32BE(off);
      if (buf.length - off - 4 < size) break;
      onFrame(buf.subarray(off + 4, off + 4 + size));
      off += 4 + size;
    }
    pending = off === buf.length ? null : buf.subarray(off);
  };
}

/**
 * Runs a closed-loop load and resolves with { count, errors, firstError, rate, p50Us, p99Us, maxUs, measuredMs, sent }.
 * opts: host, port, connections, depth, warmupMs, measureMs, maxRequests (bound on measured requests),
 *   makeRequest(connIndex, seq) -> { frame: Buffer incl. size prefix, tag? } (the frame is copied; its
 *     correlation id at byte 8 is overwritten),
 *   onResponse(tag, frameWithoutSize, measured) -> error string | undefined,
 *   drainMs: how long to wait for in-flight requests after the window (default 5000),
 *   connect(host, port) -> Promise<socket>: how each connection is opened (default plain TCP; the security
 *     suite passes a TLS one).
 */
async function runLoad(opts) {
  const {
    host = '127.0.0.1', port, connections = 1, depth = 1, warmupMs = 500, measureMs = 2000,
    maxRequests = 2_000_000, makeRequest, onResponse = () => undefined, drainMs = 5000, connect = connectLoopback,
  } = opts;
  const sockets = [];
  try {
    for (let i = 0; i < connections; i++) sockets.push(await connect(host, port));
  } catch (e) {
    for (const s of sockets) s.destroy();
    throw e;
  }
  const cap = Math.min(maxRequests, 4_000_000);
  const lat = new Float64Array(cap);
  let count = 0; let errors = 0; let firstError = null; let sent = 0;
  let phase = 'warmup'; let measureStart = 0; let measureEnd = 0;
  let inFlight = 0; let fatal = null;
  let finish;
  const finished = new Promise((r) => { finish = r; });
  let corr = 1;

  const endMeasure = () => {
    if (phase !== 'measure') return;
    phase = 'drain';
    measureEnd = performance.now();
    if (inFlight === 0) finish();
  };

  const conns = sockets.map((sock, ci) => {
    const fifo = []; // { corr, t0, tag }
    let seq = 0;
    const send = () => {
      const { frame, tag } = makeRequest(ci, seq++);
      const f = Buffer.allocUnsafe(frame.length);
      frame.copy(f);
      const c = corr++ & 0x7fffffff;
      f.writeInt32BE(c, 8);
      fifo.push({ corr: c, t0: performance.now(), tag });
      inFlight++; sent++;
      sock.write(f);
    };
    sock.on('data', frameSplitter((frame) => {
      const now = performance.now();
      const head = fifo.shift();
      inFlight--;
      if (head === undefined || frame.readInt32BE(0) !== head.corr) {
        fatal = fatal || new Error(`correlation mismatch on connection ${ci}: got ${frame.readInt32BE(0)}, expected ${head && head.corr}`);
        finish();
        return;
      }
      const measured = phase === 'measure' && head.t0 >= measureStart;
      let err;
      try { err = onResponse(head.tag, frame, measured); } catch (e) { err = `response check threw: ${e.message}`; }
      if (err !== undefined && err !== null) { errors++; if (firstError === null) firstError = err; }
      if (measured && count < cap) {
        lat[count++] = now - head.t0;
        if (count >= cap) endMeasure();
      }
      if (phase === 'warmup' || phase === 'measure') send();
      else if (phase === 'drain' && inFlight === 0) finish();
    }));
    sock.on('error', (e) => { fatal = fatal || e; finish(); });
    sock.on('close', () => { if (phase !== 'closed' && inFlight > 0) { fatal = fatal || new Error(`connection ${ci} closed by server with ${fifo.length} requests in flight`); finish(); } });
    return { send };
  });

  for (const c of conns) for (let d = 0; d < depth; d++) c.send();
  const t1 = setTimeout(() => { phase = 'measure'; measureStart = performance.now(); }, warmupMs);
  const t2 = setTimeout(endMeasure, warmupMs + measureMs);
  const t3 = setTimeout(() => { if (phase === 'drain') finish(); }, warmupMs + measureMs + drainMs);
  // A server that never answers must not hang the bench: bounded overall.
  const t4 = setTimeout(() => { fatal = fatal || new Error('load run exceeded its time bound'); finish(); }, warmupMs + measureMs + drainMs + 1000);
  await finished;
  const drained = inFlight === 0;
  if (phase === 'warmup' || phase === 'measure') { measureEnd = performance.now(); }
  phase = 'closed';
  for (const t of [t1, t2, t3, t4]) clearTimeout(t);
  for (const s of sockets) s.destroy();
  if (fatal) throw fatal;
  if (count === 0) throw new Error('no responses in the measure window');
  const measuredMs = measureEnd - measureStart;
  const s = latencySummary(lat, count);
  return {
    count, errors, firstError, sent, drained,
    rate: count / (measuredMs / 1000),
    p50Us: s.p50 * 1000, p99Us: s.p99 * 1000, maxUs: s.max * 1000, measuredMs,
  };
}

module.exports = { runLoad, connectLoopback, frameSplitter };
