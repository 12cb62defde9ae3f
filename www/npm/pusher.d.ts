// Types of pusher-js 8's classes as rusher-client has them.

/** Where and how to authorize: an endpoint (POSTed form-encoded), or your own handler. */
export interface AuthOptions {
  /** The URL to POST `socket_id` and `channel_name` to. */
  endpoint?: string;
  /** Only "ajax". */
  transport?: "ajax";
  /** Request headers, read at each request (a CSRF token, a bearer token). */
  headers?: Record<string, string>;
  /** Extra form fields, read at each request. */
  params?: Record<string, string>;
  /** Called at each request for more headers; a promise is awaited (a fresh token). */
  headersProvider?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Called at each request for more form fields; a promise is awaited. */
  paramsProvider?: () => Record<string, string> | Promise<Record<string, string>>;
  /** Authorize in your own code instead of the endpoint. */
  customHandler?: (
    params: { socketId: string; channelName?: string },
    callback: (
      error: Error | null,
      data: { auth: string; channel_data?: string; shared_secret?: string; user_data?: string } | null,
    ) => void,
  ) => void;
}

/** pusher-js 8's options, with its names and defaults. */
export interface Options {
  /** A Pusher cluster (`eu`, `mt1`…), used when `wsHost` is not set. */
  cluster?: string;
  /** A self-hosted server's host (sockudo, soketi, Reverb, rusher-server). */
  wsHost?: string;
  /** The port for `ws://` (80); a string of digits counts as its number (environment values). */
  wsPort?: number | string;
  /** The port for `wss://` (443); a string of digits counts as its number. */
  wssPort?: number | string;
  /** TLS unless `false` itself (always on an https page). */
  forceTLS?: boolean;
  /** Milliseconds of silence before a ping (120000; the server's value wins when lower). */
  activityTimeout?: number | string;
  /** Milliseconds to wait for a pong (30000). */
  pongTimeout?: number | string;
  /** Milliseconds before a connect attempt counts as `unavailable` (10000). */
  unavailableTimeout?: number | string;
  /** Channel authorization (default: POST `/pusher/auth`). */
  channelAuthorization?: AuthOptions;
  /** User sign-in (default: POST `/pusher/user-auth`). */
  userAuthentication?: AuthOptions;
  /** Older form of `channelAuthorization.endpoint`. */
  authEndpoint?: string;
  /** Older form of `channelAuthorization.headers` and `.params`. */
  auth?: { headers?: Record<string, string>; params?: Record<string, string> };
  /** Rusher: authorize the channels waiting at the same moment in one request. */
  batchAuth?: boolean;
  // pusher-js's other options: accepted and ignored, with one console warning that lists them.
  /** Ignored: Rusher has one transport, WebSocket. */
  enabledTransports?: string[];
  /** Ignored: Rusher has one transport, WebSocket. */
  disabledTransports?: string[];
  /** Ignored: Rusher sends no stats. */
  enableStats?: boolean;
  /** Ignored: Rusher sends no stats. */
  disableStats?: boolean;
  /** Ignored: Rusher sends no stats. */
  statsHost?: string;
  /** Ignored: Rusher sends no timeline. */
  timelineParams?: unknown;
  /** Ignored: only for pusher-js's HTTP fallbacks. */
  httpHost?: string;
  /** Ignored: only for pusher-js's HTTP fallbacks. */
  httpPort?: number;
  /** Ignored: only for pusher-js's HTTP fallbacks. */
  httpsPort?: number;
  /** Ignored: only for pusher-js's HTTP fallbacks. */
  httpPath?: string;
  /** Ignored: Rusher connects to `/app/KEY` on the host. */
  wsPath?: string;
  /** Ignored: only for pusher-js's HTTP fallbacks. */
  ignoreNullOrigin?: boolean;
  /** Ignored: Rusher has its own XSalsa20-Poly1305 for private-encrypted channels. */
  nacl?: unknown;
  /** Ignored: use `channelAuthorization.customHandler`. */
  authorizer?: unknown;
  /** Ignored: Rusher's one auth transport is "ajax". */
  authTransport?: "ajax";
}

/** pusher-js's name for the channel authorization options. */
export type ChannelAuthorizationOptions = AuthOptions;
/** pusher-js's name for the user authentication options. */
export type UserAuthenticationOptions = AuthOptions;

/** A callback bound to an event: its data, and `{user_id}` for client events on a channel. */
export type EventCallback = (data: any, metadata?: { user_id?: string }) => void;

/** pusher-js's `Dispatcher`: callbacks by event name, plus global ones. Every method chains. */
declare class Emitter {
  /** Calls `callback(data, metadata)` (with `this` = `context`) for `event`. */
  bind(event: string, callback: EventCallback, context?: any): this;
  /** Removes callbacks bound by name; each argument left out matches any. */
  unbind(event?: string | null, callback?: EventCallback | null, context?: any): this;
  /** Calls `callback(eventName, data)` for every event. */
  bind_global(callback: (event: string, data: any) => void): this;
  /** Removes a global callback, or all of them. */
  unbind_global(callback?: (event: string, data: any) => void): this;
  /** Removes every callback. */
  unbind_all(): this;
}

/** A presence channel's members. */
export declare class Members {
  /** `{id: info}` of everyone on the channel. */
  readonly members: Record<string, any>;
  /** How many members there are. */
  readonly count: number;
  /** `{id, info}` of this client's user, once subscribed. */
  readonly me: { id: string; info: any } | null;
  /** This client's user id, once subscribed. */
  readonly myID: string | undefined;
  /** `{id, info}` of a member, or `null`. */
  get(id: string): { id: string; info: any } | null;
  /** Calls `callback({id, info})` for each member. */
  each(callback: (member: { id: string; info: any }) => void): void;
}

/** A channel: its events, its state, client events, and `members` on presence channels. */
export declare class Channel extends Emitter {
  /** The channel's name. */
  readonly name: string;
  /** The client it belongs to. */
  readonly pusher: Pusher;
  /** The server confirmed the subscription. */
  readonly subscribed: boolean;
  /** Auth or the server's answer is awaited. */
  readonly subscriptionPending: boolean;
  /** The last subscription count the server sent. */
  readonly subscriptionCount: number | undefined;
  /** The members, on presence channels. */
  readonly members?: Members;
  /** Sends a client event (`client-…`); false (with a console warning) when not sent. */
  trigger(event: string, data?: any): boolean;
}

/** A presence channel (`presence-…`): a channel whose `members` are there. pusher-js users cast
 * `subscribe`'s result to it. */
export interface PresenceChannel extends Channel {
  /** The members. */
  readonly members: Members;
}

/** `pusher.connection`: the state, the socket id, and their events. */
export declare class Connection extends Emitter {
  /** pusher-js's connection state (`connecting`, `connected`, …). */
  readonly state: string;
  /** The socket id while connected. */
  readonly socket_id: string | undefined;
}

/** `pusher.user.watchlist`: `online` and `offline` events of watched users. */
export declare class Watchlist extends Emitter {}

/** `pusher.user`: sign-in, server-to-user events, and the watchlist. */
export declare class User extends Emitter {
  /** The signed-in user's data, once signed in. */
  user_data: any;
  /** Online and offline events of the users the server watches for this one. */
  readonly watchlist: Watchlist;
  /** Signs the user in through `userAuthentication`. */
  signin(): void;
}

/** A connection to a Pusher-protocol server, like pusher-js's `Pusher`. */
export declare class Pusher extends Emitter {
  /** As in pusher-js: when true, the client logs its state changes and events to the console. */
  static logToConsole: boolean;
  /** As in pusher-js: where those logs go instead of the console, when set. */
  static log: ((message: any) => void) | undefined;
  /** Creates the client and connects. Throws when an option has the wrong type, naming it. */
  constructor(key: string, options?: Options);
  /** The app key. */
  readonly key: string;
  /** The connection: `state`, `socket_id`, and its events. */
  readonly connection: Connection;
  /** The signed-in user and its watchlist. */
  readonly user: User;
  /** `{channels: {name: Channel}}`, as Laravel Echo reads it. */
  readonly channels: { channels: Record<string, Channel> };
  /** Subscribes to a channel, or returns the channel already subscribed. Throws on an invalid name. */
  subscribe(name: string): Channel;
  /** Unsubscribes from a channel and forgets its callbacks. */
  unsubscribe(name: string): void;
  /** A subscribed channel, or `undefined`. */
  channel(name: string): Channel | undefined;
  /** Every subscribed channel. */
  allChannels(): Channel[];
  /** Connects (again, after `disconnect()`). */
  connect(): void;
  /** Disconnects and stops reconnecting; channels stay for the next `connect()`. */
  disconnect(): void;
  /** Signs the user in through `userAuthentication`, and again after every reconnect. */
  signin(): void;
}
