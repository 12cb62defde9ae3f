// What a visitor does in the chat widget, driven like people use it (by role and label), shared
// by the widget suites (widget.mjs on rusher-server, cluster.mjs on a sockudo cluster).

/** Every WebAssembly trap (a panic: the module is dead) in a page `openVisitor` opened, as
 * `url: message`; a suite asserts at its end that there was none. */
export const wasmTraps = [];

/** Opens `url` in a new browser context (its own cookies and storage), remembered in `contexts`
 * for closing; page errors and dialogs are collected in `page.errors`, traps also in
 * `wasmTraps`, and what the console logs as an error (a failed request among them) in
 * `page.consoleErrors`. */
export async function openVisitor(browser, contexts, url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, ...options });
  contexts.push(context);
  const page = await context.newPage();
  page.errors = [];
  page.consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') page.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => {
    page.errors.push(error.message);
    if (error.name === 'RuntimeError' || error.message === 'unreachable') wasmTraps.push(`${url}: ${error.message}\n${error.stack}`);
  });
  page.on('dialog', (dialog) => {
    page.errors.push(`a dialog opened: ${dialog.message()}`);
    dialog.dismiss();
  });
  await page.goto(url);
  return page;
}

/** Opens the chat and joins as `name`. */
export async function join(page, name) {
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  await online(page);
}

/** Waits for the status line to say Online (after a failed connect, the backoff with jitter
 * can wait several seconds). */
export async function online(page, timeout = 8000) {
  await page.getByRole('status').filter({ hasText: 'Online' }).waitFor({ timeout });
}

export const heading = (page) => page.getByRole('heading', { name: /Who's online/ });
export const log = (page) => page.getByRole('log', { name: 'Messages' });
export const messageBox = (page) => page.getByRole('textbox', { name: 'Message', exact: true });

/** Types `text` and sends it with Enter. */
export async function say(page, text) {
  await messageBox(page).fill(text);
  await messageBox(page).press('Enter');
}

/** Waits until `locator`'s text contains `text`. */
export async function shows(locator, text, what, timeout = 6000) {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ timeout });
  } catch {
    throw new Error(`${what}: ${JSON.stringify(text)} never showed; it shows ${JSON.stringify(await locator.first().textContent().catch(() => '?'))}`);
  }
}

/** `inviter` (named `inviterName`) invites the visitor named `inviteeName` to a private chat;
 * returns the invitation as `invitee` sees it. */
export async function invite(inviter, inviterName, invitee, inviteeName) {
  // The invitee's sign-in (for server-to-user events) follows the connection.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await inviter.getByRole('button', { name: `Invite to private chat: ${inviteeName}` }).click();
  const invitation = invitee.getByRole('alert').filter({ hasText: `${inviterName} invites you to a private chat` });
  await invitation.waitFor({ timeout: 6000 });
  return invitation;
}

/** The invitee accepts `invitation`; waits until `inviter` shows the room of `inviteeName`. */
export async function accept(invitation, inviter, inviteeName) {
  await invitation.getByRole('button', { name: 'Accept' }).click();
  await inviter.getByRole('tab', { name: inviteeName, selected: true }).waitFor({ timeout: 6000 });
}
