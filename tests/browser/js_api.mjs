// The JavaScript API in a real browser (the engine `RUSHER_ENGINE` names: engines.mjs): pages on
// the backend's origin import the built npm package (www/pkg) and drive it the way applications
// do, through Laravel Echo 2 and side by side with pusher-js 8. Also installs the packed tarball in
// a scratch folder and imports it. Run by `cargo xtask test`, which builds the package, starts the
// server and passes its address, credentials and browsers in the environment. Prints
// `test result: ok. N passed; M failed`.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { frozenTab } from './chromium.mjs';
import { assert, env, equal, launch, run, sleep, test, withInstalledTarball } from './harness.mjs';
import { leaveTabAndComeBack } from './engines.mjs';
import { servePages } from './pages.mjs';
import { authRoute, base, departure, key, recordDeparture, sdk, serverName, sockets } from './server.mjs';

const modules = fileURLToPath(new URL('../node_modules/', import.meta.url));
const browser = await launch();

// A blank page on the backend's origin (so auth requests carry the session cookie) that has
// loaded Rusher's package and Laravel Echo. `opts()` gives the options to reach the sockets.
// What the page logs as a warning or an error, and what it throws, is kept in `warnings`: every
// engine's driver can read that, where only Playwright hears the console.
const testPage = `<!doctype html><meta charset="utf-8"><title>Rusher JS API test</title>
<script>
  window.warnings = [];
  for (const level of ['warn', 'error']) {
    const original = console[level];
    console[level] = (...args) => { warnings.push(args.map(String).join(' ')); original.apply(console, args); };
  }
  addEventListener('error', (event) => warnings.push(\`page error: \${event.message}\`));
  addEventListener('unhandledrejection', (event) => warnings.push(\`page error: \${event.reason}\`));
  window.KEY = ${JSON.stringify(key)};
  window.opts = (more = {}) => ({ wsHost: ${JSON.stringify(sockets.host)}, wsPort: ${sockets.port}, forceTLS: false, ...more });
  window.log = [];
  window.seen = (name) => log.filter((entry) => entry[0] === name);
</script>`;

// Two module scripts and an import() of the package's default entry in one page, as a page
// with two scripts that use the client has (WebKit ran only one importer of a module that
// awaited at its top level).
const twoImportersPage = `<!doctype html><meta charset="utf-8"><title>Two importers</title>
<script>window.started = [];</script>
<script type="module">import Pusher from '/www/pkg/index.js'; started.push(['first', typeof Pusher]);</script>
<script type="module">import { Pusher } from '/www/pkg/index.js'; started.push(['second', typeof Pusher]);</script>
<script type="module">import('/www/pkg/index.js').then((m) => started.push(['dynamic', typeof m.default]), (e) => started.push(['dynamic', String(e)]));</script>`;

/** The bearer token `/test/token-auth` accepts, and the headers it got. */
const token = { valid: 'fresh', seen: [] };

const pages = await servePages({
  '/test/': { type: 'text/html', body: testPage },
  '/test/two-importers/': { type: 'text/html', body: twoImportersPage },
  '/vendor/pusher.min.js': { type: 'text/javascript', file: join(modules, 'pusher-js/dist/web/pusher.min.js') },
  '/vendor/echo.js': { type: 'text/javascript', file: join(modules, 'laravel-echo/dist/echo.js') },
  // An application's auth route taking bearer tokens: only `Bearer ${token.valid}` is accepted,
  // and each request's Authorization header is kept in `token.seen`.
  '/test/token-auth': authRoute(() => undefined, (request) => {
    token.seen.push(request.headers.authorization);
    return request.headers.authorization === `Bearer ${token.valid}`;
  }),
}, base);

const contexts = [];

/** What the page has warned of, logged as an error, or thrown. */
const warnings = (page) => page.evaluate(() => window.warnings);

/** A visitor signed in to the chat backend as `name`, on a page with Rusher and Echo loaded. */
async function visitor(name) {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${pages.base}/test/`);
  const user = await page.evaluate(async (name) => {
    const response = await fetch('/chat/session', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }),
    });
    if (!response.ok) throw new Error(`sign-in answered ${response.status}`);
    window.R = (await import('/www/pkg/index.js')).default;
    window.Echo = (await import('/vendor/echo.js')).default;
    return response.json();
  }, name);
  page.user = user;
  return page;
}

/** Waits until `predicate` (run in the page) is true. */
async function until(page, predicate, arg, what = predicate.toString(), timeout = 5000) {
  try {
    await page.waitForFunction(predicate, arg, { timeout, polling: 20 });
  } catch (error) {
    const log = await page.evaluate(() => JSON.stringify(window.log)).catch(() => '?');
    const logged = await warnings(page).catch(() => '?');
    throw new Error(`timed out waiting for ${what}; page log: ${log}; console: ${logged}`);
  }
}

test('options: a wrong type throws naming the option; unused options get one warning', async () => {
  const page = await visitor('Opt');
  const result = await page.evaluate(() => {
    const thrown = (make) => { try { make(); return null; } catch (e) { return String(e.message); } };
    const pusher = new R(KEY, opts({
      enabledTransports: ['ws'], disableStats: true,
      channelAuthorization: { endpoint: '/pusher/auth', transport: 'ajax', timeout: 5 },
    }));
    pusher.disconnect();
    return {
      port: thrown(() => new R(KEY, { wsPort: 'eighty' })),
      headers: thrown(() => new R(KEY, { channelAuthorization: { headers: { 'X-Token': 7 } } })),
      handler: thrown(() => new R(KEY, { userAuthentication: { customHandler: 'nope' } })),
      noKey: thrown(() => new R('', {})),
      fine: thrown(() => new R(KEY, opts()).disconnect()),
      // As pusher-js reads them: environment values are strings, and a falsy value is the default.
      strings: thrown(() => new R(KEY, opts({
        wsPort: String(opts().wsPort), wssPort: '', activityTimeout: '120000', pongTimeout: 0,
      })).disconnect()),
      fraction: thrown(() => new R(KEY, { wsPort: 6001.5 })),
    };
  });
  assert(result.port && result.port.includes('wsPort'), `wsPort error: ${result.port}`);
  assert(result.headers && result.headers.includes('channelAuthorization.headers'), `headers error: ${result.headers}`);
  assert(result.handler && result.handler.includes('customHandler'), `handler error: ${result.handler}`);
  assert(result.noKey && result.noKey.includes('app key'), `no key error: ${result.noKey}`);
  equal(result.fine, null, 'valid options');
  equal(result.strings, null, 'ports and timeouts as strings, empty or 0');
  assert(result.fraction && result.fraction.includes('wsPort'), `a fractional port: ${result.fraction}`);
  const logged = await warnings(page);
  const unused = logged.filter((w) => w.includes('ignoring options'));
  equal(unused.length, 1, `warnings about unused options (${logged})`);
  for (const name of ['enabledTransports', 'disableStats', 'channelAuthorization.timeout']) {
    assert(unused[0].includes(name), `the warning names ${name}: ${unused[0]}`);
  }
});

test('connects; Echo reads the socket id and connection state changes', async () => {
  const page = await visitor('Ada');
  await page.evaluate(() => {
    window.pusher = new R(KEY, opts());
    window.echo = new Echo({ broadcaster: 'pusher', client: pusher });
    echo.connector.onConnectionChange((status) => log.push(['status', status]));
  });
  await until(page, () => pusher.connection.state === 'connected');
  const { socketId, statuses } = await page.evaluate(() => ({
    socketId: echo.socketId(), statuses: seen('status').map((e) => e[1]),
  }));
  assert(/^\d+\.\d+$/.test(socketId), `socket id ${socketId}`);
  assert(statuses.includes('connected'), `statuses ${statuses}`);
  await page.evaluate(() => pusher.disconnect());
  await until(page, () => seen('status').some((e) => e[1] === 'disconnected'));
});

test('channels: one object per name in channels.channels, chaining, unbind, unsubscribe', async () => {
  const page = await visitor('Cat');
  const result = await page.evaluate(() => {
    const pusher = new R(KEY, opts());
    const channel = pusher.subscribe('news');
    const calls = [];
    const f = (data) => calls.push(['f', data]);
    const chained = channel.bind('a', f).bind('b', f);
    channel.unbind('b', f);
    const shape = {
      same: pusher.subscribe('news') === channel && pusher.channel('news') === channel
        && pusher.channels.channels.news === channel,
      chained: chained === channel,
      all: pusher.allChannels().map((c) => c.name),
      name: channel.name,
      members: channel.members === undefined,
    };
    pusher.unsubscribe('news');
    shape.gone = pusher.channels.channels.news === undefined && pusher.channel('news') === undefined;
    pusher.disconnect();
    return shape;
  });
  equal(result, { same: true, chained: true, all: ['news'], name: 'news', members: true, gone: true }, 'channel shape');
});

test('Echo private channel: a REST event arrives, whispers flow between two users', async () => {
  const ada = await visitor('Ada');
  const bob = await visitor('Bob');
  for (const page of [ada, bob]) {
    await page.evaluate(() => {
      window.echo = new Echo({ broadcaster: 'pusher', client: new R(KEY, opts()) });
      echo.private('room')
        .subscribed(() => log.push(['subscribed']))
        .listen('.greeting', (data) => log.push(['greeting', data]))
        .listenForWhisper('typing', (data) => log.push(['typing', data]));
    });
    await until(page, () => seen('subscribed').length === 1);
  }
  await sdk.trigger('private-room', 'greeting', { hello: 'world' });
  for (const page of [ada, bob]) {
    await until(page, () => seen('greeting').length === 1);
    equal(await page.evaluate(() => seen('greeting')[0][1]), { hello: 'world' }, 'REST event');
  }
  await ada.evaluate(() => echo.private('room').whisper('typing', { who: 'Ada' }));
  await until(bob, () => seen('typing').length === 1);
  equal(await bob.evaluate(() => seen('typing')[0][1]), { who: 'Ada' }, 'whisper');
  equal(await ada.evaluate(() => seen('typing').length), 0, 'whispers are not echoed to the sender');
});

test('members: read from the core once when subscribed, then kept by each member event, as the core has them', async () => {
  const [mia, max] = [await visitor('Mia'), await visitor('Max')];
  await mia.evaluate(() => {
    window.pusher = new R(KEY, opts());
    window.room = pusher.subscribe('presence-members-read');
    window.reads = 0;
    const core = pusher._core;
    window.readCore = core.members.bind(core);
    core.members = (channel) => { window.reads += 1; return readCore(channel); };
  });
  await until(mia, () => room.subscribed && room.members.count === 1);
  const lookAround = () => mia.evaluate(() => {
    for (let i = 0; i < 100; i += 1) {
      room.members.each(() => {});
      if (!room.members.me || room.members.get(room.members.me.id) === null) throw new Error('no me');
    }
    // What the page holds, against what the core has (read past the counter).
    const sorted = (members) => Object.keys(members).sort().map((id) => [id, members[id]]);
    const core = JSON.parse(readCore('presence-members-read')).members;
    const same = JSON.stringify(sorted(room.members.members)) === JSON.stringify(sorted(core));
    return [window.reads, room.members.count, same];
  });
  equal(await lookAround(), [1, 1, true], 'read once, when subscribed');
  await max.evaluate(() => { window.pusher = new R(KEY, opts()); pusher.subscribe('presence-members-read'); });
  await until(mia, () => room.members.count === 2, undefined, 'the new member');
  equal(await lookAround(), [1, 2, true], 'kept by member_added, not read again');
  await max.evaluate(() => pusher.unsubscribe('presence-members-read'));
  await until(mia, () => room.members.count === 1, undefined, 'the member gone');
  equal(await lookAround(), [1, 1, true], 'kept by member_removed, not read again');
});

test('Echo presence: here, joining and leaving', async () => {
  const ada = await visitor('Ada');
  const bob = await visitor('Bob');
  const join = () => {
    window.echo = new Echo({ broadcaster: 'pusher', client: new R(KEY, opts()) });
    echo.join('lobby')
      .here((users) => log.push(['here', users]))
      .joining((user) => log.push(['joining', user]))
      .leaving((user) => log.push(['leaving', user]));
  };
  await ada.evaluate(join);
  await until(ada, () => seen('here').length === 1);
  equal(await ada.evaluate(() => seen('here')[0][1]), [{ name: 'Ada' }], 'here, alone');
  await bob.evaluate(join);
  await until(bob, () => seen('here').length === 1);
  const here = await bob.evaluate(() => seen('here')[0][1].map((u) => u.name).sort());
  equal(here, ['Ada', 'Bob'], 'here, together');
  await until(ada, () => seen('joining').length === 1);
  equal(await ada.evaluate(() => seen('joining')[0][1]), { name: 'Bob' }, 'joining');
  await bob.evaluate(() => echo.leave('lobby'));
  await until(ada, () => seen('leaving').length === 1);
  equal(await ada.evaluate(() => seen('leaving')[0][1]), { name: 'Bob' }, 'leaving');
});

test('pusher-js 8 and Rusher on one presence channel: each sees the other, client events both ways', async () => {
  const ada = await visitor('Ada');
  const pat = await visitor('Pat');
  await pat.addScriptTag({ url: '/vendor/pusher.min.js' });
  const join = (client) => {
    window.client = client === 'rusher'
      ? new R(KEY, opts())
      : new Pusher(KEY, opts({ cluster: 'local', enabledTransports: ['ws'], disableStats: true }));
    window.mixed = window.client.subscribe('presence-mixed');
    mixed.bind('pusher:subscription_succeeded', () => log.push(['subscribed']));
    mixed.bind('pusher:member_added', (member) => log.push(['added', member]));
    mixed.bind('client-hi', (data, metadata) => log.push(['hi', data, metadata]));
  };
  await ada.evaluate(join, 'rusher');
  await until(ada, () => seen('subscribed').length === 1);
  await pat.evaluate(join, 'pusher-js');
  await until(pat, () => seen('subscribed').length === 1);
  const patView = await pat.evaluate((id) => ({
    count: mixed.members.count, ada: mixed.members.get(id),
  }), ada.user.id);
  equal(patView, { count: 2, ada: { id: ada.user.id, info: { name: 'Ada' } } }, 'pusher-js sees Rusher');
  await until(ada, () => seen('added').length === 1);
  equal(await ada.evaluate(() => seen('added')[0][1]), { id: pat.user.id, info: { name: 'Pat' } }, 'Rusher sees pusher-js');
  equal(await ada.evaluate(() => ({ count: mixed.members.count, me: mixed.members.me })),
    { count: 2, me: { id: ada.user.id, info: { name: 'Ada' } } }, 'Rusher members');

  // Each client event carries its sender's user_id (unless the server departs: then none).
  const noUserId = departure('presence client event user_id');
  const metadata = (page) => (noUserId ? {} : { user_id: page.user.id });
  equal(await ada.evaluate(() => mixed.trigger('client-hi', { from: 'rusher' })), true, 'trigger result');
  // Data JSON cannot hold is not sent: false, and nothing reaches the other side.
  equal(await ada.evaluate(() => mixed.trigger('client-hi', { big: 1n })), false, 'unwritable data');
  await until(pat, () => seen('hi').length === 1);
  equal(await pat.evaluate(() => seen('hi')[0].slice(1)), [{ from: 'rusher' }, metadata(ada)], 'Rusher → pusher-js');
  await pat.evaluate(() => mixed.trigger('client-hi', { from: 'pusher-js' }));
  await until(ada, () => seen('hi').length === 1);
  equal(await ada.evaluate(() => seen('hi')[0].slice(1)), [{ from: 'pusher-js' }, metadata(pat)], 'pusher-js → Rusher');
  if (noUserId) recordDeparture('presence client event user_id', noUserId);
});

test('batchAuth: three private channels waiting together are authorized in one request', async () => {
  const page = await visitor('Bea');
  const before = pages.requests('/pusher/auth');
  await page.evaluate(() => {
    const pusher = new R(KEY, opts({ batchAuth: true }));
    for (const name of ['private-a', 'private-b', 'private-c']) {
      pusher.subscribe(name).bind('pusher:subscription_succeeded', () => log.push(['subscribed', name]));
    }
  });
  await until(page, () => seen('subscribed').length === 3);
  equal(pages.requests('/pusher/auth') - before, 1, 'auth requests');
});

test('an auth failure is a subscription_error with its status', async () => {
  const page = await visitor('Eve');
  await page.evaluate(() => {
    window.echo = new Echo({ broadcaster: 'pusher', client: new R(KEY, opts()) });
    echo.join('dm-someone-else').error((error) => log.push(['error', error]));
  });
  await until(page, () => seen('error').length === 1);
  const error = await page.evaluate(() => seen('error')[0][1]);
  equal([error.type, error.status], ['AuthError', 403], `subscription error ${JSON.stringify(error)}`);
});

test('auth: an async headersProvider is awaited at each request; after a 403, a refreshed token and subscribe() again subscribe the channel, its bindings kept', async () => {
  token.seen = [];
  const page = await visitor('Tok');
  await page.evaluate(() => {
    window.current = 'stale';
    const pusher = (window.pusher = new R(KEY, opts({
      channelAuthorization: {
        endpoint: '/test/token-auth',
        // A token fetched before each request, as applications do.
        headersProvider: () => new Promise((resolve) => setTimeout(() => resolve({ Authorization: `Bearer ${window.current}` }), 50)),
      },
    })));
    const channel = pusher.subscribe('private-tokens');
    channel.bind('pusher:subscription_error', (error) => log.push(['error', error.status]));
    channel.bind('pusher:subscription_succeeded', () => log.push(['subscribed']));
    channel.bind('news', (data) => log.push(['news', data]));
  });
  await until(page, () => seen('error').length === 1, undefined, 'the refusal of the stale token');
  equal(await page.evaluate(() => seen('error')[0][1]), 403, 'the refusal\'s status');
  await page.evaluate(() => { window.current = 'fresh'; window.pusher.subscribe('private-tokens'); });
  await until(page, () => seen('subscribed').length === 1, undefined, 'the subscription with the fresh token');
  await sdk.trigger('private-tokens', 'news', { n: 1 });
  await until(page, () => seen('news').length === 1, undefined, 'the event, through the bindings made before');
  equal(token.seen, ['Bearer stale', 'Bearer fresh'], 'the Authorization header of each request');
});

test('auth with Laravel Echo: a header changed in place is read at the next request, and subscribing again retries', async () => {
  token.seen = [];
  const page = await visitor('Hed');
  await page.evaluate(() => {
    window.echo = new Echo({
      broadcaster: 'pusher', key: KEY, Pusher: R, ...opts(), authEndpoint: '/test/token-auth',
      auth: { headers: { Authorization: 'Bearer stale' } },
    });
    echo.private('headers').error((error) => log.push(['error', error.status]))
      .listen('.news', (data) => log.push(['news', data]));
  });
  await until(page, () => seen('error').length === 1, undefined, 'the refusal of the stale token');
  await page.evaluate(() => {
    echo.connector.options.auth.headers.Authorization = 'Bearer fresh';
    echo.connector.pusher.subscribe('private-headers');
  });
  await until(page, () => echo.connector.pusher.channel('private-headers').subscribed, undefined, 'the subscription');
  await sdk.trigger('private-headers', 'news', { n: 2 });
  await until(page, () => seen('news').length === 1, undefined, 'the event, through Echo\'s listener');
  equal(token.seen, ['Bearer stale', 'Bearer fresh'], 'the Authorization header of each request');
});

test('a socket that answers inside send() (a test double or a polyfill) works like any other, also inside the callback of another frame', async () => {
  const page = await visitor('Syd');
  await page.evaluate(() => {
    // Confirms a subscription and sends an event on it before send() returns, and answers a
    // client event with an event, so that frame is read while the frame whose callback sent
    // the client event is still being read.
    class AnsweringSocket {
      constructor() {
        this.readyState = 0;
        window.socket = this;
        setTimeout(() => {
          this.readyState = 1;
          this.receive({ event: 'pusher:connection_established', data: JSON.stringify({ socket_id: '1.1', activity_timeout: 120 }) });
        });
      }
      receive(message) { this.onmessage({ data: JSON.stringify(message) }); }
      send(text) {
        const { event, data, channel } = JSON.parse(text);
        if (event === 'client-ask') this.receive({ event: 'answer', channel, data: JSON.stringify({ n: data.n + 1, s: 'é\ud83c\udf89"' }) });
        if (event !== 'pusher:subscribe') return;
        this.receive({ event: 'pusher_internal:subscription_succeeded', channel: data.channel, data: '{}' });
        this.receive({ event: 'news', channel: data.channel, data: '{"n":1}' });
      }
      close() { this.readyState = 3; }
    }
    window.WebSocket = AnsweringSocket;
    const pusher = new R(KEY, opts({
      channelAuthorization: { customHandler: (_, callback) => callback(null, { auth: 'key:signature' }) },
    }));
    const channel = pusher.subscribe('private-headlines');
    channel.bind('pusher:subscription_succeeded', () => log.push(['subscribed']));
    channel.bind('news', (data) => {
      log.push(['news', data]);
      channel.trigger('client-ask', { n: data.n });
      log.push(['asked']);
    });
    channel.bind('answer', (data) => log.push(['answer', data]));
  });
  await until(page, () => seen('asked').length === 1);
  equal(await page.evaluate(() => log.filter((e) => e[0] !== 'subscribed')),
    [['news', { n: 1 }], ['answer', { n: 2, s: 'é🎉"' }], ['asked']], 'the answer read inside the callback, with its data');
  // The next frame is read by JSON.parse again: only there does a lone surrogate (sent escaped)
  // stay one; decoded in wasm, it would be U+FFFD.
  await page.evaluate(() => socket.receive({ event: 'answer', channel: 'private-headlines', data: '\ud800' }));
  equal(await page.evaluate(() => [seen('subscribed').length, seen('answer').length, seen('answer')[1][1].charCodeAt(0)]), [1, 2, 0xd800], 'subscribed once; the next frame');
  equal(await warnings(page), [], 'no errors');
});

test('customHandler: channels and sign-in authorized by the page, answering later; a failing handler is a subscription_error', async () => {
  const page = await visitor('Cal');
  await page.evaluate(() => {
    // Handlers that ask the server's endpoints themselves, and answer when the response is in.
    const post = (url, fields, callback) => fetch(url, {
      method: 'POST', body: new URLSearchParams(fields),
    }).then((r) => r.json()).then((data) => callback(null, data), (error) => callback(error, null));
    window.pusher = new R(KEY, opts({
      channelAuthorization: {
        customHandler: ({ socketId, channelName }, callback) => {
          log.push(['asked', channelName]);
          if (channelName === 'private-refused') return callback(new Error('not you'), null);
          if (channelName === 'private-cyclic') {
            const cyclic = {};
            cyclic.self = cyclic;
            return callback(null, cyclic);
          }
          post('/pusher/auth', { socket_id: socketId, channel_name: channelName }, callback);
        },
      },
      userAuthentication: {
        customHandler: ({ socketId }, callback) => post('/pusher/user-auth', { socket_id: socketId }, callback),
      },
    }));
    pusher.subscribe('private-handled').bind('pusher:subscription_succeeded', () => log.push(['subscribed']));
    pusher.subscribe('private-refused').bind('pusher:subscription_error', (e) => log.push(['refused', e]));
    pusher.subscribe('private-cyclic').bind('pusher:subscription_error', (e) => log.push(['unreadable', e]));
    pusher.bind('pusher:signin_success', () => log.push(['signed-in']));
    pusher.signin();
  });
  await until(page, () => seen('subscribed').length === 1 && seen('refused').length === 1
    && seen('unreadable').length === 1 && seen('signed-in').length === 1);
  const refused = await page.evaluate(() => seen('refused')[0][1]);
  assert(refused.error.includes('not you'), `handler error: ${JSON.stringify(refused)}`);
  const unreadable = await page.evaluate(() => seen('unreadable')[0][1]);
  assert(unreadable.error.includes('cannot be read as JSON'), `cyclic answer: ${JSON.stringify(unreadable)}`);
  equal(await page.evaluate(() => pusher.user.user_data.id), page.user.id, 'signed in through the handler');
  equal(await page.evaluate(() => seen('asked').map((e) => e[1]).sort()), ['private-cyclic', 'private-handled', 'private-refused'], 'handler calls');
});

test('subscription count reaches every subscriber', async () => {
  const ada = await visitor('Ada');
  const bob = await visitor('Bob');
  const subscribe = () => {
    window.pusher = new R(KEY, opts());
    window.counted = pusher.subscribe('counted');
    counted.bind('pusher:subscription_count', (data) => log.push(['count', data]));
  };
  await ada.evaluate(subscribe);
  const none = departure('subscription count');
  if (none) {
    // Both subscribe and no count comes: the client still works, its count stays unknown.
    await bob.evaluate(subscribe);
    await until(bob, () => counted.subscribed);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    equal(await ada.evaluate(() => [seen('count').length, counted.subscriptionCount ?? null]), [0, null], 'no count, as the server sends none');
    recordDeparture('subscription count', none);
    return;
  }
  await until(ada, () => seen('count').length >= 1);
  await bob.evaluate(subscribe);
  await until(ada, () => seen('count').some((e) => e[1].subscription_count === 2));
  equal(await ada.evaluate(() => counted.subscriptionCount), 2, 'channel.subscriptionCount');
});

test('sign-in, user data and a server-to-user event through pusher.user', async () => {
  const page = await visitor('Sue');
  await page.evaluate(() => {
    window.pusher = new R(KEY, opts());
    pusher.bind('pusher:signin_success', () => log.push(['signed-in']));
    pusher.user.bind('notice', (data) => log.push(['notice', data]));
    pusher.signin();
  });
  await until(page, () => seen('signed-in').length === 1);
  equal(await page.evaluate(() => pusher.user.user_data), { id: page.user.id, user_info: { name: 'Sue' } }, 'user_data');
  // The user's own channel is subscribed right after sign-in; send until it is there.
  for (let i = 0; i < 25; i += 1) {
    await sdk.sendToUser(page.user.id, 'notice', { n: i });
    if (await page.evaluate(() => seen('notice').length > 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await until(page, () => seen('notice').length > 0);
});

test('after the server restarts, and after it is killed, Rusher reconnects, resubscribes and receives again', async () => {
  const page = await visitor('Ron');
  await page.evaluate(() => {
    window.pusher = new R(KEY, opts());
    window.kept = pusher.subscribe('private-restarts');
    kept.bind('after', (data) => log.push(['after', data]));
  });
  await until(page, () => kept.subscribed);
  for (const how of ['restart', 'kill']) {
    const before = await page.evaluate(() => pusher.connection.socket_id);
    // The suite's control endpoint stops the server (SIGTERM, or SIGKILL) and starts it again.
    const answer = await fetch(`${env('RUSHER_CONTROL_URL')}/${how}`, { method: 'POST' });
    equal(answer.status, 204, `the server came back after ${how}`);
    await until(page, (id) => pusher.connection.state === 'connected'
      && pusher.connection.socket_id !== id && kept.subscribed, before, `a new connection after ${how}`, 20000);
    await sdk.trigger('private-restarts', 'after', { how });
    await until(page, (expected) => seen('after').some((e) => e[1].how === expected), how, `an event after ${how}`);
  }
});

test('back/forward cache: a page left while connected is restored from the cache, connects again and receives on the channels it had', async () => {
  const page = await visitor('Bea');
  await page.evaluate(() => {
    window.lifecycle = [];
    for (const name of ['pagehide', 'pageshow']) addEventListener(name, (event) => lifecycle.push([name, event.persisted]));
    window.pusher = new R(KEY, opts());
    window.kept = pusher.subscribe('private-bfcache');
    kept.bind('news', (data) => log.push(['news', data]));
    pusher.connection.bind('state_change', (change) => log.push(['state', change.current]));
  });
  await until(page, () => kept.subscribed);
  const before = await page.evaluate(() => pusher.connection.socket_id);
  await page.goto(`${pages.base}/test/?elsewhere`);
  // A page restored from the cache fires no `load`, which Playwright's goBack waits for by default.
  await page.goBack({ waitUntil: 'commit' });
  await until(page, () => window.lifecycle?.length === 2, undefined, 'back on the page');
  equal(await page.evaluate(() => window.lifecycle), [['pagehide', true], ['pageshow', true]],
    'the page went into the back/forward cache and came back from it');
  await until(page, (id) => pusher.connection.state === 'connected' && pusher.connection.socket_id !== id && kept.subscribed,
    before, 'connected and subscribed again', 10000);
  equal(await page.evaluate(() => seen('state').map((entry) => entry[1])), ['connected', 'unavailable', 'connected'],
    'closed (cleanly, by the client) while in the cache, then connected again');
  await sdk.trigger('private-bfcache', 'news', { after: 'restore' });
  await until(page, () => seen('news').length === 1, undefined, 'an event after the restore');
  equal(await warnings(page), [], 'nothing warned or thrown');
}, {
  engines: ['chromium', 'webkit'],
  why: 'Firefox ESR 153 keeps no page whose WebSocket is still closing when the navigation starts, so closing it on pagehide (or beforeunload, or visibilitychange: all tried) is too late there; going back loads the page afresh, which connects as any page does',
});

// Faults, through rusher-server's fault switches (on the other servers the suite runs without).
if (serverName === 'rusher-server') {
  /** Flips one of rusher-server's `/_faults/` switches. */
  const fault = async (pathAndQuery, body = '') => {
    const answer = await fetch(`http://${sockets.host}:${sockets.port}/_faults/${pathAndQuery}`, { method: 'POST', body });
    equal(answer.status, 204, `the switch ${pathAndQuery}`);
  };

  test('faults: each close-code range, as the protocol says (4009 stays down; 4100, 4200, 4301 come back subscribed)', async () => {
    const page = await visitor('Cody');
    await page.evaluate(() => {
      window.pusher = new R(KEY, opts());
      window.kept = pusher.subscribe('private-close-codes');
      pusher.connection.bind('error', (e) => log.push(['error', e.data && e.data.code]));
    });
    await until(page, () => kept.subscribed);
    await fault('close-all?code=4009');
    await until(page, () => pusher.connection.state === 'disconnected' && seen('error').some((e) => e[1] === 4009));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    equal(await page.evaluate(() => pusher.connection.state), 'disconnected', 'no retry after 4009');
    await page.evaluate(() => pusher.connect());
    await until(page, () => pusher.connection.state === 'connected' && kept.subscribed);
    for (const code of [4100, 4200, 4301]) {
      const before = await page.evaluate(() => pusher.connection.socket_id);
      await fault(`close-all?code=${code}`);
      await until(page, (id) => pusher.connection.state === 'connected' && pusher.connection.socket_id !== id && kept.subscribed,
        before, `back after ${code}`, 10000);
      equal(await page.evaluate((c) => seen('error').some((e) => e[1] === c), code), true, `an error event with ${code}`);
    }
  });

  test('faults: the auth endpoint answering 403 or 500 is a subscription_error with that status; later ones work', async () => {
    const page = await visitor('Aud');
    await page.evaluate(() => { window.pusher = new R(KEY, opts()); });
    await until(page, () => pusher.connection.state === 'connected');
    try {
      for (const status of [403, 500]) {
        const answer = await fetch(`${base}/_faults/auth?status=${status}`, { method: 'POST' });
        equal(answer.status, 204, 'the auth switch');
        await page.evaluate((s) => pusher.subscribe(`private-auth-${s}`)
          .bind('pusher:subscription_error', (e) => log.push(['refused', e.status])), status);
        await until(page, (s) => seen('refused').some((e) => e[1] === s), status, `the error for ${status}`);
      }
    } finally {
      await fetch(`${base}/_faults/auth?status=0`, { method: 'POST' });
    }
    await page.evaluate(() => { window.healthy = pusher.subscribe('private-auth-healthy'); });
    await until(page, () => healthy.subscribed && pusher.connection.state === 'connected');
  });

  test('faults: malformed and oversized frames are error events; the connection lives and later events arrive', async () => {
    const page = await visitor('Mal');
    await page.evaluate(() => {
      window.pusher = new R(KEY, opts());
      window.kept = pusher.subscribe('hostile-frames');
      kept.bind('after', (data) => log.push(['after', data]));
      pusher.connection.bind('error', (e) => log.push(['error', e.type]));
    });
    await until(page, () => kept.subscribed);
    const id = await page.evaluate(() => pusher.connection.socket_id);
    const frames = ['not json', '{"event":', '[1,2,3]', `{"event":"x","data":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      `{"event":"x","channel":"hostile-frames","data":"${'a'.repeat(1_100_000)}"}`];
    for (const frame of frames) await fault(`raw?socket_id=${id}`, frame);
    await until(page, () => seen('error').length >= 5, undefined, 'an error event per frame');
    equal(await page.evaluate(() => [pusher.connection.state, pusher.connection.socket_id]), ['connected', id], 'the same connection');
    await sdk.trigger('hostile-frames', 'after', { ok: true });
    await until(page, () => seen('after').length === 1);
  });

  test('event data reaches callbacks as pusher-js 8 decodes it: escapes, strings that are not JSON, objects, frames that are not ASCII, and events named like the protocol\'s', async () => {
    const page = await visitor('Dee');
    await page.addScriptTag({ url: '/vendor/pusher.min.js' });
    await page.evaluate(() => {
      window.received = { rusher: [], pusherJs: [] };
      window.messages = { rusher: [], pusherJs: [] };
      window.metadata = { rusher: [], pusherJs: [] };
      const listen = (client, into, messagesInto, metadataInto) => {
        const channel = client.subscribe('data-forms');
        const names = ['d', 'update_status', 'pusher_custom'];
        for (const name of names) {
          channel.bind(name, (data, metadata) => {
            into.push(data);
            metadataInto.push(JSON.stringify(metadata));
          });
        }
        client.connection.bind('message', (m) => names.includes(m.event) && messagesInto.push(JSON.stringify(m)));
        return channel;
      };
      window.pair = [
        listen(new R(KEY, opts()), received.rusher, messages.rusher, metadata.rusher),
        listen(new Pusher(KEY, opts({ cluster: 'local', enabledTransports: ['ws'], disableStats: true })), received.pusherJs, messages.pusherJs, metadata.pusherJs),
      ];
    });
    await until(page, () => pair.every((channel) => channel.subscribed));
    const ids = await page.evaluate(() => pair.map((channel) => channel.pusher.connection.socket_id));
    const frame = (data) => `{"event":"d","channel":"data-forms","data":${data}}`;
    const frames = [
      // Read by JSON.parse in JavaScript, whatever their characters.
      frame(String.raw`"{\"a\":[1,\"x\\\"y\"],\"u\":\"\\u00e9\\ud83c\\udf89\",\"n\":12345678901234567890}"`),
      frame('"hello there"'),
      frame(String.raw`"\"quoted\""`),
      frame('"  [1, 2]  "'),
      frame('"42"'),
      frame(String.raw`"\ud800 alone"`),
      frame('{"k":[1,{"z":null}]}'),
      frame('7'),
      frame(String.raw`"{\"name\":\"José 🎉\",\"q\":\"\\\"\"}"`),
      frame('"plain café"'),
      // No data (pusher-js: undefined), null data, and a sender's user_id (which pusher-js keeps
      // out of a public channel's metadata), then an empty one (out of the message too).
      '{"event":"d","channel":"data-forms"}',
      frame('null'),
      String.raw`{"event":"d","channel":"data-forms","data":"{\"u\":1}","user_id":"u1"}`,
      '{"event":"d","channel":"data-forms","data":"1","user_id":""}',
      // An `_` where the protocol's events have theirs; a name like the protocol's, whose frame
      // goes to the core as text (its data decoded in wasm).
      String.raw`{"event":"update_status","channel":"data-forms","data":"\"\\ud800\""}`,
      String.raw`{"event":"pusher_custom","channel":"data-forms","data":"{\"a\":[1,\"\\u00e9\"]}"}`,
    ];
    for (const id of ids) {
      for (const text of frames) await fault(`raw?socket_id=${id}`, text);
    }
    await until(page, (n) => received.rusher.length === n && received.pusherJs.length === n, frames.length);
    const compared = await page.evaluate(() => received.rusher.map((data, i) => ({
      same: JSON.stringify(data) === JSON.stringify(received.pusherJs[i]) && typeof data === typeof received.pusherJs[i],
      data: JSON.stringify(data),
    })));
    compared.forEach((c, i) => assert(c.same, `frame ${i} (${frames[i]}): Rusher gave ${c.data}`));
    // The connection's `message` event and the callbacks' metadata: the same objects as
    // pusher-js's, field for field.
    const [ours, theirs] = await page.evaluate(() => [messages.rusher, messages.pusherJs]);
    equal(ours, theirs, 'the connection message events');
    const [ourMetadata, theirMetadata] = await page.evaluate(() => [metadata.rusher, metadata.pusherJs]);
    equal(ourMetadata, theirMetadata, 'the callbacks\' metadata');
    equal(await page.evaluate(() => [received.rusher[0].u, received.rusher[5].charCodeAt(0), received.rusher[8].name]),
      ['é🎉', 0xd800, 'José 🎉'], 'the decoded strings');
  });

  /** Sets the backend's auth switch: wait `delayMs`, then fail with `status` (0: answer). */
  const authFault = async (delayMs, status = 0) => {
    const answer = await fetch(`${base}/_faults/auth?delay_ms=${delayMs}&status=${status}`, { method: 'POST' });
    equal(answer.status, 204, 'the auth switch');
  };

  /** Two visitors, each with a client in the presence room `room`, both listing both. */
  const twoInRoom = async (names, room) => {
    const pages = [];
    for (const name of names) {
      const page = await visitor(name);
      await page.evaluate((roomName) => {
        window.pusher = new R(KEY, opts());
        window.room = pusher.subscribe(roomName);
        room.bind('tick', (data) => log.push(['tick', data.n, Date.now()]));
        pusher.connection.bind('state_change', (s) => log.push(['state', s.current]));
      }, room);
      pages.push(page);
    }
    for (const page of pages) await until(page, () => room.subscribed && room.members.count === 2);
    return pages;
  };

  /** The names a page's client lists in its presence room. */
  const memberNames = (page) => page.evaluate(() => {
    const names = [];
    room.members.each((m) => names.push(m.info.name));
    return names.sort();
  });

  test('faults: 20 outages in a row (a crash loop): never gives up; subscribed and each listing the other after', async () => {
    const [ana, bob] = await twoInRoom(['Ana', 'Bob'], 'presence-crash-loop');
    const before = await Promise.all([ana, bob].map((p) => p.evaluate(() => pusher.connection.socket_id)));
    for (let i = 0; i < 20; i += 1) {
      await fault('restart-websocket?down_ms=300');
      await sleep(800);
    }
    for (const [page, id] of [[ana, before[0]], [bob, before[1]]]) {
      await until(page, (id) => pusher.connection.state === 'connected' && pusher.connection.socket_id !== id
        && room.subscribed && room.members.count === 2, id, 'back in the room', 45000);
      equal(await memberNames(page), ['Ana', 'Bob'], 'each lists both');
      equal(await page.evaluate(() => seen('state').filter((s) => s[1] === 'disconnected' || s[1] === 'failed').length), 0,
        'it never gave up');
    }
  });

  test('faults: a half-open link (pings unanswered) is found within the activity and pong timeouts', async () => {
    const page = await visitor('Hal');
    await page.evaluate(() => {
      window.pusher = new R(KEY, opts({ activityTimeout: 1000, pongTimeout: 1000 }));
      window.kept = pusher.subscribe('half-open');
    });
    await until(page, () => kept.subscribed);
    const before = await page.evaluate(() => pusher.connection.socket_id);
    await fault('ignore-pings?on=true');
    try {
      // Silence for 1 s, a ping, no pong for 1 s: found in about 2 s. The limit allows for a slow machine.
      await until(page, (id) => pusher.connection.socket_id && pusher.connection.socket_id !== id, before,
        'a new connection within a few seconds', 6000);
    } finally {
      await fault('ignore-pings?on=false');
    }
    await until(page, () => kept.subscribed && pusher.connection.state === 'connected');
  });

  test('waking: shown again after a tab switch, a half-open link is found within seconds (not after the 150 s of the activity and pong timeouts); a live link is kept', async () => {
    const page = await visitor('Wes');
    await page.evaluate(() => {
      window.pusher = new R(KEY, opts());
      window.kept = pusher.subscribe('private-waking');
    });
    await until(page, () => kept.subscribed);
    const live = await page.evaluate(() => pusher.connection.socket_id);
    await leaveTabAndComeBack(page, 300);
    // The link answers the wake-up ping: the same connection well after its 5 s pong timeout.
    await sleep(6000);
    equal(await page.evaluate(() => [pusher.connection.state, pusher.connection.socket_id]), ['connected', live], 'a live link is kept');
    await fault('ignore-pings?on=true');
    try {
      await leaveTabAndComeBack(page, 300);
      await until(page, (id) => pusher.connection.socket_id && pusher.connection.socket_id !== id, live,
        'a new connection within seconds of coming back', 12000);
    } finally {
      await fault('ignore-pings?on=false');
    }
    await until(page, () => kept.subscribed && pusher.connection.state === 'connected');
  }, { engines: ['firefox', 'webkit'], why: 'headless Chromium keeps every page visible and focused: no visibilitychange or focus to wake on' });

  test('faults: 50 drops in a row, each link living under 2 s: every retry is at once (jitter under 250 ms, not a grown backoff), and it is back at once after the last', async () => {
    const page = await visitor('Dee');
    await page.evaluate(() => {
      window.pusher = new R(KEY, opts());
      window.kept = pusher.subscribe('private-drops');
      pusher.connection.bind('connecting_in', (seconds) => log.push(['connecting_in', seconds]));
      pusher.connection.bind('state_change', (change) => log.push(['state', change.current]));
    });
    await until(page, () => kept.subscribed);
    let id = await page.evaluate(() => pusher.connection.socket_id);
    let lastBack = 0;
    for (let drop = 0; drop < 50; drop += 1) {
      await fault('drop-all');
      const started = Date.now();
      await until(page, (old) => pusher.connection.state === 'connected' && pusher.connection.socket_id !== old, id,
        `connected again after drop ${drop + 1}`, 10000);
      lastBack = Date.now() - started;
      id = await page.evaluate(() => pusher.connection.socket_id);
    }
    const delays = await page.evaluate(() => seen('connecting_in').map((entry) => entry[1]));
    equal(delays.length, 50, 'one retry per drop');
    equal(delays.filter((seconds) => seconds !== 0), [], 'every retry within the first step (rounded to 0 s)');
    equal(await page.evaluate(() => seen('state').filter((s) => s[1] === 'disconnected' || s[1] === 'failed').length), 0, 'it never gave up');
    await until(page, () => kept.subscribed);
    console.log(`figure: 50 drops in a row: back ${lastBack} ms after the last`);
  });

  test('faults: a tampered encrypted event is an error and the next arrives; a rotated master key is fetched again', async () => {
    const name = 'private-encrypted-js-faults';
    const page = await visitor('Enc');
    await page.evaluate((name) => {
      window.pusher = new R(KEY, opts());
      window.kept = pusher.subscribe(name);
      kept.bind('secret', (data) => log.push(['secret', data.n]));
      pusher.connection.bind('error', (e) => log.push(['error', e.type]));
    }, name);
    await until(page, () => kept.subscribed);
    const id = await page.evaluate(() => pusher.connection.socket_id);
    // Sealed with the channel's key (SHA-256 of its name and the master key), one byte flipped.
    const nacl = createRequire(import.meta.url)('tweetnacl');
    const master = Buffer.from(env('RUSHER_MASTER_KEY'), 'base64');
    const channelKey = createHash('sha256').update(Buffer.concat([Buffer.from(name), master])).digest();
    const nonce = Buffer.alloc(24, 3);
    const sealed = Buffer.from(nacl.secretbox(Buffer.from('{"n":0}'), nonce, channelKey));
    sealed[0] ^= 1;
    const tampered = JSON.stringify({ nonce: nonce.toString('base64'), ciphertext: sealed.toString('base64') });
    await fault(`raw?socket_id=${id}`, JSON.stringify({ event: 'secret', channel: name, data: tampered }));
    await until(page, () => seen('error').some((e) => e[1] === 'DecryptionError'), undefined, 'a decryption error');
    await sdk.trigger(name, 'secret', { n: 1 });
    await until(page, () => seen('secret').length === 1, undefined, 'the next one');
    // The site rotates its master key: auth answers and events use the new one.
    const rotated = Buffer.alloc(32, 7).toString('base64');
    const rotatedSdk = new (createRequire(import.meta.url)('pusher'))({
      appId: env('RUSHER_APP_ID'), key, secret: env('RUSHER_APP_SECRET'),
      host: sockets.host, port: String(sockets.port), useTLS: false, encryptionMasterKeyBase64: rotated,
    });
    const rotate = (keyBase64) => fetch(`${base}/_faults/master-key`, { method: 'POST', body: keyBase64 });
    equal((await rotate(rotated)).status, 204, 'the master-key switch');
    try {
      await rotatedSdk.trigger(name, 'secret', { n: 2 });
      await until(page, () => seen('secret').length === 2, undefined, 'the event, opened with a fresh key');
    } finally {
      await rotate(env('RUSHER_MASTER_KEY'));
    }
    equal(await page.evaluate(() => seen('secret').map((e) => e[1])), [1, 2], 'each once, in order');
    equal(await page.evaluate(() => seen('error').length), 1, 'one error: the tampered event');
    equal(await page.evaluate(() => pusher.connection.socket_id), id, 'the same connection');
  });

  test('faults: an auth endpoint that never answers is a subscription_error (AuthTimeout) after 30 s; a later try works', async () => {
    const page = await visitor('Hun');
    await page.evaluate(() => { window.pusher = new R(KEY, opts()); });
    await until(page, () => pusher.connection.state === 'connected');
    await authFault(120000);
    try {
      await page.evaluate(() => pusher.subscribe('private-auth-hung')
        .bind('pusher:subscription_error', (e) => log.push(['refused', e.type])));
      await until(page, () => seen('refused').length === 1, undefined, 'the auth timeout', 40000);
    } finally {
      await authFault(0);
    }
    equal(await page.evaluate(() => seen('refused')[0][1]), 'AuthTimeout', 'its type');
    await page.evaluate(() => { window.again = pusher.subscribe('private-auth-hung'); });
    await until(page, () => again.subscribed, undefined, 'subscribed on the second try');
  });

  test('faults: a hostile server listing 20,000 members: 10,000 kept, a TooManyMembers error, still connected', async () => {
    const name = 'presence-js-huge';
    const page = await visitor('Hug');
    await page.evaluate(() => {
      window.pusher = new R(KEY, opts());
      pusher.connection.bind('error', (e) => log.push(['error', e.type]));
    });
    await until(page, () => pusher.connection.state === 'connected');
    // The auth answer waits, so the channel is still authorizing when the hostile frame comes.
    await authFault(2000);
    try {
      await page.evaluate((name) => { window.huge = pusher.subscribe(name); }, name);
      const id = await page.evaluate(() => pusher.connection.socket_id);
      const ids = Array.from({ length: 20000 }, (_, i) => `u${i}`);
      const presence = { presence: { ids, hash: Object.fromEntries(ids.map((i) => [i, {}])), count: 20000 } };
      await fault(`raw?socket_id=${id}`, JSON.stringify({
        event: 'pusher_internal:subscription_succeeded', channel: name, data: JSON.stringify(presence),
      }));
      await until(page, () => seen('error').some((e) => e[1] === 'TooManyMembers'), undefined, 'the cap, said');
    } finally {
      await authFault(0);
    }
    equal(await page.evaluate(() => [huge.members.count, pusher.connection.state]), [10000, 'connected'], 'capped, connected');
  });

  test('faults: members named like what every object has (__proto__, constructor, toString) are listed, counted and found as the core has them', async () => {
    const name = 'presence-js-proto';
    const page = await visitor('Pro');
    await page.evaluate((name) => {
      window.pusher = new R(KEY, opts());
      window.room = pusher.subscribe(name);
      window.changes = 0;
      room.bind('pusher:member_added', () => { changes += 1; });
      room.bind('pusher:member_removed', () => { changes += 1; });
    }, name);
    await until(page, () => room.subscribed && room.members.count === 1);
    const id = await page.evaluate(() => pusher.connection.socket_id);
    const odd = ['__proto__', 'constructor', 'toString'];
    const tell = (event, data) => fault(`raw?socket_id=${id}`, JSON.stringify({ event: `pusher_internal:${event}`, channel: name, data: JSON.stringify(data) }));
    /** What the page lists, counts and finds, against what the core has. */
    const look = () => page.evaluate(({ name, odd }) => {
      const sorted = (members) => Object.keys(members).sort().map((id) => [id, members[id]]);
      const each = [];
      room.members.each((member) => each.push(member.id));
      return {
        same: JSON.stringify(sorted(room.members.members)) === JSON.stringify(sorted(JSON.parse(pusher._core.members(name)).members)),
        count: room.members.count,
        each: each.length,
        found: odd.map((id) => room.members.get(id)?.info?.n ?? null),
        plain: Object.getPrototypeOf(room.members.members) === Object.prototype,
      };
    }, { name, odd });
    for (const [n, user_id] of odd.entries()) await tell('member_added', { user_id, user_info: { n } });
    await until(page, () => changes === 3, undefined, 'three member_added');
    equal(await look(), { same: true, count: 4, each: 4, found: [0, 1, 2], plain: true }, 'after they came');
    for (const user_id of odd) await tell('member_removed', { user_id });
    await until(page, () => changes === 6, undefined, 'three member_removed');
    equal(await look(), { same: true, count: 1, each: 1, found: [null, null, null], plain: true }, 'after they left');
  });

  test('faults: a tab frozen in the background (no timers, no tasks) and shown again: events once and in order; after the server dropped it meanwhile, back in the room', async () => {
    const [hid, pal] = await twoInRoom(['Hid', 'Pal'], 'presence-frozen-tab');
    // Frozen for 10 s (a hidden tab's timers are throttled; a frozen one runs nothing at all)
    // while 10 events are published: all arrive when it wakes, once each, in order.
    const tab = await frozenTab(hid);
    await tab.freeze();
    for (let n = 0; n < 10; n += 1) {
      await sdk.trigger('presence-frozen-tab', 'tick', { n });
      await sleep(1000);
    }
    const woken = Date.now();
    await tab.wake();
    await until(hid, () => seen('tick').length >= 10, undefined, 'the events published while frozen');
    equal(await hid.evaluate(() => seen('tick').map((e) => e[1])), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'once each, in order');
    equal(await hid.evaluate((woken) => seen('tick').every((e) => e[2] >= woken), woken), true,
      'none ran while the page was frozen');
    // Frozen for minutes, a server stops answering and drops the socket: the same, compressed.
    // Meanwhile Pal leaves and Cal joins. Woken, it reconnects and lists the room as it is now.
    const before = await hid.evaluate(() => pusher.connection.socket_id);
    await tab.freeze();
    await fault('drop-all');
    await pal.evaluate(() => pusher.disconnect());
    const cal = await visitor('Cal');
    await cal.evaluate(() => {
      window.pusher = new R(KEY, opts());
      window.room = pusher.subscribe('presence-frozen-tab');
    });
    await until(cal, () => room.subscribed);
    await sleep(2000);
    await tab.wake();
    await until(hid, (id) => pusher.connection.state === 'connected' && pusher.connection.socket_id !== id
      && room.subscribed && room.members.count === 2, before, 'back in the room', 20000);
    equal(await memberNames(hid), ['Cal', 'Hid'], 'the room as it is now');
    await sdk.trigger('presence-frozen-tab', 'tick', { n: 10 });
    await until(hid, () => seen('tick').some((e) => e[1] === 10), undefined, 'an event after waking');
  }, { engines: ['chromium'], why: 'a frozen page needs the DevTools protocol (its debugger pauses the page)' });

  test('faults: a flood of 20,000 events from the server: every one reaches the callback, the connection lives, timers keep running', async () => {
    const page = await visitor('Flo');
    await page.evaluate(() => {
      window.pusher = new R(KEY, opts());
      window.kept = pusher.subscribe('flood');
      window.flood = { count: 0 };
      kept.bind('flood', () => { flood.count += 1; });
    });
    await until(page, () => kept.subscribed);
    const id = await page.evaluate(() => {
      // The longest the main thread goes without running a timer while the flood comes in.
      window.gaps = { longest: 0, ticks: 0 };
      let last = performance.now();
      const tick = () => {
        const now = performance.now();
        gaps.longest = Math.max(gaps.longest, now - last);
        gaps.ticks += 1;
        last = now;
        if (!gaps.stop) setTimeout(tick, 0);
      };
      tick();
      return pusher.connection.socket_id;
    });
    const frame = JSON.stringify({ event: 'flood', channel: 'flood', data: JSON.stringify({ text: 'x'.repeat(60) }) });
    const started = Date.now();
    await fault(`raw?socket_id=${id}&times=20000`, frame);
    await until(page, () => flood.count === 20000, undefined, 'every event of the flood', 60000);
    const took = Date.now() - started;
    const gaps = await page.evaluate(() => { window.gaps.stop = true; return window.gaps; });
    assert(gaps.ticks > 1, 'timers ran during the flood');
    equal(await page.evaluate(() => [pusher.connection.state, pusher.connection.socket_id]), ['connected', id], 'the same connection');
    console.log(`figure: flood: 20,000 events of ${frame.length} B reached the callback in ${took} ms; timers ran ${gaps.ticks} times meanwhile, the longest gap ${Math.round(gaps.longest)} ms`);
  });

  test('faults: the browser going offline and online: unavailable, then connected and subscribed again', async () => {
    const page = await visitor('Net');
    await page.evaluate(() => {
      window.pusher = new R(KEY, opts());
      window.kept = pusher.subscribe('private-network');
    });
    await until(page, () => kept.subscribed);
    await page.context().setOffline(true);
    await until(page, () => pusher.connection.state === 'unavailable', undefined, 'unavailable while offline');
    await page.context().setOffline(false);
    await until(page, () => pusher.connection.state === 'connected' && kept.subscribed, undefined, 'back online', 15000);
  });
}

test('the embed example in www/ connects and shows an event as text', async () => {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${base}/www/embed.html`);
  await until(page, () => window.rusherEmbed && rusherEmbed.channel('updates').subscribed);
  await sdk.trigger('updates', 'news', { text: '<b>hi</b>' });
  await until(page, () => document.querySelectorAll('#events li').length === 1);
  const shown = await page.evaluate(() => ({
    text: document.querySelector('#events li').textContent,
    bold: document.querySelectorAll('#events b').length,
    state: document.getElementById('state').textContent,
  }));
  equal(shown, { text: 'news: {"text":"<b>hi</b>"}', bold: 0, state: 'connected' }, 'embed page');
});

test('the default entry imported by two module scripts and an import() in one page: each runs', async () => {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${pages.base}/test/two-importers/`);
  await until(page, () => window.started.length === 3, undefined, 'three importers');
  const started = await page.evaluate(() => window.started.sort());
  equal(started, [['dynamic', 'function'], ['first', 'function'], ['second', 'function']], 'every importer ran');
});

/** A page in a new context (nothing cached) whose WebAssembly module's request is held until the
 * returned `release(how)` (pages.mjs's `hold`). */
async function pageWithModuleHeld() {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  const release = pages.hold('/www/pkg/rusher_bg.wasm');
  await page.goto(`${pages.base}/test/`);
  return { page, release };
}

test('a Pusher made before the module is loaded keeps its channels (an invalid name is a subscription_error) and connects once it is; the module served with the wrong type loads anyway', async () => {
  const { page, release } = await pageWithModuleHeld();
  const before = await page.evaluate(async () => {
    const { default: Pusher } = await import('/www/pkg/index.js');
    window.pusher = new Pusher(KEY, opts());
    window.early = pusher.subscribe('early-news');
    early.bind('news', (data) => log.push(['news', data]));
    pusher.subscribe('not a name').bind('pusher:subscription_error', (error) => log.push(['refused', error.type]));
    return [pusher.connection.state, early.subscribed, early.trigger('client-early', {})];
  });
  equal(before, ['initialized', false, false], 'state, subscribed and a client event before the module is loaded');
  // As a server that does not know the wasm type sends it: instantiateStreaming refuses it.
  release({ type: 'application/octet-stream' });
  await until(page, () => early.subscribed && seen('refused').length === 1, undefined, 'subscribed once loaded');
  equal(await page.evaluate(() => [seen('refused')[0][1], pusher.channel('not a name')]), ['InvalidChannelName', undefined], 'the invalid name');
  await sdk.trigger('early-news', 'news', { n: 1 });
  await until(page, () => seen('news').length === 1, undefined, 'the event');
});

test('a module that cannot be loaded leaves the connection failed, as pusher-js where the browser lacks what it needs', async () => {
  const { page, release } = await pageWithModuleHeld();
  await page.evaluate(async () => {
    const { default: Pusher } = await import('/www/pkg/index.js');
    window.pusher = new Pusher(KEY, opts());
    pusher.connection.bind('state_change', (change) => log.push(['change', change]));
  });
  release({ status: 404 });
  await until(page, () => pusher.connection.state === 'failed', undefined, 'failed');
  equal(await page.evaluate(() => seen('change').map((e) => e[1])), [{ previous: 'initialized', current: 'failed' }], 'state changes');
  assert((await warnings(page)).some((w) => w.includes('no WebAssembly module')), 'the console says why');
});

test('the packed tarball installs into a scratch folder and imports', async () => {
  await withInstalledTarball('rusher-client-', async (dir) => {
    writeFileSync(join(dir, 'check.mjs'), `
      import { readFileSync } from 'node:fs';
      import { fileURLToPath } from 'node:url';
      import { initSync, Pusher, Channel } from 'rusher-client/init';
      initSync({ module: readFileSync(fileURLToPath(import.meta.resolve('rusher-client/rusher_bg.wasm'))) });
      let error = '';
      try { new Pusher('key', { wsPort: 'x' }); } catch (e) { error = e.message; }
      const manifest = JSON.parse(readFileSync('node_modules/rusher-client/package.json', 'utf8'));
      // The default entry, imported as server-side rendering does: it fetches nothing, so the
      // import neither throws nor rejects, and nothing is left pending that keeps Node running.
      const fetched = [];
      globalThis.fetch = (url) => { fetched.push(String(url)); return Promise.reject(new Error('no fetch in SSR')); };
      const entry = await import('rusher-client');
      await new Promise((resolve) => setTimeout(resolve, 50));
      console.log(JSON.stringify({
        pusher: typeof Pusher, channel: typeof Channel, error, types: manifest.types,
        ssr: { default: typeof entry.default, presence: typeof entry.Members, fetched },
      }));
    `);
    const output = JSON.parse(execFileSync('node', ['check.mjs'], { cwd: dir, encoding: 'utf8' }));
    equal(output.ssr, { default: 'function', presence: 'function', fetched: [] }, 'the default entry imported in Node');
    equal(output.pusher, 'function', 'Pusher export');
    equal(output.channel, 'function', 'Channel export');
    assert(output.error.includes('wsPort'), `option error in Node: ${output.error}`);
    equal(output.types, 'index.d.ts', 'types');
  });
}, { engines: ['chromium'], why: 'runs in Node, the same whatever the engine' });

await run(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});
