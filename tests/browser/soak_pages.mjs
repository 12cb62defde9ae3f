// Browser pages in the soak's room, beside rusher-soak's native visitors: each a visitor with the
// chat widget (the drop-in embed page), joined before the soak starts. Once the room is busy
// (`SOAK_FIRST_LOOK_MS` after joining) and again at the end, it measures each page after a
// forced garbage collection: JavaScript heap, WebAssembly memory, live JavaScript functions, DOM
// nodes, event listeners, pending timers and messages shown. At the end it also checks each
// page's message list against the room's history: the newest messages, each once and in order.
// `cargo xtask soak` starts it with the server's address in the environment (as for a suite),
// reads `pages-ready` and then `pages-result {json}` from it, and writes `stop` to its input
// when the soak has ended.
import { createInterface } from 'node:readline';
import { launch } from './chromium.mjs';
import { online } from './chat_steps.mjs';
import { env } from './harness.mjs';
import { base } from './server.mjs';
import { countTimers, measure } from './page_metrics.mjs';

const count = Number(process.env.SOAK_PAGES || 4);
const room = env('SOAK_ROOM');
const firstLookAfter = Number(process.env.SOAK_FIRST_LOOK_MS || 60000);

/** The most DOM nodes one shown message may take (its row, name, time, text and links). */
const NODES_PER_LINE = 20;

/** Growth that counts as a leak between the two looks, per measure (given both looks): the
 * widget draws at most 100 messages at the bottom (ROWS_DRAWN in crates/widget/src/log_window.rs),
 * so its page may grow with the messages it shows until then, and otherwise stay where it is, give
 * or take. */
const LEAK_LIMITS = {
  listeners: (start) => start.listeners + 20,
  timers: (start) => start.timers + 20,
  nodes: (start, end) => start.nodes + Math.max(0, end.lines - start.lines) * NODES_PER_LINE + 200,
  functions: (start) => start.functions * 1.25 + 500,
  heapBytes: (start) => start.heapBytes * 1.5 + 2 * 1024 * 1024,
};

/** The page's message list against the newest messages of the room's history. */
async function checkList(page) {
  return page.evaluate(async (room) => {
    const shown = [...document.getElementById('rusher-chat').shadowRoot.querySelectorAll('.log li .text')]
      .map((text) => text.textContent);
    const newest = [];
    let before = null;
    while (newest.length < shown.length) {
      const query = new URLSearchParams({ channel: room, limit: '100', ...(before ? { before } : {}) });
      const answer = await fetch(`/chat/history?${query}`);
      const { messages } = await answer.json();
      if (messages.length === 0) break;
      newest.unshift(...messages.map((m) => m.text));
      before = String(messages[0].id);
    }
    const expected = newest.slice(newest.length - shown.length);
    const missing = expected.filter((text) => !shown.includes(text)).length;
    const doubled = shown.length - new Set(shown).size;
    const inOrder = shown.every((text, i) => text === expected[i]);
    return { shown: shown.length, missing, doubled, inOrder };
  }, room);
}

const browser = await launch();
const pages = [];
for (let i = 0; i < count; i += 1) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  await context.addInitScript(countTimers);
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  await page.goto(`${base}/www/chat.html?channel=${encodeURIComponent(room)}`);
  await page.waitForFunction(() => window.rusherChat !== undefined);
  await page.evaluate(() => window.rusherChat.open());
  await page.getByLabel('Your name').fill(`page ${i}`);
  await page.getByRole('button', { name: 'Join' }).click();
  await online(page, 30000);
  page.cdp = await context.newCDPSession(page);
  pages.push(page);
}
console.log('pages-ready');

const stopped = new Promise((resolve) => {
  createInterface({ input: process.stdin }).on('line', (line) => { if (line.trim() === 'stop') resolve(); });
});
const first = await Promise.race([
  new Promise((resolve) => setTimeout(() => resolve('look'), firstLookAfter)),
  stopped.then(() => 'stop'),
]);
const start = [];
for (const page of pages) start.push(await measure(page));
console.log(`pages: first look ${first === 'stop' ? 'at the end' : `after ${firstLookAfter} ms`}: ${JSON.stringify(start)}`);
await stopped;
const end = [];
const lists = [];
for (const page of pages) {
  await online(page, 30000).catch(() => {});
  end.push(await measure(page));
  lists.push(await checkList(page));
}
const leaks = [];
pages.forEach((page, i) => {
  for (const [measure, limit] of Object.entries(LEAK_LIMITS)) {
    if (end[i][measure] > limit(start[i], end[i])) {
      leaks.push(`page ${i}: ${measure} ${start[i][measure]} -> ${end[i][measure]}`);
    }
  }
});
const listFaults = lists.flatMap((list, i) => (list.missing || list.doubled || !list.inOrder || list.shown === 0
  ? [`page ${i}: ${JSON.stringify(list)}`] : []));
const errors = pages.flatMap((page, i) => page.errors.map((e) => `page ${i}: ${e}`));
const result = { pages: count, start, end, lists, leaks, listFaults, errors };
console.log(`pages-result ${JSON.stringify(result)}`);
await browser.close();
process.exit(leaks.length || listFaults.length || errors.length ? 1 : 0);
