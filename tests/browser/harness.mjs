// What the browser suites share: the engine they drive (engines.mjs), small assertions, the
// environment `cargo xtask test` sets, and a runner that prints `test result: ok. N passed; M
// failed` like the Rust test runners. (The rusher-server most suites run against is in
// server.mjs.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A required environment variable. */
export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

import { engine } from './engines.mjs';

export { launch } from './engines.mjs';

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

export function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** Installs the packed tarball named `prefix*.tgz` (from `cargo xtask package`) into a scratch
 * ES-module folder, runs `body(folder)`, then removes the folder. */
export async function withInstalledTarball(prefix, body) {
  const packages = fileURLToPath(new URL('../../target/package/', import.meta.url));
  const tarball = readdirSync(packages).find((f) => f.startsWith(prefix) && f.endsWith('.tgz'));
  assert(tarball, `no ${prefix}*.tgz in ${packages}`);
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    writeFileSync(join(dir, 'package.json'), '{"private": true, "type": "module"}');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', join(packages, tarball)], { cwd: dir });
    return await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const tests = [];

/** Registers a test. `only` (`{ engines, why }`) runs it in those engines alone; elsewhere it is
 * reported as `ignored` with the reason, which the browser matrix (docs/browsers.md) shows. */
export function test(name, body, only) {
  tests.push({ name, body, only });
}

/** Runs every test in order (those whose name contains `$RUSHER_TESTS`, when it is set: for a
 * developer's run of a few), calling `after` after each; prints the summary and exits. */
export async function run(after = async () => {}) {
  let passed = 0;
  let failed = 0;
  const chosen = process.env.RUSHER_TESTS;
  for (const { name, body, only } of tests.filter((t) => !chosen || t.name.includes(chosen))) {
    if (only && !only.engines.includes(engine)) {
      console.log(`test ${name} ... ignored, ${only.engines.join(' and ')} only: ${only.why}`);
      continue;
    }
    try {
      await body();
      passed += 1;
      console.log(`test ${name} ... ok`);
    } catch (error) {
      failed += 1;
      console.log(`test ${name} ... FAILED\n    ${error.stack || error}`);
    }
    await after();
  }
  console.log(`test result: ${failed ? 'FAILED' : 'ok'}. ${passed} passed; ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
