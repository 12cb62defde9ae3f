// pusher-js 8's classes over Rusher's WebAssembly core: options, callbacks by event name, and the
// objects Laravel Echo reads. The connection, channels, presence members, auth and every protocol
// rule live in Rust (`Core`); this layer only keeps callbacks and turns JSON text into objects.
// Over 500 lines as one file: the package ships it as one module, whose gzip the client's size
// budget counts (a module per class would add each one's compression overhead).

const warn = (...args) => console.warn("Rusher:", ...args);
const threw = (error) => console.error("Rusher: a callback threw", error);
const parse = (text) => (text === undefined ? undefined : JSON.parse(text));
// A string data decoded as pusher-js decodes it: the JSON it holds, else the string itself.
const decode = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/** pusher-js's `Dispatcher`: callbacks by event name, plus global ones that get every event. */
class Emitter {
  constructor() {
    this._callbacks = [];
  }

  /** Calls `callback(data, metadata)` (with `this` = `context`) for `event`. */
  bind(event, callback, context) {
    this._callbacks.push({ event, callback, context });
    return this;
  }

  /** Removes callbacks bound by name; each argument left out matches any. */
  unbind(event, callback, context) {
    this._callbacks = this._callbacks.filter(
      (b) =>
        b.event == null ||
        (event != null && b.event !== event) ||
        (callback != null && b.callback !== callback) ||
        (context != null && b.context !== context),
    );
    return this;
  }

  /** Calls `callback(eventName, data)` for every event. */
  bind_global(callback) {
    this._callbacks.push({ callback });
    return this;
  }

  /** Removes a global callback, or all of them. */
  unbind_global(callback) {
    this._callbacks = this._callbacks.filter(
      (b) => b.event != null || (callback != null && b.callback !== callback),
    );
    return this;
  }

  /** Removes every callback. */
  unbind_all() {
    this._callbacks = [];
    return this;
  }

  _wants(event) {
    return this._callbacks.some((b) => b.event == null || b.event === event);
  }

  _emit(event, data, metadata) {
    const bound = this._callbacks.filter((b) => b.event == null || b.event === event);
    for (const b of bound) {
      try {
        if (b.event == null) b.callback(event, data);
        else if (metadata) b.callback.call(b.context, data, metadata);
        else b.callback.call(b.context, data);
      } catch (error) {
        threw(error);
      }
    }
  }
}

/** Reads `object[key]` when set, checking it with `valid`; throws naming the option. */
function option(object, name, key, expected, valid) {
  const value = object == null ? undefined : object[key];
  if (value == null) return undefined;
  if (!valid(value)) {
    throw new Error(`option \`${name}\` must be ${expected}, not ${typeof value}`);
  }
  return value;
}

const isString = (v) => typeof v === "string";
/**
 * A whole number from 1 to `max`, as pusher-js takes it: a number, or a string that reads as one
 * (environment values, such as Vite's `import.meta.env`, always are strings).
 */
const isWhole = (max) => (v) => /^\d+$/.test(v) && v > 0 && v <= max;
const isStringMap = (v) => typeof v === "object" && Object.values(v).every(isString);
const isFunction = (v) => typeof v === "function";

const USED = [
  "cluster", "wsHost", "wsPort", "wssPort", "forceTLS", "activityTimeout", "pongTimeout",
  "unavailableTimeout", "authEndpoint", "auth", "channelAuthorization", "userAuthentication",
  "batchAuth",
];
const AUTH_USED = [
  "endpoint", "transport", "headers", "params", "headersProvider", "paramsProvider",
  "customHandler",
];

/**
 * One auth section (`channelAuthorization`, `userAuthentication`, or the older `auth`); `endpoint`
 * stays unset when none is given (the core has the default).
 */
function authSection(source, name, endpoint) {
  const field = (key, expected, valid) => option(source, `${name}.${key}`, key, expected, valid);
  const transport = field("transport", "a string", isString);
  if (transport !== undefined && transport !== "ajax") {
    throw new Error(`option \`${name}\`: transport "${transport}" is not supported (only "ajax")`);
  }
  for (const key of ["headers", "params"]) field(key, "an object of strings", isStringMap);
  for (const key of ["headersProvider", "paramsProvider", "customHandler"]) {
    field(key, "a function", isFunction);
  }
  return {
    source: source || {},
    endpoint: field("endpoint", "a string", isString) ?? endpoint,
    handler: isFunction(source?.customHandler),
  };
}

/**
 * pusher-js's options, checked; returns what `Core` takes. Options left unset stay unset: their
 * defaults are the core's (`Options::new` in crates/client/src/api.rs).
 */
function readOptions(key, options) {
  if (!key) throw new Error("You must pass your app key when you instantiate Pusher.");
  if (options == null) options = {};
  if (typeof options !== "object") throw new Error("options must be an object");
  // As pusher-js: an empty text leaves the default.
  const text = (k) => option(options, k, k, "a string", isString) || undefined;
  // As pusher-js reads them (`options.wsPort || default`): a falsy value (`0`, `""`) is the default.
  const whole = (k, expected, max) => (options[k] ? +option(options, k, k, expected, isWhole(max)) : undefined);
  const port = (k) => whole(k, "a whole number from 1 to 65535", 65535);
  const millis = (k) => whole(k, "a whole number of milliseconds", 4294967295);
  const flag = (k) => option(options, k, k, "true or false", (v) => typeof v === "boolean");
  const legacy = !(typeof options.channelAuthorization === "object" && options.channelAuthorization);
  const channel = legacy
    ? authSection(options.auth, "auth", text("authEndpoint"))
    : authSection(options.channelAuthorization, "channelAuthorization");
  const user = authSection(options.userAuthentication, "userAuthentication");
  const config = {
    cluster: text("cluster"),
    wsHost: text("wsHost"),
    wsPort: port("wsPort"),
    wssPort: port("wssPort"),
    // As pusher-js: TLS unless `forceTLS` is `false` itself, and always from an https page.
    forceTLS: options.forceTLS !== false || globalThis.location?.protocol === "https:",
    activityTimeout: millis("activityTimeout"),
    pongTimeout: millis("pongTimeout"),
    unavailableTimeout: millis("unavailableTimeout"),
    batchAuth: flag("batchAuth"),
    channel,
    user,
  };
  const unused = Object.keys(options).filter((k) => !USED.includes(k));
  for (const section of ["channelAuthorization", "userAuthentication", "auth"]) {
    const value = options[section];
    if (value && typeof value === "object") {
      for (const k of Object.keys(value)) if (!AUTH_USED.includes(k)) unused.push(`${section}.${k}`);
    }
  }
  if (unused.length) warn(`ignoring options it does not use: ${unused.join(", ")}`);
  return config;
}

/**
 * Headers and params of an auth section as they are now, every value a string, once its
 * providers have answered (a provider may return a promise: a fresh token fetched first); then
 * `done(json)`. A provider that throws or rejects adds nothing, and the console says why.
 */
async function extras(section, done) {
  const source = section.source;
  const strings = (object) => {
    const out = {};
    if (object && typeof object === "object") {
      for (const [k, v] of Object.entries(object)) {
        if (["string", "number", "boolean"].includes(typeof v)) out[k] = String(v);
      }
    }
    return out;
  };
  const call = async (provider) => {
    try {
      return provider ? await provider() : undefined;
    } catch (error) {
      console.error("Rusher: a provider threw", error);
    }
  };
  const [headers, params] = await Promise.all([call(source.headersProvider), call(source.paramsProvider)]);
  done(JSON.stringify({
    headers: { ...strings(source.headers), ...strings(headers) },
    params: { ...strings(source.params), ...strings(params) },
  }));
}

/**
 * Calls a pusher-js `customHandler(params, callback)`, then `done(json)` with its answer as JSON
 * text, or `done(undefined, why)`; `done` is called once.
 */
function custom(section, params, done) {
  let answered = false;
  const answer = (error, data) => {
    if (answered) return;
    answered = true;
    if (error != null) return done(undefined, `${error?.message ?? error}`);
    let text;
    try {
      text = JSON.stringify(data ?? null);
    } catch (thrown) {
      // Cycles and BigInts: the subscription fails now rather than at its timeout.
      return done(undefined, `the answer cannot be read as JSON: ${thrown?.message ?? thrown}`);
    }
    done(text);
  };
  try {
    section.source.customHandler(params, answer);
  } catch (error) {
    answer(error ?? "it threw");
  }
}

/**
 * Builds pusher-js's classes over the wasm exports (the web and bundler builds each have their
 * own): `Core`, and `Kind`, what an event is for (crates/client/src/js/sink.rs). With `init`,
 * the module is loaded here: at once in a browser or a worker, else (Node, for server-side
 * rendering) when the first `Pusher` is made; a `Pusher` made before it is loaded keeps what it
 * is asked and starts its core once it is. It is loaded without a top-level `await`: WebKit runs
 * only one of several modules that import a module awaiting at its top level.
 */
export function classes({ Core, Kind, init }) {
  let loaded = !init;
  let loading;
  /** Nothing once the module is loaded; else the promise of it, started once. */
  const load = () => (loaded ? undefined : (loading ??= init().then(() => void (loaded = true))));
  // In a page or a worker, which have a `location` (Node has none). A failure is reported by
  // every `Pusher` made, as its connection's `failed` state.
  if (globalThis.location) load()?.catch(() => {});

  /** A presence channel's members: read whole from the core when asked after the list was
   * replaced (a subscription, the socket lost: `_changed`), then kept by each member event
   * (`_member`), as pusher-js keeps its own. */
  class Members {
    constructor(pusher, channel) {
      this._pusher = pusher;
      this._channel = channel;
    }

    /** `{members, me, count}` as the core has them. */
    _read() {
      if (!this._cache) {
        const read = parse(this._pusher._core?.members(this._channel)) ?? { members: {}, me: null };
        this._cache = { ...read, count: Object.keys(read.members).length };
      }
      return this._cache;
    }

    /** The list was replaced: it is read again when next asked. */
    _changed() {
      this._cache = undefined;
    }

    /** A member came (`added`) or went, with its info as JSON `text`; returns the info (as kept,
     * for one that went). */
    _member(added, id, text) {
      const cache = this._cache;
      const had = !!cache && Object.hasOwn(cache.members, id);
      const info = had && !added ? cache.members[id] : parse(text);
      if (cache) {
        if (!added) delete cache.members[id];
        // Assigning `__proto__` would set the object's prototype: that one id is defined (which
        // is slower than assigning, so only for it).
        else if (id === "__proto__") Object.defineProperty(cache.members, id, { value: info, enumerable: true, configurable: true, writable: true });
        else cache.members[id] = info;
        cache.count += had === added ? 0 : added ? 1 : -1;
      }
      return info;
    }

    /** `{id: info}` of everyone on the channel. */
    get members() {
      return this._read().members;
    }

    /** How many members there are. */
    get count() {
      return this._read().count;
    }

    /** `{id, info}` of this client's user, once subscribed. */
    get me() {
      return this._read().me;
    }

    /** This client's user id, once subscribed. */
    get myID() {
      return this.me?.id;
    }

    /** `{id, info}` of a member, or `null`. */
    get(id) {
      const members = this.members;
      return Object.hasOwn(members, id) ? { id, info: members[id] } : null;
    }

    /** Calls `callback({id, info})` for each member. */
    each(callback) {
      for (const [id, info] of Object.entries(this.members)) {
        try {
          callback({ id, info });
        } catch (error) {
          threw(error);
        }
      }
    }
  }

  /** A channel: its events, its state, client events, and `members` on presence channels. */
  class Channel extends Emitter {
    constructor(pusher, name) {
      super();
      this.name = name;
      this.pusher = pusher;
    }

    /** A presence channel's members; else `undefined`. Decided once the core knows the channel
     * (`0` kept for no members), so events do not ask the core again. */
    get members() {
      return (this._members ??= this.pusher._core && (this._status().presence ? new Members(this.pusher, this.name) : 0)) || undefined;
    }

    _status() {
      return parse(this.pusher._core?.status(this.name)) ?? {};
    }

    /** The server confirmed the subscription. */
    get subscribed() {
      return this._status().subscribed === true;
    }

    /** Auth or the server's answer is awaited. */
    get subscriptionPending() {
      return this._status().pending === true;
    }

    /** The last subscription count the server sent. */
    get subscriptionCount() {
      return this._status().count ?? undefined;
    }

    /** Sends a client event (`client-…`); false (with a console warning) when not sent. */
    trigger(event, data) {
      let text;
      try {
        text = JSON.stringify(data === undefined ? null : data);
      } catch {
        // Cycles and BigInts cannot be sent: no text, and the core says so below.
      }
      const core = this.pusher._core;
      const why = core ? core.trigger(this.name, event, text) : "not loaded yet";
      if (why) warn(`client event ${event} not sent: ${why}`);
      return !why;
    }
  }

  /** `pusher.connection`: the state, the socket id, and their events. */
  class Connection extends Emitter {
    constructor(pusher) {
      super();
      this._pusher = pusher;
    }

    /** pusher-js's connection state (`connecting`, `connected`, …). */
    get state() {
      return this._pusher._core?.state() ?? this._pusher._loadFailed ?? "initialized";
    }

    /** The socket id while connected. */
    get socket_id() {
      return this._pusher._core?.socket_id();
    }
  }

  /** `pusher.user.watchlist`: `online` and `offline` events of watched users. */
  class Watchlist extends Emitter {}

  /** `pusher.user`: sign-in, server-to-user events, and the watchlist. */
  class User extends Emitter {
    constructor(pusher) {
      super();
      this._pusher = pusher;
      /** The signed-in user's data, once signed in. */
      this.user_data = null;
      /** Online and offline events of the users the server watches for this one. */
      this.watchlist = new Watchlist();
    }

    /** Signs the user in through `userAuthentication`. */
    signin() {
      this._pusher.signin();
    }
  }

  /** A connection to a Pusher-protocol server, like pusher-js's `Pusher`. */
  class Pusher extends Emitter {
    /** As in pusher-js: when true, the client logs its state changes and events to the console. */
    static logToConsole = false;
    /** As in pusher-js: where those logs go instead of the console, when set. */
    static log = undefined;

    /** Creates the client and connects. Throws when an option has the wrong type, naming it. */
    constructor(key, options) {
      super();
      const config = readOptions(key, options);
      /** The app key. */
      this.key = key;
      /** The connection: `state`, `socket_id`, and its events. */
      this.connection = new Connection(this);
      /** The signed-in user and its watchlist. */
      this.user = new User(this);
      /** `{channels: {name: Channel}}`, as Laravel Echo reads it. */
      this.channels = { channels: {} };
      const sink = {
        event: (kind, channel, name, text, userId) => this._event(kind, channel, name, parse(text), userId),
        member: (channel, name, added, id, text) => this._member(channel, name, added, id, text),
        // An event as its frame, read by JSON.parse, has it (`null` fields as left out).
        framed: (kind, frame) =>
          this._event(kind, frame.channel ?? undefined, frame.event, decode(frame.data), frame.user_id ?? undefined),
        extras: (section, done) => extras(section === "userAuthentication" ? config.user : config.channel, done),
        authorize: (socketId, channelName, done) => custom(config.channel, { socketId, channelName }, done),
        signin: (socketId, done) => custom(config.user, { socketId }, done),
      };
      const { channel, user, ...rest } = config;
      const normalized = {
        ...rest,
        channelEndpoint: channel.endpoint,
        channelHandler: channel.handler,
        userEndpoint: user.endpoint,
        userHandler: user.handler,
      };
      const start = () => this._start(new Core(key, JSON.stringify(normalized), sink));
      const loading = load();
      if (!loading) return start();
      // Not loadable: `failed`, as pusher-js's connection is where the browser lacks what it
      // needs (it says no more there either); the console says why.
      loading.then(start, (error) => {
        this._loadFailed = "failed";
        console.error("Rusher: no WebAssembly module", error);
        this._event(Kind.State, "initialized", "failed");
      });
    }

    /** The module is loaded: the core (`_core`) starts with what was asked before (`_off`:
     * disconnected; `_signin`; the channels). */
    _start(core) {
      this._core = core;
      if (this._off) core.disconnect();
      if (this._signin) core.signin();
      for (const channel of Object.values(this.channels.channels)) {
        const error = core.subscribe(channel.name);
        if (error) {
          delete this.channels.channels[channel.name];
          channel._emit("pusher:subscription_error", { type: "InvalidChannelName", error });
        }
      }
    }

    /** Subscribes to a channel, or returns the channel already subscribed. Throws on an invalid
     * name (once the module is loaded; before, the channel's `pusher:subscription_error` says so). */
    subscribe(name) {
      const why = this._core?.subscribe(name);
      if (why) throw new Error(why);
      return (this.channels.channels[name] ??= new Channel(this, name));
    }

    /** Unsubscribes from a channel and forgets its callbacks. */
    unsubscribe(name) {
      this._core?.unsubscribe(name);
      delete this.channels.channels[name];
    }

    /** A subscribed channel, or `undefined`. */
    channel(name) {
      return this.channels.channels[name];
    }

    /** Every subscribed channel. */
    allChannels() {
      return Object.values(this.channels.channels);
    }

    /** Connects (again, after `disconnect()`). */
    connect() {
      this._off = false;
      this._core?.connect();
    }

    /** Disconnects and stops reconnecting; channels stay for the next `connect()`. */
    disconnect() {
      this._off = true;
      this._core?.disconnect();
    }

    /** Signs the user in through `userAuthentication`, and again after every reconnect. */
    signin() {
      this._signin = true;
      this._core?.signin();
    }

    /** A member came (`added`) or went: the channel's members keep it, and its callbacks get
     * pusher-js's `{id, info}`. */
    _member(channel, name, added, id, text) {
      const members = this.channels.channels[channel]?.members;
      const info = members ? members._member(added, id, text) : parse(text);
      this._event(Kind.Channel, channel, name, { id, info });
    }

    /** One event from the core, by `Kind`, with its data read. */
    _event(kind, channel, name, data, userId) {
      // pusher-js's debug log: `Pusher.log` when set, else the console when `logToConsole`.
      // Nothing thrown goes back into the module (it would leave the frame half read).
      if (Pusher.log || Pusher.logToConsole) {
        try {
          const line = kind === Kind.State
            ? `Rusher : State changed : ${channel} -> ${name}`
            : `Rusher : Event recd : ${JSON.stringify({ event: name, channel, data })}`;
          (Pusher.log ?? console.log)(line);
        } catch (error) {
          threw(error);
        }
      }
      const target = channel === undefined ? undefined : this.channels.channels[channel];
      // Members are read again after anything that may replace them, before callbacks look.
      if (name === "pusher:subscription_succeeded" || name === "pusher:subscription_error") {
        target?.members?._changed();
      }
      if (kind === Kind.State) for (const c of Object.values(this.channels.channels)) c.members?._changed();
      switch (kind) {
        case Kind.Message: // the connection's `message`, then the channel's, then global
        case Kind.UserMessage: // the same, with the user's in place of a channel's
          if (this.connection._wants("message")) {
            // As pusher-js builds it: `user_id` only when the frame has a non-empty one.
            const message = { event: name, channel, data };
            if (userId) message.user_id = userId;
            this.connection._emit("message", message);
          }
          if (kind === Kind.UserMessage) this.user._emit(name, data);
          // pusher-js's metadata: the sender's `user_id` on a presence channel only.
          else target?._emit(name, data, userId && target.members ? { user_id: userId } : {});
          return this._emit(name, data);
        case Kind.Channel: // pusher:… on a channel
          if (name === "pusher:subscription_succeeded" && target?.members) {
            // Read now, as pusher-js does: member events keep it from here on.
            target.members._read();
            return target._emit(name, target.members);
          }
          target?._emit(name, data);
          if (name === "pusher:cache_miss") this._emit(name, { channel });
          return;
        case Kind.State: // from `channel` to `name`
          this.connection._emit("state_change", { previous: channel, current: name });
          return this.connection._emit(name);
        case Kind.Connection:
          return this.connection._emit(name, data);
        case Kind.Global:
          if (name === "pusher:signin_success") this.user.user_data = JSON.parse(data.user_data);
          return this._emit(name, data);
        case Kind.Watchlist:
          return this.user.watchlist._emit(name, data);
      }
    }
  }

  return { Pusher, Channel, Connection, User, Watchlist, Members };
}
