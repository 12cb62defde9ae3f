//! The JavaScript API (the `js` feature, which the npm package is built with): pusher-js 8's
//! `Pusher`, `Channel`, `Members`, `Connection`, `User` and `Watchlist`, exported with
//! wasm-bindgen over the Rust client. All protocol logic stays in the core; this layer only reads
//! options, converts values and calls callbacks.

mod auth;
mod channel;
mod convert;
mod dispatch;
mod emitters;
mod options;
mod pusher;
mod registry;

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const OPTIONS_TS: &str = r#"
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
  /** Called at each request for more headers. */
  headersProvider?: () => Record<string, string>;
  /** Called at each request for more form fields. */
  paramsProvider?: () => Record<string, string>;
  /** Authorize in your own code instead of the endpoint. */
  customHandler?: (
    params: { socketId: string; channelName?: string },
    callback: (error: Error | null, data: { auth: string; channel_data?: string; shared_secret?: string; user_data?: string } | null) => void,
  ) => void;
}

/** pusher-js 8's options, with its names and defaults. */
export interface Options {
  /** A Pusher cluster (`eu`, `mt1`…), used when `wsHost` is not set. */
  cluster?: string;
  /** A self-hosted server's host (sockudo, soketi, Reverb, rusher-server). */
  wsHost?: string;
  /** The port for `ws://` (80). */
  wsPort?: number;
  /** The port for `wss://` (443). */
  wssPort?: number;
  /** TLS unless `false` (always on an https page). */
  forceTLS?: boolean;
  /** Milliseconds of silence before a ping (120000; the server's value wins when lower). */
  activityTimeout?: number;
  /** Milliseconds to wait for a pong (30000). */
  pongTimeout?: number;
  /** Milliseconds before a connect attempt counts as `unavailable` (10000). */
  unavailableTimeout?: number;
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
  /** Any other pusher-js option is accepted and ignored, with one console warning. */
  [other: string]: unknown;
}
"#;
