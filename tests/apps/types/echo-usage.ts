// Laravel Echo over Rusher's client, as Laravel apps write it: the class or an instance.
// Checked under `moduleResolution` bundler only: under nodenext, Laravel Echo's own declarations
// do not type-check.
import Echo from "laravel-echo";
import { configureEcho } from "@laravel/echo-react";
import Pusher from "rusher-client/echo";
import { pusher } from "./pusher-usage.js";

// The class, as Laravel's echo.js and Echo's React hooks take it.
new Echo({ broadcaster: "reverb", key: "app-key", wsHost: "127.0.0.1", wsPort: 8080, Pusher });
configureEcho({ broadcaster: "pusher", key: "app-key", Pusher });

const echo = new Echo({ broadcaster: "pusher", key: "app-key", client: pusher });
echo.private("orders.1").listen(".shipped", (event: { id: number }) => console.log(event.id));
echo.join("room.1").here((members: { name: string }[]) => console.log(members.length));
