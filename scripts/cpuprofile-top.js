#!/usr/bin/env node
'use strict';
// Prints the top self-time and inclusive-time frames of a V8 .cpuprofile (node --cpu-prof):
//   node scripts/cpuprofile-top.js FILE.cpuprofile [N]
// Used for docs/performance.md (profiles of the broker under a benchmark, BENCH_BROKER_NODE_ARGS).
const fs = require('node:fs');
const path = require('node:path');

const [file, nArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: cpuprofile-top.js FILE.cpuprofile [N]\n');
  process.exit(2);
}
const n = Number(nArg || 25);
let profile;
try {
  profile = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (e) {
  process.stderr.write(`cpuprofile-top: cannot read ${file}: ${e.message}\n`);
  process.exit(1);
}
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const c of node.children || []) parent.set(c, node.id);
const samples = new Map();
for (const id of profile.samples) samples.set(id, (samples.get(id) || 0) + 1);
const total = profile.samples.length;

const label = (node) => {
  const f = node.callFrame;
  const where = f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};
const self = new Map();
const inclusive = new Map();
for (const [id, count] of samples) {
  const key = label(byId.get(id));
  self.set(key, (self.get(key) || 0) + count);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = label(byId.get(cur));
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) || 0) + count);
  }
}

const busy = total - (self.get("(idle)") || 0);
const pct = (c, of) => `${((100 * c) / of).toFixed(1)}%`;
const table = (title, m) => {
  process.stdout.write(`\n${title} (of ${busy} non-idle samples)\n`);
  for (const [k, c] of [...m].filter(([k]) => k !== '(idle)' && k !== '(root)').sort((a, b) => b[1] - a[1]).slice(0, n)) {
    process.stdout.write(`${pct(c, busy).padStart(6)}  ${k}\n`);
  }
};
process.stdout.write(`${file}: ${total} samples, idle ${pct(self.get('(idle)') || 0, total)}\n`);
table('self time', self);
table('inclusive time', inclusive);
