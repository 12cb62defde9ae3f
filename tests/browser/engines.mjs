// The engines the browser suites run in, named by `RUSHER_ENGINE`: `chromium` (the default),
// `firefox` or `webkit`. Chromium is driven by playwright-core. Playwright drives only its own
// patched Firefox and WebKit builds, which are downloads from outside the package registries, so
// the stock Firefox ESR and WebKitGTK are driven through selenium-webdriver: Firefox over WebDriver
// BiDi (geckodriver, built from crates.io), WebKitGTK over classic WebDriver (WebKitWebDriver, from
// Debian), which has no BiDi. The browsers below offer the part of Playwright's Browser,
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
import { routedPath, startProxy } from './webkit_proxy.mjs';

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
  return engine === 'firefox' ? new FirefoxBrowser() : new WebKitBrowser();
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
 * exits (a session stopped by a kill leaves its profile behind). */
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
/** WebDriver BiDi's network module (selenium-webdriver's, CommonJS only): its typed events, and
 * `send` for any other BiDi command. */
const require = createRequire(import.meta.url);
const { Network } = require('selenium-webdriver/bidi/generated/network');

/** The most of one response body Firefox keeps for `page.on('response')` (the largest answer,
 * the widget's WebAssembly module, is 457 KB). */
const RESPONSE_BODY_LIMIT = 16 * 1024 * 1024;

/** How long one BiDi script call waits for the page's answer before it parks the promise and
 * asks again: selenium-webdriver gives up on a BiDi command after 30 s, and a scenario may wait
 * longer in the page (as WebDriver classic's script timeout lets it). */
const PARK_MS = 20_000;

/** WebDriver BiDi's URL pattern for a Playwright glob of the two forms the suites route (BiDi
 * matches a path exactly, where `**\/path**` would also take a longer one). */
const urlPattern = (glob) => ({ type: 'pattern', pathname: routedPath(glob) });

/** What Playwright's route handler gets, for a request Firefox paused (`event`, BiDi's
 * `network.beforeRequestSent`): it continues the request, fails it, or answers it. */
function pausedRoute(send, event) {
  const request = event.request.request;
  return {
    continue: () => send('network.continueRequest', { request }),
    abort: () => send('network.failRequest', { request }),
    fulfill: ({ status = 200, headers = {}, contentType, body = '' } = {}) => send('network.provideResponse', {
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
function completedResponse(send, event) {
  return {
    url: () => event.request.url,
    body: async () => {
      const { bytes } = await send('network.getData', { dataType: 'response', request: event.request.request });
      return Buffer.from(bytes.value, bytes.type === 'base64' ? 'base64' : 'utf8');
    },
  };
}

/** The driver command and the capabilities for one session of `name`; `colorScheme` as
 * Playwright's context option (Firefox's preference, the MiniBrowser's dark mode); `isMobile`,
 * in Firefox, a phone's coarse pointer without hover; `proxy`, in WebKitGTK, the proxy its
 * requests go through. Firefox's sessions speak WebDriver BiDi. */
async function driverFor(name, port, { colorScheme, isMobile, proxy } = {}) {
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
      // Loopback addresses too (WebKitGTK sends a WebSocket there as a `GET ws://…`).
      ...(proxy ? { proxy: { proxyType: 'manual', httpProxy: proxy } } : {}),
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

/** What a page tells a test, collected in the page (from its first script in Firefox, where it
 * is a preload script; from a document's first script call in WebKitGTK, whose WebDriver has no
 * such thing): uncaught errors and rejections (`pageerror`), `console.error` (`console`), and
 * `alert`, `confirm` and `prompt`, which would block the driver and are answered at once instead
 * (`dialog`). */
const PAGE_HOOKS = `if (!window.__rusherEvents) {
  window.__rusherEvents = [];
  const record = (kind, text, name) => window.__rusherEvents.push({ kind, text: String(text), name });
  addEventListener('error', (event) => record('pageerror', event.message, event.error && event.error.name));
  addEventListener('unhandledrejection', (event) => record('pageerror', event.reason && event.reason.message || event.reason, event.reason && event.reason.name));
  const error = console.error;
  console.error = (...args) => { record('console', args.map(String).join(' ')); error.apply(console, args); };
  for (const name of ['alert', 'confirm', 'prompt']) window[name] = (message) => { record('dialog', message); return null; };
}`;

/** A script that runs `fn(arg)` in the page (a function or an expression's text), awaiting what
 * it returns, and calls the last of its arguments with `{ json, told }` or `{ error, told }`:
 * the value as JSON (`undefined` for what JSON cannot carry, such as an object with cycles), and
 * what the page told since the last call. Its first argument is `arg` as JSON. */
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

/** In the page, over BiDi: the answer of a `pageScript` as JSON text once it comes, or, after
 * `PARK_MS`, `{"parked": id}` with the answer kept under `id` for the next call. */
const AWAIT_OR_PARK = `(answer) => Promise.race([
  answer.then((value) => JSON.stringify(value)),
  new Promise((resolve) => setTimeout(() => {
    const id = String(Math.random());
    (window.__rusherParked ??= new Map()).set(id, answer);
    resolve(JSON.stringify({ parked: id }));
  }, ${PARK_MS})),
])`;

/** What Playwright gives a `console` handler. */
const consoleMessage = (text) => ({ type: () => 'error', text: () => text });
/** What Playwright gives a `dialog` handler. */
const dialogOf = (text) => ({ message: () => text, dismiss: async () => {} });
/** What Playwright gives a `pageerror` handler. */
const pageError = (text, name) => Object.assign(new Error(text), { name: name ?? 'Error' });

/** The part of Playwright's Page the suites use, over a WebDriver; the engine's page says how it
 * runs a script (`answer`), acts (`actions`) and navigates. */
class DriverPage {
  constructor(driver, context) {
    this.driver = driver;
    this.owner = context;
    this.handlers = { pageerror: [], console: [], dialog: [] };
    this.keyboard = {
      press: (combination) => pressKeys(this, combination),
      type: (text) => this.actions().sendKeys(text).perform(),
    };
  }

  context() {
    return this.owner;
  }

  addInitScript(script) {
    return this.owner.addInitScript(script);
  }

  /** Handlers for `pageerror`, `console` and `dialog`, called with what the page told at each
   * script call (every wait polls, so they hear it within a poll), and, in Firefox, `response`. */
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

  /** A `<style>` with `content` in the document's head. */
  async addStyleTag({ content }) {
    await this.evaluate((css) => { document.head.append(Object.assign(document.createElement('style'), { textContent: css })); }, content);
  }

  locator(css, options) { return new Locator(this, []).locator(css, options); }
  getByRole(role, options) { return new Locator(this, []).getByRole(role, options); }
  getByLabel(label, options) { return new Locator(this, []).getByLabel(label, options); }

  /** `fn(arg)` in the page; what it returns (or resolves to), as JSON carries it. */
  async evaluate(fn, arg) {
    const answer = await this.answer(pageScript(fn), arg === undefined ? undefined : JSON.stringify(arg));
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

/** WebKitGTK over WebDriver classic, whose WebDriver has no BiDi: each context is a driver process
 * and its browser (WebKitWebDriver holds one session), so contexts share no cookies or storage, as
 * Playwright's do not, and a loopback proxy of its own (webkit_proxy.mjs) stands in for BiDi's
 * preload scripts and network interception. */
class WebKitBrowser {
  async newContext(options = {}) {
    return new WebKitContext(options, await startProxy());
  }
}

/** One WebKitWebDriver, its browser, its proxy and its one page. */
class WebKitContext {
  constructor(options, proxy) {
    this.options = options;
    this.proxy = proxy;
  }

  /** As Playwright's: `script` (a function, or a script's text) runs in every document of the
   * context before the document's own scripts (from a tag the proxy writes into its pages). */
  async addInitScript(script) {
    this.proxy.initScripts.push(typeof script === 'function' ? String(script) : `() => {\n${script}\n}`);
  }

  /** As Playwright's: requests whose path the glob names go to `handler`, which continues,
   * aborts or fulfils them (in the proxy). */
  async route(glob, handler) {
    this.proxy.routes.push({ glob, path: routedPath(glob), handler });
  }

  /** Removes the routes of `glob`. */
  async unroute(glob) {
    this.proxy.routes = this.proxy.routes.filter((route) => route.glob !== glob);
  }

  /** As Playwright's: offline, the proxy refuses the page's new requests and WebSockets, and the
   * page gets `offline` with `navigator.onLine` false (told by a script: WebKitGTK's WebDriver
   * has no network emulation); a connection already open stays up, as Firefox's emulation leaves
   * it (the client closes its socket on `offline`). */
  async setOffline(offline) {
    this.proxy.offline = offline;
    await this.page?.evaluate((offline) => {
      if (offline) Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
      else delete navigator.onLine;
      dispatchEvent(new Event(offline ? 'offline' : 'online'));
    }, offline);
  }

  /** Calls `handler` with each answer the page gets from now on, with its body. */
  async onResponse(handler) {
    this.proxy.responseHandlers.push(handler);
  }

  /** The context's page (a WebDriver session has one top-level window here). */
  async newPage() {
    if (this.page) throw new Error('a WebDriver context has one page');
    ({ driver: this.driver, driverProcess: this.driverProcess } = await startSession('webkit', { ...this.options, proxy: this.proxy.address }));
    const { width, height } = this.options.viewport ?? {};
    if (width) await this.driver.manage().window().setRect({ width, height });
    this.page = new WebKitPage(this.driver, this);
    return this.page;
  }

  async close() {
    await this.driver?.quit().catch(() => {});
    if (this.driverProcess) stopGroup(this.driverProcess);
    await this.proxy.close();
  }
}

/** A page over WebDriver classic. */
class WebKitPage extends DriverPage {
  answer(script, argJson) {
    return this.driver.executeAsyncScript(script, argJson);
  }

  /** A WebDriver actions builder for this page. */
  actions() {
    return this.driver.actions({ async: true });
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

  /** A blur and a focus: the MiniBrowser's new tab is a window of its own. */
  async leaveTabAndComeBack(ms) {
    const tab = await this.driver.getWindowHandle();
    await this.driver.switchTo().newWindow('tab');
    await new Promise((resolve) => setTimeout(resolve, ms));
    await this.driver.close();
    await this.driver.switchTo().window(tab);
  }
}

/** Firefox over WebDriver BiDi: one browser for the plain contexts, each context a BiDi user
 * context in it (its own cookies and storage, as Playwright's contexts), made in about 0.5 s
 * where a browser takes 3 s. A context with a color scheme or a phone's pointer, which are the
 * browser's preferences, has a browser of its own. */
class FirefoxBrowser {
  async newContext(options = {}) {
    const own = Boolean(options.colorScheme || options.isMobile);
    const session = own ? FirefoxSession.start(options) : (this.shared ??= FirefoxSession.start({}));
    const context = new FirefoxContext(await session, options, own);
    await context.open();
    return context;
  }
}

/** A geckodriver and its Firefox, spoken to over BiDi: its pages by BiDi context id, and the
 * network events, heard once any context routes requests or reads responses. */
class FirefoxSession {
  static async start(options) {
    const session = new FirefoxSession();
    ({ driver: session.driver, driverProcess: session.driverProcess } = await startSession('firefox', options));
    session.network = await Network.create(session.driver);
    session.pages = new Map();
    return session;
  }

  /** A BiDi command's result; throws its error. */
  send(method, params) {
    return this.network.send(method, params);
  }

  /** Hears the paused requests and completed responses of every page, each for its context. */
  hearNetwork() {
    this.hearing ??= (async () => {
      await this.network.addCallback(Network.BEFORE_REQUEST_SENT, (event) => {
        if (!event.isBlocked) return;
        const owner = this.pages.get(event.context)?.owner;
        if (owner) owner.paused(event);
        else this.send('network.continueRequest', { request: event.request.request }).catch(() => {});
      });
      await this.network.addCallback(Network.RESPONSE_COMPLETED, (event) => {
        this.pages.get(event.context)?.owner.responded(event);
      });
    })();
    return this.hearing;
  }

  async quit() {
    await this.driver.quit().catch(() => {});
    stopGroup(this.driverProcess);
  }
}

/** One BiDi user context and its one page. */
class FirefoxContext {
  constructor(session, options, own) {
    this.session = session;
    this.options = options;
    this.own = own;
    /** Its routes: `{ glob, intercept, handler }`. */
    this.routes = [];
    this.responseHandlers = [];
  }

  async open() {
    ({ userContext: this.userContext } = await this.session.send('browser.createUserContext', {}));
    // What the page tells is heard from its first script on.
    await this.session.send('script.addPreloadScript', {
      functionDeclaration: `() => {\n${PAGE_HOOKS}\n}`, userContexts: [this.userContext],
    });
  }

  /** As Playwright's: `script` (a function, or a script's text) runs in every document of the
   * context before the document's own scripts (a BiDi preload script). */
  async addInitScript(script) {
    const functionDeclaration = typeof script === 'function' ? String(script) : `() => {\n${script}\n}`;
    await this.session.send('script.addPreloadScript', { functionDeclaration, userContexts: [this.userContext] });
  }

  /** A request paused by one of this context's routes goes to its handler; one paused by a
   * route since removed goes on. Every paused request must be answered, or its page waits. */
  paused(event) {
    const send = (method, params) => this.session.send(method, params);
    const route = this.routes.find(({ intercept }) => event.intercepts?.includes(intercept));
    const handled = route
      ? Promise.resolve().then(() => route.handler(pausedRoute(send, event)))
      : send('network.continueRequest', { request: event.request.request });
    handled.catch((error) => {
      console.error(`a paused request to ${event.request.url}: ${error.stack || error}`);
      send('network.failRequest', { request: event.request.request }).catch(() => {});
    });
  }

  responded(event) {
    const response = completedResponse((method, params) => this.session.send(method, params), event);
    for (const handler of this.responseHandlers) handler(response);
  }

  /** As Playwright's: requests of this context's page whose path the glob names are paused and
   * given to `handler`, which continues, aborts or fulfils them. */
  async route(glob, handler) {
    if (!this.page) throw new Error('route a Firefox context once its page is open');
    await this.session.hearNetwork();
    const { intercept } = await this.session.send('network.addIntercept', {
      phases: ['beforeRequestSent'], urlPatterns: [urlPattern(glob)], contexts: [this.page.browsingContext],
    });
    this.routes.push({ glob, intercept, handler });
  }

  /** Removes the routes of `glob`. */
  async unroute(glob) {
    for (const { intercept } of this.routes.filter((route) => route.glob === glob)) {
      await this.session.send('network.removeIntercept', { intercept });
    }
    this.routes = this.routes.filter((route) => route.glob !== glob);
  }

  /** As Playwright's: offline, the context's new requests fail and its page gets `offline`
   * (`navigator.onLine` false); a connection already open stays up, as Firefox's emulation
   * leaves it (the client closes its socket on `offline`). */
  async setOffline(offline) {
    await this.session.send('emulation.setNetworkConditions', {
      networkConditions: offline ? { type: 'offline' } : null, userContexts: [this.userContext],
    });
  }

  /** Calls `handler` with each response the page gets from now on, with its body (kept by a
   * BiDi data collector). */
  async onResponse(handler) {
    if (this.responseHandlers.length === 0) {
      await this.session.hearNetwork();
      await this.session.send('network.addDataCollector', {
        dataTypes: ['response'], maxEncodedDataSize: RESPONSE_BODY_LIMIT, userContexts: [this.userContext],
      });
    }
    this.responseHandlers.push(handler);
  }

  /** The context's page: a window of its own, sized as the context's viewport (with the phone's
   * pixel ratio). */
  async newPage() {
    if (this.page) throw new Error('a WebDriver context has one page');
    const { context } = await this.session.send('browsingContext.create', { type: 'window', userContext: this.userContext });
    const { width, height } = this.options.viewport ?? {};
    if (width) {
      await this.session.send('browsingContext.setViewport', {
        context, viewport: { width, height }, devicePixelRatio: this.options.deviceScaleFactor ?? null,
      });
    }
    this.page = new FirefoxPage(this.session, context, this);
    this.session.pages.set(context, this.page);
    return this.page;
  }

  async close() {
    if (this.page) this.session.pages.delete(this.page.browsingContext);
    if (this.own) {
      await this.session.quit();
      return;
    }
    await this.session.send('browser.removeUserContext', { userContext: this.userContext }).catch(() => {});
  }
}

/** A Firefox page: a BiDi browsing context. */
class FirefoxPage extends DriverPage {
  constructor(session, browsingContext, context) {
    super(session.driver, context);
    this.session = session;
    this.browsingContext = browsingContext;
  }

  /** A script's answer: `script.callFunction` in this page, asked again while it is parked. */
  async answer(script, argJson) {
    const call = (functionDeclaration, argument) => this.session.send('script.callFunction', {
      functionDeclaration,
      arguments: [argument === undefined ? { type: 'undefined' } : { type: 'string', value: argument }],
      awaitPromise: true,
      target: { context: this.browsingContext },
      resultOwnership: 'none',
    });
    let result = await call(`function (arg) {
  const answer = new Promise((resolve) => { (function () {\n${script}\n}).call(null, arg, resolve); });
  return (${AWAIT_OR_PARK})(answer);
}`, argJson);
    for (;;) {
      if (result.type === 'exception') throw new Error(`in the page: ${result.exceptionDetails.text}`);
      const answer = JSON.parse(result.result.value);
      if (answer?.parked === undefined) return answer;
      result = await call(`function (id) {
  const answer = window.__rusherParked.get(id);
  window.__rusherParked.delete(id);
  return (${AWAIT_OR_PARK})(answer);
}`, answer.parked);
    }
  }

  /** A WebDriver actions builder whose `perform()` acts in this page over BiDi. */
  actions() {
    const actions = this.driver.actions({ async: true });
    actions.perform = () => this.session.send('input.performActions', {
      context: this.browsingContext, actions: actions.getSequences(),
    });
    return actions;
  }

  async goto(url) {
    await this.session.send('browsingContext.navigate', { context: this.browsingContext, url, wait: 'complete' });
  }

  /** Back in the history, once the document there has loaded. */
  async goBack() {
    await this.session.send('browsingContext.traverseHistory', { context: this.browsingContext, delta: -1 });
    await this.waitForFunction(() => document.readyState === 'complete');
  }

  async reload() {
    await this.session.send('browsingContext.reload', { context: this.browsingContext, wait: 'complete' });
  }

  title() {
    return this.evaluate(() => document.title);
  }

  async screenshot({ path }) {
    const { data } = await this.session.send('browsingContext.captureScreenshot', { context: this.browsingContext });
    writeFileSync(path, data, 'base64');
  }

  /** A tab of the same window in front for `ms` (a real `visibilitychange`), then this one. */
  async leaveTabAndComeBack(ms) {
    const { context: tab } = await this.session.send('browsingContext.create', {
      type: 'tab', referenceContext: this.browsingContext, userContext: this.owner.userContext,
    });
    await new Promise((resolve) => setTimeout(resolve, ms));
    await this.session.send('browsingContext.close', { context: tab });
    await this.session.send('browsingContext.activate', { context: this.browsingContext });
  }
}

/** The visitor switches to another tab for `ms` and comes back: a real `visibilitychange` (hidden,
 * then visible) and `focus` in Firefox, a `blur` and `focus` in WebKitGTK's MiniBrowser, whose
 * new tab is a window of its own. Headless Chromium has no such thing: its pages stay visible and
 * focused whichever is in front, even headed on Xvfb, so the suites do not call this there. */
export async function leaveTabAndComeBack(page, ms) {
  if (engine === 'chromium') throw new Error('headless Chromium keeps every page visible and focused');
  await page.leaveTabAndComeBack(ms);
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
