import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Issue 14 (C4 start-up): bin/cohort-server.js loads the bundle with the V8 code cache the build wrote
 * beside it. The cache must never run code the bundle no longer holds: V8 itself checks only the
 * source's length, so the loader checks hashes of the bundle and of the cache.
 */
const { loadBundle, writeCodeCache } = require('../../../bin/bundle-loader.js') as {
  loadBundle: (bundle: string) => Record<string, unknown>;
  writeCodeCache: (bundle: string) => Promise<number>;
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A bundle like esbuild's: strict, CommonJS, requiring a Node module relative to itself. */
const bundleSource = (answer: number): string =>
  `"use strict";const path=require("node:path");function work(n){let s=0;for(let i=0;i<n;i++)s+=i;return s}` +
  `const value=${answer}*1;module.exports={value,answer:()=>${answer},work,dir:__dirname,file:__filename,base:path.basename(__filename)};`;

const makeBundle = (answer: number): { dir: string; bundle: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'cohort-bundle-'));
  dirs.push(dir);
  const bundle = join(dir, 'cohort-server.js');
  writeFileSync(bundle, bundleSource(answer));
  return { dir, bundle };
};

describe('bundle loader (bin/bundle-loader.js)', () => {
  test('loads the bundle as a CommonJS module, with and without its code cache', async () => {
    const { dir, bundle } = makeBundle(41);
    const plain = loadBundle(bundle);
    expect(plain).toMatchObject({ dir, file: bundle, base: 'cohort-server.js' });
    expect(plain.value).toBe(41);
    expect((plain.answer as () => number)()).toBe(41);
    expect(await writeCodeCache(bundle)).toBeGreaterThan(0);
    const cached = loadBundle(bundle);
    expect((cached.answer as () => number)()).toBe(41);
    expect((cached.work as (n: number) => number)(10)).toBe(45);
  });

  test('a cache made for other bytes of the same length is not used (the new code runs)', async () => {
    const { bundle } = makeBundle(41);
    await writeCodeCache(bundle);
    writeFileSync(bundle, bundleSource(42));
    expect(readFileSync(bundle).length).toBe(bundleSource(41).length);
    // V8 would take the old cache (it checks the length) and run the old top level: value 41.
    const loaded = loadBundle(bundle);
    expect(loaded.value).toBe(42);
    expect((loaded.answer as () => number)()).toBe(42);
  });

  test('a damaged or truncated cache is not used', async () => {
    const { bundle } = makeBundle(7);
    await writeCodeCache(bundle);
    const cache = readFileSync(`${bundle}.cache`);
    const flipped = Buffer.from(cache);
    flipped[flipped.length - 1]! ^= 0xff;
    writeFileSync(`${bundle}.cache`, flipped);
    expect((loadBundle(bundle).answer as () => number)()).toBe(7);
    writeFileSync(`${bundle}.cache`, cache.subarray(0, 40));
    expect((loadBundle(bundle).answer as () => number)()).toBe(7);
  });

  test("a bundle's warmUp runs before the cache is made, so the functions it ran are in the cache", async () => {
    // Two bundles alike but for whether warmUp calls `big`: only that one's cache holds big's code.
    const body = Array.from({ length: 200 }, (_, i) => `s+=(n*${i})%7;`).join('');
    const withWarmUp = (calls: boolean): string => {
      const { dir } = makeBundle(0);
      const bundle = join(dir, 'cohort-server.js');
      writeFileSync(bundle, `"use strict";function big(n){let s=0;${body}return s}module.exports={ran:0,async warmUp(){await null;module.exports.ran++;${calls ? 'big(3)' : 'void big'}}};`);
      return bundle;
    };
    const called = withWarmUp(true);
    const notCalled = withWarmUp(false);
    const sizeCalled = await writeCodeCache(called);
    const sizeNotCalled = await writeCodeCache(notCalled);
    expect(sizeCalled).toBeGreaterThan(sizeNotCalled + 500);
    // The cache loads, and loading runs only the top level: warmUp is the build's, not the start's.
    expect(loadBundle(called).ran).toBe(0);
  });

  test('a missing bundle throws ENOENT naming it (the launcher prints one line for it)', () => {
    const { dir } = makeBundle(1);
    expect(() => loadBundle(join(dir, 'nope.js'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
