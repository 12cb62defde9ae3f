// `cargo xtask bench`: how fast Rusher and pusher-js 8 take events in, in the same headless
// Chromium page and the same run (scripted_page.mjs: both get the same scripted WebSocket); each
// scenario feeds the same frames straight into the client's `onmessage` and times how long the
// client takes until every callback has run (the clients handle a frame synchronously).
// A third column is the practical limit: a raw page, one socket whose `onmessage` does one
// `JSON.parse` of the frame and one of its data, then calls the callback. Encrypted events go to
// pusher-js's `pusher-with-encryption` build (tweetnacl), the others to `pusher.min.js`.
// Prints one JSON line per scenario: {scenario, events, rusher, pusherJs, raw}, each the
// milliseconds of five runs (after a warm-up run).
import { openPage } from './scripted_page.mjs';

const { browser, page } = await openPage();
const scenarios = await page.evaluate(async () => {
  const { key, base64, until, frame } = bench;
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
      const { client, socket } = await bench.connect(Client);
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
