// Types of the package's entry: pusher-js's classes, with `Pusher` also the default export.
export { Pusher, Channel, Connection, User, Watchlist, Members } from "./rusher.js";
export type { Options, AuthOptions } from "./rusher.js";
import { Pusher } from "./rusher.js";
export default Pusher;
