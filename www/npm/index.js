// rusher-client for browsers and modern bundlers: `import Pusher from "rusher-client"` is all a
// page needs. The WebAssembly module starts loading when this is imported in a browser or a
// worker, and a `Pusher` made before it is loaded starts once it is (`classes` in pusher.js).
// Imported in Node (server-side rendering), nothing is fetched until a `Pusher` is made.
import init, { Core, Kind } from "./rusher.js";
import { classes } from "./pusher.js";

export const { Pusher, Channel, Connection, User, Watchlist, Members } = classes({ Core, Kind, init });
export default Pusher;
