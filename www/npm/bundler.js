// rusher-client for bundlers that load WebAssembly as an ES module (webpack 5 with
// `experiments.asyncWebAssembly`): `import Pusher from "rusher-client/bundler"`.
import { Core, Kind } from "./bundler/rusher.js";
import { classes } from "./pusher.js";

export const { Pusher, Channel, Connection, User, Watchlist, Members } = classes({ Core, Kind });
export default Pusher;
