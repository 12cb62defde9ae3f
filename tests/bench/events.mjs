// `cargo xtask bench`: how fast Rusher and pusher-js 8 take events in, in the same headless
// Chromium page and the same run. Both clients get the same scripted WebSocket (a stand-in for
// the browser's, installed as `window.WebSocket`) that answers the handshake and subscriptions;
// each scenario then feeds the same frames straight into the client's `onmessage` and times how
// long the client takes until every callback has run (the clients handle a frame synchronously).
// A third column is the practical limit: a raw page, one socket whose `onmessage` does one
// `JSON.parse` of the frame and one of its data, then calls the callback. Encrypted events go to
// pusher-js's `pusher-with-encryption` build (tweetnacl), the others to `pusher.min.js`.
// Prints one JSON line per scenario: {scenario, events, rusher, pusherJs, raw}, each the
// milliseconds of five runs (after a warm-up run).
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch } from '../browser/chromium.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ORIGIN = 'http://bench.test';
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };

const page_html = `<!doctype html><meta charset="utf-8"><title>Rusher benchmark</title>
<script>
  // The scripted socket: opens, sends the handshake, confirms every subscription (a beat
  // later, as a real socket would) and otherwise stays quiet.
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
      const data = channel.startsWith('presence-')
        ? JSON.stringify({ presence: { ids: ['me'], hash: { me: { name: 'Me' } }, count: 1 } })
        : '{}';
      setTimeout(() => this.receive({ event: 'pusher_internal:subscription_succeeded', channel, data }));
    }
    close() {
      this.readyState = 3;
    }
  }
  ScriptedSocket.CONNECTING = 0; ScriptedSocket.OPEN = 1; ScriptedSocket.CLOSING = 2; ScriptedSocket.CLOSED = 3;
  window.WebSocket = ScriptedSocket;
</script>
<script src="/vendor/pusher-with-encryption.min.js"></script>
<script>window.PusherWithEncryption = window.Pusher;</script>
<script src="/vendor/pusher.min.js"></script>
<script src="/vendor/nacl.min.js"></script>`;

const browser = await launch();
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

const scenarios = await page.evaluate(async () => {
  const key = Uint8Array.from({ length: 32 }, (_, i) => i);
  const base64 = (bytes) => btoa(String.fromCharCode(...bytes));
  // The raw page: one socket, one parse of the frame and one of its data, then the callback.
  class RawPage {
    constructor() {
      this.socket = new WebSocket('ws://bench.test/raw');
      this.callbacks = {};
    }
    subscribe() {
      this.socket.onmessage = (message) => {
        const frame = JSON.parse(message.data);
        const data = JSON.parse(frame.data);
        this.callbacks[rawEvent[frame.event] ?? frame.event]?.(data);
      };
      return {
        bind: (event, callback) => {
          this.callbacks[event] = callback;
          if (event === 'pusher:subscription_succeeded') callback();
        },
      };
    }
    disconnect() {
      this.socket.close();
    }
  }
  const rawEvent = { 'pusher_internal:member_added': 'pusher:member_added', 'pusher_internal:member_removed': 'pusher:member_removed' };
  const until = async (condition) => {
    for (let i = 0; i < 500 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 10));
    if (!condition()) throw new Error(`timed out: ${condition}`);
  };
  const options = {
    cluster: 'mt1', wsHost: 'bench.test', wsPort: 80, forceTLS: false, enabledTransports: ['ws'], disableStats: true,
    channelAuthorization: {
      customHandler: ({ channelName }, callback) => callback(null, {
        auth: 'key:signature',
        channel_data: channelName.startsWith('presence-') ? JSON.stringify({ user_id: 'me', user_info: { name: 'Me' } }) : undefined,
        shared_secret: channelName.startsWith('private-encrypted-') ? base64(key) : undefined,
      }),
    },
  };
  const frame = (event, channel, data) => JSON.stringify({ event, channel, data: JSON.stringify(data) });
  const sealed = (event, channel, data) => {
    const nonce = nacl.randomBytes(24);
    const ciphertext = nacl.secretbox(new TextEncoder().encode(JSON.stringify(data)), nonce, key);
    return frame(event, channel, { nonce: base64(nonce), ciphertext: base64(ciphertext) });
  };
  const hundredBytes = (i) => ({ n: i, text: 'x'.repeat(80) });
  const chat = (i) => ({
    id: i, room: 'lobby', user: { id: `u${i % 50}`, name: `User ${i % 50}` },
    text: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(14), sent_at: 1700000000000 + i,
  });
  const presence = [];
  for (let round = 0; round < 25; round += 1) {
    for (let u = 0; u < 100; u += 1) presence.push(frame('pusher_internal:member_added', 'presence-bench', { user_id: `u${u}`, user_info: { name: `User ${u}` } }));
    for (let u = 0; u < 100; u += 1) presence.push(frame('pusher_internal:member_removed', 'presence-bench', { user_id: `u${u}` }));
  }
  const plan = [
    { scenario: '100 B events (public channel)', channel: 'bench', events: ['tick'],
      frames: Array.from({ length: 20000 }, (_, i) => frame('tick', 'bench', hundredBytes(i))) },
    { scenario: '1 KB chat messages', channel: 'bench', events: ['message'],
      frames: Array.from({ length: 5000 }, (_, i) => frame('message', 'bench', chat(i))) },
    { scenario: 'presence joins and leaves', channel: 'presence-bench',
      events: ['pusher:member_added', 'pusher:member_removed'], frames: presence },
    { scenario: 'encrypted 100 B events', channel: 'private-encrypted-bench', events: ['tick'],
      frames: Array.from({ length: 5000 }, (_, i) => sealed('tick', 'private-encrypted-bench', hundredBytes(i))),
      pusherJs: window.PusherWithEncryption },
  ];
  const results = [];
  for (const { scenario, channel, events, frames, pusherJs } of plan) {
    const result = { scenario, events: frames.length };
    const clients = { rusher: window.Rusher, pusherJs: pusherJs ?? window.Pusher, raw: RawPage };
    for (const [name, Client] of Object.entries(clients)) {
      const before = sockets.length;
      const client = new Client('bench-key', options);
      await until(() => sockets.length > before);
      const socket = sockets[sockets.length - 1];
      const subscription = client.subscribe(channel);
      let subscribed = false;
      subscription.bind('pusher:subscription_succeeded', () => { subscribed = true; });
      await until(() => subscribed);
      let count = 0;
      for (const event of events) subscription.bind(event, () => { count += 1; });
      const times = [];
      for (let run = 0; run < 6; run += 1) {
        count = 0;
        const started = performance.now();
        for (const data of frames) socket.onmessage({ data });
        const elapsed = performance.now() - started;
        if (count !== frames.length) throw new Error(`${name} ran ${count} callbacks for ${frames.length} frames in ${scenario}`);
        if (run > 0) times.push(elapsed);
      }
      result[name] = times;
      client.disconnect();
    }
    results.push(result);
  }
  return results;
});
for (const result of scenarios) console.log(JSON.stringify(result));
await browser.close();
