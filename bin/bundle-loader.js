'use strict';
// Loads the broker bundle (dist/cohort-server.js, made by scripts/bundle.js) as a CommonJS module,
// compiled with the V8 code cache `npm run build` writes beside it (issue 14, C4 start-up: loading the
// bundle took ~100 ms, ~65 ms with the cache). Node 22 has module.enableCompileCache for this; Node 20
// has only vm.Script's cachedData, so this file does by hand the little that takes.
// Cache file `<bundle>.cache`: sha256 of the bundle it was made from (32 bytes) | sha256 of the data
// (32 bytes) | V8's cached data. A cache that matches neither hash is not used, and one V8 rejects
// (another Node version, or V8 flags that change code generation) is ignored by V8: either way the
// bundle is compiled as it would be without a cache.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const HASH_BYTES = 32;
const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest();
const cachePath = (bundle) => `${bundle}.cache`;

/** The bundle as a script whose value is its CommonJS wrapper function (on the bundle's first line, so its lines keep their numbers). */
const compile = (bundle, source, cachedData) =>
  new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });

/** Runs the wrapper as Node runs a module: its own `module`, and `require` resolving from the bundle's directory. */
function run(script, bundle) {
  const mod = { id: bundle, filename: bundle, exports: {}, loaded: false };
  script.runInThisContext()(mod.exports, createRequire(bundle), mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  return mod.exports;
}

/** The cached data for `source`, or undefined when there is none or it was made for other bytes. */
function validCache(bundle, source) {
  let file;
  try {
    file = fs.readFileSync(cachePath(bundle));
  } catch {
    return undefined;
  }
  if (file.length <= 2 * HASH_BYTES) return undefined;
  const data = file.subarray(2 * HASH_BYTES);
  if (!sha256(source).equals(file.subarray(0, HASH_BYTES)) || !sha256(data).equals(file.subarray(HASH_BYTES, 2 * HASH_BYTES))) return undefined;
  return data;
}

/** Requires the bundle (throws ENOENT when it is missing), with its code cache when one matches. */
function loadBundle(bundle) {
  const source = fs.readFileSync(bundle);
  return run(compile(bundle, source.toString('utf8'), validCache(bundle, source)), bundle);
}

/**
 * Writes `<bundle>.cache`: the bundle is compiled and its top level run (it defines modules and starts
 * nothing), so the functions that ran are in the cache too. A bundle that exports `warmUp` (the
 * broker's: start on a temporary directory and close) runs it first, so the functions of a start are
 * as well (start to listen ~40 ms faster than with the top level alone). Written to a temp file and
 * renamed; resolves with the cache's size.
 */
async function writeCodeCache(bundle) {
  const source = fs.readFileSync(bundle);
  const script = compile(bundle, source.toString('utf8'), undefined);
  const exports = run(script, bundle);
  if (typeof exports.warmUp === 'function') await exports.warmUp();
  const data = script.createCachedData();
  const tmp = `${cachePath(bundle)}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([sha256(source), sha256(data), data]));
  fs.renameSync(tmp, cachePath(bundle));
  return data.length;
}

module.exports = { loadBundle, writeCodeCache };
