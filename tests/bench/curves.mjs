// `cargo xtask bench`: how each client's cost grows with the work, Rusher and pusher-js 8 side
// by side in the same page and run (scripted_page.mjs):
//
// - channels: events into a callback with 1, 10, 100 and 1,000 channels subscribed (each event
//   on the next channel in turn, a callback bound on each), and the memory one more subscribed
//   channel takes;
// - presence: a channel of 100, 1,000 and 10,000 members (the protocol core's cap): the time to
//   handle its `subscription_succeeded`, and the time per `member_removed` / `member_added` at
//   that size, and the memory a member takes.
//
// Memory is the page's JavaScript heap plus WebAssembly memory after a forced garbage collection
// (page_metrics.mjs), before and after, in a page opened for that figure alone: WebAssembly
// memory grows in 64 KiB pages and never shrinks, so a page the runs before had grown would
// hide the growth. Small growths still read coarsely (a page of 64 KiB, or none). Prints one
// JSON line per size: {bench, size, rusher, pusherJs}.
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

/**
 * The memory (JavaScript heap and WebAssembly memory together) that `grow(arg)`, run in the page
 * with a connected client of `name` as `live`, adds: in a page opened for it and closed after.
 */
async function memoryOf(name, grow, arg) {
  const { page: fresh } = await openPage(browser);
  await fresh.evaluate(helpers);
  const bytes = async () => {
    const { heapBytes, wasmBytes } = await memory(fresh);
    return heapBytes + wasmBytes;
  };
  try {
    await fresh.evaluate(async (name) => {
      window.live = await bench.connect(name === 'rusher' ? window.Rusher : window.Pusher);
    }, name);
    const before = await bytes();
    await fresh.evaluate(grow, arg);
    return (await bytes()) - before;
  } finally {
    await fresh.close();
  }
}

/** Subscribes `live`'s client to `count` channels, a callback bound on each. */
async function subscribeChannels(count) {
  const { client } = live;
  live.subscribed = 0;
  live.callbacks = 0;
  for (let i = 0; i < count; i += 1) {
    const channel = client.subscribe(`c${i}`);
    channel.bind('pusher:subscription_succeeded', () => { live.subscribed += 1; });
    channel.bind('tick', () => { live.callbacks += 1; });
  }
  await bench.until(() => live.subscribed === count);
}

/** Subscribes `live`'s client to a presence channel of `members` (`live.succeeded` is its
 * `subscription_succeeded`, handed in when the test says), with member callbacks bound. */
async function joinPresence(members) {
  bench.holdSubscriptions = true;
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
}

/** Hands `live`'s client its presence channel's `subscription_succeeded`. */
function succeed() {
  live.socket.onmessage({ data: live.succeeded });
  if (!live.ready) throw new Error('subscription_succeeded did not reach the callback');
  live.succeeded = null;
}

/** The page's `window` gets the helpers above, for `page.evaluate`. */
const helpers = `window.subscribeChannels = ${subscribeChannels}; window.joinPresence = ${joinPresence}; window.succeed = ${succeed};`;
await page.evaluate(helpers);

async function channels(name, count) {
  const bytesPer = (await memoryOf(name, (count) => subscribeChannels(count), count)) / count;
  await page.evaluate(async ({ name, count }) => {
    window.live = await bench.connect(clientOf[name]);
    await subscribeChannels(count);
  }, { name, count });
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
  return { ms: times, bytesPer };
}

async function presence(name, members) {
  const bytesPer = (await memoryOf(name, async (members) => {
    await joinPresence(members);
    succeed();
  }, members)) / members;
  const subscribeMs = [];
  const churnMs = [];
  for (let run = 0; run <= RUNS; run += 1) {
    await page.evaluate(async ({ name, members }) => {
      window.live = await bench.connect(clientOf[name]);
      await joinPresence(members);
    }, { name, members });
    const subscribe = await page.evaluate(() => {
      const started = performance.now();
      succeed();
      return performance.now() - started;
    });
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
  return { subscribeMs, memberEventUs: churnMs.map((ms) => (ms * 1000) / (2 * CHURN)), bytesPer };
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
