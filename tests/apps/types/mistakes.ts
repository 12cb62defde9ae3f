// Mistakes in such code are still errors: each line below must fail to type-check (`tsc` reports
// an unused `@ts-expect-error` otherwise).
import Pusher from "rusher-client";
import type { PresenceChannel } from "rusher-client";

// @ts-expect-error: the app key is required.
new Pusher();
// @ts-expect-error: a misspelt option.
new Pusher("app-key", { wsHots: "127.0.0.1" });
// @ts-expect-error: a port is a number or a string of digits.
new Pusher("app-key", { wsPort: true });
// @ts-expect-error: headers are strings.
new Pusher("app-key", { channelAuthorization: { headers: { "X-Id": 7 } } });

const pusher = new Pusher("app-key");
// @ts-expect-error: a channel has no `emit`.
pusher.subscribe("private-orders").emit("shipped");
// @ts-expect-error: members has `count`, not `size`.
console.log((pusher.subscribe("presence-room") as PresenceChannel).members.size);
// @ts-expect-error: the connection's state is read only.
pusher.connection.state = "connected";
