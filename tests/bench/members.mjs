// Members in a presence channel besides the page's visitor, for the widget benchmarks: pusher-js
// clients in Node, each its own user, authorized with the app's secret through the official
// server SDK, against the rusher-server xtask started.
import { createRequire } from 'node:module';
import { key, sdk, sockets } from '../browser/server.mjs';

const require = createRequire(import.meta.url);
const PusherNode = require('pusher-js/dist/node/pusher.js');

/** A member `id` named `name` in `channel`; resolves with its client once subscribed. */
export function member(channel, id, name) {
  const client = new PusherNode(key, {
    cluster: 'mt1', wsHost: sockets.host, wsPort: sockets.port, forceTLS: false,
    enabledTransports: ['ws'], disableStats: true,
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => callback(null, sdk.authorizeChannel(
        socketId, channelName, { user_id: id, user_info: { name } },
      )),
    },
  });
  return new Promise((resolve, reject) => {
    const subscription = client.subscribe(channel);
    subscription.bind('pusher:subscription_succeeded', () => resolve(client));
    // A refused member (the server's member limit) fails the benchmark instead of hanging it.
    subscription.bind('pusher:subscription_error', (error) => reject(new Error(`${id} refused: ${JSON.stringify(error)}`)));
  });
}

/** `count` members (`bench0` … named `Member 0` …) in `channel`, all subscribed; their clients.
 * They join in groups of 100, so that the server is not asked for them all at once. */
export async function members(channel, count) {
  const clients = [];
  for (let start = 0; start < count; start += 100) {
    const group = [];
    for (let i = start; i < Math.min(count, start + 100); i += 1) group.push(member(channel, `bench${i}`, `Member ${i}`));
    clients.push(...(await Promise.all(group)));
  }
  return clients;
}
