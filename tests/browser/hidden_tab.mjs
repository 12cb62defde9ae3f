// A tab hidden for 10 minutes under the engine's own throttling of a hidden page's timers, as a
// visitor's tab sits behind others. WebKit (Safari's engine, every iPhone's): its window is taken
// off the Xvfb display, which hides the page, and WebKit then throttles the page's timers as
// Safari does a hidden tab's. (Headless Chromium keeps every page visible; Firefox ESR 153 hides
// a tab it switches away from, but throttles no timer of a page with an open WebSocket: there a
// one-second timer woke 149 times in 150 s hidden, measured with this page.)
// Meanwhile the server sends events, with a quiet stretch longer than the activity timeout (the
// client's own ping then comes from a throttled timer). Run by `cargo xtask test` beside the
// other suites (it mostly waits), against a rusher-server of its own. Prints
// `test result: ok. N passed; M failed`.
import { assert, equal, launch, run, sleep, test } from './harness.mjs';
import { engine, hideWindowsFor } from './engines.mjs';
import { servePages } from './pages.mjs';
import { base, key, sdk, sockets } from './server.mjs';

if (engine !== 'webkit') throw new Error(`a hidden window runs in WebKit, not ${engine}`);

/** How long the page stays hidden. */
const HIDDEN_MS = 10 * 60_000;
/** When each event is sent, in ms after the page is hidden: one every half minute for three
 * minutes, then none for five (more than the 120 s activity timeout), then again. */
const SCHEDULE = [30, 60, 90, 120, 150, 180, 480, 510, 540, 570].map((s) => s * 1000);

const testPage = `<!doctype html><meta charset="utf-8"><title>Rusher hidden tab</title>
<script type="module">
  import Pusher from '/www/pkg/index.js';
  window.log = [];
  const at = () => document.visibilityState;
  document.addEventListener('visibilitychange', () => log.push(['visibility', at()]));
  window.pusher = new Pusher(${JSON.stringify(key)}, { wsHost: ${JSON.stringify(sockets.host)}, wsPort: ${sockets.port}, forceTLS: false });
  pusher.connection.bind('state_change', (change) => log.push(['state', change.current, at()]));
  window.channel = pusher.subscribe('hidden-tab');
  channel.bind('tick', (data) => log.push(['tick', data.n, at()]));
  // What the throttling does to a timer: a one-second interval, counted while hidden.
  window.wakeups = 0;
  setInterval(() => { if (document.hidden) wakeups += 1; }, 1000);
</script>`;

const pages = await servePages({ '/test/': { type: 'text/html', body: testPage } }, base);
const browser = await launch();

test("a page hidden for 10 minutes, its timers throttled: still connected on the same link, every event once, in order, as it came", async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${pages.base}/test/`);
    await page.waitForFunction(() => window.channel?.subscribed);
    // What the page logged while connecting is not the hidden time's.
    const link = await page.evaluate(() => { log.length = 0; return pusher.connection.socket_id; });
    const hidden = Date.now();
    const sent = (async () => {
      for (const [n, when] of SCHEDULE.entries()) {
        await sleep(when - (Date.now() - hidden));
        await sdk.trigger('hidden-tab', 'tick', { n });
      }
    })();
    await Promise.all([hideWindowsFor(HIDDEN_MS), sent]);

    const { log, wakeups, state, socket } = await page.evaluate(() => ({
      log, wakeups, state: pusher.connection.state, socket: pusher.connection.socket_id,
    }));
    const visibility = log.filter(([kind]) => kind === 'visibility').map(([, value]) => value);
    equal(visibility, ['hidden', 'visible'], 'the page was hidden, then shown');
    equal(log.filter(([kind]) => kind === 'state'), [], 'no state change (no false heartbeat timeout, no reconnection)');
    equal([state, socket], ['connected', link], 'the same link, connected');
    equal(log.filter(([kind]) => kind === 'tick'), SCHEDULE.map((_, n) => ['tick', n, 'hidden']),
      'each event once, in order, while hidden');

    // Throttled: a shown page's one-second timer wakes 600 times in 10 minutes (WebKit's hidden
    // page woke about half as often, at first, in a 150 s try).
    assert(wakeups < (HIDDEN_MS / 1000) * 0.75, `a one-second timer woke ${wakeups} times while hidden: not throttled`);

    await sdk.trigger('hidden-tab', 'tick', { n: SCHEDULE.length });
    await page.waitForFunction((n) => log.some(([kind, value]) => kind === 'tick' && value === n), SCHEDULE.length);
    console.log(`figure: hidden 10 min: a one-second timer woke ${wakeups} times; ${SCHEDULE.length} events, each once`);
  } finally {
    await context.close();
  }
});

await run();
