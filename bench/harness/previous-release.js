'use strict';
// The "previous release" baseline (issue 14): the broker as it was at BENCH_PREVIOUS_REF, built once
// into a temp directory beside this checkout's node_modules, so a row can run it and the current
// broker pair by pair and a regression shows as a ratio in the same run. Default ref: f4eba39, the
// last landing before the event-sourced group core (release 0.1). Needs the repository's history.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { REPO } = require('./broker-process');

const DEFAULT_REF = 'f4eba39';

/** The bin/cohort-server.js of the previous release, building it on first use; throws with a one-line reason. */
function previousReleaseBin(ref = process.env.BENCH_PREVIOUS_REF || DEFAULT_REF) {
  let sha;
  try {
    sha = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    throw new Error(`previous release ${ref} is not in this checkout's history (set BENCH_PREVIOUS_REF)`);
  }
  const dir = path.join(os.tmpdir(), `cohort-bench-previous-${sha.slice(0, 12)}`);
  const bin = path.join(dir, 'bin', 'cohort-server.js');
  if (fs.existsSync(path.join(dir, 'dist', 'adapters', 'cli', 'main.js')) && (!fs.existsSync(path.join(dir, 'scripts', 'bundle.js')) || fs.existsSync(path.join(dir, 'dist', 'cohort-server.js')))) return bin;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['archive', '--format=tar', sha], { cwd: REPO, maxBuffer: 512 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'ignore' });
  // Builds from issue 14 on run a bundle of dist/ (scripts/bundle.js); earlier ones run dist/ directly.
  if (fs.existsSync(path.join(dir, 'scripts', 'bundle.js'))) execFileSync(process.execPath, ['scripts/bundle.js'], { cwd: dir, stdio: 'ignore' });
  return bin;
}

module.exports = { previousReleaseBin };
