'use strict';
// Every child the compatibility suite starts goes through here, so each one is bounded in time and
// ended by its own PID (never by name) when a scenario finishes or fails.
const { spawn } = require('node:child_process');

const tracked = new Set();

/** Spawns a long-lived child, splitting stdout and stderr into lines as they arrive. */
function spawnTracked(cmd, args, opts = {}) {
  const child = spawn(cmd, args, {
    stdio: [opts.input === undefined && !opts.keepStdin ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...(opts.env || {}) },
    cwd: opts.cwd,
  });
  const out = [];
  const err = [];
  const listeners = [];
  let exitInfo;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      tracked.delete(child);
      resolve(exitInfo);
    });
    child.once('error', (e) => {
      err.push(`spawn error: ${e.message}`);
      exitInfo = { code: 127, signal: null };
      tracked.delete(child);
      resolve(exitInfo);
    });
  });
  tracked.add(child);
  const splitter = (sink, stream) => {
    let buf = '';
    child[stream].on('data', (d) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const line of lines) {
        sink.push(line);
        for (const l of listeners) l(stream, line);
      }
    });
    child[stream].on('end', () => {
      if (buf !== '') {
        sink.push(buf);
        for (const l of listeners) l(stream, buf);
        buf = '';
      }
    });
  };
  splitter(out, 'stdout');
  splitter(err, 'stderr');
  if (opts.input !== undefined) child.stdin.end(opts.input);
  return {
    child,
    pid: child.pid,
    stdout: out,
    stderr: err,
    exited,
    get exit() { return exitInfo; },
    onLine: (f) => listeners.push(f),
    kill: (signal = 'SIGKILL') => {
      if (exitInfo === undefined) {
        try { child.kill(signal); } catch { /* already gone */ }
      }
    },
    /** Sends `signal`, then SIGKILL if the child is still alive after `graceMs`. */
    stop: async (signal = 'SIGTERM', graceMs = 8000) => {
      if (exitInfo !== undefined) return exitInfo;
      try { child.kill(signal); } catch { /* already gone */ }
      const t = setTimeout(() => { try { child.kill('SIGKILL'); } catch { /* gone */ } }, graceMs);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
}

/** Runs a child to completion, killing it with SIGKILL after `timeoutMs`. */
async function runBounded(cmd, args, opts = {}) {
  const timeoutMs = opts.timeoutMs ?? 20000;
  const p = spawnTracked(cmd, args, opts);
  let timedOut = false;
  const t = setTimeout(() => { timedOut = true; p.kill('SIGKILL'); }, timeoutMs);
  const { code, signal } = await p.exited;
  clearTimeout(t);
  return { code, signal, timedOut, stdout: p.stdout, stderr: p.stderr };
}

/** SIGKILLs every child this process started that is still running (by PID). */
function killAllTracked() {
  for (const c of tracked) {
    try { c.kill('SIGKILL'); } catch { /* gone */ }
  }
  tracked.clear();
}

module.exports = { spawnTracked, runBounded, killAllTracked };
