'use strict';
// Node loopback echo floor (benchmarks.md B3, C0 baseline 2): answers every Kafka-framed request with a fixed
// small frame carrying the request's correlation id followed by zero bytes, so the same load generator (and
// the same response checks, which read error codes that are 0 here) drives it as it drives a broker.
//   node bench/baselines/echo-server.js --serve [--port P] [--response-bytes N]   prints "LISTENING <port>"
//   node bench/baselines/echo-server.js                                           probes itself and prints JSON
const net = require('node:net');
const path = require('node:path');

/** Starts the echo server in this process; resolves with the net.Server once listening on 127.0.0.1. */
function startEchoServer({ port = 0, responseBytes = 8 } = {}) {
  const server = net.createServer((sock) => {
    sock.setNoDelay(true);
    let pending = null;
    sock.on('data', (chunk) => {
      const buf = pending === null ? chunk : Buffer.concat([pending, chunk]);
      let off = 0;
      let out = null; let outLen = 0; let n = 0;
      while (buf.length - off >= 4) {
        const size = buf.readInt32BE(off);
        if (buf.length - off - 4 < size) break;
        if (out === null) out = Buffer.alloc(Math.ceil((buf.length - off) / 12 + 1) * (8 + responseBytes));
        if (outLen + 8 + responseBytes > out.length) {
          const bigger = Buffer.alloc(out.length * 2); out.copy(bigger, 0, 0, outLen); out = bigger;
        }
        out.writeInt32BE(4 + responseBytes, outLen);
        // correlation id sits after apiKey(2) + apiVersion(2) in every request header version
        buf.copy(out, outLen + 4, off + 8, off + 12);
        out.fill(0, outLen + 8, outLen + 8 + responseBytes);
        outLen += 8 + responseBytes; n++;
        off += 4 + size;
      }
      pending = off === buf.length ? null : Buffer.from(buf.subarray(off));
      // One write per read batch: pipelined requests share a syscall, as they would in a real server.
      if (n > 0) sock.write(out.subarray(0, outLen));
    });
    sock.on('error', () => {});
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Starts the echo floor as a child process (so it runs on its own event loop, like a broker). */
async function spawnEchoServer({ responseBytes = 8 } = {}) {
  const { spawnTracked } = require('../harness/child-processes');
  const h = spawnTracked(process.execPath, [__filename, '--serve', '--port', '0', '--response-bytes', String(responseBytes)], { readyPattern: /LISTENING (\d+)/ });
  const m = await h.ready;
  return { handle: h, port: Number(m[1]) };
}

/** A 100-byte request frame (size prefix + a v1 header + padding) for the echo self-probe. */
function probeFrame() {
  const f = Buffer.alloc(104);
  f.writeInt32BE(100, 0); f.writeInt16BE(12, 4); f.writeInt16BE(3, 6);
  return f;
}

async function selfProbe() {
  const { runLoad } = require(path.join(__dirname, '..', 'load', 'raw-client.js'));
  const { killChild } = require('../harness/child-processes');
  const echo = await spawnEchoServer();
  const frame = probeFrame();
  const out = {};
  try {
    for (const [name, connections, depth] of [['1x1', 1, 1], ['10x1', 10, 1], ['100x1', 100, 1], ['1x64', 1, 64]]) {
      const r = await runLoad({ port: echo.port, connections, depth, warmupMs: 300, measureMs: 1500, makeRequest: () => ({ frame }) });
      out[name] = { p50Us: +r.p50Us.toFixed(1), p99Us: +r.p99Us.toFixed(1), rate: Math.round(r.rate) };
    }
  } finally {
    await killChild(echo.handle);
  }
  return out;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
  if (args.includes('--serve')) {
    startEchoServer({ port: Number(opt('--port', '0')), responseBytes: Number(opt('--response-bytes', '8')) })
      .then((s) => { process.stdout.write(`LISTENING ${s.address().port}\n`); })
      .catch((e) => { console.error(e.message); process.exit(1); });
    process.on('SIGTERM', () => process.exit(0));
  } else {
    selfProbe().then((r) => console.log(JSON.stringify(r, null, 2))).catch((e) => { console.error(e); process.exit(1); });
  }
}

module.exports = { startEchoServer, spawnEchoServer };
