#!/usr/bin/env node
'use strict';
// Thin launcher: the broker bundled into one file by `npm run build` (tsc, then scripts/bundle.js).
let cli;
try {
  cli = require('../dist/cohort-server.js');
} catch (e) {
  if (e && e.code === 'MODULE_NOT_FOUND' && /cohort-server\.js/.test(e.message)) {
    process.stderr.write('cohort-server: dist/cohort-server.js is missing (run npm run build)\n');
    process.exit(1);
  }
  throw e;
}
cli.main(process.argv.slice(2));
