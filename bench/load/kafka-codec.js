'use strict';
// The Kafka codec compiled from src/adapters/kafka/protocol (dist/ after `npm run build`), loaded lazily so
// that the baselines run even when the tree does not build.
const path = require('node:path');

let codec = null;
/** The dist codec module; throws a one-line error if dist/ is missing. */
function kafkaCodec() {
  if (codec === null) {
    const p = path.resolve(__dirname, '..', '..', 'dist', 'adapters', 'kafka', 'protocol', 'index.js');
    try { codec = require(p); } catch (e) { throw new Error(`Kafka codec not built (${p}): ${e.message.split('\n')[0]}`); }
  }
  return codec;
}

const API = {
  Produce: 0, Fetch: 1, Metadata: 3, OffsetCommit: 8, OffsetFetch: 9, FindCoordinator: 10, JoinGroup: 11,
  Heartbeat: 12, LeaveGroup: 13, SyncGroup: 14, ApiVersions: 18,
};

const ERR = { NONE: 0, REBALANCE_IN_PROGRESS: 27, UNKNOWN_MEMBER_ID: 25, ILLEGAL_GENERATION: 22, MEMBER_ID_REQUIRED: 79, COORDINATOR_LOAD_IN_PROGRESS: 14, COORDINATOR_NOT_AVAILABLE: 15 };

module.exports = { kafkaCodec, API, ERR };
