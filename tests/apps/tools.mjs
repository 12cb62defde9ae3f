// What the app suite (tests/browser/apps.mjs) and the package checks (check.mjs) share: this
// folder's build tools, the packed tarballs of `cargo xtask package`, and running a tool.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** This folder: the apps, and the tools installed for them (`npm ci` by setup). */
export const apps = fileURLToPath(new URL('./', import.meta.url));
/** The top of the repository. */
export const repository = fileURLToPath(new URL('../../', import.meta.url));
const packages = join(repository, 'target', 'package');

/** A tool installed here. */
export const bin = (name) => join(apps, 'node_modules', '.bin', name);

/** How long a build may take before it counts as hung. */
export const BUILD_TIMEOUT_MS = 180_000;

/** The packed tarball named `name-*.tgz`. */
export function tarball(name) {
  const file = readdirSync(packages).find((f) => f.startsWith(`${name}-`) && f.endsWith('.tgz'));
  if (!file) throw new Error(`no ${name}-*.tgz in ${packages}: run cargo xtask package`);
  return join(packages, file);
}

/** Runs a tool to completion in `cwd` (within `timeout` ms); throws with its output when it
 * fails. */
export function tool(command, args, cwd = apps, timeout = BUILD_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed:\n${stdout}${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

/** Both packages, unpacked into node_modules here as `npm install <tarball>` puts them, and
 * Vite's cache of pre-bundled dependencies dropped, as the changed lock file of an install would
 * (else `vite` dev would serve the packages it bundled before). */
export async function installTarballs() {
  rmSync(join(apps, 'node_modules', '.vite'), { recursive: true, force: true });
  for (const name of ['rusher-client', 'rusher-chat']) {
    const dir = join(apps, 'node_modules', name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await tool('tar', ['xzf', tarball(name), '-C', dir, '--strip-components', '1']);
  }
}
