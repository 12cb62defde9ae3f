// The chat widget on the demo page (www/index.html, served by rusher-server at /), driven like people
// use it: by role and label, in separate browser contexts for separate visitors. Screenshots go to
// tests/artifacts/.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { extname, join as joinPath, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { frozenTab } from './chromium.mjs';
import { engine } from './engines.mjs';
import { assert, env, equal, launch, run, sleep, test, withInstalledTarball } from './harness.mjs';
import { base, port, sdk } from './server.mjs';
import { accept, heading, invite, join, log, messageBox, online, openVisitor, say, shows, wasmTraps } from './chat_steps.mjs';

const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));
mkdirSync(artifacts, { recursive: true });
const browser = await launch();

// What some scenarios need that only some engines offer here; elsewhere they are reported as not
// run, with the reason (docs/browsers.md lists them).
const SOME_ENGINES = {
  frozen: { engines: ['chromium'], why: 'a frozen page needs the DevTools protocol (its debugger pauses the page)' },
  node: { engines: ['chromium'], why: 'runs in Node, the same whatever the engine' },
};

const contexts = [];

/** A new visitor on the demo page (its own cookies and storage). */
async function visitor(options = {}) {
  return openVisitor(browser, contexts, `${base}/`, options);
}

/** A new visitor on the drop-in embed page (`www/chat.html` with `query`): opens the chat and
 * sends the join form as `name`. */
async function embedVisitor(name, query = '', pageUrl = `${base}/www/chat.html`) {
  const page = await openVisitor(browser, contexts, `${pageUrl}${query}`);
  await page.waitForFunction(() => window.rusherChat !== undefined);
  await page.evaluate(() => window.rusherChat.open());
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  return page;
}

/** A screenshot in tests/artifacts/, named after the engine where it is not Chromium. */
async function shot(page, name) {
  const suffix = engine === 'chromium' ? '' : `-${engine}`;
  await page.screenshot({ path: `${artifacts}widget-${name}${suffix}.png` });
}

test('a visitor who has not joined sees the launcher and, opened, the join form', async () => {
  const page = await visitor();
  const launcher = page.getByRole('button', { name: 'Open chat' });
  equal(await launcher.getAttribute('aria-expanded'), 'false', 'aria-expanded before');
  await launcher.click();
  // The package's launcher loads the widget on this first open; the widget's launcher takes over.
  await page.locator('button.launcher[aria-expanded="true"]').waitFor({ timeout: 6000 });
  equal(await page.locator('button.launcher').getAttribute('aria-label'), 'Close chat', 'the launcher now closes');
  await page.getByRole('button', { name: 'Join' }).click();
  await shows(page.getByRole('alert'), '1 to 32 characters', 'an empty name');
  await page.getByLabel('Your name').fill('x'.repeat(40));
  await page.getByRole('button', { name: 'Join' }).click();
  await shows(page.getByRole('alert'), '1 to 32 characters', 'a long name');
  await shot(page, 'join-form');
  // Having no session yet is a first visit, not an error: nothing in the console.
  equal(page.consoleErrors, [], 'console errors on a first visit');
});

test("two visitors see each other online and chat both ways; the page's CSS stays out", async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const bob = await visitor();
  await bob.getByRole('button', { name: 'Open chat' }).click();
  await bob.getByLabel('Your name').waitFor();
  // Every heading the list shows from Join on: none says that nobody is online.
  await bob.evaluate(() => {
    const root = document.getElementById('rusher-chat').shadowRoot;
    window.headings = [];
    const look = () => {
      const text = root.querySelector('.online-list h3')?.textContent;
      if (text !== undefined && text !== window.headings.at(-1)) window.headings.push(text);
    };
    new MutationObserver(look).observe(root, { subtree: true, childList: true, characterData: true });
  });
  await bob.getByLabel('Your name').fill('Bob');
  await bob.getByRole('button', { name: 'Join' }).click();
  await online(bob);
  for (const page of [ada, bob]) {
    await shows(heading(page), "Who's online (2)", 'heading');
    const names = await page.getByRole('region', { name: "Who's online" }).getByRole('listitem').allTextContents();
    assert(names.some((n) => n.includes('Ada')) && names.some((n) => n.includes('Bob')), `members ${names}`);
  }
  const headings = await bob.evaluate(() => window.headings);
  assert(headings.length > 0 && !headings.some((h) => h.includes('(0)')), `the headings after Join: ${JSON.stringify(headings)}`);
  await say(ada, 'Hello Bob');
  await shows(log(bob), 'Hello Bob', 'Bob receives');
  await say(bob, 'Hi Ada!');
  await shows(log(ada), 'Hi Ada!', 'Ada receives');
  equal(await log(ada).locator('li.mine').count(), 1, "Ada's own messages are marked");
  // The demo page paints every button hot pink; the widget's stay as designed.
  const background = await ada.getByRole('button', { name: 'Send' }).evaluate((el) => getComputedStyle(el).backgroundColor);
  assert(background !== 'rgb(255, 105, 180)', `the page's CSS reached the widget: ${background}`);
  await shot(ada, 'chatting');
});

test('messages persist across a reload, and the panel stays open', async () => {
  const page = await visitor();
  await join(page, 'Cleo');
  const text = `kept ${Date.now()}`;
  await say(page, text);
  await shows(log(page).locator('li.mine:not(.pending)'), text, 'confirmed');
  await page.reload();
  await online(page);
  await shows(log(page), text, 'history after reload');
  equal(await page.getByRole('textbox', { name: 'Your name' }).count(), 0, 'no join form for a signed-in visitor');
});

test('the typing indicator appears and clears', async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const bob = await visitor();
  await join(bob, 'Bob');
  await shows(heading(ada), "Who's online (2)", 'both online');
  await messageBox(bob).pressSequentially('typing here', { delay: 20 });
  await shows(ada.locator('p.typing'), 'Bob is typing…', 'indicator');
  await shot(ada, 'typing');
  await ada.waitForFunction(() => {
    const host = document.getElementById('rusher-chat');
    return host.shadowRoot.querySelector('p.typing').textContent === '';
  }, null, { timeout: 8000 });
  // Typing again, then sending: the line goes as the message shows, not seconds later.
  await messageBox(bob).pressSequentially('sent at once', { delay: 20 });
  await shows(ada.locator('p.typing'), 'Bob is typing…', 'indicator again');
  await messageBox(bob).press('Enter');
  const typingAsItShows = await ada.evaluate(() => new Promise((resolve) => {
    setTimeout(() => resolve('(the message never showed)'), 6000);
    const root = document.getElementById('rusher-chat').shadowRoot;
    const look = () => {
      if (!root.querySelector('[role="log"]').textContent.includes('sent at once')) return false;
      resolve(root.querySelector('p.typing').textContent);
      return true;
    };
    if (!look()) new MutationObserver((_, observer) => look() && observer.disconnect()).observe(root, { subtree: true, childList: true, characterData: true });
  }));
  equal(typingAsItShows, '', 'the typing line when the message shows');
});

test('a member who leaves leaves the typing line with the member list', async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const ben = await visitor();
  await join(ben, 'Ben');
  await shows(heading(ada), "Who's online (2)", 'both online');
  await messageBox(ben).pressSequentially('still typing', { delay: 20 });
  await shows(ada.locator('p.typing'), 'Ben is typing…', 'indicator');
  // Ben closes his tab while "typing" still has seconds to show.
  await ben.context().close();
  await shows(heading(ada), "Who's online (1)", 'Ben left');
  equal(await ada.locator('p.typing').textContent(), '', 'no one typing once Ben has left');
});

/** Text that would run script if the widget rendered it as HTML (or as a URL, a template, a
 * style), each meant to stay text wherever it is shown. */
const XSS_PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)><circle r=9 /></svg>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<body onload=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<input autofocus onfocus=alert(1)>',
  '<video><source onerror=alert(1)></video>',
  '<audio src=x onerror=alert(1)>',
  '<marquee onstart=alert(1)>go</marquee>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<a href="javascript:alert(1)">click</a>',
  'javascript:alert(1)',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '</textarea><script>alert(1)</script>',
  '</style><script>alert(1)</script>',
  '<style>@import "javascript:alert(1)";</style>',
  '<math><mtext><mglyph><svg><mtext><style><img src=x onerror=alert(1)>',
  '<template><script>alert(1)</script></template>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '<base href="javascript:alert(1)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<link rel=stylesheet href="javascript:alert(1)">',
  'https://example.com/"onmouseover="alert(1)',
  'http://example.com/<script>alert(1)</script>',
  '[click](javascript:alert(1))',
  '{{constructor.constructor("alert(1)")()}}',
  '${alert(1)}',
  '<img src=x onerror="&#97;&#108;&#101;&#114;&#116;(1)">',
  '\u202e<script>alert(1)</script>',
  '<div style="background:url(javascript:alert(1))">styled</div>',
];
/** Display names (at most 32 characters) with the same intent. */
const XSS_NAMES = ['<img src=x onerror=alert(1)>', '"><svg onload=alert(1)>'];

test(`XSS: ${XSS_PAYLOADS.length} payloads through names, messages, history, typing, invitations, room tabs and notifications stay text`, async () => {
  // The reader's page records alerts and notifications instead of showing them.
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  contexts.push(context);
  await context.addInitScript(() => {
    window.alerted = [];
    window.alert = (what) => window.alerted.push(String(what));
    window.shown = [];
    window.Notification = class {
      constructor(title, options) { window.shown.push({ title, body: options.body }); }
      static get permission() { return window.permission || 'default'; }
      static requestPermission() { window.permission = 'granted'; return Promise.resolve('granted'); }
    };
    Object.defineProperty(document, 'hidden', { get: () => Boolean(window.hideTab) });
  });
  const reader = await context.newPage();
  reader.errors = [];
  reader.on('pageerror', (error) => reader.errors.push(error.message));
  reader.on('dialog', (dialog) => { reader.errors.push(`a dialog opened: ${dialog.message()}`); dialog.dismiss(); });
  await reader.goto(`${base}/`);
  await join(reader, 'Reader');
  const evil = await visitor();
  await join(evil, XSS_NAMES[0]);
  const evil2 = await visitor();
  await join(evil2, XSS_NAMES[1]);
  const region = reader.getByRole('region', { name: "Who's online" });
  for (const name of XSS_NAMES) await shows(region, name, 'a member name as text');

  // Messages, live.
  for (const payload of XSS_PAYLOADS) await say(evil, payload);
  for (const payload of XSS_PAYLOADS) await shows(log(reader), payload, 'a message as text');
  await shows(log(reader), XSS_NAMES[0], 'the author as text');
  // The typing line.
  await messageBox(evil2).pressSequentially('hm', { delay: 20 });
  await shows(reader.locator('p.typing'), `${XSS_NAMES[1]} is typing…`, 'a typist as text');
  // An invitation, then the private room's tab, then a notification from it.
  const invitation = await invite(evil, XSS_NAMES[0], reader, 'Reader');
  await invitation.getByRole('button', { name: 'Accept' }).click();
  await reader.getByRole('tab', { name: XSS_NAMES[0], selected: true }).waitFor({ timeout: 6000 });
  await reader.getByRole('button', { name: 'Notify me of new messages' }).click();
  await reader.waitForFunction(() => window.permission === 'granted');
  await reader.evaluate(() => { window.hideTab = true; document.dispatchEvent(new Event('visibilitychange')); });
  await evil.getByRole('tab', { name: 'Reader', selected: true }).waitFor({ timeout: 6000 });
  await say(evil, XSS_PAYLOADS[1]);
  await reader.waitForFunction(() => window.shown.length === 1, null, { timeout: 6000 });
  equal(await reader.evaluate(() => window.shown), [{ title: XSS_NAMES[0], body: XSS_PAYLOADS[1] }], 'the notification, as text');
  equal(/^\(1\) /.test(await reader.title()), true, 'the title counts; it takes no text of theirs');
  await reader.evaluate(() => { window.hideTab = false; document.dispatchEvent(new Event('visibilitychange')); });

  // History: the reader reloads and reads it all again.
  await reader.reload();
  await online(reader);
  await reader.getByRole('tab', { name: 'Lobby' }).click().catch(() => {});
  for (const payload of XSS_PAYLOADS) await shows(log(reader), payload, 'a message from the history as text');

  const injected = await reader.evaluate(() => {
    const root = document.getElementById('rusher-chat').shadowRoot;
    const texts = [...root.querySelectorAll('.log li .text *')];
    return {
      // In message texts, only links the widget makes: http(s), nothing else on them.
      strangers: texts.filter((el) => el.tagName !== 'A').map((el) => el.tagName),
      badLinks: texts.filter((el) => el.tagName === 'A')
        .filter((a) => !/^https?:\/\//.test(a.getAttribute('href')) || [...a.attributes].some((at) => !['href', 'rel', 'target'].includes(at.name)))
        .map((a) => a.outerHTML),
      // Anywhere in the widget: only its own composer form.
      anywhere: [...root.querySelectorAll('script, iframe, object, embed, svg:not([aria-hidden="true"]), img, base, meta, form, video, audio, details, marquee, math, template, noscript')].map((el) => el.tagName),
      handlers: [document, root].map((r) => r.querySelectorAll('[onerror], [onload], [onfocus], [ontoggle], [onstart], [onmouseover]').length),
    };
  });
  equal(injected, { strangers: [], badLinks: [], anywhere: ['FORM'], handlers: [0, 0] }, 'nothing injected');
  equal(await reader.evaluate(() => window.alerted), [], 'no alert ran');
  equal([...reader.errors, ...evil.errors, ...evil2.errors], [], 'no script ran, no dialog opened');
});

test('http(s) links become safe links', async () => {
  const page = await visitor();
  await join(page, 'Lin');
  const url = `https://example.com/docs/${Date.now()}`;
  await say(page, `see ${url}.`);
  const link = log(page).getByRole('link', { name: url });
  await link.waitFor({ timeout: 6000 });
  equal([await link.getAttribute('href'), await link.getAttribute('rel')], [url, 'noopener noreferrer'], 'link');
});

test('when a visitor leaves, the others see the count drop', async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const bob = await visitor();
  await join(bob, 'Bob');
  await shows(heading(ada), "Who's online (2)", 'together');
  await bob.context().close();
  await shows(heading(ada), "Who's online (1)", 'after Bob left');
});

test('the server restarts mid-chat: Reconnecting…, then Online; a message sent meanwhile arrives once', async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const bob = await visitor();
  await join(bob, 'Bob');
  await ada.evaluate(() => fetch('/_faults/restart-websocket?down_ms=2500', { method: 'POST' }));
  await shows(ada.getByRole('status'), 'Reconnecting…', 'status while down');
  await shot(ada, 'reconnecting');
  const text = `while down ${Date.now()}`;
  await say(ada, text);
  await online(ada, 30000);
  await online(bob, 30000);
  await shows(log(bob), text, 'delivered after the restart');
  await sleep(500);
  const copies = await log(bob).locator('li', { hasText: text }).count();
  equal(copies, 1, 'delivered exactly once');
});

test("the demo page's strict Content-Security-Policy (no inline styles or scripts) runs the widget, styled, without a violation", async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  contexts.push(context);
  await context.addInitScript(() => {
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  page.on('console', (message) => { if (/Content Security Policy/.test(message.text())) page.errors.push(message.text()); });
  equal((await fetch(`${base}/`)).headers.get('content-security-policy'), "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'", 'the policy');
  await page.goto(`${base}/`);
  await join(page, 'Strict');
  const other = await visitor();
  await join(other, 'Open');
  await shows(heading(page), "Who's online (2)", 'presence over the WebSocket');
  await say(other, 'hello strict page');
  await shows(log(page), 'hello strict page', 'live messages');
  await say(page, 'and back');
  await shows(log(other), 'and back', 'sent from the strict page');
  const position = await page.evaluate(() => getComputedStyle(document.getElementById('rusher-chat').shadowRoot.querySelector('.rusher-chat')).position);
  equal(position, 'fixed', 'the widget is styled (its stylesheet applies)');
  equal(await page.evaluate(() => window.violations), [], 'no CSP violation');
  equal(page.errors, [], 'no error, no CSP message');
});

test('themes: the widget follows the system in light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const page = await visitor({ colorScheme });
    await join(page, colorScheme === 'light' ? 'Lumi' : 'Noct');
    await say(page, `The ${colorScheme} theme, with a link: https://example.com`);
    await shows(log(page).locator('li.mine:not(.pending)'), `${colorScheme} theme`, 'sent');
    const theme = await page.evaluate(() => document.getElementById('rusher-chat').shadowRoot
      .querySelector('.rusher-chat').dataset.theme);
    equal(theme, colorScheme, 'data-theme');
    await shot(page, `theme-${colorScheme}`);
  }
});

test('the drop-in embed: mountChat in a plain page, its handle and its events', async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const page = await embedVisitor('Embe');
  await online(page);
  await shows(page.locator('#online'), 'online in the lobby', 'on("online")');
  await page.evaluate(() => window.rusherChat.close());
  const title = await page.title();
  await say(ada, 'to the embed');
  await page.waitForFunction((before) => document.title !== before && document.title.startsWith('(1)'), title, { timeout: 6000 });
  await shows(page.locator('#unread'), '1 unread', 'on("unread")');
  await page.evaluate(() => window.rusherChat.toggle());
  await shows(log(page), 'to the embed', 'the message in the embed');
  await shot(page, 'embed');
  await page.evaluate(() => window.rusherChat.destroy());
  equal(await page.locator('#rusher-chat').count(), 0, 'destroy removes the widget');
  // A handle used after destroy must not take the page's WebAssembly down.
  await page.evaluate(() => { window.rusherChat.destroy(); window.rusherChat.open(); window.rusherChat.toggle(); });
  const thrown = await page.evaluate(() => { try { window.rusherChat.on('nonsense', () => {}); return null; } catch (e) { return e.message; } });
  assert(thrown && thrown.includes('on() takes'), `on() with an unknown event: ${thrown}`);
});

test('a widget destroyed while its history is on the way: the answer that comes after traps nothing', async () => {
  const page = await openVisitor(browser, contexts, `${base}/www/chat.html`);
  await page.waitForFunction(() => window.rusherChat !== undefined);
  // The page's fetch holds the history requests until the widget is gone.
  await page.evaluate(() => {
    const real = window.fetch.bind(window);
    window.heldHistory = [];
    window.fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!url.includes('/chat/history')) return real(input, init);
      return new Promise((resolve) => window.heldHistory.push(() => resolve(real(input, init))));
    };
  });
  await page.evaluate(() => window.rusherChat.open());
  await page.getByLabel('Your name').fill('Gone');
  await page.getByRole('button', { name: 'Join' }).click();
  await page.waitForFunction(() => window.heldHistory.length > 0);
  const released = await page.evaluate(() => {
    window.rusherChat.destroy();
    const held = window.heldHistory.splice(0);
    held.forEach((release) => release());
    return held.length;
  });
  assert(released > 0, 'history answered after destroy');
  // Time for the answers to reach the widget's tasks; a trap there would take the module down.
  await sleep(1000);
  equal(page.errors, [], 'no page error');
  await page.evaluate(async () => {
    const { mountChat } = await import('/www/chat/rusher-chat.js');
    window.rusherChat = mountChat({ open: true });
  });
  // The module still works: mounted again, the signed-in visitor is back in the room.
  await online(page);
});

/** Every URL `page`'s document has requested, as the Resource Timing API lists them (every
 * engine has it; WebDriver has no network events). */
const requested = (page) => page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));

/** Whether `urls` include the WebAssembly widget (its glue or its module). */
const widgetIn = (urls) => urls.some((url) => /rusher-chat-wasm/.test(url));

test('the launcher alone on a page view: no widget loaded, the summary shown, the widget on the first open', async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const page = await embedVisitor('Lena');
  await online(page);
  await say(ada, 'seen by Lena');
  await shows(log(page), 'seen by Lena', 'Lena sees it');
  await page.evaluate(() => window.rusherChat.close());
  // Lena comes back later: two messages came in between.
  await say(ada, 'missed one');
  await say(ada, 'missed two');
  await shows(log(ada), 'missed two', 'sent');
  await page.reload();
  await page.waitForFunction(() => window.rusherChat !== undefined);
  const launcher = page.getByRole('button', { name: 'Open chat' });
  await shows(page.locator('#unread'), '2 unread', 'on("unread") before the widget loads');
  await shows(page.locator('#online'), 'online in the lobby', 'on("online") before the widget loads');
  equal(await launcher.locator('.badge').textContent(), '2', 'the unread badge');
  assert(Number(await launcher.locator('.online-count').textContent()) >= 1, 'the online count');
  assert((await page.title()).startsWith('(2) '), `the title counts them: ${await page.title()}`);
  await sleep(500);
  const before = await requested(page);
  assert(!widgetIn(before), `the widget is not loaded before the visitor opens it: ${before.filter((u) => u.includes('/chat/')).join(', ')}`);
  const widths = await page.evaluate(() => {
    const button = document.getElementById('rusher-chat').shadowRoot.querySelector('button.launcher');
    const box = button.getBoundingClientRect();
    return [box.width, box.height, innerWidth - box.right, innerHeight - box.bottom];
  });
  equal(widths, [56, 56, 20, 20], 'the launcher is where the widget puts it');
  await shot(page, 'launcher');
  await launcher.click();
  await shows(log(page), 'missed two', 'the widget opens on the first click', 10000);
  assert(widgetIn(await requested(page)), 'the widget loaded on the click');
  await page.locator('button.launcher[aria-expanded="true"]').waitFor({ timeout: 6000 });
  equal(await page.locator('button.launcher').count(), 1, 'one launcher: the widget took over');
  equal(await page.locator('.badge').count(), 0, 'read now');
  assert(!(await page.title()).startsWith('('), `the title again: ${await page.title()}`);
  equal(page.errors, [], 'no page errors');
});

test('a message read in the open panel counts as seen on the next page, though it is written to storage only when the reader stops watching', async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const page = await embedVisitor('Rene');
  await online(page);
  // The marks as the next page finds them, before its launcher or widget runs.
  const marks = () => Object.fromEntries(Object.keys(localStorage)
    .filter((key) => key.startsWith('rusher-chat-seen:')).map((key) => [key, Number(localStorage.getItem(key))]));
  await page.addInitScript(`window.marksAtLoad = (${marks})()`);
  await say(ada, 'read as it came');
  await shows(log(page), 'read as it came', 'Rene reads it in the open panel');
  // Not written yet: the reader still watches (a write per message cost a tenth of a render).
  const before = await page.evaluate(marks);
  await page.reload();
  await page.waitForFunction(() => window.marksAtLoad !== undefined);
  const after = await page.evaluate(() => window.marksAtLoad);
  const rooms = Object.keys(after);
  equal(rooms.length, 1, `one room seen: ${JSON.stringify(after)}`);
  assert(after[rooms[0]] > (before[rooms[0]] ?? 0), `written as the reader left, the mark moved on with the message read: ${JSON.stringify({ before, after })}`);
});

test('the launcher: preload loads the widget when the page is idle; a handle used before it loads', async () => {
  const page = await openVisitor(browser, contexts, `${base}/www/chat.html`);
  // A first-time visitor: no summary to ask for, no widget until asked.
  await page.waitForFunction(() => window.rusherChat !== undefined);
  await sleep(500);
  const first = await requested(page);
  assert(!widgetIn(first), 'not loaded without preload');
  equal(first.filter((url) => url.includes('/chat/summary')).length, 0, 'no summary for a first-time visitor');
  // The handle before the widget loaded: a wrong option throws at once; open() loads and opens.
  const thrown = await page.evaluate(async () => {
    const { mountChat } = await import('/www/chat/rusher-chat.js');
    try { mountChat({ wsPort: '6001' }); return null; } catch (e) { return e.message; }
  });
  assert(thrown && thrown.includes('wsPort'), `a wrong type throws: ${thrown}`);
  // The widget's own reading of its options (the module the launcher loads) names a wrong value,
  // a float among them.
  const refused = await page.evaluate(async () => {
    const wasm = await import('/www/chat/rusher-chat-wasm.js');
    await wasm.default();
    const root = document.createElement('div').attachShadow({ mode: 'open' });
    try { wasm.mountChat({ wsPort: 1.5 }, root); return null; } catch (e) { return e.message; }
  });
  equal(refused, 'mountChat: invalid type: floating point `1.5`, expected u16', 'a float where a port goes');
  // What on('open') was called with, kept in the page (a WebDriver session runs one script at a
  // time, so a script cannot wait for it while others run).
  await page.evaluate(() => window.rusherChat.on('open', (value) => { window.openedWith = value; }));
  await page.evaluate(() => window.rusherChat.open());
  await page.waitForFunction(() => window.openedWith !== undefined);
  equal(await page.evaluate(() => window.openedWith), true, 'on("open") registered before the load');
  await page.getByLabel('Your name').waitFor({ timeout: 10000 });
  // preload: the widget loads without a click once the page is idle, closed.
  const preloaded = await openVisitor(browser, contexts, `${base}/www/embed.html`);
  await preloaded.evaluate(async () => {
    const { mountChat } = await import('/www/chat/rusher-chat.js');
    window.preloaded = mountChat({ preload: true, open: false });
  });
  // The widget renders into a root of its own in the shadow root (the launcher's is gone).
  await preloaded.waitForFunction(() => [...(document.getElementById('rusher-chat')?.shadowRoot.children ?? [])]
    .some((child) => child.firstElementChild?.matches('div.rusher-chat')), null, { timeout: 10000 });
  assert(widgetIn(await requested(preloaded)), 'preloaded');
  equal(await preloaded.getByLabel('Your name').count(), 0, 'still closed');
  await preloaded.evaluate(() => window.preloaded.destroy());
  equal(await preloaded.locator('#rusher-chat').count(), 0, 'destroyed');
  // In German before the widget loads, as the widget's launcher says it.
  await preloaded.evaluate(async () => {
    const { mountChat } = await import('/www/chat/rusher-chat.js');
    window.german = mountChat({ language: 'de' });
  });
  await preloaded.getByRole('button', { name: 'Chat öffnen' }).waitFor({ timeout: 3000 });
  assert(!(await requested(preloaded)).some((url) => url.includes('/chat/summary')), 'no summary for a first-time visitor');
  await preloaded.evaluate(() => window.german.destroy());
  equal([...page.errors, ...preloaded.errors], [], 'no page errors');
});

test('the panel closed at once when a message arrives (before the log scrolls to it): no panic', async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const page = await embedVisitor('Rae');
  await online(page);
  // The log scrolls to a new message at the next animation frame; the panel closes before it.
  await page.evaluate(() => {
    window.rusherChat.on('message', () => queueMicrotask(() => {
      window.rusherChat.close();
      setTimeout(() => window.rusherChat.open(), 50);
    }));
  });
  for (let i = 0; i < 6; i += 1) {
    await say(ada, `closing ${i}`);
    await sleep(250);
  }
  await shows(log(page), 'closing 5', 'still working');
  equal(page.errors, [], 'no page errors');
});

test('an invitation is sent and accepted; a private message reaches only the invitee', async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const bob = await visitor();
  await join(bob, 'Bob');
  const cleo = await visitor();
  await join(cleo, 'Cleo');
  await shows(heading(ada), "Who's online (3)", 'three online');
  await sleep(300); // Bob's sign-in (for server-to-user events) follows his connection.
  await ada.getByRole('button', { name: 'Invite to private chat: Bob' }).click();
  await shows(ada.locator('p.notice'), 'Invitation sent to Bob', 'notice');
  const invitation = bob.getByRole('alert').filter({ hasText: 'Ada invites you to a private chat' });
  await invitation.waitFor({ timeout: 6000 });
  await shot(bob, 'invitation');
  await invitation.getByRole('button', { name: 'Accept' }).click();
  await bob.getByRole('tab', { name: 'Ada', selected: true }).waitFor({ timeout: 6000 });
  await ada.getByRole('tab', { name: 'Bob', selected: true }).waitFor({ timeout: 6000 });
  const secret = `only for Bob ${Date.now()}`;
  await say(ada, secret);
  await shows(log(bob), secret, 'the invitee receives it');
  await shot(ada, 'private-room');
  await bob.getByRole('tab', { name: 'Lobby' }).click();
  equal(await log(bob).filter({ hasText: secret }).count(), 0, 'not in the lobby');
  await sleep(300);
  equal(await log(cleo).filter({ hasText: secret }).count(), 0, 'a third visitor does not see it');
  const ids = await Promise.all([ada, bob].map((page) => page.evaluate(async () => (await (await fetch('/chat/session')).json()).id)));
  const room = `presence-dm-${ids.sort().join('-')}`;
  const status = await cleo.evaluate(async (channel) => (await fetch('/pusher/auth', {
    method: 'POST', body: new URLSearchParams({ socket_id: '1.1', channel_name: channel }),
  })).status, room);
  equal(status, 403, 'a third visitor cannot subscribe to the private room');
  // The room's history is all here (its first page came back short): scrolled to its top, the
  // room asks the backend for no more, however often the reader goes there.
  await ada.evaluate(async (channel) => {
    for (let i = 1; i <= 30; i += 1) {
      const body = JSON.stringify({ channel, text: `private ${i}`, client_id: `private-${i}` });
      await fetch('/chat/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    }
  }, room);
  await bob.getByRole('tab', { name: 'Ada' }).click();
  await shows(log(bob), 'private 30', 'the room filled');
  let asked = 0;
  await bob.route('**/chat/history**', (route) => { asked += 1; return route.continue(); });
  for (let visit = 0; visit < 3; visit += 1) {
    await log(bob).evaluate((el) => { el.scrollTop = el.scrollHeight; });
    await sleep(100);
    await log(bob).evaluate((el) => { el.scrollTop = 0; });
    await sleep(200);
  }
  equal(await log(bob).evaluate((el) => el.scrollHeight > el.clientHeight), true, 'the room scrolls');
  equal(asked, 0, 'no history asked of a room whose oldest message is here');
  // The route hears a history request (else the count above would prove nothing).
  await bob.evaluate((channel) => fetch(`/chat/history?channel=${channel}`), room);
  equal(asked, 1, 'the route hears a history request');
  await bob.unroute('**/chat/history**');
});

test("a message sent before the invitee's subscription is confirmed still reaches him", async () => {
  // On a cluster a publish can overtake a subscription on another node; here the auth endpoint
  // holds both visitors' subscriptions of the new room for 2 s while Ada writes. Had the
  // widget read the room's history on opening it, the message would be in neither the history
  // (read before it) nor the live stream (not subscribed yet).
  const ada = await visitor();
  await join(ada, 'Ada');
  const ben = await visitor();
  await join(ben, 'Ben');
  await shows(heading(ada), "Who's online (2)", 'both online');
  const invitation = await invite(ada, 'Ada', ben, 'Ben');
  const setAuthDelay = (ms) => ben.evaluate((ms) => fetch(`/_faults/auth?delay_ms=${ms}`, { method: 'POST' }), ms);
  await setAuthDelay(2000);
  try {
    await invitation.getByRole('button', { name: 'Accept' }).click();
    await ada.getByRole('tab', { name: 'Ben', selected: true }).waitFor({ timeout: 6000 });
    const early = `before the subscription ${Date.now()}`;
    await say(ada, early);
    await shows(log(ada).locator('li.mine:not(.pending)'), early, 'stored by the backend');
    await shows(log(ben), early, 'read from the history once his subscription is confirmed');
  } finally {
    await setAuthDelay(0);
  }
});

test('the app secret and the master key reach no browser: not in any built file, not in any answer', async () => {
  const masterKey = Buffer.from(env('RUSHER_MASTER_KEY'), 'base64');
  const needles = [
    ['the app secret', Buffer.from(env('RUSHER_APP_SECRET'))],
    ['the master key (base64)', Buffer.from(env('RUSHER_MASTER_KEY'))],
    ['the master key (hex)', Buffer.from(masterKey.toString('hex'))],
    ['the master key (bytes)', masterKey],
  ];
  const leaks = (what, bytes) => needles.filter(([, needle]) => bytes.includes(needle)).map(([name]) => `${name} in ${what}`);
  // Every file under www/ (the demo, both packages) and both tarballs, unpacked.
  const found = [];
  const www = fileURLToPath(new URL('../../www/', import.meta.url));
  const files = readdirSync(www, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  for (const file of files) found.push(...leaks(file.name, readFileSync(joinPath(file.parentPath, file.name))));
  const packages = fileURLToPath(new URL('../../target/package/', import.meta.url));
  const tarballs = readdirSync(packages).filter((name) => name.endsWith('.tgz'));
  for (const tarball of tarballs) found.push(...leaks(tarball, gunzipSync(readFileSync(joinPath(packages, tarball)))));
  equal(files.length > 10 && tarballs.length >= 2, true, `searched ${files.length} files and ${tarballs.length} tarballs`);
  // Every answer two visitors' browsers get while they join, chat, and open a private room.
  const answers = [];
  const record = (page) => page.on('response', async (response) => {
    answers.push(response.body().then((body) => leaks(response.url(), body)).catch(() => []));
  });
  const ada = await visitor();
  record(ada);
  const ben = await visitor();
  record(ben);
  await join(ada, 'Ada');
  await join(ben, 'Ben');
  await shows(heading(ada), "Who's online (2)", 'both online');
  await accept(await invite(ada, 'Ada', ben, 'Ben'), ada, 'Ben');
  await say(ada, 'between us');
  await shows(log(ben), 'between us', 'the private room works');
  for (const leak of await Promise.all(answers)) found.push(...leak);
  equal(answers.length > 10, true, `read ${answers.length} answers`);
  equal(found, [], 'no secret anywhere a browser reads');
});

test('messages written offline wait in the outbox, survive a reload, and go out once, in order', async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const bob = await visitor();
  await join(bob, 'Bob');
  const stamp = Date.now();
  // The backend cannot be reached: the message waits.
  await ada.context().route('**/chat/messages', (route) => route.abort('internetdisconnected'));
  await say(ada, `first ${stamp}`);
  await shows(log(ada).locator('li.pending'), `first ${stamp}`, 'waiting');
  await ada.context().unroute('**/chat/messages');
  // A reload keeps it (sessionStorage) and sends it once connected.
  await ada.reload();
  await online(ada);
  await shows(log(bob), `first ${stamp}`, 'after the reload');
  // The browser goes offline: the status says so, and messages wait until it is back.
  await ada.context().setOffline(true);
  await shows(ada.getByRole('status'), 'Offline', 'status offline');
  await say(ada, `second ${stamp}`);
  await say(ada, `third ${stamp}`);
  await shows(log(ada).locator('li.pending'), `third ${stamp}`, 'waiting offline');
  await ada.context().setOffline(false);
  await online(ada, 30000);
  await shows(log(bob), `third ${stamp}`, 'after going online');
  await sleep(500);
  const texts = (await log(bob).locator('li .text').allTextContents()).filter((t) => t.endsWith(String(stamp)));
  equal(texts, [`first ${stamp}`, `second ${stamp}`, `third ${stamp}`], 'once each, in order');
});

test('a hidden tab gets the unread count in its title and, when asked for, desktop notifications', async () => {
  const bob = await visitor();
  await join(bob, 'Bob');
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  contexts.push(context);
  // Record notifications instead of showing them, and let the test hide the tab.
  await context.addInitScript(() => {
    window.shown = [];
    window.Notification = class {
      constructor(title, options) { window.shown.push({ title, body: options.body }); }
      static get permission() { return window.permission || 'default'; }
      static requestPermission() { window.permission = 'granted'; return Promise.resolve('granted'); }
    };
    Object.defineProperty(document, 'hidden', { get: () => Boolean(window.hideTab) });
  });
  const ada = await context.newPage();
  await ada.goto(`${base}/`);
  await join(ada, 'Ada');
  const bell = ada.getByRole('button', { name: 'Notify me of new messages' });
  equal(await ada.evaluate(() => window.permission || 'default'), 'default', 'no permission asked before the click');
  await bell.click();
  await ada.waitForFunction(() => window.permission === 'granted');
  await ada.locator('button.bell[aria-pressed="true"]').waitFor({ timeout: 3000 });
  const title = await ada.title();
  await ada.evaluate(() => { window.hideTab = true; document.dispatchEvent(new Event('visibilitychange')); });
  await say(bob, 'are you there?');
  await ada.waitForFunction(() => window.shown.length === 1, null, { timeout: 6000 });
  equal(await ada.evaluate(() => window.shown), [{ title: 'Bob', body: 'are you there?' }], 'notification');
  equal(await ada.title(), `(1) ${title}`, 'title while hidden');
  await ada.evaluate(() => { window.hideTab = false; document.dispatchEvent(new Event('visibilitychange')); });
  await ada.waitForFunction((t) => document.title === t, title, { timeout: 3000 });
});

test('send: "client-event" chats over client events, in German, with the remaining length near the limit', async () => {
  const pages = [];
  for (const name of ['Dora', 'Emil']) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${base}/www/chat.html?send=client-event&language=de&channel=presence-events`);
    await page.getByRole('button', { name: 'Chat öffnen' }).click();
    await page.getByLabel('Dein Name').fill(name);
    await page.getByRole('button', { name: 'Beitreten' }).click();
    await page.getByRole('status').filter({ hasText: 'Online' }).waitFor({ timeout: 8000 });
    pages.push(page);
  }
  const [dora, emil] = pages;
  await shows(dora.getByRole('heading', { name: /Wer ist online/ }), 'Wer ist online (2)', 'German heading');
  const box = dora.getByRole('textbox', { name: 'Nachricht', exact: true });
  await box.fill('Hallo über Client-Events');
  await box.press('Enter');
  await shows(emil.getByRole('log', { name: 'Nachrichten' }), 'Hallo über Client-Events', 'client event message');
  const history = await dora.evaluate(async () => (await (await fetch('/chat/history?channel=presence-events')).json()).messages.length);
  equal(history, 0, 'client events are not stored');
  await box.fill('x'.repeat(1950));
  await shows(dora.locator('.remaining'), '50 Zeichen übrig', 'remaining length');
  await shot(dora, 'german');
});

test('the last 50 messages load on join; older ones when the reader scrolls to the top', async () => {
  const writer = await visitor();
  await join(writer, 'Wren');
  const channel = `presence-long-${Date.now()}`;
  await writer.evaluate(async (room) => {
    for (let i = 1; i <= 60; i += 1) {
      const body = JSON.stringify({ channel: room, text: `line ${i}`, client_id: `long-${i}` });
      await fetch('/chat/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    }
  }, channel);
  const reader = await embedVisitor('Reed', `?channel=${channel}`);
  await shows(log(reader), 'line 60', 'the latest');
  const items = log(reader).locator('li');
  await reader.waitForFunction(() => document.getElementById('rusher-chat').shadowRoot.querySelectorAll('.log li').length === 50);
  equal(await items.first().locator('.text').textContent(), 'line 11', 'the oldest of the first page');
  await log(reader).evaluate((el) => { el.scrollTop = 0; });
  await reader.waitForFunction(() => document.getElementById('rusher-chat').shadowRoot.querySelectorAll('.log li').length === 60, null, { timeout: 6000 });
  equal(await items.first().locator('.text').textContent(), 'line 1', 'after scrolling up');
});

test('a long room: the log draws the newest 100, all of them as the reader scrolls up, and holds what it draws while they read', async () => {
  const writer = await visitor();
  await join(writer, 'Wren');
  const channel = `presence-scroll-${Date.now()}`;
  const post = (texts) => writer.evaluate(async ([room, texts]) => {
    for (const text of texts) {
      for (;;) {
        const body = JSON.stringify({ channel: room, text, client_id: text.replace(' ', '-') });
        const answer = await fetch('/chat/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        if (answer.status !== 429) break;
        await new Promise((resolve) => { setTimeout(resolve, 1000); });
      }
    }
  }, [channel, texts]);
  await post(Array.from({ length: 150 }, (_, i) => `row ${i + 1}`));
  const reader = await embedVisitor('Reed', `?channel=${channel}`);
  await shows(log(reader), 'row 150', 'the latest');
  const drawn = () => log(reader).locator('li .text').allTextContents();
  // The engine's default wait: on a busy machine WebKit took over 6 s to draw once.
  const drawnCount = (n) => reader.waitForFunction((n) => document.getElementById('rusher-chat').shadowRoot
    .querySelectorAll('.log li').length === n, n);
  const scroll = (to) => log(reader).evaluate((el, to) => {
    el.scrollTop = to === 'top' ? 0 : to === 'bottom' ? el.scrollHeight : el.scrollHeight / 2;
  }, to);
  await drawnCount(50);
  // At the top: older history, twice, with the reader's place kept (not thrown to the oldest).
  await scroll('top');
  await drawnCount(100);
  await reader.waitForFunction(() => document.getElementById('rusher-chat').shadowRoot.querySelector('.log').scrollTop > 0);
  await scroll('top');
  await drawnCount(150);
  equal((await drawn())[0], 'row 1', 'all 150 drawn after scrolling up');
  // Back at the bottom, the newest 100 only.
  await scroll('bottom');
  await drawnCount(100);
  equal((await drawn())[0], 'row 51', 'the newest 100 at the bottom');
  // Reading above the bottom: a new message adds below, none drawn goes.
  await scroll('middle');
  await sleep(200);
  await post(['row 151']);
  await reader.getByRole('button', { name: 'New messages', exact: true }).waitFor({ timeout: 6000 });
  await drawnCount(101);
  equal((await drawn())[0], 'row 51', 'what the reader reads stays');
  // At the top again: the older ones kept are drawn from memory, without asking the backend.
  let asked = 0;
  await reader.route('**/chat/history**', (route) => { asked += 1; return route.continue(); });
  await scroll('top');
  await drawnCount(151);
  equal((await drawn())[0], 'row 1', 'the older ones kept');
  equal(asked, 0, 'drawn from memory');
  await reader.evaluate((room) => fetch(`/chat/history?channel=${room}`), channel);
  equal(asked, 1, 'the route hears a history request');
  await reader.unroute('**/chat/history**');
});

test('after an outage in a busy room, every message written meanwhile shows (more than a page of history)', async () => {
  const channel = `presence-busy-${Date.now()}`;
  const reader = await embedVisitor('Reed', `?channel=${channel}`);
  await online(reader);
  const writers = [];
  for (const name of ['Wren', 'Wade', 'Wynn']) {
    const writer = await embedVisitor(name, `?channel=${channel}`);
    await online(writer);
    writers.push(writer);
  }
  await say(writers[0], 'before the outage');
  await shows(log(reader), 'before the outage', 'what the reader had');
  await reader.context().setOffline(true);
  await shows(reader.getByRole('status'), 'Offline', 'the reader is offline');
  // 120 messages (more than two pages of 50) while the reader is away, 40 from each writer.
  await Promise.all(writers.map((writer, w) => writer.evaluate(async ([room, w]) => {
    for (let i = 1; i <= 40; i += 1) {
      const n = w * 40 + i;
      const body = JSON.stringify({ channel: room, text: `gap ${n}`, client_id: `gap-${n}` });
      const answer = await fetch('/chat/messages', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (!answer.ok) throw new Error(`message ${n}: ${answer.status}`);
    }
  }, [channel, w])));
  await reader.context().setOffline(false);
  await online(reader, 30000);
  await reader.waitForFunction(() => {
    const root = document.getElementById('rusher-chat').shadowRoot;
    // The log draws the newest 100; at its top it draws the older ones kept.
    root.querySelector('.log').scrollTop = 0;
    const texts = [...root.querySelectorAll('.log li .text')].map((t) => t.textContent);
    return texts.filter((t) => /^gap \d+$/.test(t)).length === 120;
  }, null, { timeout: 10000 }).catch(() => {});
  const texts = await log(reader).locator('li .text').allTextContents();
  const gap = texts.filter((t) => /^gap \d+$/.test(t));
  equal(gap.length, 120, 'all 120, none twice');
  equal(gap.includes('gap 1') && gap.includes('gap 120'), true, 'the oldest and the newest');
});

/** Flips one of rusher-server's fault switches (its own, or the backend's `auth`). */
async function fault(pathAndQuery, body = '') {
  const answer = await fetch(`${base}/_faults/${pathAndQuery}`, { method: 'POST', body });
  equal(answer.status, 204, `the switch ${pathAndQuery}`);
}

/** The texts in a visitor's message list that match `pattern`, in order. */
async function texts(page, pattern) {
  return (await log(page).locator('li .text').allTextContents()).filter((t) => pattern.test(t));
}

/** Two visitors of the embed page in a room of their own. */
async function pairInRoom(prefix, names) {
  const channel = `presence-${prefix}-${Date.now()}`;
  const pages = [];
  for (const name of names) {
    const page = await embedVisitor(name, `?channel=${channel}`);
    await online(page);
    pages.push(page);
  }
  for (const page of pages) await shows(heading(page), `Who's online (${names.length})`, 'everyone listed');
  return { channel, pages };
}

test('the auth endpoint failing (500, 403, a body that is not JSON, forged signatures): Reconnecting…, then back in the room with what was said meanwhile, and signed in again for invitations', async () => {
  const { pages: [ada, bob] } = await pairInRoom('auth-faults', ['Ada', 'Bob']);
  const faults = ['answer=forged', 'status=500', 'status=403', 'answer=garbage'];
  try {
    for (const auth of faults) {
      await fault(`auth?${auth}`);
      // The server drops every socket; each client subscribes again, and its auth fails.
      await fault('close-all?code=4200');
      await sleep(1500);
      await shows(bob.getByRole('status'), 'Reconnecting…', `the room refused (${auth})`);
      await say(ada, `said during ${auth}`);
      await fault('auth');
      await online(bob, 15000);
      await shows(log(bob), `said during ${auth}`, `what was said during ${auth}`, 10000);
    }
  } finally {
    await fault('auth');
  }
  await sleep(500);
  equal(await texts(bob, /^said during/), faults.map((f) => `said during ${f}`), 'each once, in order');
  // The sign-in failed with the rest and was tried again: an invitation reaches Bob.
  await accept(await invite(ada, 'Ada', bob, 'Bob'), ada, 'Bob');
  equal(bob.errors, [], 'no page error');
});

test('close codes: 4100, 4200, 4301 and 1001 come back in the room with nothing lost; 4009 is Offline for good', async () => {
  const { pages: [ada, bob] } = await pairInRoom('close-codes', ['Ada', 'Bob']);
  for (const code of [4100, 4200, 4301, 1001]) {
    await fault(`close-all?code=${code}`);
    await say(ada, `after ${code}`);
    await online(bob, 15000);
    await shows(log(bob), `after ${code}`, `the message after ${code}`, 10000);
  }
  await sleep(500);
  equal(await texts(bob, /^after \d+$/), ['after 4100', 'after 4200', 'after 4301', 'after 1001'], 'each once, in order');
  await fault('close-all?code=4009');
  await shows(bob.getByRole('status'), 'Offline', 'refused for good (4009)');
  await sleep(1500);
  await shows(bob.getByRole('status'), 'Offline', 'no retry after 4009');
  equal(bob.errors, [], 'no page error');
});

test('20 outages in a row (a crash loop): both back Online, listing each other, every message once and in order', async () => {
  const { pages: [ada, bob] } = await pairInRoom('crash-loop', ['Ada', 'Bob']);
  for (let i = 0; i < 20; i += 1) {
    await fault('restart-websocket?down_ms=300');
    if (i % 4 === 0) await say(ada, `loop ${i}`);
    await sleep(800);
  }
  // Each comes back within the backoff's ceiling (30 s): one may be online a while before the
  // other, and lists the other once it is back.
  for (const page of [ada, bob]) await online(page, 45000);
  for (const page of [ada, bob]) {
    await shows(heading(page), "Who's online (2)", 'both listed after the loop', 15000);
  }
  const expected = [0, 4, 8, 12, 16].map((i) => `loop ${i}`);
  await bob.waitForFunction((n) => [...document.getElementById('rusher-chat').shadowRoot.querySelectorAll('.log li .text')]
    .filter((t) => /^loop \d+$/.test(t.textContent)).length >= n, expected.length, { timeout: 15000 }).catch(() => {});
  equal(await texts(bob, /^loop \d+$/), expected, 'every message once, in order');
  equal(await texts(ada, /^loop \d+$/), expected, 'the writer sees each once too');
});

test('hostile events on the room (not JSON, wrong shapes, 10 KB of text, 5,000 levels deep) change nothing; the next message shows', async () => {
  const { channel, pages: [ada, bob] } = await pairInRoom('hostile', ['Ada', 'Bob']);
  const hostile = ['not json {', '{}', '{"id":"x","text":5}', '[1,2,3]', `${'['.repeat(5000)}${']'.repeat(5000)}`,
    JSON.stringify({ id: 1, channel, user: { id: 'u', name: 'Mallory' }, text: 'x'.repeat(10_000) })];
  for (const data of hostile) await sdk.trigger(channel, 'message', data);
  await say(ada, 'still here');
  await shows(log(bob), 'still here', 'the message after the hostile events');
  equal(await bob.getByRole('status').textContent(), 'Online', 'still online');
  equal(bob.errors, [], 'no page error');
});

test('a tab frozen in the background, its socket dropped meanwhile: woken, it reconnects and shows every message once, in order', async () => {
  const { pages: [ada, bob] } = await pairInRoom('frozen', ['Ada', 'Bob']);
  const tab = await frozenTab(bob);
  await tab.freeze();
  for (let i = 1; i <= 3; i += 1) await say(ada, `frozen ${i}`);
  // A server drops a socket that stopped answering its pings.
  await fault('drop-all');
  await online(ada, 15000);
  for (let i = 4; i <= 6; i += 1) await say(ada, `frozen ${i}`);
  await sleep(2000);
  await tab.wake();
  await online(bob, 15000);
  await shows(log(bob), 'frozen 6', 'the last message', 10000);
  await sleep(500);
  equal(await texts(bob, /^frozen \d$/), [1, 2, 3, 4, 5, 6].map((i) => `frozen ${i}`), 'every message once, in order');
  await shows(heading(bob), "Who's online (2)", 'both listed');
}, SOME_ENGINES.frozen);

test('a declined invitation tells the inviter; private rooms count their unread messages', async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const bob = await visitor();
  await join(bob, 'Bob');
  await shows(heading(ada), "Who's online (2)", 'together');
  await sleep(300);
  const invite = ada.getByRole('button', { name: 'Invite to private chat: Bob' });
  await invite.click();
  await bob.getByRole('alert').filter({ hasText: 'invites you' }).getByRole('button', { name: 'Decline' }).click();
  await shows(ada.locator('p.notice'), 'Bob declined your invitation', 'the inviter sees the answer');
  await invite.click();
  await bob.getByRole('alert').filter({ hasText: 'invites you' }).getByRole('button', { name: 'Accept' }).click();
  await ada.getByRole('tab', { name: 'Bob', selected: true }).waitFor({ timeout: 6000 });
  await bob.getByRole('tab', { name: 'Lobby' }).click();
  await say(ada, 'psst');
  await bob.getByRole('tab', { name: 'Ada (1)' }).waitFor({ timeout: 6000 });
  await bob.getByRole('tab', { name: 'Ada (1)' }).click();
  await bob.getByRole('tab', { name: 'Ada', exact: true, selected: true }).waitFor({ timeout: 3000 });
  await shows(log(bob), 'psst', 'the private message');
});

test('a user the host page already knows gets no join form', async () => {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${base}/www/chat.html`);
  await page.waitForFunction(() => window.rusherChat !== undefined);
  // The host page signed the visitor in itself (here through the same backend).
  const user = await page.evaluate(async () => (await fetch('/chat/session', {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Known' }),
  })).json());
  await page.evaluate(async (known) => {
    window.rusherChat.destroy();
    const { mountChat } = await import('/www/chat/rusher-chat.js');
    window.rusherChat = mountChat({ user: known, open: true });
  }, user);
  await online(page);
  equal(await page.getByLabel('Your name').count(), 0, 'no join form');
  await shows(page.getByRole('region', { name: "Who's online" }), 'Known (you)', 'the known user');
});

test('text meets WCAG AA contrast in both themes', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const ada = await visitor({ colorScheme });
    await join(ada, 'Ada');
    const bob = await visitor({ colorScheme });
    await join(bob, 'Bob');
    await say(bob, 'contrast check https://example.com');
    await say(ada, 'mine too');
    await shows(log(ada), 'contrast check', 'message');
    await shows(log(ada).locator('li.mine:not(.pending)'), 'mine too', 'own message');
    const failures = await ada.evaluate(() => {
      const root = document.getElementById('rusher-chat').shadowRoot;
      const rgb = (text) => (text.match(/[\d.]+/g) || []).map(Number);
      const luminance = ([r, g, b]) => {
        const [R, G, B] = [r, g, b].map((v) => { const c = v / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * R + 0.7152 * G + 0.0722 * B;
      };
      const background = (el) => {
        for (let node = el; node; node = node.parentElement || (node.getRootNode() && node.getRootNode().host)) {
          const color = rgb(getComputedStyle(node).backgroundColor);
          if (color.length >= 3 && (color.length === 3 || color[3] > 0.5)) return color;
          if (node === root.host) break;
        }
        return [255, 255, 255];
      };
      const selectors = ['.panel h2', '.status', '.message .sender', '.message .text', '.message time',
        '.message.mine .text', '.text a', '.online-list h3', '.online-list .name', '.composer button', '.launcher'];
      const out = [];
      for (const selector of selectors) {
        const el = root.querySelector(selector);
        if (!el) { out.push(`${selector}: missing`); continue; }
        const fg = luminance(rgb(getComputedStyle(el).color));
        const bg = luminance(background(el));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        if (ratio < 4.5) out.push(`${selector}: ${ratio.toFixed(2)}`);
      }
      return out;
    });
    equal(failures, [], `contrast below 4.5:1 in the ${colorScheme} theme`);
  }
});

test('Shift+Enter is a new line; a refused message offers Retry; a rate-limited one (429) goes out by itself; scrolling up shows "New messages"', async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const bob = await visitor();
  await join(bob, 'Bob');
  await messageBox(ada).fill('two');
  await messageBox(ada).press('Shift+Enter');
  await messageBox(ada).pressSequentially('lines');
  equal(await messageBox(ada).inputValue(), 'two\nlines', 'Shift+Enter');
  await messageBox(ada).press('Enter');
  await shows(log(bob), 'two\nlines', 'a two-line message');
  // The backend refuses (500): the message is marked and can be sent again.
  await ada.context().route('**/chat/messages', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"try later"}' }));
  await say(ada, 'refused once');
  const retry = log(ada).getByRole('button', { name: 'Retry' });
  await retry.waitFor({ timeout: 6000 });
  await ada.context().unroute('**/chat/messages');
  await retry.click();
  await shows(log(bob), 'refused once', 'sent on retry');
  equal(await log(ada).getByRole('button', { name: 'Retry' }).count(), 0, 'no Retry once sent');
  // Over the backend's rate limit (429): the message waits, pending, and goes out by itself.
  let limited = 0;
  await ada.context().route('**/chat/messages', (route) => {
    limited += 1;
    return route.fulfill({ status: 429, headers: { 'retry-after': '1' }, contentType: 'application/json', body: '{"error":"too many requests","kind":"rate-limited"}' });
  });
  await say(ada, 'slowed down');
  await shows(log(ada).locator('li.pending'), 'slowed down', 'pending while limited');
  // Retry-After says 1 s (not the 5 s the widget waits otherwise): asked again within 2.5 s.
  await sleep(2500);
  equal(limited >= 2, true, `asked again as Retry-After says (asked ${limited} times)`);
  await ada.context().unroute('**/chat/messages');
  await shows(log(bob), 'slowed down', 'sent once the limit allows', 12000);
  equal(await log(ada).getByRole('button', { name: 'Retry' }).count(), 0, 'never marked failed');
  // In a room of its own, short (all its history here: the log holds the reader's place at its
  // top), whatever the suite said before: Rae reads older messages; a new one does not pull her
  // down or move her place, but offers a button.
  const room = `?channel=presence-short-${Date.now()}`;
  const wes = await embedVisitor('Wes', room);
  const rae = await embedVisitor('Rae', room);
  await online(wes);
  await online(rae);
  for (let i = 0; i < 12; i += 1) await say(wes, `filler ${i}`);
  await shows(log(rae), 'filler 11', 'fillers');
  // Scrolled to the top, and the widget told of it: a scroll event comes before the frame's
  // animation callbacks, so by the second frame it has been handled, however slow the machine.
  // The widget follows a new line to the bottom in a frame of its own; on a loaded machine the
  // last filler's can come after the scroll up (WebKit, once), so the reader scrolls up again
  // until she stays there, as a person would.
  equal(await log(rae).evaluate(async (el) => {
    const twoFrames = () => new Promise((resolve) => { requestAnimationFrame(() => requestAnimationFrame(resolve)); });
    for (let tries = 0; tries < 5; tries += 1) {
      el.scrollTop = 0;
      await twoFrames();
      if (el.scrollTop === 0) return 0;
    }
    return el.scrollTop;
  }), 0, 'at the top');
  await say(wes, 'below the fold');
  const jump = rae.getByRole('button', { name: 'New messages', exact: true });
  await jump.waitFor({ timeout: 6000 });
  equal(await log(rae).evaluate((el) => el.scrollTop), 0, 'her place kept');
  await jump.click();
  await rae.waitForFunction(() => {
    const el = document.getElementById('rusher-chat').shadowRoot.querySelector('.log');
    return el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
  }, null, { timeout: 3000 });
  equal(await jump.count(), 0, 'the button goes away at the bottom');
});

test('the rusher-chat tarball installs into a scratch folder with its files and types', async () => {
  await withInstalledTarball('rusher-chat-', async (dir) => {
    const installed = joinPath(dir, 'node_modules', 'rusher-chat');
    const manifest = JSON.parse(readFileSync(joinPath(installed, 'package.json'), 'utf8'));
    equal([manifest.name, manifest.types, manifest.exports['.'].default], ['rusher-chat', 'rusher-chat.d.ts', './rusher-chat.js'], 'manifest');
    for (const file of ['rusher-chat.js', 'rusher-chat.d.ts', 'rusher-chat-style.js', 'rusher-chat-wasm.js', 'rusher-chat-wasm_bg.wasm', 'README.md']) {
      assert(readdirSync(installed).includes(file), `${file} is in the package`);
    }
    const types = readFileSync(joinPath(installed, 'rusher-chat.d.ts'), 'utf8');
    for (const name of ['export function mountChat', 'interface ChatOptions', 'preload?: boolean', 'export class ChatHandle']) {
      assert(types.includes(name), `the types have ${name}`);
    }
  });
}, SOME_ENGINES.node);

test("a host page's custom properties theme the widget", async () => {
  // An inline style tag: on an example page (the demo page's policy allows styles from files only).
  const page = await openVisitor(browser, contexts, `${base}/www/chat.html`);
  await page.addStyleTag({ content: '#rusher-chat { --rusher-accent: rgb(0, 100, 0); }' });
  const background = await page.locator('button.launcher').evaluate((el) => getComputedStyle(el).backgroundColor);
  equal(background, 'rgb(0, 100, 0)', 'the accent color');
});

test('a full room: the visitor it refuses reads and writes anyway; everyone counts it by subscription count', async () => {
  // cargo xtask test starts this suite's server with --member-limit 5.
  const room = `presence-crowd-${Date.now()}`;
  const pages = [];
  for (let i = 1; i <= 6; i += 1) {
    const page = await embedVisitor(`Guest ${i}`, `?channel=${room}`);
    await online(page);
    pages.push(page);
  }
  const [first, , , , , last] = pages;
  // Once the room is full, everyone counts it by the twin's subscription count: all six.
  for (const page of [first, last]) {
    await shows(page.getByRole('heading', { name: /Who's online/ }), "Who's online (6)", 'the whole room');
  }
  equal(await first.getByRole('region', { name: "Who's online" }).getByRole('listitem').count(), 5, 'five listed');
  await shows(last.locator('p.full'), 'too big to list', 'the sixth is told');
  await say(first, 'to everyone');
  await shows(log(last), 'to everyone', 'read through the twin');
  await say(last, 'from the overflow');
  await shows(log(first), 'from the overflow', 'written to the room');
});

/** Serves `www/` (the embed example and the built rusher-chat package) on 127.0.0.1:`pagePort`:
 * a site of its own, like a shop page that embeds a chat whose backend is elsewhere. */
function servePages(pagePort) {
  const www = fileURLToPath(new URL('../../www/', import.meta.url));
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = readFileSync(joinPath(www, path));
      response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  return new Promise((resolve) => server.listen(pagePort, '127.0.0.1', () => resolve(server)));
}

test('a backend on another origin: from another site and from the same site on another port; an origin it does not allow cannot join', async () => {
  // The server allows exactly http://localhost:PORT and http://127.0.0.1:PAGE_PORT.
  const pagePort = Number(env('RUSHER_PAGE_PORT'));
  const pages = await servePages(pagePort);
  try {
    const query = `?channel=presence-elsewhere&backend=${encodeURIComponent(base)}`;
    // Another site (localhost is not 127.0.0.1): the SameSite=Lax cookie stays behind, the
    // session token goes as a header, to the chat endpoints and to the auth endpoints.
    const cora = await embedVisitor('Cora', query, `http://localhost:${port}/www/chat.html`);
    await online(cora);
    const text = `from another site ${Date.now()}`;
    await say(cora, text);
    await shows(log(cora).locator('li.mine:not(.pending)'), text, 'confirmed across sites');
    await cora.reload();
    await cora.waitForFunction(() => window.rusherChat !== undefined);
    await cora.evaluate(() => window.rusherChat.open());
    await online(cora);
    await shows(log(cora), text, 'history after a reload, still signed in');
    equal(await cora.getByRole('textbox', { name: 'Your name' }).count(), 0, 'no join form after the reload');

    // The same site on another origin (another port).
    const sam = await embedVisitor('Sam', query, `http://127.0.0.1:${pagePort}/chat.html`);
    await online(sam);
    await shows(log(sam), text, "Cora's message, in Sam's history");
    await shows(heading(sam), '(2)', 'both online');
    await say(sam, 'hello from the shop');
    await shows(log(cora), 'hello from the shop', "Sam's message, live at Cora's");

    // An origin the backend does not allow: the browser blocks the answer; nothing joins.
    const eve = await embedVisitor('Eve', query, `http://localhost:${pagePort}/chat.html`);
    await eve.getByRole('alert').waitFor({ timeout: 6000 });
    equal(await eve.getByRole('textbox', { name: 'Your name' }).count(), 1, 'still at the join form');
  } finally {
    pages.close();
  }
});

/** A phone's viewport, in CSS pixels (an iPhone SE's). */
const PHONE = { width: 375, height: 667 };

/** Where the widget's parts are on the page, and what a phone needs of them: the window, the
 * panel, its heading and composer, the launcher shown or not, the text fields' font sizes, and the
 * buttons shown smaller than a 44 px tap target. */
const phoneLayout = () => {
  const root = document.getElementById('rusher-chat').shadowRoot;
  const box = (el) => {
    if (!el) return null;
    const { top, bottom, left, right, width, height } = el.getBoundingClientRect();
    return { top, bottom, left, right, width, height };
  };
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  // The layout viewport, without a scroll bar where the engine draws one beside the page.
  const { clientWidth, clientHeight } = document.documentElement;
  return {
    window: { width: clientWidth, height: clientHeight },
    panel: box(root.querySelector('.panel')),
    heading: box(root.querySelector('.panel h2')),
    composer: box(root.querySelector('.composer')),
    launcherShown: shown(root.querySelector('.launcher')),
    fontSizes: [...root.querySelectorAll('input, textarea')].map((field) => parseFloat(getComputedStyle(field).fontSize)),
    smallTargets: [...root.querySelectorAll('button')].filter(shown).map((button) => ({
      name: button.getAttribute('aria-label') || button.textContent.trim(), ...box(button),
    })).filter(({ width, height }) => width < 44 || height < 44),
  };
};

/** Checks a phone's layout: the panel covering `expected` (the window, or what the on-screen
 * keyboard leaves of it) with the heading and composer inside `safe` (the insets), 16 px text
 * fields, 44 px tap targets, the launcher hidden behind the panel. */
function assertPhoneLayout(layout, what, expected = { top: 0, height: layout.window.height }, safe = { top: 0, bottom: 0 }) {
  const { panel, heading, composer } = layout;
  assert(panel, `${what}: the panel is open`);
  equal([panel.left, panel.width], [0, layout.window.width], `${what}: the panel's left and width (the window's width)`);
  equal([panel.top, panel.height], [expected.top, expected.height], `${what}: the panel's top and height`);
  assert(heading.top >= expected.top + safe.top, `${what}: the heading (top ${heading.top}) is below the safe area's top inset (${safe.top})`);
  if (composer) {
    const bottom = expected.top + expected.height - safe.bottom;
    assert(composer.bottom <= bottom + 0.5, `${what}: the composer (bottom ${composer.bottom}) is above ${bottom}`);
  }
  assert(layout.fontSizes.length > 0 && layout.fontSizes.every((size) => size >= 16), `${what}: text fields at 16 px at least: ${layout.fontSizes}`);
  equal(layout.smallTargets, [], `${what}: buttons smaller than 44 x 44 px`);
  equal(layout.launcherShown, false, `${what}: the launcher is hidden behind the open panel`);
}

/** Makes the page's visual viewport report `top` and `height` (what an on-screen keyboard does to
 * it: headless engines draw none), with the resize event the engine sends; `null` takes the
 * engine's own values back. */
const keyboard = (page, area) => page.evaluate((area) => {
  for (const [name, value] of [['offsetTop', area?.top], ['height', area?.height]]) {
    if (area) Object.defineProperty(visualViewport, name, { value, configurable: true });
    else delete visualViewport[name];
  }
  visualViewport.dispatchEvent(new Event('resize'));
}, area);

test('a phone (375 x 667): the open panel fills the screen, inside the safe area and above the on-screen keyboard; text fields at 16 px; tap targets of 44 px; closing gives the launcher back', async () => {
  const bob = await visitor();
  await join(bob, 'Bob');
  // Light and dark (the README shows both).
  for (const colorScheme of ['light', 'dark']) {
    const page = await visitor({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2, colorScheme });
    const size = await page.evaluate(() => [innerWidth, innerHeight]);
    const layout = await page.evaluate(() => [document.documentElement.clientWidth, document.documentElement.clientHeight]);
    if (engine === 'webkit') {
      // WebKitGTK's window is no narrower than its frame allows (447 px inside): still a phone's
      // layout, which the widget takes below 480 px.
      assert(size[0] <= 480, `the narrowest window: ${size}`);
    } else {
      equal(size, [PHONE.width, PHONE.height], "the phone's viewport");
    }
    await page.getByRole('button', { name: 'Open chat' }).click();
    await page.getByLabel('Your name').waitFor();
    assertPhoneLayout(await page.evaluate(phoneLayout), 'the join form');
    const name = colorScheme === 'dark' ? 'Noor' : 'Lina';
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Join' }).click();
    await online(page);
    await heading(page).filter({ hasText: '(2)' }).waitFor();
    await say(bob, `Hi ${name}, this is the chat on your phone.`);
    await say(page, 'Hi Bob! It fills the screen, and the keyboard leaves the composer in view.');
    await shows(log(page).locator('li.mine:not(.pending)'), 'It fills the screen', 'sent from the phone');
    assertPhoneLayout(await page.evaluate(phoneLayout), 'joined');
    await shot(page, `phone-${colorScheme}`);

    // The on-screen keyboard takes the lower part of the screen, the page scrolled a little.
    const area = { top: 40, height: Math.round(layout[1] * 0.55) };
    await keyboard(page, area);
    await page.waitForFunction(({ top }) => document.getElementById('rusher-chat').shadowRoot
      .querySelector('.panel').getBoundingClientRect().top === top, area);
    assertPhoneLayout(await page.evaluate(phoneLayout), 'with the keyboard up', area);
    await keyboard(page, null);
    await page.waitForFunction((height) => document.getElementById('rusher-chat').shadowRoot
      .querySelector('.panel').getBoundingClientRect().height === height, layout[1]);

    if (engine === 'chromium') {
      // A notch and a home indicator (Chromium's emulation of the safe area).
      const insets = { top: 47, bottom: 34, left: 0, right: 0 };
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setSafeAreaInsetsOverride', { insets });
      await page.waitForFunction((top) => document.getElementById('rusher-chat').shadowRoot
        .querySelector('.panel h2').getBoundingClientRect().top >= top, insets.top);
      assertPhoneLayout(await page.evaluate(phoneLayout), 'inside the safe area', undefined, insets);
      await cdp.send('Emulation.setSafeAreaInsetsOverride', { insets: { top: 0, bottom: 0, left: 0, right: 0 } });
    }

    await page.getByRole('button', { name: 'Close chat', exact: true }).click();
    await focused(page, page.locator('button.launcher'), 'the launcher, after Close');
    assert(await page.evaluate(() => !document.getElementById('rusher-chat').shadowRoot.querySelector('.panel')), 'the panel closed');
    equal(page.errors, [], 'page errors');
    // The next phone joins a room of two again.
    await page.context().close();
  }
});

test('keyboard only: Tab to the launcher, open, join (the focus then in the message field) and send', async () => {
  const page = await visitor();
  const launcher = page.getByRole('button', { name: 'Open chat' });
  for (let i = 0; i < 30 && !(await launcher.evaluate((el) => el.matches(':focus'))); i += 1) {
    await page.keyboard.press('Tab');
  }
  assert(await launcher.evaluate((el) => el.matches(':focus')), 'the launcher takes focus');
  const outline = await launcher.evaluate((el) => getComputedStyle(el).outlineStyle);
  equal(outline, 'solid', 'the focus is visible');
  await page.keyboard.press('Enter');
  // Opened by the launcher, the panel takes the focus in its first field.
  await focused(page, page.getByLabel('Your name'), 'the name field');
  await page.keyboard.type('Kim');
  await page.keyboard.press('Enter');
  await online(page);
  // The join form is gone: its field's focus moves to the message field, not to the page.
  await focused(page, messageBox(page), 'the message field, after Join');
  await page.keyboard.type('typed, not clicked');
  await page.keyboard.press('Enter');
  await shows(log(page), 'typed, not clicked', 'sent by keyboard');
});

/** Waits until `locator`'s element (in `page`) is its document's focused element (within its
 * shadow root): whether or not the browser's window has the system's focus, which a second window
 * of WebKitGTK on the same display may hold. */
async function focused(page, locator, what) {
  for (let i = 0; i < 100; i += 1) {
    if (await locator.evaluate((el) => el.getRootNode().activeElement === el).catch(() => false)) return;
    await sleep(50);
  }
  const has = await page.evaluate(() => {
    const inWidget = document.getElementById('rusher-chat')?.shadowRoot?.activeElement;
    return (inWidget ?? document.activeElement)?.outerHTML.slice(0, 80);
  });
  throw new Error(`${what} never took the focus; it is on ${has}`);
}

test('accessibility: Escape closes the panel and the focus goes back to the launcher, which opening again gives to the message field, and Close gives back; the launcher\'s name holds the counts it shows (label in name)', async () => {
  const page = await visitor();
  await join(page, 'Esc');
  const launcher = page.locator('button.launcher');
  const name = await launcher.getAttribute('aria-label');
  assert(/^Close chat, \d+ Online$/.test(name), `the open launcher's name: ${name}`);
  await messageBox(page).focus();
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.getElementById('rusher-chat').shadowRoot.querySelector('.panel'));
  const closed = await launcher.getAttribute('aria-label');
  assert(/^Open chat, \d+ Online$/.test(closed), `the closed launcher's name: ${closed}`);
  await focused(page, launcher, 'the launcher, after Escape');
  await page.keyboard.press('Enter');
  await focused(page, messageBox(page), 'the message field, opened again');
  await page.getByRole('button', { name: 'Close chat', exact: true }).click();
  await focused(page, launcher, 'the launcher, after Close');
});

test('accessibility: a new message is announced once: one row added to one live region (the log), nothing redrawn', async () => {
  const ann = await visitor();
  await join(ann, 'Ann');
  const ben = await visitor();
  await join(ben, 'Ben');
  await say(ben, 'before');
  await shows(log(ann), 'before', 'the first message');
  await ann.evaluate(() => {
    const root = document.getElementById('rusher-chat').shadowRoot;
    const region = (node) => (node.nodeType === 1 ? node : node.parentElement)
      ?.closest('[aria-live], [role=log], [role=status], [role=alert]');
    window.announced = [];
    new MutationObserver((records) => {
      for (const record of records) {
        const live = region(record.target);
        if (!live) continue;
        const name = live.getAttribute('role') || live.className;
        for (const node of record.addedNodes) announced.push([name, node.textContent]);
        if (record.type === 'characterData') announced.push([name, record.target.data]);
      }
    }).observe(root, { childList: true, subtree: true, characterData: true });
  });
  await say(ben, 'announce me once');
  await shows(log(ann), 'announce me once', 'the message');
  await sleep(500);
  const inLog = await ann.evaluate(() => announced.filter(([name]) => name === 'log'));
  equal(inLog.length, 1, `what the log region got: ${JSON.stringify(inLog)}`);
  assert(inLog[0][1].includes('announce me once'), `the row added: ${inLog[0][1]}`);
  const elsewhere = await ann.evaluate(() => announced.filter(([name, text]) => name !== 'log' && text.includes('announce me once')));
  equal(elsewhere, [], 'the message announced by another region');
});

/** axe-core's rules for WCAG 2.2 A and AA. */
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const axeSource = readFileSync(fileURLToPath(new URL('../node_modules/axe-core/axe.min.js', import.meta.url)), 'utf8');

/** axe-core's violations in the widget, as `rule: target` lines. axe-core runs as the script the
 * driver evaluates, not through `new Function`, which the demo page's policy forbids and WebKit's
 * WebDriver does not exempt. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => window.axe !== undefined))) await page.evaluate(`(() => {\n${axeSource}\n})()`);
  return page.evaluate(async ({ tags }) => {
    const result = await window.axe.run(document.getElementById('rusher-chat'), { runOnly: { type: 'tag', values: tags } });
    return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)} ${n.failureSummary?.split('\n')[1] ?? ''}`));
  }, { tags: WCAG_AA });
}

test('accessibility: axe-core finds no WCAG 2.2 AA violation in the open widget (the join form with an error; joined, with messages, who\'s online and an invitation), light and dark', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const ada = await visitor({ colorScheme });
    await ada.getByRole('button', { name: 'Open chat' }).click();
    await ada.getByLabel('Your name').fill('   ');
    await ada.getByRole('button', { name: 'Join' }).click();
    await ada.getByRole('alert').waitFor({ timeout: 3000 });
    equal(await axeViolations(ada), [], `the join form with an error, ${colorScheme}`);
    await ada.getByLabel('Your name').fill(`Ada ${colorScheme}`);
    await ada.getByRole('button', { name: 'Join' }).click();
    await online(ada);
    const bob = await visitor({ colorScheme });
    await join(bob, `Bob ${colorScheme}`);
    await say(bob, 'hello https://example.com');
    await say(ada, 'hi');
    await shows(log(ada), 'hello', 'a message');
    await invite(bob, `Bob ${colorScheme}`, ada, `Ada ${colorScheme}`);
    equal(await axeViolations(ada), [], `joined, with messages, who's online and an invitation, ${colorScheme}`);
  }
});

test('back/forward cache: a visitor who leaves the page and comes back has it restored, online again, with what was said meanwhile shown once', async () => {
  const ada = await visitor();
  await join(ada, 'Ada');
  const bob = await visitor();
  await join(bob, 'Bob');
  await bob.evaluate(() => {
    window.restored = false;
    addEventListener('pageshow', (event) => { window.restored = event.persisted; });
  });
  await bob.goto(`${base}/www/embed.html`);
  const text = `said while Bob was away ${Date.now()}`;
  await say(ada, text);
  await shows(log(ada).locator('li.mine:not(.pending)'), text, 'sent');
  // A page restored from the cache fires no `load`, which Playwright's goBack waits for by default.
  await bob.goBack({ waitUntil: 'commit' });
  await bob.waitForFunction(() => window.restored === true, null, { timeout: 10000 });
  await online(bob, 15000);
  await shows(log(bob), text, 'what was said while away');
  await sleep(500);
  equal(await log(bob).locator('li', { hasText: text }).count(), 1, 'shown once');
  equal(bob.errors, [], 'no page error');
}, {
  engines: ['chromium', 'webkit'],
  why: 'Firefox ESR 153 keeps no page whose WebSocket is still closing when the navigation starts (docs/browsers.md)',
});

test("no page's WebAssembly trapped (a panic, which kills the widget) in any test above", async () => {
  equal(wasmTraps, [], 'traps');
});

await run(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => {})));
});
