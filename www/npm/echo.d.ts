// Types of `rusher-client/echo`: Rusher's `Pusher` typed as pusher-js's class, which is what
// Laravel Echo's `Pusher` option (and @laravel/echo-react's `configureEcho`) names. pusher-js's
// class has a private static member, which makes its type nominal: no other class satisfies it,
// whatever members it has. Hand this one to Echo; for your own calls, import `rusher-client`,
// whose types say what Rusher has. pusher-js's types come with Laravel Echo (its peer dependency).
import type PusherJs from "pusher-js";

/** rusher-client's `Pusher`, typed for Laravel Echo's `Pusher` option. */
declare const Pusher: typeof PusherJs;
export { Pusher };
export default Pusher;
