#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled CLI lives in dist/ (run `npm run build` first).
require('../dist/adapters/cli/main.js').main(process.argv.slice(2));
