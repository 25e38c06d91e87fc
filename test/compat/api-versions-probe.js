'use strict';
// Asks the broker which APIs it advertises (ApiVersions v0, the version every broker must answer),
// so a scenario whose APIs are not advertised is reported as such instead of timing out.
const net = require('node:net');

/** Kafka API keys the scenarios depend on, by name. */
const API_KEYS = {
  Produce: 0, Fetch: 1, ListOffsets: 2, Metadata: 3, OffsetCommit: 8, OffsetFetch: 9, FindCoordinator: 10,
  JoinGroup: 11, Heartbeat: 12, LeaveGroup: 13, SyncGroup: 14, DescribeGroups: 15, ListGroups: 16,
  ApiVersions: 18, CreateTopics: 19, DeleteGroups: 42, ConsumerGroupHeartbeat: 68, ConsumerGroupDescribe: 69,
};

/** Resolves to a Map apiKey → {min, max} from the broker at host:port. */
function probeApiVersions(host, port, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const clientId = Buffer.from('cohort-compat');
    const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
    let o = 0;
    o = body.writeInt16BE(18, o);
    o = body.writeInt16BE(0, o);
    o = body.writeInt32BE(1, o);
    o = body.writeInt16BE(clientId.length, o);
    clientId.copy(body, o);
    const frame = Buffer.concat([Buffer.alloc(4), body]);
    frame.writeInt32BE(body.length, 0);
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('ApiVersions probe timed out')); }, timeoutMs);
    let buf = Buffer.alloc(0);
    sock.on('connect', () => sock.write(frame));
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
      clearTimeout(timer);
      sock.destroy();
      try {
        let p = 8; // size + correlation id
        const errorCode = buf.readInt16BE(p); p += 2;
        if (errorCode !== 0) throw new Error(`ApiVersions error code ${errorCode}`);
        const n = buf.readInt32BE(p); p += 4;
        const out = new Map();
        for (let i = 0; i < n; i++) {
          out.set(buf.readInt16BE(p), { min: buf.readInt16BE(p + 2), max: buf.readInt16BE(p + 4) });
          p += 6;
        }
        resolve(out);
      } catch (e) {
        reject(e);
      }
    });
  });
}

/** Names of the APIs in `names` that `advertised` lacks. */
const missingApis = (advertised, names) => names.filter((n) => !advertised.has(API_KEYS[n]));

module.exports = { API_KEYS, probeApiVersions, missingApis };
