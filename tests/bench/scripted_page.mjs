// The benchmark page with a scripted WebSocket, shared by `events.mjs` (throughput) and
// `curves.mjs` (how the clients' cost grows): Rusher, pusher-js 8 (and its encryption build) in
// one headless Chromium page, whose `window.WebSocket` is a stand-in that answers the handshake
// and subscriptions. Frames are then fed straight into a client's `onmessage` (the clients
// handle a frame synchronously). In the page, `bench` holds what the scenarios share:
// the clients' `options`, `frame(event, channel, data)` and `until(condition)`.
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../browser/chromium.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ORIGIN = 'http://bench.test';
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

const page_html = `<!doctype html><meta charset="utf-8"><title>Rusher benchmark</title>
<script>
  // The scripted socket: opens, sends the handshake, notes every channel asked for (\`asked\`)
  // and confirms it (a beat later, as a real socket would; with bench.holdSubscriptions, it
  // leaves that to the scenario) and otherwise stays quiet.
  window.sockets = [];
  class ScriptedSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      sockets.push(this);
      setTimeout(() => {
        this.readyState = 1;
        if (this.onopen) this.onopen({});
        this.receive({ event: 'pusher:connection_established', data: JSON.stringify({ socket_id: '1.1', activity_timeout: 120 }) });
      });
    }
    receive(message) {
      if (this.onmessage) this.onmessage({ data: JSON.stringify(message) });
    }
    send(text) {
      const message = JSON.parse(text);
      if (message.event !== 'pusher:subscribe') return;
      const channel = message.data.channel;
      (this.asked ??= []).push(channel);
      if (bench.holdSubscriptions) return;
      const data = channel.startsWith('presence-')
        ? JSON.stringify({ presence: { ids: ['me'], hash: { me: { name: 'Me' } }, count: 1 } })
        : '{}';
      setTimeout(() => this.receive({ event: 'pusher_internal:subscription_succeeded', channel, data }));
    }
    close() {
      this.readyState = 3;
      // A closed socket lets its client go: the later scenarios' figures carry no earlier one.
      this.onmessage = null;
    }
  }
  ScriptedSocket.CONNECTING = 0; ScriptedSocket.OPEN = 1; ScriptedSocket.CLOSING = 2; ScriptedSocket.CLOSED = 3;
  window.WebSocket = ScriptedSocket;
  window.bench = {
    holdSubscriptions: false,
    key: Uint8Array.from({ length: 32 }, (_, i) => i),
    base64: (bytes) => btoa(String.fromCharCode(...bytes)),
    until: async (condition) => {
      for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 10));
      if (!condition()) throw new Error('timed out: ' + condition);
    },
    frame: (event, channel, data) => JSON.stringify({ event, channel, data: JSON.stringify(data) }),
  };
  bench.options = {
    cluster: 'mt1', wsHost: 'bench.test', wsPort: 80, forceTLS: false, enabledTransports: ['ws'], disableStats: true,
    channelAuthorization: {
      customHandler: ({ channelName }, callback) => callback(null, {
        auth: 'key:signature',
        channel_data: channelName.startsWith('presence-') ? JSON.stringify({ user_id: 'me', user_info: { name: 'Me' } }) : undefined,
        shared_secret: channelName.startsWith('private-encrypted-') ? bench.base64(bench.key) : undefined,
      }),
    },
  };
  // A connected client of \`Client\` and its scripted socket.
  bench.connect = async (Client) => {
    const before = sockets.length;
    const client = new Client('bench-key', bench.options);
    await bench.until(() => sockets.length > before);
    return { client, socket: sockets[sockets.length - 1] };
  };
</script>
<script src="/vendor/pusher-with-encryption.min.js"></script>
<script>window.PusherWithEncryption = window.Pusher;</script>
<script src="/vendor/pusher.min.js"></script>
<script src="/vendor/nacl.min.js"></script>`;

/** Headless Chromium (or `browser`, one already open) with the benchmark page open in a page of
 * its own and Rusher imported as `window.Rusher`; `page.cdp` is a DevTools session on it. */
export async function openPage(browser = undefined) {
  browser ??= await launch();
  const page = await browser.newPage();
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = path === '/' ? null
      : path.startsWith('/pkg/') ? join(root, 'www/pkg', path.slice(5))
        : path.startsWith('/vendor/pusher') ? join(root, 'tests/node_modules/pusher-js/dist/web', path.slice(8))
          // tweetnacl, the library pusher-with-encryption bundles, to encrypt the frames.
          : path === '/vendor/nacl.min.js' ? join(root, 'tests/node_modules/tweetnacl/nacl.min.js')
            : undefined;
    if (file === undefined) return route.fulfill({ status: 404, body: '' });
    if (file === null) return route.fulfill({ contentType: types['.html'], body: page_html });
    return route.fulfill({ contentType: types[extname(file)] || 'application/octet-stream', body: readFileSync(file) });
  });
  await page.goto(`${ORIGIN}/`);
  await page.evaluate(async () => {
    window.Rusher = (await import('/pkg/index.js')).default;
  });
  page.cdp = await page.context().newCDPSession(page);
  return { browser, page };
}
