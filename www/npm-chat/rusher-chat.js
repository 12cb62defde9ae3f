// rusher-chat for any page: `mountChat(options)` shows the chat's launcher at once (the round
// button with the unread badge and the online count, in a Shadow DOM root) and loads the chat
// itself, the WebAssembly widget, only when the visitor opens it, or when the browser is idle
// after the page has loaded if the site passes `preload: true`. Nothing here blocks the page's
// load: the launcher asks the backend for its summary only after `load`, and only for a visitor
// who has seen the room before. The widget then takes over the same shadow root.
import STYLE from "./rusher-chat-style.js";

/** Each option's type (`ChatOptions` in rusher-chat.d.ts), checked at once: a wrong type throws
 * from mountChat, not later, when the widget loads. */
const OPTION_TYPES = {
  key: "string", wsHost: "string", wsPort: "number", forceTLS: "boolean",
  authEndpoint: "string", userAuthEndpoint: "string", channel: "string", backend: "string",
  send: "string", theme: "string", language: "string", user: "object", open: "boolean",
  preload: "boolean",
};

/** The launcher's label, as the widget's (`open_chat` in crates/widget/src/i18n.rs). */
const OPEN_CHAT = { en: "Open chat", de: "Chat öffnen" };
/** After the unread count in the launcher's name, as the widget's (crates/widget/src/i18n.rs). */
const UNREAD = { en: "unread", de: "ungelesen" };

/** The events `on` takes, as the widget's handle (crates/widget/src/embed_events.rs). */
const EVENTS = ["unread", "online", "open", "message"];

/** The widget's room when the options name none (rusher-chat-api's `DEFAULT_ROOM`). */
const DEFAULT_ROOM = "presence-lobby";

/** The backend's route for what the launcher shows (rusher-chat-api's `routes::SUMMARY`). */
const SUMMARY_ROUTE = "/chat/summary";

/** What the widget keeps in localStorage (crates/widget/src/chat/notifications.rs and
 * backend.rs): whether the panel was left open, the newest message seen in a room, and the
 * session token for a backend on another origin. */
const OPEN_KEY = "rusher-chat-open";
const SEEN_KEY_PREFIX = "rusher-chat-seen:";
const TOKEN_KEY_PREFIX = "rusher-chat-token:";

/** How long a tab must have been hidden before the launcher asks for its summary again when the
 * tab shows: switching tabs back and forth costs the backend nothing. */
const SUMMARY_STALE_MS = 60_000;

/** The launcher's icon, as the widget's (`LAUNCHER_ICON` in crates/widget/src/view.rs). */
const ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z";
const SVG = "http://www.w3.org/2000/svg";
/** The panel's first field, which takes the focus when the launcher opens the panel (as
 * `PANEL_FIELD` in crates/widget/src/view.rs). */
const PANEL_FIELD = ".panel input, .panel textarea";
/** How long (in 50 ms steps) the focus waits for that field (as `FOCUS_WAIT_STEPS` there). */
const FOCUS_WAIT_STEPS = 40;

/** A value the page's storage holds, or null (also when storage is blocked). */
function stored(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

/** The options, their types checked. */
function checked(options) {
  if (options === undefined || options === null) return {};
  if (typeof options !== "object") throw new TypeError("mountChat: the options must be an object");
  for (const [name, value] of Object.entries(options)) {
    const type = OPTION_TYPES[name];
    if (type && value != null && typeof value !== type) {
      throw new TypeError(`mountChat: ${name} must be a ${type}`);
    }
  }
  return { ...options };
}

/** The headers that carry the visitor's session to the backend at `base`: its cookie alone on
 * the page's origin, the kept token on another; null when there is no session to carry. */
function sessionHeaders(base) {
  const origin = location.origin;
  if (!base.includes("://") || base === origin || base.startsWith(`${origin}/`)) return {};
  const token = stored(TOKEN_KEY_PREFIX + base);
  return token ? { Authorization: `Bearer ${token}` } : null;
}

/** How long after the page's load the launcher waits at most for the browser to be idle: a
 * page that is never idle (a background tab, an animation) still gets its summary and preload. */
const IDLE_TIMEOUT_MS = 3000;

/** Calls `run` once the page has loaded and the browser is idle. */
function whenIdleAfterLoad(run) {
  const idle = () => window.requestIdleCallback
    ? requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS })
    : setTimeout(run, 0);
  if (document.readyState === "complete") idle();
  else window.addEventListener("load", idle, { once: true });
}

/** An element with attributes. */
function element(name, attributes, namespace) {
  const node = namespace ? document.createElementNS(namespace, name) : document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

/** A mounted chat: the launcher until the widget has loaded, then the widget's own handle. */
export class ChatHandle {
  #options;
  #shadow;
  #launcher = null;
  #button;
  #badge;
  /** The launcher's name before the counts, and the word after the unread count. */
  #name;
  #unreadWord;
  #count;
  #callbacks = new Map();
  #widget = null;
  #loading = null;
  #wantOpen;
  /** Whether the visitor opened the chat with the launcher: the panel's first field then takes
   * the focus once it shows, as it does when the widget's own launcher opens it. */
  #clicked = false;
  #destroyed = false;
  #stops = [];
  #title = null;
  #unread = 0;
  #online;

  constructor(options) {
    this.#options = options;
    const body = document.body;
    if (!body) throw new Error("mountChat: the page has no body");
    const host = element("div", { id: "rusher-chat" });
    body.append(host);
    this.#shadow = host.attachShadow({ mode: "open" });
    this.#style();
    this.#render();
    const opened = options.open ?? stored(OPEN_KEY) === "1";
    if (opened) this.#load();
    else whenIdleAfterLoad(() => (options.preload ? this.#load() : this.#refresh()));
    let hiddenAt = 0;
    const visibility = () => {
      if (document.hidden) hiddenAt = Date.now();
      else if (Date.now() - hiddenAt >= SUMMARY_STALE_MS) this.#refresh();
    };
    document.addEventListener("visibilitychange", visibility);
    this.#stops.push(() => document.removeEventListener("visibilitychange", visibility));
  }

  /** Opens the panel (loading the chat first, when it has not loaded yet). */
  open() {
    if (this.#widget) return this.#widget.open();
    this.#wantOpen = true;
    this.#load();
  }

  /** Closes the panel. */
  close() {
    if (this.#widget) return this.#widget.close();
    this.#wantOpen = false;
  }

  /** Opens or closes the panel. */
  toggle() {
    if (this.#widget) return this.#widget.toggle();
    if (this.#wantOpen) this.close();
    else this.open();
  }

  /** Removes the chat, disconnects and drops every callback. */
  destroy() {
    if (this.#widget) return this.#widget.destroy();
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#stop();
    this.#callbacks.clear();
    this.#shadow.host.remove();
  }

  /** Calls `callback` on changes: `unread` (count), `online` (count), `open` (boolean), `message`
   * (`{id, user: {id, name}, text, time}` for each new message from the room). */
  on(event, callback) {
    if (!EVENTS.includes(event)) {
      throw new Error('mountChat: on() takes "unread", "online", "open" or "message"');
    }
    if (this.#widget) return this.#widget.on(event, callback);
    if (this.#destroyed) return;
    if (!this.#callbacks.has(event)) this.#callbacks.set(event, []);
    this.#callbacks.get(event).push(callback);
  }

  /** Gives the shadow root the widget's styles (constructed, as a strict Content-Security-Policy
   * allows; as a `<style>` element in a browser without constructed stylesheets). */
  #style() {
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
      this.#shadow.adoptedStyleSheets = [sheet];
    } catch {
      this.#shadow.append(Object.assign(document.createElement("style"), { textContent: STYLE }));
    }
  }

  /** The launcher: as the widget's (`Launcher` in crates/widget/src/view.rs), closed. */
  #render() {
    const options = this.#options;
    const language = (options.language ?? navigator.language ?? "").split(/[-_]/)[0].toLowerCase();
    this.#launcher = element("div", { class: "rusher-chat" });
    this.#button = element("button", {
      class: "launcher", type: "button", "aria-label": (this.#name = OPEN_CHAT[language] ?? OPEN_CHAT.en),
      "aria-expanded": "false",
    });
    const icon = element("svg", { viewBox: "0 0 24 24", "aria-hidden": "true", width: "26", height: "26" }, SVG);
    icon.append(element("path", { fill: "currentColor", d: ICON }, SVG));
    this.#unreadWord = UNREAD[language] ?? UNREAD.en;
    this.#badge = element("span", { class: "badge", "aria-hidden": "true", hidden: "" });
    this.#count = element("span", { class: "online-count", "aria-hidden": "true", hidden: "" });
    this.#button.append(icon, this.#badge, this.#count);
    this.#button.addEventListener("click", () => {
      this.#clicked = true;
      this.open();
    });
    this.#launcher.append(this.#button);
    this.#shadow.append(this.#launcher);
    const theme = options.theme ?? "system";
    const query = theme === "system" ? matchMedia("(prefers-color-scheme: dark)") : null;
    const resolve = () => {
      this.#launcher.dataset.theme = (query ? query.matches : theme === "dark") ? "dark" : "light";
    };
    resolve();
    if (query) {
      query.addEventListener("change", resolve);
      this.#stops.push(() => query.removeEventListener("change", resolve));
    }
  }

  /** Asks the backend how many are online and what came since the visitor last saw the room. */
  async #refresh() {
    const room = this.#options.channel ?? DEFAULT_ROOM;
    const after = stored(SEEN_KEY_PREFIX + room);
    const base = (this.#options.backend ?? "").replace(/\/+$/, "");
    const headers = sessionHeaders(base);
    if (after === null || headers === null || this.#widget || this.#destroyed) return;
    try {
      const query = new URLSearchParams({ channel: room, after });
      const answer = await fetch(`${base}${SUMMARY_ROUTE}?${query}`, { credentials: "include", headers });
      if (!answer.ok) return;
      const summary = await answer.json();
      if (!this.#widget && !this.#destroyed) this.#show(summary);
    } catch {
      // No summary (the backend is down, or has none): the launcher stays a plain button.
    }
  }

  /** Shows a summary: the unread badge (and count in the page's title, as the widget does) and
   * the online count, and reports the changes. */
  #show({ unread, online }) {
    if (Number.isInteger(unread) && unread !== this.#unread) {
      this.#unread = unread;
      this.#badge.textContent = String(unread);
      this.#badge.hidden = unread === 0;
      if (unread > 0) {
        this.#title ??= document.title;
        document.title = `(${unread}) ${this.#title}`;
      } else this.#restoreTitle();
      this.#emit("unread", unread);
    }
    if (Number.isInteger(online) && online !== this.#online) {
      this.#online = online;
      this.#count.textContent = String(online);
      this.#count.hidden = false;
      this.#emit("online", online);
    }
    // What it does, then the counts it shows, in that order: its name holds its visible text.
    const counts = [this.#unread > 0 && `${this.#unread} ${this.#unreadWord}`, this.#online !== undefined && `${this.#online} Online`];
    this.#button.setAttribute("aria-label", [this.#name, ...counts.filter(Boolean)].join(", "));
  }

  #restoreTitle() {
    if (this.#title !== null) document.title = this.#title;
    this.#title = null;
  }

  #emit(event, value) {
    for (const callback of this.#callbacks.get(event) ?? []) {
      try {
        callback(value);
      } catch (error) {
        console.error("Rusher chat: a callback threw", error);
      }
    }
  }

  /** Loads the widget (once) and hands the shadow root over to it. */
  #load() {
    if (this.#loading || this.#destroyed) return;
    this.#button.setAttribute("aria-busy", "true");
    this.#loading = this.#takeOver().catch((error) => {
      this.#loading = null;
      this.#button.removeAttribute("aria-busy");
      console.error("Rusher chat: the chat did not load", error);
    });
  }

  async #takeOver() {
    const wasm = await import("./rusher-chat-wasm.js");
    await wasm.default();
    if (this.#destroyed) return;
    const focused = this.#shadow.activeElement === this.#button;
    const options = { ...this.#options };
    delete options.preload;
    // The widget reads the page's title as it finds it, and counts unread itself.
    this.#restoreTitle();
    const widget = wasm.mountChat(options, this.#shadow);
    this.#stop();
    this.#widget = widget;
    for (const [event, callbacks] of this.#callbacks) {
      for (const callback of callbacks) widget.on(event, callback);
    }
    this.#callbacks.clear();
    if (focused) this.#shadow.querySelector("button.launcher")?.focus();
    if (this.#wantOpen === undefined) return;
    // What the visitor asked for meanwhile, once the widget watches for changes (its effects
    // run after this task), so that on("open") reports it and the widget remembers it.
    await new Promise((resolve) => setTimeout(resolve));
    if (this.#wantOpen) widget.open();
    else widget.close();
    if (this.#wantOpen && this.#clicked) this.#focusField(FOCUS_WAIT_STEPS);
  }

  /** Gives the panel's first field the focus once it shows (the join form waits for the
   * session check), trying every 50 ms `steps` times. */
  #focusField(steps) {
    const field = this.#shadow.querySelector(PANEL_FIELD);
    if (field) field.focus();
    else if (steps > 0) setTimeout(() => this.#focusField(steps - 1), 50);
  }

  /** Removes the launcher's button and listeners. */
  #stop() {
    for (const stop of this.#stops.splice(0)) stop();
    this.#restoreTitle();
    this.#launcher?.remove();
    this.#launcher = null;
  }
}

/** Shows the chat's launcher at the end of `<body>` and returns its handle; the chat itself loads
 * when the visitor opens it (or when the browser is idle, with `preload`). Throws when an option
 * has the wrong type. */
export function mountChat(options) {
  return new ChatHandle(checked(options));
}
