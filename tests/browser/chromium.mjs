// Headless Chromium through playwright-core, as the browser suites and the benchmark start it.
import { chromium } from 'playwright-core';

/** Headless Chromium (`$CHROMIUM`, else /usr/bin/chromium), kept off the network. */
export function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
      '--disable-background-networking', '--disable-component-update', '--no-first-run',
      ...extraArgs],
  });
}
