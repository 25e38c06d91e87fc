#!/usr/bin/env node
'use strict';
// Thin launcher: the broker bundled into one file by `npm run build` (tsc, then scripts/bundle.js),
// loaded with the code cache the build wrote beside it (bundle-loader.js).
const path = require('node:path');
const { loadBundle } = require('./bundle-loader');

let cli;
try {
  cli = loadBundle(path.join(__dirname, '..', 'dist', 'cohort-server.js'));
} catch (e) {
  if (e && e.code === 'ENOENT' && /cohort-server\.js/.test(e.message)) {
    process.stderr.write('cohort-server: dist/cohort-server.js is missing (run npm run build)\n');
    process.exit(1);
  }
  throw e;
}
cli.main(process.argv.slice(2));
