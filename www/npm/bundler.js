// rusher-client for bundlers that load WebAssembly as an ES module (webpack 5 with
// `experiments.asyncWebAssembly`): `import Pusher from "rusher-client/bundler"`.
import { Pusher, Channel, Connection, User, Watchlist, Members } from "./bundler/rusher.js";
import { chainable } from "./chainable.js";

chainable(Pusher, Channel, Connection, User, Watchlist);

export { Pusher, Channel, Connection, User, Watchlist, Members };
export default Pusher;
