// Types of `rusher-client/init`: the classes, and the module loaders to call before using them.
// (Declared here rather than re-exported from wasm-bindgen's rusher.d.ts, whose `Symbol.dispose`
// members need TypeScript's `esnext` library.)
export { Pusher, Channel, Connection, User, Watchlist, Members } from "./pusher.js";
export type {
  Options, AuthOptions, ChannelAuthorizationOptions, UserAuthenticationOptions, EventCallback,
  PresenceChannel,
} from "./pusher.js";

/** Where the module comes from: its URL (a bundler's asset URL), a response, or its bytes. */
export type InitInput = RequestInfo | URL | Response | BufferSource | WebAssembly.Module;

/**
 * Loads the WebAssembly module, from `module_or_path`, else from `rusher_bg.wasm` beside this
 * file; resolves once `new Pusher(...)` can be called.
 */
export default function init(
  module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>,
): Promise<unknown>;

/** Loads the module from its bytes (or a compiled module) at once, for example in Node. */
export function initSync(module: { module: BufferSource | WebAssembly.Module } | BufferSource | WebAssembly.Module): unknown;
