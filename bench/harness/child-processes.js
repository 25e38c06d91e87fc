'use strict';
// Every child the bench starts is registered here and ended by its PID (benchmarks.md C0: "all children
// ended by PID"), on success, on error and on SIGINT/SIGTERM of the bench itself.
const { spawn } = require('node:child_process');

const live = new Map(); // pid -> ChildProcess

/** Spawns a child, records it, and resolves `ready` with the first stdout line matching `readyPattern`. */
function spawnTracked(command, args, { readyPattern = null, readyTimeoutMs = 15000, env = process.env, cwd } = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env, cwd });
  if (child.pid !== undefined) live.set(child.pid, child);
  let stderrTail = '';
  let stdoutBuf = '';
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      if (child.pid !== undefined) live.delete(child.pid);
      resolve({ code, signal });
    });
    child.on('error', (err) => {
      if (child.pid !== undefined) live.delete(child.pid);
      resolve({ code: null, signal: null, error: err });
    });
  });
  child.stderr.on('data', (d) => { stderrTail = (stderrTail + d.toString()).slice(-2000); });
  const ready = readyPattern === null ? Promise.resolve(null) : new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} not ready after ${readyTimeoutMs} ms: ${stderrTail.trim().split('\n').slice(-3).join(' | ')}`)), readyTimeoutMs);
    child.stdout.on('data', (d) => {
      stdoutBuf += d.toString();
      const m = stdoutBuf.match(readyPattern);
      if (m) { clearTimeout(timer); resolve(m); }
      if (stdoutBuf.length > 65536) stdoutBuf = stdoutBuf.slice(-4096);
    });
    exited.then(({ code, signal, error }) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited before ready (code ${code}, signal ${signal}${error ? `, ${error.message}` : ''}): ${stderrTail.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
  // Keep draining stdout so a chatty child never blocks on a full pipe.
  if (readyPattern === null) child.stdout.resume();
  ready.catch(() => {});
  return { child, pid: child.pid, ready, exited, stderrTail: () => stderrTail };
}

/** Sends `signal` to one child by PID and waits (bounded) for it to exit; escalates to SIGKILL. */
async function killChild(handle, signal = 'SIGTERM', graceMs = 3000) {
  const { child } = handle;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return handle.exited;
  try { process.kill(child.pid, signal); } catch { /* already gone */ }
  const timer = new Promise((r) => setTimeout(() => r('timeout'), graceMs));
  if ((await Promise.race([handle.exited, timer])) === 'timeout') {
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
  }
  return handle.exited;
}

/** Ends every child still alive, each by its PID. */
function killAllSync() {
  for (const pid of [...live.keys()]) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    live.delete(pid);
  }
}

process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => { killAllSync(); process.exit(130); });
}

module.exports = { spawnTracked, killChild, killAllSync };
