// The npm packages checked as their users' tools see them, from the packed tarballs of `cargo
// xtask package` installed as npm installs them: publint and @arethetypeswrong on each package;
// TypeScript (`tsc --strict`) on code written against pusher-js 8's types (types/), under
// `moduleResolution` bundler and nodenext, with its mistakes still errors; and every JavaScript
// example of the READMEs type-checked against the packages. Run by `cargo xtask test` after the
// package build. Prints `test result: ok. N passed; M failed`.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, run, test } from '../browser/harness.mjs';
import { apps, bin, installTarballs, tarball, tool } from './tools.mjs';

await installTarballs();

for (const name of ['rusher-client', 'rusher-chat']) {
  test(`publint: ${name} has no errors`, async () => {
    const output = await tool(bin('publint'), ['run', join(apps, 'node_modules', name), '--level', 'error']);
    assert(!/Errors?:/.test(output), output);
  });
  test(`@arethetypeswrong: ${name} resolves with types (ESM only)`, async () => {
    await tool(bin('attw'), [tarball(name), '--profile', 'esm-only', '--format', 'ascii']);
  });
}

for (const resolution of ['bundler', 'nodenext']) {
  test(`TypeScript (tsc --strict, moduleResolution ${resolution}): pusher-js code type-checks, its mistakes do not`, async () => {
    await tool(bin('tsc'), ['-p', join(apps, 'types', `tsconfig.${resolution}.json`)]);
  });
}

/** The READMEs whose JavaScript examples are type-checked. */
const READMES = ['README.md', 'www/npm/README.md'];

/** The ```js blocks of a Markdown file (fences may be indented, as in a list item). */
function jsBlocks(markdown) {
  const blocks = [];
  for (const [, indent, body] of markdown.matchAll(/^( *)```js\n([\s\S]*?)^\1```$/gm)) {
    blocks.push(body.split('\n').map((line) => line.slice(indent.length)).join('\n'));
  }
  return blocks;
}

test('the READMEs\' JavaScript examples type-check against the packages (tsc --strict, checkJs)', async () => {
  const dir = join(apps, 'types', 'readme');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  let count = 0;
  for (const readme of READMES) {
    const blocks = jsBlocks(readFileSync(join(apps, '..', '..', readme), 'utf8'));
    assert(blocks.length > 0, `no js examples in ${readme}`);
    for (const [at, block] of blocks.entries()) {
      // Each a module of its own, so that names do not clash between examples.
      writeFileSync(join(dir, `${readme.replaceAll('/', '-')}-${at + 1}.js`), `${block}\nexport {};\n`);
      count += 1;
    }
  }
  await tool(bin('tsc'), ['-p', join(apps, 'types', 'tsconfig.readme.json')]);
  assert(count >= 5, `only ${count} examples`);
});

await run();
