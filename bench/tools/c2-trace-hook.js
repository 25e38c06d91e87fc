'use strict';
// Preloaded into a broker by c2-trace.js (`node --require`): records, in epoch ms, when each JoinGroup,
// SyncGroup and Heartbeat handler was entered and when its answer was ready, every MetaLog group-commit
// record (its events and when its write+fdatasync finished), and every fdatasync; written as JSON lines to
// $C2_TRACE_HOOK_OUT when the process exits. Works for the current build and the previous release (both
// have these modules). Tracing only: nothing here changes what the broker does.
const fs = require('node:fs');
const Module = require('node:module');
const { performance } = require('node:perf_hooks');

const out = process.env.C2_TRACE_HOOK_OUT;
const recs = [];
const now = () => performance.timeOrigin + performance.now();

const fdatasync = fs.fdatasync;
fs.fdatasync = function traced(fd, cb) {
  const start = now();
  return fdatasync.call(fs, fd, (err) => { recs.push({ k: 'fsync', start, end: now() }); cb(err); });
};

// C2_TRACE_HOOK_HEARTBEATS=0 leaves heartbeats untraced (the tracer then costs the broker far less).
const HANDLERS = { 'join-group-handler.js': 'JoinGroup', 'sync-group-handler.js': 'SyncGroup', 'heartbeat-handler.js': 'Heartbeat' };
if (process.env.C2_TRACE_HOOK_HEARTBEATS === '0') delete HANDLERS['heartbeat-handler.js'];
const load = Module._load;
Module._load = function patched(request, parent, isMain) {
  const exports = load.apply(this, arguments);
  const base = request.split('/').pop().replace(/\.js$/, '') + '.js';
  if (exports && exports.__c2traced) return exports;
  if (HANDLERS[base]) {
    for (const [name, factory] of Object.entries(exports)) {
      if (typeof factory !== 'function') continue;
      exports[name] = (...args) => {
        const h = factory(...args);
        const handle = h.handle;
        h.handle = function tracedHandle(body, ctx) {
          const rec = { k: 'req', api: HANDLERS[base], member: body.memberId, start: now(), end: 0 };
          recs.push(rec);
          const r = handle.call(this, body, ctx);
          const done = (v) => { rec.end = now(); rec.error = v && v.errorCode; return v; };
          return r && typeof r.then === 'function' ? r.then(done) : done(r);
        };
        return h;
      };
    }
    Object.defineProperty(exports, '__c2traced', { value: true });
  }
  if (base === 'group-commit-writer.js' && exports.GroupCommitWriter) {
    const proto = exports.GroupCommitWriter.prototype;
    const writeBatch = proto.writeBatch;
    proto.writeBatch = async function tracedWriteBatch(batch) {
      const rec = { k: 'flush', start: now(), end: 0, events: batch.flatMap((w) => w.events.map((e) => e.type)) };
      recs.push(rec);
      try { return await writeBatch.call(this, batch); } finally { rec.end = now(); }
    };
    Object.defineProperty(exports, '__c2traced', { value: true });
  }
  return exports;
};

process.on('exit', () => { if (out) fs.writeFileSync(out, recs.map((r) => JSON.stringify(r)).join('\n')); });
for (const sig of ['SIGTERM', 'SIGINT']) process.prependListener(sig, () => { if (out) fs.writeFileSync(out, recs.map((r) => JSON.stringify(r)).join('\n')); });

// Garbage collections (kind and pause), to tell a stall that is a collection from one that is not.
const { PerformanceObserver, constants } = require('node:perf_hooks');
const GC_KINDS = { [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks' };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const start = performance.timeOrigin + e.startTime;
    recs.push({ k: 'gc', start, end: start + e.duration, kind: GC_KINDS[e.detail?.kind ?? e.kind] ?? 'gc' });
  }
}).observe({ entryTypes: ['gc'] });

// Event-loop stalls: a 1 ms interval that fires late by more than 3 ms marks the loop as blocked (or the
// process descheduled) for that long.
let last = now();
setInterval(() => {
  const t = now();
  if (t - last > 4) recs.push({ k: 'stall', start: last + 1, end: t });
  last = t;
}, 1).unref();
