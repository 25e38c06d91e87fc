'use strict';
// The plain-object memory model of benchmarks.md B7, run by the C5 bench as its baseline (node --expose-gc):
// members as plain objects with two Buffers (metadata 40 B, assignment 60 B) in a Map per group, offsets as a
// Map of small objects. Prints one JSON line { memberBytes, offsetBytes } (Δ(heapUsed + external) / unit).
const GROUPS = Number(process.argv[2] || 1000);
const MEMBERS = Number(process.argv[3] || 10);
const OFFSET_GROUPS = Number(process.argv[4] || 1000);
const OFFSETS = Number(process.argv[5] || 1000);

const sample = () => { global.gc(); global.gc(); const m = process.memoryUsage(); return m.heapUsed + m.external; };
const keep = [];
const before = sample();
for (let g = 0; g < GROUPS; g++) {
  const members = new Map();
  for (let i = 0; i < MEMBERS; i++) {
    const memberId = `consumer-${g}-${i}-${'x'.repeat(36)}`;
    members.set(memberId, {
      memberId, instanceId: null, clientId: 'bench-client', clientHost: '/127.0.0.1', sessionTimeoutMs: 45000,
      rebalanceTimeoutMs: 300000, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(40, g) }],
      assignment: Buffer.alloc(60, i),
    });
  }
  keep.push({ groupId: `group-${g}`, state: 'Stable', generation: 1, leaderId: null, members });
}
const afterMembers = sample();
for (let g = 0; g < OFFSET_GROUPS; g++) {
  const offsets = new Map();
  for (let p = 0; p < OFFSETS; p++) offsets.set(`topic-${g}\u0000${p}`, { offset: p * 7, leaderEpoch: -1, metadata: '', commitTimestamp: Date.now(), expireTimestamp: null });
  keep.push(offsets);
}
const afterOffsets = sample();
process.stdout.write(`${JSON.stringify({ memberBytes: (afterMembers - before) / (GROUPS * MEMBERS), offsetBytes: (afterOffsets - afterMembers) / (OFFSET_GROUPS * OFFSETS), held: keep.length })}\n`);
