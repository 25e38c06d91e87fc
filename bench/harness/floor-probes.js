'use strict';
// The physical floors every row is compared with (benchmarks.md C0): R = echo-floor round trip p50 at 1 x 1,
// F = fdatasync p50 of a 100-byte append in the data directory. Both are re-measured in every round so they
// share the machine's state with the Cohort run they are paired with.
const { runLoad } = require('../load/raw-client');
const { probeFsync } = require('../baselines/fsync-probe');

const PROBE_FRAME = (() => {
  const f = Buffer.alloc(104);
  f.writeInt32BE(100, 0); f.writeInt16BE(12, 4); f.writeInt16BE(3, 6);
  return f;
})();

/** Echo round trip at 1 x 1 (µs): p50, p99, rate. */
async function measureR(echoPort, measureMs = 400) {
  const r = await runLoad({ port: echoPort, connections: 1, depth: 1, warmupMs: 100, measureMs, makeRequest: () => ({ frame: PROBE_FRAME }) });
  return { rUs: r.p50Us, rP99Us: r.p99Us, rRate: r.rate };
}

/**
 * Echo round trip with `connections` connections × 1 in flight (µs): what one more round trip costs while
 * that many requests queue on one server loop — C2's loaded floor, since every member keeps a heartbeat in
 * flight and a rebalance needs ~4 such round trips in sequence.
 */
async function measureLoadedR(echoPort, connections, measureMs = 600) {
  const r = await runLoad({ port: echoPort, connections, depth: 1, warmupMs: 150, measureMs, makeRequest: () => ({ frame: PROBE_FRAME }) });
  return { loadedRUs: r.p50Us, loadedRate: r.rate };
}

/** fdatasync after a 100-byte append (µs), in `dir`. */
async function measureF(dir, samples = 200) {
  const f = await probeFsync({ dir, samples });
  return { fUs: f.append.p50Us, fPreallocUs: f.preallocated.p50Us };
}

module.exports = { measureR, measureF, measureLoadedR };
