// Code written against pusher-js 8's types, the calls Laravel and pusher-js users write, with
// rusher-client in pusher-js's place: `tsc --strict` checks it under `moduleResolution` bundler
// and nodenext (tsconfig.*.json here).
import Pusher from "rusher-client";
import type { Channel, Members, Options, PresenceChannel } from "rusher-client";

Pusher.logToConsole = true;

const options: Options = {
  cluster: "eu",
  wsHost: "127.0.0.1",
  wsPort: 6001,
  wssPort: "443",
  forceTLS: false,
  enabledTransports: ["ws", "wss"],
  disableStats: true,
  channelAuthorization: {
    endpoint: "/broadcasting/auth",
    transport: "ajax",
    headers: { "X-CSRF-TOKEN": "token" },
    headersProvider: () => ({ Authorization: "Bearer token" }),
  },
  userAuthentication: { endpoint: "/broadcasting/user-auth", transport: "ajax" },
};
const pusher = new Pusher("app-key", options);

pusher.connection.bind("state_change", (states: { previous: string; current: string }) => {
  console.log(states.previous, states.current);
});
pusher.connection.bind("error", (error: unknown) => console.error(error));
if (pusher.connection.state === "connected") console.log(pusher.connection.socket_id);

const orders: Channel = pusher.subscribe("private-orders");
orders.bind("order-shipped", (data: { id: number }) => console.log(data.id));
orders.bind("pusher:subscription_error", (status: { status: number }) => console.log(status.status));
orders.trigger("client-typing", { typing: true });

const room = pusher.subscribe("presence-room") as PresenceChannel;
room.bind("pusher:subscription_succeeded", (members: Members) => {
  members.each((member) => console.log(member.id, member.info));
  console.log(members.count, members.me?.id, members.get("42")?.info);
});
room.bind("pusher:member_added", (member: { id: string; info: { name: string } }) => {
  console.log(member.info.name);
});
console.log(room.members.count, room.name, room.subscribed);

pusher.bind_global((event: string, data: unknown) => console.log(event, data));
pusher.user.bind("notification", (data: unknown) => console.log(data));
pusher.user.watchlist.bind("online", (event: { user_ids: string[] }) => console.log(event.user_ids));
pusher.signin();
pusher.allChannels().forEach((channel) => console.log(channel.name));
pusher.channel("private-orders")?.unbind("order-shipped");
pusher.unsubscribe("private-orders");
pusher.disconnect();
pusher.connect();

export { pusher };

