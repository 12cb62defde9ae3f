// `cargo xtask bench`: the chat widget in a page (www/chat.html), against a live rusher-server on
// loopback that xtask starts. A visitor joins the lobby; 99 more members are there (members.mjs),
// so 100 are online. The list is filled to its cap (`MAX_MESSAGES`, 1,000) with messages published through the
// REST API, then:
//
// - render: for each of RENDERS further messages, the main-thread time from the socket's
//   `message` event to the list's DOM changed and laid out (a MutationObserver on it, which
//   reads a layout figure);
// - memory: after MEMORY_MESSAGES more, the page measured after a forced garbage collection;
//   then the log scrolled to its top until it draws no more: the messages the list keeps.
//
// Prints one JSON line per figure: {bench: 'widget render', times} and
// {bench: 'widget memory', before, after, kept}.
import { launch } from '../browser/chromium.mjs';
import { heading, join as joinChat } from '../browser/chat_steps.mjs';
import { countTimers, measure } from '../browser/page_metrics.mjs';
import { base, sdk } from '../browser/server.mjs';
import { members } from './members.mjs';

const LOBBY = 'presence-lobby';
/** Members online besides the page's visitor. */
const OTHERS = 99;
/** What the widget's list holds at most (crates/widget/src/model.rs). */
const LIST_CAP = 1000;
/** Messages whose rendering is timed. */
const RENDERS = 100;
/** Messages published before the page is measured again. */
const MEMORY_MESSAGES = 10000;
/** Messages in one REST batch (the API's limit). */
const BATCH = 10;

const clients = await members(LOBBY, OTHERS);

const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
await context.addInitScript(countTimers);
// Times each socket `message` event of a frame marked `measure`, to the list's next DOM change.
await context.addInitScript(() => {
  window.renderTimes = [];
  let pending = null;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    get onmessage() {
      return super.onmessage;
    }

    set onmessage(handler) {
      super.onmessage = (event) => {
        if (typeof event.data === 'string' && event.data.includes('measure ')) pending = performance.now();
        handler(event);
      };
    }
  };
  window.watchList = () => {
    const list = document.getElementById('rusher-chat').shadowRoot.querySelector('.log');
    new MutationObserver(() => {
      if (pending !== null) {
        // Reading a layout figure makes the browser lay the page out now, so that is counted too.
        void list.scrollHeight;
        window.renderTimes.push(performance.now() - pending);
        pending = null;
      }
    }).observe(list, { childList: true, subtree: true, characterData: true });
  };
});
const page = await context.newPage();
await page.goto(`${base}/www/chat.html`);
await joinChat(page, 'Bench');
await heading(page).filter({ hasText: `(${OTHERS + 1})` }).waitFor({ timeout: 30000 });
page.cdp = await context.newCDPSession(page);

let nextId = 1_000_000_000;
/** Publishes `count` messages to the lobby, `text(i)` each, in REST batches. */
async function publish(count, text) {
  for (let start = 0; start < count; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + BATCH); i += 1) {
      nextId += 1;
      const user = { id: `bench${i % OTHERS}`, name: `Member ${i % OTHERS}` };
      batch.push({
        channel: LOBBY, name: 'message',
        data: { id: nextId, channel: LOBBY, user, text: text(i), client_id: `bench-${nextId}`, time: Date.now() },
      });
    }
    await sdk.triggerBatch(batch);
  }
}
const shows = (text) => page.waitForFunction((t) => [...document.getElementById('rusher-chat').shadowRoot
  .querySelectorAll('.log li .text')].some((e) => e.textContent === t), text, { timeout: 60000 });

/** Scrolls the log to its top until it draws no more rows (each time at the top draws older ones
 * the list keeps): how many messages it keeps. */
async function scrollThrough(page) {
  const rows = () => page.evaluate(() => document.getElementById('rusher-chat').shadowRoot.querySelectorAll('.log li').length);
  let drawn = await rows();
  for (;;) {
    await page.evaluate(() => { document.getElementById('rusher-chat').shadowRoot.querySelector('.log').scrollTop = 0; });
    const more = await page.waitForFunction((n) => document.getElementById('rusher-chat').shadowRoot
      .querySelectorAll('.log li').length > n, drawn, { timeout: 2000 }).then(() => true, () => false);
    if (!more) return drawn;
    drawn = await rows();
  }
}

await publish(LIST_CAP, (i) => `filler ${i}`);
await shows(`filler ${LIST_CAP - 1}`);
await page.evaluate(() => window.watchList());
for (let i = 0; i < RENDERS; i += 1) {
  await publish(1, () => `measure ${i}`);
  await shows(`measure ${i}`);
}
const times = await page.evaluate(() => window.renderTimes);
console.log(JSON.stringify({ bench: 'widget render', times }));

const before = await measure(page);
await publish(MEMORY_MESSAGES, (i) => `more ${i}`);
await shows(`more ${MEMORY_MESSAGES - 1}`);
const after = await measure(page);
console.log(JSON.stringify({ bench: 'widget memory', before, after, kept: await scrollThrough(page) }));

await browser.close();
for (const client of clients) client.disconnect();
