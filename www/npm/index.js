// rusher-client for browsers and modern bundlers: loads the WebAssembly module once (top-level
// await), then exports pusher-js's classes. `import Pusher from "rusher-client"` is all a page needs.
import init, { Pusher, Channel, Connection, User, Watchlist, Members } from "./init.js";

await init();

export { Pusher, Channel, Connection, User, Watchlist, Members };
export default Pusher;
