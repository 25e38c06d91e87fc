#!/usr/bin/env node
'use strict';
// Copies bench/results/latest.md (the table and notes of the last `npm run bench`) into
// docs/performance.md between <!-- results:begin --> and <!-- results:end -->.
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const results = fs.readFileSync(path.join(root, 'bench', 'results', 'latest.md'), 'utf8').replace(/^# .*\n/, '');
const doc = path.join(root, 'docs', 'performance.md');
const text = fs.readFileSync(doc, 'utf8');
const begin = '<!-- results:begin -->';
const end = '<!-- results:end -->';
const a = text.indexOf(begin);
const b = text.indexOf(end);
if (a < 0 || b < a) {
  process.stderr.write('perf-results: docs/performance.md has no results markers\n');
  process.exit(1);
}
const section = `${begin}\n## The run recorded here (bench/results/latest.md)\n${results.trim()}\n${end}`;
fs.writeFileSync(doc, text.slice(0, a) + section + text.slice(b + end.length));
