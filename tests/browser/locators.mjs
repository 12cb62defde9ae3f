// Playwright's locators, the part the suites use, for the engines driven over WebDriver
// (engines.mjs). A locator is a chain of steps (CSS, role and accessible name, label, text),
// resolved in the page through open shadow roots every time it is used, as Playwright's are.
// Roles and accessible names are computed in the page for the roles the suites ask for (implicit
// roles of the HTML elements, `role` attributes; names from `aria-labelledby`, `aria-label`,
// `<label>` and content, as the accessible name computation gives them). Actions are real input
// through WebDriver: a click is the pointer pressed at the element's centre, keys go to the
// focused element; only `fill` sets the value and fires `input`, as Playwright's does.
import { Key, Origin } from 'selenium-webdriver';

/** How long an action waits for its element, as Playwright's does for the suites. */
const ACTION_TIMEOUT_MS = 30_000;
/** How often a waiting locator looks again. */
const POLL_MS = 50;

/** The steps resolved in the page: the matching elements, in document order. Runs in the page. */
function resolveSteps(steps) {
  const normal = (text) => (text ?? '').replace(/\s+/g, ' ').trim();
  const deep = (root) => {
    const found = [];
    const walk = (node) => {
      for (const child of node.children) {
        found.push(child);
        if (child.shadowRoot) walk(child.shadowRoot);
        walk(child);
      }
    };
    if (root.shadowRoot) walk(root.shadowRoot);
    walk(root);
    return found;
  };
  const parentOf = (el) => el.parentElement ?? el.getRootNode().host ?? null;
  const hidden = (el) => {
    for (let at = el; at; at = parentOf(at)) {
      if (at.getAttribute('aria-hidden') === 'true' || at.hidden) return true;
    }
    return el.checkVisibility ? !el.checkVisibility({ visibilityProperty: true }) : false;
  };
  // The text of a subtree, as its accessible name from content: hidden parts left out,
  // labelled elements by their label, open shadow roots included.
  const contentText = (node) => {
    if (node.nodeType === Node.TEXT_NODE) return node.data;
    if (node.nodeType !== Node.ELEMENT_NODE) return '';
    if (node.getAttribute('aria-hidden') === 'true' || node.hidden) return '';
    const label = node.getAttribute('aria-label');
    if (label && label.trim()) return ` ${label} `;
    if (node.localName === 'img') return node.getAttribute('alt') ?? '';
    const children = [...(node.shadowRoot ?? node).childNodes];
    const inner = children.map(contentText).join('');
    const style = getComputedStyle(node);
    return style.display === 'inline' ? inner : ` ${inner} `;
  };
  const FIELD_TYPES = ['text', 'email', 'tel', 'url', 'search', 'password', 'number'];
  const implicitRole = (el) => {
    const tag = el.localName;
    if (tag === 'button') return 'button';
    if (tag === 'input') {
      const type = (el.getAttribute('type') ?? 'text').toLowerCase();
      if (['button', 'submit', 'reset', 'image'].includes(type)) return 'button';
      if (type === 'checkbox' || type === 'radio') return type;
      return FIELD_TYPES.includes(type) ? (type === 'search' ? 'searchbox' : 'textbox') : null;
    }
    if (tag === 'textarea') return 'textbox';
    if (tag === 'select') return 'combobox';
    if (tag === 'a' || tag === 'area') return el.hasAttribute('href') ? 'link' : null;
    if (/^h[1-6]$/.test(tag)) return 'heading';
    if (tag === 'ul' || tag === 'ol') return 'list';
    if (tag === 'li') return 'listitem';
    if (tag === 'section') return el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby') ? 'region' : null;
    if (tag === 'output') return 'status';
    return { dialog: 'dialog', nav: 'navigation', main: 'main', form: 'form', p: 'paragraph', img: 'img' }[tag] ?? null;
  };
  const roleOf = (el) => normal(el.getAttribute('role')).split(' ')[0] || implicitRole(el);
  const NAME_FROM_CONTENT = ['button', 'link', 'heading', 'tab', 'checkbox', 'radio', 'switch', 'option', 'menuitem', 'cell', 'tooltip', 'treeitem'];
  const byIds = (el, ids) => normal(ids).split(' ')
    .map((id) => el.getRootNode().getElementById(id))
    .filter(Boolean)
    .map(contentText)
    .join(' ');
  const labelOf = (el) => {
    if (el.hasAttribute('aria-labelledby')) return normal(byIds(el, el.getAttribute('aria-labelledby')));
    const label = normal(el.getAttribute('aria-label'));
    if (label) return label;
    return normal([...(el.labels ?? [])].map(contentText).join(' '));
  };
  const nameOf = (el) => {
    const label = labelOf(el);
    if (label) return label;
    if (el.localName === 'input' && ['button', 'submit', 'reset'].includes(el.type)) return normal(el.value);
    if (NAME_FROM_CONTENT.includes(roleOf(el))) return normal(contentText(el));
    return normal(el.getAttribute('title') ?? el.getAttribute('placeholder'));
  };
  const matches = (text, wanted, exact) => {
    if (wanted && typeof wanted === 'object') return new RegExp(wanted.source, wanted.flags).test(text);
    return exact ? text === normal(wanted) : text.toLowerCase().includes(normal(wanted).toLowerCase());
  };
  // The text a `hasText` filter reads, as Playwright's: the text content, open shadow roots
  // included.
  const deepText = (el) => {
    const text = (node) => node.nodeType === Node.TEXT_NODE ? node.data
      : node.localName === 'style' || node.localName === 'script' ? ''
        : [...(node.shadowRoot ?? node).childNodes].map(text).join('');
    return normal(text(el));
  };
  const isRole = (el, { role, name, exact, selected }) => roleOf(el) === role && !hidden(el)
    && (name === undefined || matches(nameOf(el), name, exact))
    && (selected === undefined || (el.getAttribute('aria-selected') === 'true') === selected);
  const hasLabel = (el, { label, exact }) => {
    const text = labelOf(el);
    return text !== '' && matches(text, label, exact);
  };
  let scope = [document.documentElement];
  for (const step of steps) {
    if (step.first) {
      scope = scope.slice(0, 1);
      continue;
    }
    if (step.hasText !== undefined) {
      scope = scope.filter((el) => matches(deepText(el), step.hasText, false));
      continue;
    }
    const found = new Set();
    for (const root of scope) {
      for (const el of deep(root)) {
        if (step.css ? el.matches(step.css) : step.role ? isRole(el, step) : hasLabel(el, step)) found.add(el);
      }
    }
    scope = [...found];
  }
  return scope;
}

/** Carries a RegExp into the page. */
const carried = (value) => (value instanceof RegExp ? { source: value.source, flags: value.flags } : value);

/** A page script: the elements of `arg.steps` as `found`, then `body`, with the action's own
 * argument as `arg`. */
const withFound = (body) => `((found, arg) => { ${body} })((${resolveSteps})(arg.steps), arg.arg)`;

/** Waits until the locator matches an element, for an action on it; matching more than one is
 * an error, as in Playwright's strict mode. */
async function single(locator, timeout = ACTION_TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const count = await locator.count();
    if (count > 1) throw new Error(`strict mode: ${locator} matches ${count} elements`);
    if (count === 1) return;
    if (Date.now() > deadline) throw new Error(`Timeout ${timeout} ms exceeded waiting for ${locator}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** The keys WebDriver sends for a Playwright key name. */
function keysOf(combination) {
  const named = { Enter: Key.ENTER, Tab: Key.TAB, Escape: Key.ESCAPE, Shift: Key.SHIFT, Backspace: Key.BACK_SPACE,
    ArrowDown: Key.ARROW_DOWN, ArrowUp: Key.ARROW_UP, ArrowLeft: Key.ARROW_LEFT, ArrowRight: Key.ARROW_RIGHT, Space: ' ', Control: Key.CONTROL };
  return combination.split('+').map((key) => named[key] ?? key);
}

/** Presses a key combination (`Shift+Enter`) on whatever has the focus in `page`. */
export async function pressKeys(page, combination) {
  const keys = keysOf(combination);
  let actions = page.actions();
  for (const key of keys) actions = actions.keyDown(key);
  for (const key of [...keys].reverse()) actions = actions.keyUp(key);
  await actions.perform();
}

/** A Playwright-like locator over a WebDriver page (`page.evaluate`, `page.actions`). */
export class Locator {
  constructor(page, steps) {
    this.page = page;
    this.steps = steps;
  }

  toString() {
    return `locator ${JSON.stringify(this.steps)}`;
  }

  with(step) {
    return new Locator(this.page, [...this.steps, step]);
  }

  locator(css, { hasText } = {}) {
    const found = this.with({ css });
    return hasText === undefined ? found : found.filter({ hasText });
  }
  getByRole(role, { name, exact, selected } = {}) { return this.with({ role, name: carried(name), exact, selected }); }
  getByLabel(label, { exact } = {}) { return this.with({ label: carried(label), exact }); }
  filter({ hasText }) { return this.with({ hasText: carried(hasText) }); }
  first() { return this.with({ first: true }); }

  /** Runs `body` (a function's source of `found` and `arg`) in the page. */
  run(body, arg) {
    return this.page.evaluate(withFound(body), { steps: this.steps, arg });
  }

  count() { return this.run('return found.length;'); }
  allTextContents() { return this.run('return found.map((el) => el.textContent);'); }

  async textContent() {
    await single(this);
    return this.run('return found[0].textContent;');
  }

  async getAttribute(name) {
    await single(this);
    return this.run('return found[0].getAttribute(arg);', name);
  }

  async inputValue() {
    await single(this);
    return this.run('return found[0].value;');
  }

  async evaluate(fn, arg) {
    await single(this);
    return this.run(`return (${fn})(found[0], arg);`, arg);
  }

  /** Waits until an element matches and is visible (`state: 'visible'`, the default) or until
   * none does (`state: 'hidden'` or `'detached'`). */
  async waitFor({ timeout = ACTION_TIMEOUT_MS, state = 'visible' } = {}) {
    const body = state === 'visible'
      ? 'return found.some((el) => el.checkVisibility ? el.checkVisibility({ visibilityProperty: true }) : true);'
      : state === 'attached' ? 'return found.length > 0;' : 'return found.length === 0;';
    const deadline = Date.now() + timeout;
    while (!(await this.run(body))) {
      if (Date.now() > deadline) throw new Error(`Timeout ${timeout} ms exceeded waiting for ${this} to be ${state}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  async focus() {
    await single(this);
    await this.run('found[0].focus();');
  }

  /** The pointer pressed and released at the element's centre, once it is scrolled into view. */
  async click() {
    await single(this);
    await this.waitFor();
    const at = await this.run(`const el = found[0]; el.scrollIntoView({ block: 'center', inline: 'center' });
      const box = el.getBoundingClientRect();
      return { x: Math.round(box.left + box.width / 2), y: Math.round(box.top + box.height / 2) };`);
    await this.page.actions().move({ x: at.x, y: at.y, origin: Origin.VIEWPORT }).press().release().perform();
  }

  /** As Playwright's: the value set at once, then an `input` event. */
  async fill(text) {
    await single(this);
    await this.run(`const el = found[0]; el.focus(); el.value = arg;
      el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));`, text);
  }

  async press(combination) {
    await this.focus();
    await pressKeys(this.page, combination);
  }

  async pressSequentially(text, { delay = 0 } = {}) {
    await this.focus();
    let actions = this.page.actions();
    for (const char of text) {
      actions = actions.keyDown(char).keyUp(char);
      if (delay) actions = actions.pause(delay);
    }
    await actions.perform();
  }
}
