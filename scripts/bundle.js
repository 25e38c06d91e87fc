#!/usr/bin/env node
'use strict';
// Bundles the compiled broker (dist/, from tsc) into one file, dist/cohort-server.js, which
// bin/cohort-server.js runs (issue 14, C4: start-up). Loading ~300 CommonJS modules one by one
// (inversify's CommonJS build alone is ~200 files) cost ~300 ms of every start in module resolution,
// file reads and compilation; one file with its whitespace and syntax minified (identifiers kept, so
// CPU profiles stay readable) loads in a fraction of that. The CLI's subcommands and cluster mode stay
// lazy: esbuild keeps each `import()` as a module whose body runs only when it is first required.
// Usage: node scripts/bundle.js [outfile]   (run by `npm run build` after tsc; writes <outfile>.cache too)
const path = require('node:path');
const fs = require('node:fs');

const ROOT = path.resolve(__dirname, '..');
const entry = path.join(ROOT, 'dist', 'adapters', 'cli', 'main.js');
const outfile = path.resolve(process.argv[2] || path.join(ROOT, 'dist', 'cohort-server.js'));

if (!fs.existsSync(entry)) {
  process.stderr.write(`bundle: ${path.relative(ROOT, entry)} is missing (run tsc first: npm run build)\n`);
  process.exit(1);
}

let esbuild;
try {
  esbuild = require('esbuild');
} catch (e) {
  process.stderr.write(`bundle: esbuild is not installed (npm ci): ${e.message.split('\n')[0]}\n`);
  process.exit(1);
}

esbuild
  .build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minifyWhitespace: true,
    minifySyntax: true,
    // Not linked from the bundle: Node reads it only under --enable-source-maps.
    sourcemap: 'external',
    logLevel: 'warning',
  })
  // The V8 code cache bin/cohort-server.js loads the bundle with (bin/bundle-loader.js): made by this
  // Node, so a start on the same Node skips most of the bundle's compilation.
  .then(() => require('../bin/bundle-loader').writeCodeCache(outfile))
  // The broker's warm-up (a start and a close) may leave a handle behind; the cache is written: exit.
  .then(() => process.exit(0))
  .catch((e) => {
    process.stderr.write(`bundle: ${e.message.split('\n')[0]}\n`);
    process.exit(1);
  });
