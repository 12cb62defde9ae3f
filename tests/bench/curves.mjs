// `cargo xtask bench`: how each client's cost grows with the work, Rusher and pusher-js 8 side
// by side in the same page and run (scripted_page.mjs):
//
// - channels: events into a callback with 1, 10, 100 and 1,000 channels subscribed (each event
//   on the next channel in turn, a callback bound on each), and the memory one more subscribed
//   channel takes;
// - presence: a channel of 100, 1,000 and 10,000 members (the protocol core's cap): the time to
//   handle its `subscription_succeeded`, and the time per `member_removed` / `member_added` at
//   that size.
//
// Memory is the page's JavaScript heap plus WebAssembly memory after a forced garbage collection
// (page_metrics.mjs), before and after; WebAssembly memory grows in 64 KiB pages and never
// shrinks, so small growths read coarsely. (Per presence member it read as nothing for Rusher,
// whose members live in WebAssembly memory the earlier scenarios had already grown: not shown.) Prints one JSON line per size: {bench, size, rusher, pusherJs}.
import { memory } from '../browser/page_metrics.mjs';
import { openPage } from './scripted_page.mjs';

/** Channel counts. */
const CHANNELS = [1, 10, 100, 1000];
/** Events fed in each run of the channels scenario. */
const EVENTS = 20000;
/** Presence channel sizes (10,000 is the protocol core's cap, `MAX_MEMBERS`). */
const MEMBERS = [100, 1000, 10000];
/** Members who leave and come back in each run at a presence size. */
const CHURN = 1000;
/** Timed runs of each figure (after one warm-up run). */
const RUNS = 5;
const CLIENTS = ['rusher', 'pusherJs'];

const { browser, page } = await openPage();
await page.evaluate(() => {
  window.clientOf = { rusher: window.Rusher, pusherJs: window.Pusher };
  window.live = null;
});

/** Heap and WebAssembly memory together. */
async function bytes() {
  const { heapBytes, wasmBytes } = await memory(page);
  return heapBytes + wasmBytes;
}

async function channels(name, count) {
  await page.evaluate(async (name) => {
    window.live = await bench.connect(clientOf[name]);
  }, name);
  const before = await bytes();
  await page.evaluate(async (count) => {
    const { client } = live;
    live.subscribed = 0;
    live.callbacks = 0;
    for (let i = 0; i < count; i += 1) {
      const channel = client.subscribe(`c${i}`);
      channel.bind('pusher:subscription_succeeded', () => { live.subscribed += 1; });
      channel.bind('tick', () => { live.callbacks += 1; });
    }
    await bench.until(() => live.subscribed === count);
  }, count);
  const after = await bytes();
  const times = await page.evaluate(({ count, EVENTS, RUNS }) => {
    const frames = Array.from({ length: EVENTS }, (_, i) => bench.frame('tick', `c${i % count}`, { n: i, text: 'x'.repeat(80) }));
    const times = [];
    for (let run = 0; run <= RUNS; run += 1) {
      live.callbacks = 0;
      const started = performance.now();
      for (const data of frames) live.socket.onmessage({ data });
      const elapsed = performance.now() - started;
      if (live.callbacks !== EVENTS) throw new Error(`${live.callbacks} callbacks for ${EVENTS} events`);
      if (run > 0) times.push(elapsed);
    }
    live.client.disconnect();
    window.live = null;
    return times;
  }, { count, EVENTS, RUNS });
  return { ms: times, bytesPer: (after - before) / count };
}

async function presence(name, members) {
  const subscribeMs = [];
  const churnMs = [];
  for (let run = 0; run <= RUNS; run += 1) {
    await page.evaluate(async ({ name, members }) => {
      bench.holdSubscriptions = true;
      window.live = await bench.connect(clientOf[name]);
      const ids = Array.from({ length: members }, (_, i) => `u${i}`);
      const hash = Object.fromEntries(ids.map((id) => [id, { name: `Member ${id}` }]));
      live.succeeded = bench.frame('pusher_internal:subscription_succeeded', 'presence-big', { presence: { ids, hash, count: members } });
      live.channel = live.client.subscribe('presence-big');
      live.ready = false;
      live.changes = 0;
      live.channel.bind('pusher:subscription_succeeded', () => { live.ready = true; });
      live.channel.bind('pusher:member_added', () => { live.changes += 1; });
      live.channel.bind('pusher:member_removed', () => { live.changes += 1; });
      // The client asks for the channel once it is connected and has its auth.
      await bench.until(() => live.socket.asked?.includes('presence-big'));
    }, { name, members });
    const subscribe = await page.evaluate(() => {
      const started = performance.now();
      live.socket.onmessage({ data: live.succeeded });
      const elapsed = performance.now() - started;
      if (!live.ready) throw new Error('subscription_succeeded did not reach the callback');
      return elapsed;
    });
    await page.evaluate(() => { live.succeeded = null; });
    const churn = await page.evaluate(({ CHURN, members }) => {
      const frames = [];
      for (let i = 0; i < CHURN; i += 1) {
        const id = `u${i % members}`;
        frames.push(bench.frame('pusher_internal:member_removed', 'presence-big', { user_id: id }));
        frames.push(bench.frame('pusher_internal:member_added', 'presence-big', { user_id: id, user_info: { name: `Member ${id}` } }));
      }
      const started = performance.now();
      for (const data of frames) live.socket.onmessage({ data });
      const elapsed = performance.now() - started;
      if (live.changes !== frames.length) throw new Error(`${live.changes} member callbacks for ${frames.length}`);
      live.client.disconnect();
      window.live = null;
      bench.holdSubscriptions = false;
      return elapsed;
    }, { CHURN, members });
    if (run > 0) {
      subscribeMs.push(subscribe);
      churnMs.push(churn);
    }
  }
  return { subscribeMs, memberEventUs: churnMs.map((ms) => (ms * 1000) / (2 * CHURN)) };
}

for (const count of CHANNELS) {
  const line = { bench: 'channels', size: count, events: EVENTS };
  for (const name of CLIENTS) line[name] = await channels(name, count);
  console.log(JSON.stringify(line));
}
for (const members of MEMBERS) {
  const line = { bench: 'presence', size: members };
  for (const name of CLIENTS) line[name] = await presence(name, members);
  console.log(JSON.stringify(line));
}
await browser.close();
