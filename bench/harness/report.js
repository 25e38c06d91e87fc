'use strict';
// The one table the bench prints, plus bench/results/latest.{json,md}.
const fs = require('node:fs');
const path = require('node:path');

function fmt(x) {
  if (!Number.isFinite(x)) return '-';
  const a = Math.abs(x);
  if (a >= 1e6) return `${(x / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(x / 1e3).toFixed(1)}k`;
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

const cell = (s) => (s ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : '');

/** Table rows as arrays of strings (header first). */
function tableCells(rows) {
  const out = [['row', 'unit', 'cohort median (min–max)', 'baseline', 'baseline median', 'ratio median (min–max)', 'target']];
  for (const r of rows) {
    out.push([
      `${r.bench} ${r.name}`,
      r.unit || '',
      r.cohortError ? `error: ${r.cohortError}` : cell(r.cohort),
      r.baselineName || '',
      r.baselineError ? `error: ${r.baselineError}` : (r.baseline ? fmt(r.baseline.median) : ''),
      r.ratio ? cell(r.ratio) : '-',
      r.target || '',
    ]);
  }
  return out;
}

function textTable(rows, maxCell = 70) {
  const cells = tableCells(rows).map((r) => r.map((c) => (c.length > maxCell ? `${c.slice(0, maxCell - 1)}…` : c)));
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join(' | ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...cells.slice(1).map(line)].join('\n');
}

function markdownTable(rows) {
  const cells = tableCells(rows).map((r) => r.map((c) => c.replace(/\|/g, '\\|')));
  return [`| ${cells[0].join(' | ')} |`, `|${cells[0].map(() => '---').join('|')}|`, ...cells.slice(1).map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** Writes latest.json and latest.md into bench/results. */
function writeResults({ rows, notes, meta }) {
  const dir = path.join(__dirname, '..', 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify({ meta, rows, notes }, null, 2)}\n`);
  const md = [
    '# Cohort benchmark results',
    '',
    `${meta.date} · node ${meta.node} · ${meta.cpus} CPUs · runs per row ${meta.runs}${meta.quick ? ' (quick)' : ''} · windows ${meta.warmupMs} ms warm-up + ${meta.measureMs} ms measure`,
    '',
    'Figures are medians of alternating Cohort/baseline runs; ratios are computed pair by pair (benchmarks.md C0). Absolute numbers are never gated.',
    '',
    markdownTable(rows),
    '',
    '## Notes',
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'latest.md'), md);
  return dir;
}

module.exports = { textTable, markdownTable, writeResults, fmt };
