// What a page with the chat widget holds, measured through the DevTools protocol after a forced
// garbage collection: JavaScript heap, WebAssembly memory, live JavaScript functions, DOM nodes,
// event listeners, pending timers and the messages it shows. Shared by the soak's pages
// (soak_pages.mjs) and the benchmarks (../bench/widget.mjs, ../bench/curves.mjs).

/** Counts the page's pending timers: installed before any of its scripts runs. */
export function countTimers() {
  const live = new Set();
  const { setTimeout: set, clearTimeout: clear, setInterval: every, clearInterval: stop } = window;
  window.setTimeout = function (callback, ms, ...rest) {
    const id = set.call(window, (...args) => {
      live.delete(id);
      if (typeof callback === 'function') callback(...args);
    }, ms, ...rest);
    live.add(id);
    return id;
  };
  window.clearTimeout = (id) => { live.delete(id); clear.call(window, id); };
  window.setInterval = function (...args) {
    const id = every.call(window, ...args);
    live.add(id);
    return id;
  };
  window.clearInterval = (id) => { live.delete(id); stop.call(window, id); };
  window.soakLiveTimers = () => live.size;
}

/** How many live objects have `prototype` (an expression) in their chain, and `reduce` over
 * them (a function body with `this` the array), through the DevTools protocol. */
async function objects(cdp, prototype, reduce) {
  const { result: proto } = await cdp.send('Runtime.evaluate', { expression: prototype });
  const { objects: list } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.objectId });
  const { result } = await cdp.send('Runtime.callFunctionOn', {
    functionDeclaration: `function () { ${reduce} }`, objectId: list.objectId, returnByValue: true,
  });
  await cdp.send('Runtime.releaseObject', { objectId: list.objectId });
  return result.value;
}

/** A page's JavaScript heap and WebAssembly memory (with `page.cdp`, a DevTools session), after
 * a forced garbage collection. */
export async function memory(page) {
  await page.cdp.send('HeapProfiler.collectGarbage');
  const heap = await page.cdp.send('Runtime.getHeapUsage');
  return {
    heapBytes: heap.usedSize,
    wasmBytes: await objects(page.cdp, 'WebAssembly.Memory.prototype',
      'return this.reduce((sum, memory) => sum + memory.buffer.byteLength, 0);'),
  };
}

/** One look at a page (with `page.cdp`, a DevTools session, and `countTimers` installed before
 * its scripts), after a forced garbage collection. */
export async function measure(page) {
  const { heapBytes, wasmBytes } = await memory(page);
  const dom = await page.cdp.send('Memory.getDOMCounters');
  return {
    heapBytes,
    wasmBytes,
    functions: await objects(page.cdp, 'Function.prototype', 'return this.length;'),
    nodes: dom.nodes,
    listeners: dom.jsEventListeners,
    timers: await page.evaluate(() => window.soakLiveTimers()),
    lines: await page.evaluate(() => document.getElementById('rusher-chat').shadowRoot.querySelectorAll('.log li').length),
  };
}

