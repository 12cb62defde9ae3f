// The engines the browser suites run in, named by `RUSHER_ENGINE`: `chromium` (the default),
// `firefox` or `webkit`. Chromium is driven by playwright-core. Playwright drives only its own
// patched Firefox and WebKit builds, which are downloads from outside the package registries, so
// the stock Firefox ESR and WebKitGTK are driven over classic WebDriver, the one protocol all three
// stock engines speak (geckodriver, built from crates.io, and WebKitWebDriver, from Debian),
// through selenium-webdriver. The WebDriver browser below offers the part of Playwright's Browser,
// BrowserContext and Page that the suites use, so each scenario is written once for all three.
import { execFile, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { STATUS_CODES } from 'node:http';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Builder } from 'selenium-webdriver';
import { launch as launchChromium } from './chromium.mjs';
import { Locator, pressKeys } from './locators.mjs';

// selenium-webdriver's BiDi modules warn (a process warning each) of every property Firefox
// sends beyond the schema they were generated from, in every network event: a run's log would
// be mostly those.
const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type !== 'BiDiSchemaWarning') emitWarning.call(process, warning, ...rest);
};

/** The engine this run drives. */
export const engine = process.env.RUSHER_ENGINE || 'chromium';
const ENGINES = ['chromium', 'firefox', 'webkit'];
if (!ENGINES.includes(engine)) throw new Error(`RUSHER_ENGINE must be one of ${ENGINES}, not ${engine}`);

/** How long a WebDriver script may run before the driver gives up on it. */
const SCRIPT_TIMEOUT_MS = 120_000;
/** How often `waitForFunction` asks over WebDriver, where each ask is an HTTP round trip. */
const POLL_MS = 50;

/** Starts the engine: Playwright's Chromium (with `chromiumArgs`), or a WebDriver browser. */
export async function launch(chromiumArgs = []) {
  if (engine === 'chromium') return launchChromium(chromiumArgs);
  return new WebDriverBrowser(engine);
}

/** A free loopback port (the driver is told to listen there). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** The processes `started` started and not yet stopped. */
const running = new Set();

/** A started process in a process group of its own, stopped with everything it started (a
 * driver's browser) by `stopGroup`, or when this one exits. */
function started(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true, ...options });
  child.stderrText = '';
  child.stderr?.on('data', (chunk) => { child.stderrText = (child.stderrText + chunk).slice(-4000); });
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

process.on('exit', () => {
  for (const child of running) stopGroup(child);
  if (profiles) {
    try {
      rmSync(profiles, { recursive: true, force: true, maxRetries: 5 });
    } catch {
      // A browser still writing there: the system's temporary folder keeps it.
    }
  }
});

/** Kills a process started by `started` and every process in its group. */
function stopGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Where geckodriver makes its browsers' profiles: a folder of this process's, removed when it
 * exits (a session stopped by a kill, as the spare below is, leaves its profile behind). */
let profiles;
function profilesDir() {
  if (!profiles) {
    profiles = mkdtempSync(join(tmpdir(), 'rusher-firefox-'));
  }
  return profiles;
}

let display;
/** The X display WebKitGTK's MiniBrowser draws on (it has no headless mode): one Xvfb for the
 * whole run, which tells its display number on fd 3. */
function xDisplay() {
  display ??= new Promise((resolve, reject) => {
    const xvfb = started('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
    xvfb.on('error', reject);
    xvfb.stdio[3].on('data', (chunk) => resolve(`:${String(chunk).trim()}`));
    xvfb.on('exit', (code) => reject(new Error(`Xvfb exited (${code}): ${xvfb.stderrText}`)));
  });
  return display;
}

/** WebDriver BiDi's browsingContext and script modules (selenium-webdriver's, CommonJS only). */
const require = createRequire(import.meta.url);
const { BrowsingContext } = require('selenium-webdriver/bidi/generated/browsing_context');
const { Script } = require('selenium-webdriver/bidi/generated/script');
const { Network } = require('selenium-webdriver/bidi/generated/network');
const { Emulation } = require('selenium-webdriver/bidi/generated/emulation');

/** The most of one response body Firefox keeps for `page.on('response')` (the largest answer,
 * the widget's WebAssembly module, is 457 KB). */
const RESPONSE_BODY_LIMIT = 16 * 1024 * 1024;

// WebDriver BiDi's URL pattern for a Playwright glob of the two forms the suites route:
// `**/path` (that path, any host and query) and `**/path**` (the same: BiDi matches a path
// exactly, where the glob would also take a longer one).
function urlPattern(glob) {
  const path = /^\*\*(\/[^*?]+?)(\*\*)?$/.exec(glob)?.[1];
  if (!path) throw new Error(`over WebDriver BiDi, only globs like **/path and **/path** are routed, not ${glob}`);
  return { type: 'pattern', pathname: path };
}

/** What Playwright's route handler gets, for a request Firefox paused (`event`, BiDi's
 * `network.beforeRequestSent`): it continues the request, fails it, or answers it. */
function pausedRoute(network, event) {
  const request = event.request.request;
  return {
    continue: () => network.continueRequest({ request }),
    abort: () => network.failRequest({ request }),
    fulfill: ({ status = 200, headers = {}, contentType, body = '' } = {}) => network.provideResponse({
      request,
      statusCode: status,
      reasonPhrase: STATUS_CODES[status] ?? '',
      headers: Object.entries({ ...headers, ...(contentType ? { 'content-type': contentType } : {}) })
        .map(([name, value]) => ({ name, value: { type: 'string', value: String(value) } })),
      body: { type: 'string', value: body },
    }),
  };
}

/** What Playwright gives a `response` handler, for a response Firefox completed (`event`, BiDi's
 * `network.responseCompleted`), its body from the context's data collector. */
function completedResponse(network, event) {
  return {
    url: () => event.request.url,
    body: async () => {
      const { bytes } = await network.getData({ dataType: 'response', request: event.request.request });
      return Buffer.from(bytes.value, bytes.type === 'base64' ? 'base64' : 'utf8');
    },
  };
}

/** The driver command and the capabilities for one session of `name`; `colorScheme` as
 * Playwright's context option (Firefox's preference, the MiniBrowser's dark mode); `isMobile`,
 * in Firefox, a phone's coarse pointer without hover. Firefox's sessions speak WebDriver BiDi
 * too (a phone's viewport, scripts before the page's own). */
async function driverFor(name, port, { colorScheme, isMobile } = {}) {
  if (name === 'firefox') {
    const websocket = await freePort();
    return {
      command: process.env.GECKODRIVER || 'geckodriver',
      args: ['--host', '127.0.0.1', '--port', String(port), '--websocket-port', String(websocket), '--log', 'fatal'],
      env: { ...process.env, TMPDIR: profilesDir() },
      capabilities: {
        browserName: 'firefox',
        webSocketUrl: true,
        'moz:firefoxOptions': {
          binary: process.env.FIREFOX || '/usr/bin/firefox-esr',
          args: ['-headless'],
          // Off the (closed) network: no update, telemetry or captive-portal checks.
          prefs: {
            'app.update.disabledForTesting': true,
            'network.captive-portal-service.enabled': false,
            'network.connectivity-service.enabled': false,
            'datareporting.policy.dataSubmissionEnabled': false,
            'toolkit.telemetry.reportingpolicy.firstRun': false,
            'browser.safebrowsing.update.enabled': false,
            ...(colorScheme ? { 'layout.css.prefers-color-scheme.content-override': colorScheme === 'dark' ? 0 : 1 } : {}),
            // A touch screen: coarse pointer, no hover (bit 1 coarse, 2 fine, 4 hover).
            ...(isMobile ? { 'ui.primaryPointerCapabilities': 1, 'ui.allPointerCapabilities': 1 } : {}),
          },
        },
      },
    };
  }
  return {
    command: process.env.WEBKIT_WEBDRIVER || 'WebKitWebDriver',
    args: [`--port=${port}`],
    env: { ...process.env, DISPLAY: await xDisplay() },
    capabilities: {
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': {
        binary: process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser',
        args: ['--automation', ...(colorScheme === 'dark' ? ['--dark-mode'] : [])],
      },
    },
  };
}

/** Waits until the driver at `url` answers its status. */
async function driverReady(url, child) {
  for (let tries = 0; tries < 200; tries += 1) {
    if (child.exitCode !== null) throw new Error(`the driver exited (${child.exitCode}): ${child.stderrText}`);
    try {
      const status = await (await fetch(`${url}/status`)).json();
      if (status.value?.ready !== false) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the driver at ${url} never answered: ${child.stderrText}`);
}

/** A WebDriver engine with Playwright's `newContext()`. Each context is a driver process and its
 * browser (geckodriver and WebKitWebDriver hold one session each), so contexts share no cookies
 * or storage, as Playwright's do not. */
class WebDriverBrowser {
  constructor(name) {
    this.name = name;
  }

  async newContext(options = {}) {
    return new WebDriverContext(this.name, options);
  }
}

/** One driver, its browser and its one page. */
class WebDriverContext {
  constructor(engineName, options) {
    this.engineName = engineName;
    this.options = options;
    this.initScripts = [];
    /** Its routes: `{ glob, intercept, handler }`. */
    this.routes = [];
  }

  /** As Playwright's: `script` (a function, or a script's text) runs in every document of the
   * context before the document's own scripts. WebDriver BiDi's preload scripts, in Firefox;
   * WebKitGTK's WebDriver has no BiDi, and classic WebDriver no such thing. */
  async addInitScript(script) {
    if (this.engineName !== 'firefox') throw new Error(`${this.engineName} runs no script before the page's own over WebDriver`);
    const source = typeof script === 'function' ? String(script) : `() => {\n${script}\n}`;
    if (this.driver) await this.preload(source);
    else this.initScripts.push(source);
  }

  async preload(functionDeclaration) {
    await (await Script.create(this.driver)).addPreloadScript({ functionDeclaration });
  }

  /** Fails unless this engine speaks WebDriver BiDi (Firefox), which `what` needs. */
  requireBidi(what) {
    if (this.engineName !== 'firefox') throw new Error(`${this.engineName}'s WebDriver has no BiDi, which ${what} needs`);
  }

  /** BiDi's network module for this context's browser, hearing its paused requests and
   * completed responses; made once. */
  async network() {
    if (!this.networkModule) {
      this.networkModule = Network.create(this.driver).then(async (network) => {
        await network.addCallback(Network.BEFORE_REQUEST_SENT, (event) => this.paused(network, event));
        await network.addCallback(Network.RESPONSE_COMPLETED, (event) => {
          for (const handler of this.responseHandlers ?? []) handler(completedResponse(network, event));
        });
        return network;
      });
    }
    return this.networkModule;
  }

  /** A request paused by one of this context's routes goes to its handler; one paused by a
   * route since removed goes on. Every paused request must be answered, or its page waits. */
  paused(network, event) {
    if (!event.isBlocked) return;
    const route = this.routes.find(({ intercept }) => event.intercepts?.includes(intercept));
    const handled = route
      ? Promise.resolve().then(() => route.handler(pausedRoute(network, event)))
      : network.continueRequest({ request: event.request.request });
    handled.catch((error) => {
      console.error(`a paused request to ${event.request.url}: ${error.stack || error}`);
      network.failRequest({ request: event.request.request }).catch(() => {});
    });
  }

  /** As Playwright's, over WebDriver BiDi: requests whose path the glob names are paused and
   * given to `handler`, which continues, aborts or fulfils them. */
  async route(glob, handler) {
    this.requireBidi('intercepting requests');
    const network = await this.network();
    const { intercept } = await network.addIntercept({ phases: ['beforeRequestSent'], urlPatterns: [urlPattern(glob)] });
    this.routes.push({ glob, intercept, handler });
  }

  /** Removes the routes of `glob`. */
  async unroute(glob) {
    const network = await this.network();
    for (const { intercept } of this.routes.filter((route) => route.glob === glob)) {
      await network.removeIntercept({ intercept });
    }
    this.routes = this.routes.filter((route) => route.glob !== glob);
  }

  /** As Playwright's, over WebDriver BiDi: offline, the page's new requests fail and it gets
   * `offline` (`navigator.onLine` false); a connection already open stays up, as Firefox's
   * emulation leaves it (the client closes its socket on `offline`). */
  async setOffline(offline) {
    this.requireBidi('taking the network offline');
    const emulation = await Emulation.create(this.driver);
    await emulation.setNetworkConditions({ networkConditions: offline ? { type: 'offline' } : null });
  }

  /** Calls `handler` with each response the page gets from now on, with its body (kept by a
   * BiDi data collector). */
  async onResponse(handler) {
    this.requireBidi("reading the page's responses");
    const network = await this.network();
    if (!this.responseHandlers) {
      this.responseHandlers = [];
      await network.addDataCollector({ dataTypes: ['response'], maxEncodedDataSize: RESPONSE_BODY_LIMIT });
    }
    this.responseHandlers.push(handler);
  }

  /** The context's page (a WebDriver session has one top-level window here). */
  async newPage() {
    if (this.page) throw new Error('a WebDriver context has one page');
    ({ driver: this.driver, driverProcess: this.driverProcess } = await sessionFor(this.engineName, this.options));
    for (const script of this.initScripts) await this.preload(script);
    const { width, height } = this.options.viewport ?? {};
    if (this.options.isMobile && this.engineName === 'firefox') {
      // The page's viewport itself, and the phone's pixel ratio (over WebDriver BiDi).
      const context = await this.driver.getWindowHandle();
      await (await BrowsingContext.create(this.driver)).setViewport({
        context, viewport: { width, height }, devicePixelRatio: this.options.deviceScaleFactor ?? 1,
      });
    } else if (width) {
      await this.driver.manage().window().setRect({ width, height });
    }
    this.page = new WebDriverPage(this.driver, this);
    return this.page;
  }

  async close() {
    await this.driver?.quit().catch(() => {});
    if (this.driverProcess) stopGroup(this.driverProcess);
  }
}

/** A driver and its browser's session, with `options` (`driverFor`'s). */
async function startSession(engineName, options) {
  const port = await freePort();
  const { command, args, env, capabilities } = await driverFor(engineName, port, options);
  const driverProcess = started(command, args, { env });
  try {
    const url = `http://127.0.0.1:${port}`;
    await driverReady(url, driverProcess);
    const driver = await new Builder().usingServer(url).withCapabilities(capabilities).build();
    await driver.manage().setTimeouts({ script: SCRIPT_TIMEOUT_MS, pageLoad: 60_000 });
    return { driver, driverProcess };
  } catch (error) {
    stopGroup(driverProcess);
    throw error;
  }
}

/** Firefox's next plain session (no color scheme or phone preferences), started while the
 * current ones are used: a session takes Firefox about 3 s (a fresh profile, the browser, its
 * remote agent) against WebKitGTK's 0.5 s, and every context paid it before its page opened. */
let spareFirefox;

/** A session for a context with `options`: in Firefox, a plain one is the spare, and the next
 * spare starts at once. Every context still has a browser of its own. */
function sessionFor(engineName, options) {
  const plain = engineName === 'firefox' && !options.colorScheme && !options.isMobile;
  if (!plain) return startSession(engineName, options);
  const taken = spareFirefox ?? startSession(engineName, {});
  spareFirefox = startSession(engineName, {});
  // Its failure is the context's that takes it; unhandled until then, it would end the process.
  spareFirefox.catch(() => {});
  return taken;
}

/** What a page tells a test, collected in the page since a document's first script call (WebDriver
 * has no init scripts, so what happens before it is not heard): uncaught errors and rejections
 * (`pageerror`), `console.error` (`console`), and `alert`, `confirm` and `prompt`, which would
 * block the driver and are answered at once instead (`dialog`). */
const PAGE_HOOKS = `if (!window.__rusherEvents) {
  window.__rusherEvents = [];
  const record = (kind, text, name) => window.__rusherEvents.push({ kind, text: String(text), name });
  addEventListener('error', (event) => record('pageerror', event.message, event.error && event.error.name));
  addEventListener('unhandledrejection', (event) => record('pageerror', event.reason && event.reason.message || event.reason, event.reason && event.reason.name));
  const error = console.error;
  console.error = (...args) => { record('console', args.map(String).join(' ')); error.apply(console, args); };
  for (const name of ['alert', 'confirm', 'prompt']) window[name] = (message) => { record('dialog', message); return null; };
}`;

/** Runs `fn(arg)` in the page (a function or an expression's text), awaiting what it returns,
 * with what the page told since the last call. What JSON cannot carry (an object with cycles,
 * such as a channel) comes back `undefined`. */
function pageScript(fn) {
  const call = typeof fn === 'function' ? `(${fn})(arg)` : `(${fn})`;
  return `const done = arguments[arguments.length - 1];
${PAGE_HOOKS}
const arg = arguments[0] === undefined ? undefined : JSON.parse(arguments[0]);
const json = (value) => { try { return JSON.stringify(value); } catch { return undefined; } };
const told = () => window.__rusherEvents.splice(0);
Promise.resolve().then(() => ${call}).then(
  (value) => done({ json: value === undefined ? undefined : json(value), told: told() }),
  (error) => done({ error: String((error && error.stack) || error), told: told() }));`;
}

/** What Playwright gives a `console` handler. */
const consoleMessage = (text) => ({ type: () => 'error', text: () => text });
/** What Playwright gives a `dialog` handler. */
const dialogOf = (text) => ({ message: () => text, dismiss: async () => {} });
/** What Playwright gives a `pageerror` handler. */
const pageError = (text, name) => Object.assign(new Error(text), { name: name ?? 'Error' });

/** The part of Playwright's Page the suites use, over WebDriver. */
class WebDriverPage {
  constructor(driver, context) {
    this.driver = driver;
    this.owner = context;
    this.handlers = { pageerror: [], console: [], dialog: [] };
    this.keyboard = {
      press: (combination) => pressKeys(driver, combination),
      type: (text) => driver.actions({ async: true }).sendKeys(text).perform(),
    };
  }

  context() {
    return this.owner;
  }

  addInitScript(script) {
    return this.owner.addInitScript(script);
  }

  /** Handlers for `pageerror`, `console` and `dialog`, called with what the page told at each
   * script call (every wait polls, so they hear it within a poll). */
  on(name, handler) {
    if (name === 'response') {
      // Heard from when the data collector is in place, a BiDi round trip later.
      this.owner.onResponse(handler).catch((error) => console.error(`responses unheard: ${error.stack || error}`));
      return;
    }
    const handlers = this.handlers[name];
    if (!handlers) throw new Error(`a WebDriver page does not tell ${name}`);
    handlers.push(handler);
  }

  tell(told = []) {
    for (const { kind, text, name } of told) {
      const payload = kind === 'console' ? consoleMessage(text) : kind === 'dialog' ? dialogOf(text) : pageError(text, name);
      for (const handler of this.handlers[kind]) handler(payload);
    }
  }

  /** As Playwright's, for this page's context (a WebDriver context has one page). */
  route(glob, handler) {
    return this.owner.route(glob, handler);
  }

  unroute(glob) {
    return this.owner.unroute(glob);
  }

  async goto(url) {
    await this.driver.get(url);
  }

  async goBack() {
    await this.driver.navigate().back();
  }

  async reload() {
    await this.driver.navigate().refresh();
  }

  title() {
    return this.driver.getTitle();
  }

  async screenshot({ path }) {
    writeFileSync(path, await this.driver.takeScreenshot(), 'base64');
  }

  /** A `<style>` with `content` in the document's head. */
  async addStyleTag({ content }) {
    await this.evaluate((css) => { document.head.append(Object.assign(document.createElement('style'), { textContent: css })); }, content);
  }

  locator(css, options) { return new Locator(this, []).locator(css, options); }
  getByRole(role, options) { return new Locator(this, []).getByRole(role, options); }
  getByLabel(label, options) { return new Locator(this, []).getByLabel(label, options); }

  /** `fn(arg)` in the page; what it returns (or resolves to), as JSON carries it. */
  async evaluate(fn, arg) {
    const answer = await this.driver.executeAsyncScript(pageScript(fn), arg === undefined ? undefined : JSON.stringify(arg));
    this.tell(answer?.told);
    if (answer?.error !== undefined) throw new Error(`in the page: ${answer.error}`);
    return answer?.json === undefined || answer.json === null ? undefined : JSON.parse(answer.json);
  }

  /** Waits until `fn(arg)` is truthy in the page; returns it. */
  async waitForFunction(fn, arg, { timeout = 30_000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const value = await this.evaluate(fn, arg);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`Timeout ${timeout} ms exceeded waiting for ${fn}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  /** Adds `<script src=url>` to the page and waits until it has run. */
  async addScriptTag({ url }) {
    await this.evaluate((src) => new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`${src} did not load`));
      document.head.append(script);
    }), url);
  }
}

/** The visitor switches to another tab for `ms` and comes back: a real `visibilitychange` (hidden,
 * then visible) and `focus` in Firefox, a `blur` and `focus` in WebKitGTK's MiniBrowser, whose
 * new tab is a window of its own. Headless Chromium has no such thing: its pages stay visible and
 * focused whichever is in front, even headed on Xvfb, so the suites do not call this there. */
export async function leaveTabAndComeBack(page, ms) {
  if (engine === 'chromium') throw new Error('headless Chromium keeps every page visible and focused');
  const { driver } = page;
  const tab = await driver.getWindowHandle();
  await driver.switchTo().newWindow('tab');
  await new Promise((resolve) => setTimeout(resolve, ms));
  await driver.close();
  await driver.switchTo().window(tab);
}

/** Hides every window of the engine's Xvfb display (this process's browsers) for `ms`, then
 * shows them again: WebKitGTK hides the page of a window taken off the screen (unmapped, as
 * behind a visitor's other windows) and throttles its timers, which is what a hidden tab is to a
 * page. Done with xdotool. */
export async function hideWindowsFor(ms) {
  if (engine !== 'webkit') throw new Error(`hiding a window is WebKitGTK's (on Xvfb), not ${engine}'s`);
  const env = { ...process.env, DISPLAY: await xDisplay() };
  const xdotool = (...args) => new Promise((resolve, reject) => {
    execFile(process.env.XDOTOOL || 'xdotool', args, { env }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
  });
  const windows = (await xdotool('search', '--onlyvisible', '--name', '.')).trim().split('\n').filter(Boolean);
  if (windows.length === 0) throw new Error('no window to hide');
  for (const window of windows) await xdotool('windowunmap', window);
  await new Promise((resolve) => setTimeout(resolve, ms));
  for (const window of windows) await xdotool('windowmap', window);
}
