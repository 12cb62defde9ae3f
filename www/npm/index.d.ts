// Types of the package's entry: pusher-js's classes, with `Pusher` also the default export.
export { Pusher, Channel, Connection, User, Watchlist, Members } from "./pusher.js";
export type {
  Options, AuthOptions, ChannelAuthorizationOptions, UserAuthenticationOptions, EventCallback,
  PresenceChannel,
} from "./pusher.js";
import { Pusher } from "./pusher.js";
export default Pusher;
