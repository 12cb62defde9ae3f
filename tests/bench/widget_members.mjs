// `cargo xtask bench`: the chat widget's who's-online list with 1,000 members, in a page
// (www/chat.html) against a rusher-server that xtask starts with room for them. 999 members are
// in the lobby (members.mjs) before the visitor joins, then:
//
// - the list: the main-thread time from the socket's `subscription_succeeded` (1,000 members) to
//   the list showing every one of them, laid out; and the page's DOM nodes then;
// - a member coming or leaving: for each of CHANGES members who join and then leave, the time
//   from the socket's `member_added` / `member_removed` to the list's DOM changed and laid out.
//
// Prints {bench: 'widget members', members, listMs, nodes, rows, changeTimes}.
import { launch } from '../browser/chromium.mjs';
import { heading, join as joinChat } from '../browser/chat_steps.mjs';
import { base } from '../browser/server.mjs';
import { member, members } from './members.mjs';

const LOBBY = 'presence-lobby';
/** Members online besides the page's visitor. */
const OTHERS = 999;
/** Members who come and then leave while the list is timed. */
const CHANGES = 20;

const clients = await members(LOBBY, OTHERS);
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
// Times the socket's presence frames to the who's-online list's next DOM change.
await context.addInitScript(({ expected }) => {
  window.changeTimes = [];
  window.listMs = null;
  let pending = null;
  let subscribedAt = null;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    set onmessage(handler) {
      super.onmessage = (event) => {
        const data = typeof event.data === 'string' ? event.data : '';
        if (data.includes('presence-lobby')) {
          if (data.includes('subscription_succeeded')) subscribedAt = performance.now();
          else if (data.includes('member_added') || data.includes('member_removed')) pending = performance.now();
        }
        handler(event);
      };
    }

    get onmessage() {
      return super.onmessage;
    }
  };
  const watch = () => {
    const root = document.getElementById('rusher-chat')?.shadowRoot;
    const list = root?.querySelector('.online-list ul');
    if (!list) return void setTimeout(watch, 10);
    new MutationObserver(() => {
      // Reading a layout figure makes the browser lay the page out now, so that is counted too.
      void list.scrollHeight;
      const now = performance.now();
      if (subscribedAt !== null && window.listMs === null && list.children.length >= expected) {
        window.listMs = now - subscribedAt;
      } else if (pending !== null) {
        window.changeTimes.push(now - pending);
        pending = null;
      }
    }).observe(list, { childList: true, subtree: true, characterData: true });
  };
  document.addEventListener('DOMContentLoaded', watch);
}, { expected: OTHERS + 1 });
const page = await context.newPage();
await page.goto(`${base}/www/chat.html`);
await joinChat(page, 'Bench');
const everyone = OTHERS + 1;
await heading(page).filter({ hasText: `(${everyone})` }).waitFor({ timeout: 60000 });
await page.waitForFunction(() => window.listMs !== null, null, { timeout: 60000 });
const cdp = await context.newCDPSession(page);
const { nodes } = await cdp.send('Memory.getDOMCounters');
const rows = await page.evaluate(() => document.getElementById('rusher-chat').shadowRoot.querySelectorAll('.online-list li').length);
for (let i = 0; i < CHANGES; i += 1) {
  const client = await member(LOBBY, `late${i}`, `Late ${i}`);
  await heading(page).filter({ hasText: `(${everyone + 1})` }).waitFor({ timeout: 20000 });
  client.disconnect();
  await heading(page).filter({ hasText: `(${everyone})` }).waitFor({ timeout: 20000 });
}
const { listMs, changeTimes } = await page.evaluate(() => ({ listMs: window.listMs, changeTimes: window.changeTimes }));
if (listMs === null || changeTimes.length === 0) throw new Error(`nothing timed: list ${listMs}, changes ${changeTimes}`);
console.log(JSON.stringify({ bench: 'widget members', members: everyone, listMs, nodes, rows, changeTimes }));
for (const client of clients) client.disconnect();
await browser.close();
