// Types of `rusher-client/init`: the classes, and the module loaders to call before using them.
export { Pusher, Channel, Connection, User, Watchlist, Members } from "./pusher.js";
export type {
  Options, AuthOptions, ChannelAuthorizationOptions, UserAuthenticationOptions, EventCallback,
  PresenceChannel,
} from "./pusher.js";
export { initSync } from "./rusher.js";
export { default } from "./rusher.js";
