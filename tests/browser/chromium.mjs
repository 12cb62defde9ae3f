// Headless Chromium through playwright-core, as the browser suites and the benchmark start it.
import { chromium } from 'playwright-core';

/** Headless Chromium (`$CHROMIUM`, else /usr/bin/chromium), kept off the network, with the
 * back/forward cache on, as every visitor's Chromium has it (Playwright turns it off). */
export function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
      '--disable-background-networking', '--disable-component-update', '--no-first-run',
      ...extraArgs],
  });
}

/** A page whose main thread can be stopped and started again through the DevTools protocol,
 * as in a background tab the browser froze: while frozen it runs nothing (no timers, no socket
 * events; what arrives waits), which is what a hidden tab's throttled timers become at the
 * limit. `Page.setWebLifecycleState` does not freeze a headless page, so this pauses its
 * JavaScript in the debugger instead. */
export async function frozenTab(page) {
  const session = await page.context().newCDPSession(page);
  await session.send('Debugger.enable');
  return {
    freeze: () => session.send('Debugger.pause'),
    wake: () => session.send('Debugger.resume'),
  };
}
