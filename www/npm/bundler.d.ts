// Types of the bundler entry: pusher-js's classes, with `Pusher` also the default export.
export { Pusher, Channel, Connection, User, Watchlist, Members } from "./bundler/rusher.js";
export type { Options, AuthOptions } from "./bundler/rusher.js";
import { Pusher } from "./bundler/rusher.js";
export default Pusher;
