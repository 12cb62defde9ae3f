// `cargo xtask bench`, against a live rusher-server on loopback (started by xtask, with its chat
// backend and a control endpoint that restarts it): Rusher and pusher-js 8 side by side in one
// headless Chromium page.
//
// - latency: a REST trigger (the official server SDK) until each client's callback, one event
//   at a time;
// - private channels: from `new Pusher` to 10 private channels subscribed, the auth endpoint
//   taking 50 ms (pusher-js asks once per channel, Rusher with `batchAuth` once for all), after
//   a warm-up run of each, and the same after a server restart (every channel authorized again);
// - recovery: 20 clients of each kind on one channel, spread over 10 browser contexts (a browser
//   opens one WebSocket at a time to a host per context, which would queue 40 reconnects in
//   one); the server restarts (SIGTERM, as a deploy would) or is killed (SIGKILL); from the
//   moment it accepts connections again until each client has its channel back.
//
// Prints one JSON line per figure: {bench, client, ...values in milliseconds}.
import { env, launch } from '../browser/harness.mjs';
import { base, key, sdk, sockets } from '../browser/server.mjs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const modules = fileURLToPath(new URL('../node_modules/', import.meta.url));
const control = env('RUSHER_CONTROL_URL');
/** How many events the latency figure is taken over. */
const LATENCY_EVENTS = 200;
/** How many times the private-channel figure is taken, per client. */
const AUTH_RUNS = 5;
/** How long a client may take to have its channels back after a restart before it is reported
 * as missing them. */
const GIVE_UP_MS = 30000;
/** How many clients of each kind the recovery figure is taken over. */
const RECOVERY_CLIENTS = 20;
/** How many pages (browser contexts) they are spread over. */
const RECOVERY_PAGES = 10;

// A page the test serves itself (through page.route) has no address, so Chromium counts it as
// public and would keep it off loopback servers; the suites turn that check off the same way.
const browser = await launch(['--disable-features=LocalNetworkAccessChecks']);
/** A page of its own browser context (its own cookies, and its own connections: a browser opens
 * one WebSocket at a time to a host per context), signed in to the chat, with both clients. */
async function openPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route(`${base}/bench/`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>Rusher live benchmark</title>' }));
  await page.route(`${base}/vendor/pusher.min.js`, (route) => route.fulfill({
    contentType: 'text/javascript', path: join(modules, 'pusher-js/dist/web/pusher.min.js'),
  }));
  await page.goto(`${base}/bench/`);
  await page.evaluate(async ({ key, sockets }) => {
    // A chat session, whose cookie the auth endpoint wants for private channels.
    const response = await fetch('/chat/session', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Bench' }),
    });
    if (!response.ok) throw new Error(`sign-in answered ${response.status}`);
    window.Rusher = (await import('/www/pkg/index.js')).default;
    await new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/vendor/pusher.min.js';
      script.onload = resolve;
      script.onerror = reject;
      document.head.append(script);
    });
    window.clients = { rusher: window.Rusher, pusherJs: window.Pusher };
    window.KEY = key;
    window.options = (extra = {}) => ({
      cluster: 'mt1', wsHost: sockets.host, wsPort: sockets.port, forceTLS: false,
      enabledTransports: ['ws'], disableStats: true, ...extra,
    });
    window.now = () => performance.timeOrigin + performance.now();
    // Notes when a client's connection was lost (it leaves `connected`): a subscription confirmed
    // after that is the channel back. A client may be back before the page hears that the server
    // is (the control endpoint polls it); its time then counts as 0.
    window.watchLoss = (client) => {
      const watch = { lostAt: null };
      client.connection.bind('state_change', ({ current }) => {
        if (current !== 'connected' && watch.lostAt === null) watch.lostAt = now();
      });
      return watch;
    };
    window.until = async (condition, what, timeout = 60000) => {
      const started = performance.now();
      while (!condition()) {
        if (performance.now() - started > timeout) {
          throw new Error(`timed out: ${typeof what === 'function' ? what() : what}`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    };
  }, { key, sockets });
  return page;
}
const page = await openPage();

const report = (line) => console.log(JSON.stringify(line));
const now = () => performance.timeOrigin + performance.now();

// Latency: one event at a time, from just before the REST call to each callback.
await page.evaluate(async () => {
  window.arrivals = { rusher: {}, pusherJs: {} };
  window.latency = {};
  for (const [name, Client] of Object.entries(clients)) {
    const client = new Client(KEY, options());
    const channel = client.subscribe('bench-latency');
    let subscribed = false;
    channel.bind('pusher:subscription_succeeded', () => { subscribed = true; });
    channel.bind('ping', (data) => { arrivals[name][data.i] = now(); });
    await until(() => subscribed, () => `${name} subscribed (connection ${client.connection.state})`);
    latency[name] = client;
  }
});
const sent = [];
for (let i = 0; i < LATENCY_EVENTS; i += 1) {
  sent.push(now());
  await sdk.trigger('bench-latency', 'ping', { i });
  await page.waitForFunction((i) => arrivals.rusher[i] && arrivals.pusherJs[i], i, { polling: 1 });
}
const arrivals = await page.evaluate(() => {
  for (const client of Object.values(latency)) client.disconnect();
  return arrivals;
});
for (const client of ['rusher', 'pusherJs']) {
  report({ bench: 'latency', client, times: sent.map((at, i) => arrivals[client][i] - at) });
}

// Private channels with a 50 ms auth endpoint.
await fetch(`http://${sockets.host}:${sockets.port}/_faults/auth?delay_ms=50`, { method: 'POST' });
const auth = await page.evaluate(async (runs) => {
  const results = {};
  performance.setResourceTimingBufferSize(10000);
  const authRequests = () => performance.getEntriesByType('resource').filter((e) => e.name.includes('/pusher/auth')).length;
  const subscribeAll = (client, run) => Array.from({ length: 10 }, (_, i) => {
    const channel = client.subscribe(`private-bench-${run}-${i}`);
    channel.subscribedAt = null;
    channel.bind('pusher:subscription_succeeded', () => { channel.subscribedAt = now(); });
    return channel;
  });
  for (const [name, Client] of Object.entries(clients)) {
    const times = [];
    const requests = [];
    // Run -1 warms up, and is not counted: the page's first auth request may wait for a new
    // connection to the endpoint, and the client's code runs for the first time.
    for (let run = -1; run < runs; run += 1) {
      const asked = authRequests();
      const started = now();
      const client = new Client(KEY, options({ batchAuth: true }));
      const channels = subscribeAll(client, `${name}-${run}`);
      await until(() => channels.every((c) => c.subscribedAt), `${name} run ${run}`);
      if (run >= 0) {
        times.push(Math.max(...channels.map((c) => c.subscribedAt)) - started);
        requests.push(authRequests() - asked);
      }
      client.disconnect();
    }
    results[name] = { times, requests };
  }
  return results;
}, AUTH_RUNS);
for (const [client, result] of Object.entries(auth)) report({ bench: 'private channels', client, ...result });

// The same after a restart: fresh clients of each kind with 10 private channels, then a restart;
// from the server accepting connections to every channel subscribed again. A client that has
// not got every channel back within GIVE_UP_MS is reported with how many it is missing.
const afterRestart = await page.evaluate(async ({ control, runs, giveUp }) => {
  const results = { rusher: { times: [], missing: [], errors: [] }, pusherJs: { times: [], missing: [], errors: [] } };
  for (let run = 0; run < runs; run += 1) {
    const kept = {};
    for (const [name, Client] of Object.entries(clients)) {
      const client = new Client(KEY, options({ batchAuth: true }));
      const channels = Array.from({ length: 10 }, (_, i) => client.subscribe(`private-kept-${name}-${run}-${i}`));
      for (const channel of channels) {
        channel.bind('pusher:subscription_succeeded', () => { channel.subscribedAt = now(); });
        channel.bind('pusher:subscription_error', (error) => results[name].errors.push(error?.status ?? String(error)));
      }
      await until(() => channels.every((c) => c.subscribedAt), `${name} subscribed`);
      kept[name] = { client, channels, watch: watchLoss(client) };
    }
    const answer = await fetch(`${control}/restart`, { method: 'POST' });
    if (answer.status !== 204) throw new Error(`the control endpoint answered ${answer.status}`);
    const back = now();
    const missing = (name) => {
      const { channels, watch } = kept[name];
      return channels.filter((c) => watch.lostAt === null || !(c.subscribedAt > watch.lostAt)).length;
    };
    while (Object.keys(kept).some((name) => missing(name) > 0) && now() - back < giveUp) {
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const [name, { client, channels }] of Object.entries(kept)) {
      if (missing(name) === 0) results[name].times.push(Math.max(0, Math.max(...channels.map((c) => c.subscribedAt)) - back));
      else results[name].missing.push(missing(name));
      client.disconnect();
    }
  }
  return results;
}, { control, runs: 3, giveUp: GIVE_UP_MS });
for (const [client, result] of Object.entries(afterRestart)) report({ bench: 'private channels after a restart', client, ...result });
await fetch(`http://${sockets.host}:${sockets.port}/_faults/auth`, { method: 'POST' });

// Recovery: 20 clients of each kind over RECOVERY_PAGES pages (browser contexts), the server
// restarted and then killed.
const recoveryPages = [];
for (let i = 0; i < RECOVERY_PAGES; i += 1) recoveryPages.push(await openPage());
for (const recoveryPage of recoveryPages) {
  await recoveryPage.evaluate((count) => {
    window.all = [];
    for (const [name, Client] of Object.entries(clients)) {
      for (let i = 0; i < count; i += 1) {
        const client = new Client(KEY, options());
        const channel = client.subscribe('bench-recovery');
        const entry = { name, client, channel, at: null, watch: null };
        channel.bind('pusher:subscription_succeeded', () => { entry.at = now(); });
        all.push(entry);
      }
    }
  }, RECOVERY_CLIENTS / RECOVERY_PAGES);
  await recoveryPage.waitForFunction(() => all.every((e) => e.at), null, { timeout: 60000 });
}
/** Every recovery client: its kind, whether it is back (subscribed again since it lost its
 * connection), when, and its state. */
const recoveryStates = async () => (await Promise.all(recoveryPages.map((p) => p.evaluate(() => all.map((e) => ({
  name: e.name,
  back: e.watch.lostAt !== null && e.at > e.watch.lostAt,
  at: e.at,
  state: `${e.client.connection.state}/${e.channel.subscribed ? 'subscribed' : e.channel.subscriptionPending ? 'pending' : 'not subscribed'}`,
})))))).flat();
const recovery = [];
for (const how of ['restart', 'kill']) {
  for (const recoveryPage of recoveryPages) {
    await recoveryPage.evaluate(() => { for (const entry of all) entry.watch = watchLoss(entry.client); });
  }
  const answer = await fetch(`${control}/${how}`, { method: 'POST' });
  if (answer.status !== 204) throw new Error(`the control endpoint answered ${answer.status}`);
  const back = now();
  let states = await recoveryStates();
  while (states.some((e) => !e.back) && now() - back < 2 * GIVE_UP_MS) {
    await new Promise((r) => setTimeout(r, 20));
    states = await recoveryStates();
  }
  for (const client of ['rusher', 'pusherJs']) {
    const mine = states.filter((e) => e.name === client);
    const times = mine.filter((e) => e.back).map((e) => Math.max(0, e.at - back));
    const stuck = mine.filter((e) => !e.back).map((e) => e.state);
    recovery.push({ how, client, times, missing: [mine.length - times.length], stuck });
  }
}
for (const { how, ...result } of recovery) report({ bench: `recovery after a ${how}`, ...result });

await browser.close();
