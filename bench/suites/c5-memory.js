'use strict';
// C5: memory per member and per committed offset, created through the protocol in a fresh broker
// (node --expose-gc, two forced GCs before each sample via harness/heap-probe.js). (a) G groups × 10 members
// formed by the raw-frame classic driver (JoinGroup v5 / SyncGroup v3, member metadata ≈ 40 B, assignment ≈
// 60 B as in B7); (c) OG simple groups × 1,000 committed offsets (OffsetCommit v2, 1,000 partitions per
// request). Reports Δ(heapUsed + external) / unit and Δ RSS / unit; the baseline is the plain-object model of
// B7 (harness/plain-memory-model.js) run by this bench. One broker per run: the rows are memory, not time.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { KafkaConnection } = require('../load/kafka-connection');
const { API } = require('../load/kafka-codec');
const { formGroup } = require('../load/group-member');
const { ensureTopic } = require('../load/topic-setup');
const { startBroker, stopBroker, makeDataDir } = require('../harness/broker-process');
const { pairedRuns, pairedRow } = require('../harness/paired-runs');
const { sampleHeap, brokerPid } = require('../harness/heap-sample');

const TOPIC = 'bench-c5';
const PARTITIONS = 1000;
const MEMBERS_PER_GROUP = 10;
const LANES = 10;
const PROBE = path.join(__dirname, '..', 'harness', 'heap-probe.js');
const MODEL = path.join(__dirname, '..', 'harness', 'plain-memory-model.js');

/** Signals the broker and waits for the heap probe's next sample. */
const sample = (broker, file, seq) => sampleHeap(brokerPid(broker), file, seq, 30000);

const bytes = (s) => s.heapUsed + s.external;

async function cohortRun(groups, offsetGroups) {
  const dataDir = makeDataDir('c5');
  const file = path.join(dataDir, '..', `${path.basename(dataDir)}-heap.json`);
  const conns = [];
  let broker = null;
  try {
    broker = await startBroker({
      dataDir,
      nodeArgs: ['--expose-gc', '--require', PROBE],
      env: { BENCH_HEAP_PROBE_FILE: file },
      flags: { 'group-initial-rebalance-delay-ms': 0, 'max-connections': 20000, 'num-partitions': PARTITIONS },
    });
    await ensureTopic(broker.port, TOPIC, PARTITIONS);
    const opts = { topic: TOPIC, partitions: MEMBERS_PER_GROUP, sessionTimeoutMs: 600000, rebalanceTimeoutMs: 60000 };
    // Warm the code paths once (a group formed and left in place is counted in neither sample).
    const lanes = [];
    for (let l = 0; l < LANES; l++) {
      const lane = [];
      for (let i = 0; i < MEMBERS_PER_GROUP; i++) { const c = await KafkaConnection.open(broker.port); conns.push(c); lane.push(c); }
      lanes.push(lane);
    }
    const form = (lane, groupId) => { let i = 0; return formGroup(async () => lane[i++], groupId, MEMBERS_PER_GROUP, opts); };
    await form(lanes[0], 'c5-warmup');
    const s0 = await sample(broker, file, 1);
    for (let g = 0; g < groups; g += LANES) {
      await Promise.all(lanes.map((lane, l) => (g + l < groups ? form(lane, `c5-members-${g + l}`) : null)));
    }
    const s1 = await sample(broker, file, 2);
    const committer = conns[0];
    const partitions = [];
    for (let p = 0; p < PARTITIONS; p++) partitions.push({ partitionIndex: p, committedOffset: BigInt(p * 7 + 1), committedMetadata: '' });
    for (let g = 0; g < offsetGroups; g += 8) {
      await Promise.all(conns.slice(0, 8).map(async (conn, k) => {
        if (g + k >= offsetGroups) return;
        const res = await conn.request(API.OffsetCommit, 2, {
          groupId: `c5-offsets-${g + k}`, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n,
          topics: [{ name: TOPIC, partitions }],
        });
        const bad = res.topics[0].partitions.find((p) => p.errorCode !== 0);
        if (bad) throw new Error(`OffsetCommit error ${bad.errorCode}`);
      }));
    }
    void committer;
    const s2 = await sample(broker, file, 3);
    const members = groups * MEMBERS_PER_GROUP;
    const offsets = offsetGroups * PARTITIONS;
    return {
      memberBytes: (bytes(s1) - bytes(s0)) / members,
      memberExternal: (s1.external - s0.external) / members,
      offsetExternal: (s2.external - s1.external) / offsets,
      memberRss: (s1.rss - s0.rss) / members,
      offsetBytes: (bytes(s2) - bytes(s1)) / offsets,
      offsetRss: (s2.rss - s1.rss) / offsets,
      heapAtEnd: s2.heapUsed,
    };
  } finally {
    for (const c of conns) c.close();
    if (broker) await stopBroker(broker);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(file, { force: true });
  }
}

function plainModel(groups, offsetGroups) {
  const out = execFileSync(process.execPath, ['--expose-gc', MODEL, String(groups), String(MEMBERS_PER_GROUP), String(offsetGroups), String(PARTITIONS)], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

async function run(ctx) {
  const groups = ctx.quick ? 100 : 1000;
  const offsetGroups = ctx.quick ? 100 : 1000;
  const runs = Math.min(ctx.runs, 2);
  ctx.log(`C5 ${groups} groups × ${MEMBERS_PER_GROUP} members, ${offsetGroups} groups × ${PARTITIONS} offsets`);
  const out = await pairedRuns(runs, {
    cohort: () => cohortRun(groups, offsetGroups),
    plain: async () => plainModel(groups, offsetGroups),
  }, ctx.log);
  const members = `${groups} groups × ${MEMBERS_PER_GROUP}`;
  const offsets = `${offsetGroups} groups × ${PARTITIONS}`;
  const rows = [
    pairedRow({ bench: 'C5', name: `heap per member (incl. group share), ${members}`, unit: 'B', target: '≤ 800 B (ambitious ≤ 600 B)', cohort: { side: 'cohort', pick: (m) => m.memberBytes }, baseline: { side: 'plain', pick: (m) => m.memberBytes }, baselineName: 'plain model (B7)' }, out),
    pairedRow({ bench: 'C5', name: `… of which external (Buffers), per member, ${members}`, unit: 'B', cohort: { side: 'cohort', pick: (m) => m.memberExternal }, baseline: { side: 'plain', pick: (m) => m.memberBytes }, baselineName: 'plain model (B7)' }, out),
    pairedRow({ bench: 'C5', name: `RSS per member, ${members}`, unit: 'B', cohort: { side: 'cohort', pick: (m) => m.memberRss }, baseline: { side: 'plain', pick: (m) => m.memberBytes }, baselineName: 'plain model heap (B7)' }, out),
    pairedRow({ bench: 'C5', name: `heap per committed offset, ${offsets}`, unit: 'B', target: '≤ 100 B (ambitious ≤ 60 B)', cohort: { side: 'cohort', pick: (m) => m.offsetBytes }, baseline: { side: 'plain', pick: (m) => m.offsetBytes }, baselineName: 'plain model (B7)' }, out),
    pairedRow({ bench: 'C5', name: `RSS per committed offset, ${offsets}`, unit: 'B', cohort: { side: 'cohort', pick: (m) => m.offsetRss }, baseline: { side: 'plain', pick: (m) => m.offsetBytes }, baselineName: 'plain model heap (B7)' }, out),
    pairedRow({ bench: 'C6', name: 'members per GiB of heap, extrapolated from the C5 member row', unit: 'members', target: '≥ 1,000,000 (extrapolation; the C6 suite runs it)', cohort: { side: 'cohort', pick: (m) => 2 ** 30 / m.memberBytes }, baseline: { side: 'plain', pick: (m) => 2 ** 30 / m.memberBytes }, baselineName: 'plain model (B7)' }, out),
  ];
  const notes = [
    `C5: a fresh broker per run (node --expose-gc, heap sampled after two forced GCs by bench/harness/heap-probe.js on SIGUSR2); members formed by the raw classic driver through ${LANES} lanes of ${MEMBERS_PER_GROUP} connections (connections open before the first sample), offsets by OffsetCommit v2 with ${PARTITIONS} partitions per request; ${runs} run(s).`,
    'C6: this row is an extrapolation from the measured bytes per member; the C6 suite (bench/suites/c6-capacity.js) fills a broker run under --max-old-space-size=1024 until admission control refuses.',
  ];
  void os;
  return { rows, notes };
}

module.exports = { run };
