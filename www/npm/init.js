// rusher-client/init: pusher-js's classes without loading the WebAssembly module; call `init()`
// (or `initSync({ module })` with the bytes of `rusher_bg.wasm`) before `new Pusher(...)`.
import init, { initSync, Core, Kind } from "./rusher.js";
import { classes } from "./pusher.js";

export const { Pusher, Channel, Connection, User, Watchlist, Members } = classes({ Core, Kind });
export { init as default, initSync };
