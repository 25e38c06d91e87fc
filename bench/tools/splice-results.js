#!/usr/bin/env node
'use strict';
// Replaces the rows and notes of some suites in a full run's results with those of a later partial run
// (`node bench/run.js c4 c5` writes only its own suites): when a change lands after the full run, only
// its suites are measured again, and the recorded table says which suites come from which run.
//   node bench/tools/splice-results.js FULL.json PARTIAL.json   (writes bench/results/latest.{json,md})
const fs = require('node:fs');
const { writeResults } = require('../harness/report');

const [fullFile, partialFile] = process.argv.slice(2);
if (!fullFile || !partialFile) {
  process.stderr.write('usage: splice-results.js FULL.json PARTIAL.json\n');
  process.exit(2);
}
const read = (f) => {
  try {
    return JSON.parse(fs.readFileSync(f, 'utf8'));
  } catch (e) {
    process.stderr.write(`splice-results: cannot read ${f}: ${e.message.split('\n')[0]}\n`);
    process.exit(1);
  }
};
const full = read(fullFile);
const partial = read(partialFile);
const suites = partial.meta.selected;
// The row labels ("C4", "C5", "C6", …) the partial run produced stand for its suites in the full run.
const benches = new Set(partial.rows.map((r) => r.bench));
const replacedNote = (n) => suites.some((s) => n.startsWith(`${s}:`)) || [...benches].some((b) => n.startsWith(`${b} `) || n.startsWith(`${b}:`));
// A row that names its suite (bench/run.js) is replaced when that suite ran again; an older row without
// one when the partial run produced its label (one suite may produce rows of another's label: c5's C6
// extrapolation, so only rows that name their suite are told apart).
const replaced = (r) => (r.suite !== undefined ? suites.includes(r.suite) : benches.has(r.bench));
const rows = [];
let inserted = false;
for (const r of full.rows) {
  if (!replaced(r)) {
    rows.push(r);
  } else if (!inserted) {
    rows.push(...partial.rows);
    inserted = true;
  }
}
if (!inserted) rows.push(...partial.rows);
// Notes follow their suite the same way: by meta.noteSuites (bench/run.js) where it names one, else
// (older runs: null) by their label prefix. A spliced note keeps its suite; the splice's own note
// names none and matches no label, so it stays.
const fullSuites = full.meta.noteSuites || [];
const kept = full.notes
  .map((n, i) => [n, fullSuites[i] ?? null])
  .filter(([n, suite]) => (suite !== null ? !suites.includes(suite) : !replacedNote(n)))
  // An earlier splice of exactly these suites is superseded by this one (its rows are all gone).
  .filter(([n]) => !n.startsWith(`spliced: suites ${suites.join(', ')} (`));
const added = partial.notes.map((n, i) => [n, partial.meta.noteSuites ? partial.meta.noteSuites[i] : suites.length === 1 ? suites[0] : null]);
// A full run spliced before keeps its own splice notes: its other rows are not all from its date.
const earlier = full.meta.spliced ? `as recorded before (the run of ${full.meta.date} and the splices noted above)` : `from the earlier run of ${full.meta.date}`;
const spliceNote = [`spliced: suites ${suites.join(', ')} (rows ${[...benches].join(', ')}) from the run of ${partial.meta.date}; every other row ${earlier}.`, null];
const noted = [...kept, ...added, spliceNote];
const notes = noted.map(([n]) => n);
const meta = { ...full.meta, spliced: { date: partial.meta.date, suites }, noteSuites: noted.map(([, suite]) => suite) };
writeResults({ rows, notes, meta });
console.log(`spliced ${partial.rows.length} rows of ${suites.join(', ')} into the full run: ${rows.length} rows`);
