// Applications built the way users build them (tests/apps), with the packed tarballs of
// `cargo xtask package` installed as npm installs them (tests/apps/check.mjs checks the packages
// themselves): a Laravel app's echo.js built by Vite and run under Vite's dev server; a webpack 5
// app and an esbuild app with the configuration the README gives; a React app through
// @laravel/echo-react, rendered on the server in Node and hydrated in the browser, with the chat
// widget; a Vue app through @laravel/echo-vue. Each is served with its own `/broadcasting/auth`
// route (signed with the official `pusher` server SDK, as Laravel does), and the browser (the
// engine `RUSHER_ENGINE` names) subscribes to a private and a presence channel through it and
// receives events the server's REST API triggers. Then the Leptos pages Trunk builds (`TRUNK`):
// the widget's own page and the example Leptos app on rusher-client's signals, served with the
// backend's routes and socket behind them, as `trunk serve` serves them. Run by `cargo xtask
// test`, which builds the packages and starts the server. Prints `test result: ok. N passed; M
// failed`.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILD_TIMEOUT_MS, apps, bin, installTarballs, repository, tool } from '../apps/tools.mjs';
import { assert, env, equal, launch, run, test } from './harness.mjs';
import { servePages } from './pages.mjs';
import { authRoute, base, key, sdk, sockets } from './server.mjs';

/** How long a page may take to connect, subscribe and receive. */
const PAGE_TIMEOUT_MS = 15_000;

await installTarballs();

/** Where the server is, as an app's page is told it. */
const connection = { key, wsHost: sockets.host, wsPort: sockets.port, forceTLS: false };

/** Each page's visitor, named by the cookie its page set. */
let visitors = 0;

/** The app's `/broadcasting/auth`, whose presence members are the visitor named by the page's
 * cookie. */
const broadcastingAuth = authRoute((request) => {
  const name = /visitor=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
  return name && { user_id: name, user_info: { name } };
});

/** Serves an app's page (`html`, its `<head>` given `window.app` and a visitor cookie), the
 * app's files under `files`, its auth route, and the chat backend's routes behind them. */
function serveApp(html, files) {
  const page = {
    handle(request, response) {
      visitors += 1;
      const settings = `<script>window.app = ${JSON.stringify(connection)}; window.chat = ${JSON.stringify({ ...connection, backend: '' })};</script>`;
      response.writeHead(200, {
        'content-type': 'text/html', 'cache-control': 'no-cache',
        'set-cookie': `visitor=Visitor${visitors}; Path=/`,
      });
      response.end(html.replace('<head>', `<head>\n  ${settings}`));
    },
  };
  // The browser asks for it; without it, the page's console would show a 404.
  const favicon = { type: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg"/>' };
  return servePages({
    '/': page, '/index.html': page, '/favicon.ico': favicon, '/broadcasting/auth': broadcastingAuth,
  }, base, files);
}

const browser = await launch();

/** Opens `url` in a new context; collects the page's errors. */
async function visit(url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(message.text());
  });
  await page.goto(url);
  page.done = () => context.close();
  return page;
}

/** Waits until `predicate` holds in the page; on time-out, says what the page saw. */
async function until(page, predicate, what) {
  try {
    await page.waitForFunction(predicate, undefined, { timeout: PAGE_TIMEOUT_MS, polling: 50 });
  } catch {
    const seen = await page.evaluate(() => JSON.stringify(window.seen ?? document.body.innerText)).catch(String);
    throw new Error(`timed out waiting for ${what}; the page saw ${seen}; errors: ${page.errors.join(' | ')}`);
  }
}

/** The server's REST API sends an order and a room message; the page's listeners must get both. */
async function triggerEvents() {
  await sdk.trigger('private-orders.1', 'shipped', { id: 7 });
  await sdk.trigger('presence-room.1', 'said', { text: 'hello from the server' });
}

/** A page of an app using tests/apps/shared/listen.js: subscribed, in the room, receiving. */
async function listensAndReceives(url) {
  const page = await visit(url);
  try {
    await until(page, () => window.seen?.subscribed.includes('orders.1') && window.seen.here?.length > 0,
      'the private channel subscribed and the presence channel here');
    const { here, states } = await page.evaluate(() => window.seen);
    assert(here.every((name) => /^Visitor\d+$/.test(name)), `presence members from the auth route: ${here}`);
    assert(states.includes('connected'), `connected: ${states}`);
    await triggerEvents();
    await until(page, () => window.seen.orders.length > 0 && window.seen.said.length > 0, 'both events');
    const { orders, said } = await page.evaluate(() => window.seen);
    equal(orders, [{ id: 7 }], 'the private channel\'s event');
    equal(said, [{ text: 'hello from the server' }], 'the presence channel\'s event');
    equal(page.errors, [], 'the page\'s errors');
  } finally {
    await page.done();
  }
}

/** Serves an app (its page `html` and its `files`) for as long as a page of it is checked by
 * [`listensAndReceives`]. */
async function servedAndReceiving(html, files) {
  const pages = await serveApp(html, files);
  try {
    await listensAndReceives(`${pages.base}/`);
  } finally {
    await pages.close();
  }
}

/** The page a bundler's output goes in: `scripts` in an otherwise plain page. */
const bundlePage = (tool, scripts) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Orders (${tool})</title>
${scripts}</head><body><h1>Orders</h1></body></html>`;

/** An app's built `index.html`. */
const builtPage = (dir) => readFileSync(join(dir, 'index.html'), 'utf8');

const laravel = join(apps, 'vite-laravel');
/** The environment a Laravel app's `.env` gives Vite (every value a string). */
function writeLaravelEnv() {
  writeFileSync(join(laravel, '.env'), [
    `VITE_REVERB_APP_KEY=${key}`, `VITE_REVERB_HOST=${sockets.host}`,
    `VITE_REVERB_PORT=${sockets.port}`, 'VITE_REVERB_SCHEME=http', '',
  ].join('\n'));
}

test('Vite: Laravel\'s echo.js with rusher-client, built by vite build', async () => {
  writeLaravelEnv();
  await tool(bin('vite'), ['build', '--logLevel', 'warn'], laravel);
  const dist = join(laravel, 'dist');
  const wasm = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.wasm'));
  equal(wasm.length, 1, 'the wasm files Vite copied');
  await servedAndReceiving(builtPage(dist), dist);
});

test('Vite: the same app under the dev server, its scripts on the page of another origin (as Laravel serves them)', async () => {
  writeLaravelEnv();
  const port = 5173 + Math.floor(Math.random() * 1000);
  const dev = spawn(bin('vite'), ['--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: laravel, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  for (const stream of [dev.stdout, dev.stderr]) stream.on('data', (chunk) => { output += chunk; });
  try {
    const started = Date.now();
    while (!output.includes(`${port}`)) {
      assert(Date.now() - started < BUILD_TIMEOUT_MS && dev.exitCode === null, `vite did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // What laravel-vite-plugin's @vite directive writes in development.
    const vite = `http://127.0.0.1:${port}`;
    await servedAndReceiving(bundlePage('Vite dev', `<script type="module" src="${vite}/@vite/client"></script>
<script type="module" src="${vite}/resources/js/app.js"></script>`));
  } catch (error) {
    throw new Error(`${error.message}\nvite dev server said:\n${output}`);
  } finally {
    dev.kill();
  }
});

test('webpack 5: the default entry, no configuration file', async () => {
  const dir = join(apps, 'webpack');
  await tool(bin('webpack'), ['--mode', 'production'], dir);
  // webpack's default output is a classic script, which runs once the page is parsed when deferred.
  await servedAndReceiving(bundlePage('webpack', '<script defer src="/main.js"></script>'), join(dir, 'dist'));
});

test('esbuild: rusher-client/init with the module\'s URL from the file loader', async () => {
  const dir = join(apps, 'esbuild');
  await tool(bin('esbuild'), ['app.js', '--bundle', '--format=esm', '--loader:.wasm=file', '--outdir=dist'], dir);
  await servedAndReceiving(bundlePage('esbuild', '<script type="module" src="/app.js"></script>'), join(dir, 'dist'));
});

/** A page of the apps on Echo's React hooks or Vue composables (the same page in each): the
 * presence channel's members shown, the private channel live, then both REST events shown. */
async function hooksReceive(page) {
  await until(page, () => /^Online: Visitor\d+$/.test(document.querySelector('[role=status]')?.textContent)
    && document.body.innerText.includes('Orders are live'), 'the presence channel\'s members and the private channel');
  await triggerEvents();
  await until(page, () => document.querySelector('[aria-label=Shipped] li')?.textContent === 'Order 7 shipped'
    && document.querySelector('[aria-label=Said] li')?.textContent === 'hello from the server', 'both events');
}

test('React with @laravel/echo-react, rendered in Node (nothing fetched, no socket), hydrated and connected in the browser, with the chat widget', async () => {
  const dir = join(apps, 'react-ssr');
  await tool(bin('vite'), ['build', '--logLevel', 'warn', '--outDir', 'dist/client'], dir);
  await tool(bin('vite'), ['build', '--logLevel', 'warn', '--ssr', 'src/entry-server.js', '--outDir', 'dist/server'], dir);
  // Server-side rendering in this process: importing and rendering must fetch nothing and open
  // no socket.
  const opened = [];
  const { fetch: realFetch, WebSocket: RealWebSocket } = globalThis;
  globalThis.fetch = (...args) => { opened.push(`fetch ${args[0]}`); return realFetch(...args); };
  globalThis.WebSocket = class extends (RealWebSocket ?? class {}) {
    constructor(url) { opened.push(`WebSocket ${url}`); super(url); }
  };
  let rendered;
  try {
    const { render } = await import(pathToFileURL(join(dir, 'dist', 'server', 'entry-server.js')));
    rendered = render();
  } finally {
    globalThis.fetch = realFetch;
    globalThis.WebSocket = RealWebSocket;
  }
  equal(opened, [], 'what rendering on the server opened');
  assert(rendered.includes('Connecting…') && rendered.includes('<h1>Orders</h1>'), `rendered: ${rendered}`);
  const dist = join(dir, 'dist', 'client');
  const pages = await serveApp(builtPage(dist).replace('<!--app-->', rendered), dist);
  const page = await visit(`${pages.base}/`);
  try {
    await hooksReceive(page);
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByRole('button', { name: 'Join' }).waitFor({ timeout: PAGE_TIMEOUT_MS });
    equal(page.errors, [], 'the page\'s errors');
  } finally {
    await page.done();
    await pages.close();
  }
});

test('Vue with @laravel/echo-vue\'s composables, built by vite build with the Vue plugin', async () => {
  const dir = join(apps, 'vue');
  await tool(bin('vite'), ['build', '--logLevel', 'warn'], dir);
  const dist = join(dir, 'dist');
  const pages = await serveApp(builtPage(dist), dist);
  const page = await visit(`${pages.base}/`);
  try {
    await hooksReceive(page);
    equal(page.errors, [], 'the page\'s errors');
  } finally {
    await page.done();
    await pages.close();
  }
});

/** How long a `trunk build` may take: the first compiles the crate and its dependencies for
 * wasm32 (minutes on two cores); later ones are incremental. */
const TRUNK_TIMEOUT_MS = 900_000;

/** Builds `page` (an `index.html` with a `data-trunk` link) with Trunk from the top of the
 * repository, as a developer does (Trunk.toml there), into a folder of its own; returns it. */
async function trunkBuild(page, name) {
  const dist = join(repository, 'target', 'xtask', 'trunk', name);
  await tool(env('TRUNK'), ['build', page, '--dist', dist], repository, TRUNK_TIMEOUT_MS);
  return dist;
}

/** Serves a page Trunk built, its backend routes and socket passed on as Trunk's proxy does. */
const serveBuilt = (dist) => servePages({ '/': { type: 'text/html', file: join(dist, 'index.html') } }, base, dist);

test('Trunk: the widget\'s own page (index.html at the top of the repository), built by trunk build', async () => {
  const pages = await serveBuilt(await trunkBuild('index.html', 'widget'));
  const page = await visit(`${pages.base}/`);
  try {
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByLabel('Your name').fill('Trunk');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('status').filter({ hasText: 'Online' }).waitFor({ timeout: PAGE_TIMEOUT_MS });
    const box = page.getByRole('textbox', { name: 'Message', exact: true });
    await box.fill('built by Trunk');
    await box.press('Enter');
    await page.getByRole('log', { name: 'Messages' }).filter({ hasText: 'built by Trunk' })
      .waitFor({ timeout: PAGE_TIMEOUT_MS });
    equal(page.errors, [], 'the page\'s errors');
  } finally {
    await page.done();
    await pages.close();
  }
});

test('Leptos: the example app on rusher-client\'s signals (examples/leptos-app), built by trunk build', async () => {
  const pages = await serveBuilt(await trunkBuild('examples/leptos-app/index.html', 'leptos-app'));
  const visitors = [];
  try {
    for (const name of ['Ada', 'Bob']) {
      const page = await visit(`${pages.base}/`);
      visitors.push(page);
      await page.getByLabel('Your name').fill(name);
      await page.getByRole('button', { name: 'Join' }).click();
      await page.getByRole('status').filter({ hasText: 'Connection: connected' }).waitFor({ timeout: PAGE_TIMEOUT_MS });
    }
    const [ada, bob] = visitors;
    const here = (page) => page.getByRole('list', { name: 'Who\'s here' }).getByRole('listitem');
    const announcements = (page) => page.getByRole('list', { name: 'Announcements' }).getByRole('listitem');
    for (const page of visitors) {
      await until(page, () => document.querySelectorAll('[aria-label="Who\'s here"] li').length === 2, 'both visitors listed');
      equal((await here(page).allTextContents()).sort(), ['Ada', 'Bob'], 'who is here');
    }
    await sdk.trigger('announcements', 'announcement', { text: 'Doors open at nine' });
    await sdk.trigger('announcements', 'announcement', { text: 'Lunch is served' });
    for (const page of visitors) {
      await until(page, () => document.querySelectorAll('[aria-label=Announcements] li').length === 2, 'both announcements');
      equal(await announcements(page).allTextContents(), ['Doors open at nine', 'Lunch is served'], 'the announcements, in order');
    }
    // Leaving unmounts the live view: its signals go, the client disconnects, and the others
    // see the visitor leave.
    await bob.getByRole('button', { name: 'Leave' }).click();
    await bob.getByLabel('Your name').waitFor({ timeout: PAGE_TIMEOUT_MS });
    await until(ada, () => document.querySelectorAll('[aria-label="Who\'s here"] li').length === 1, 'Bob gone');
    equal(await here(ada).allTextContents(), ['Ada'], 'who is here after Bob left');
    for (const page of visitors) equal(page.errors, [], 'the page\'s errors');
  } finally {
    for (const page of visitors) await page.done();
    await pages.close();
  }
});

await run();
