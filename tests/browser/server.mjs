// The servers a suite runs against, from the environment that `cargo xtask test` sets: the chat
// backend that serves the pages and answers auth (`RUSHER_HOST`, `RUSHER_PORT`), the
// Pusher-compatible server with the sockets and the REST API (`RUSHER_SOCKETS_HOST`,
// `RUSHER_SOCKETS_PORT`: the same rusher-server unless another one is named by
// `RUSHER_SERVER_NAME`, such as sockudo), the app's credentials, the official server SDK pointed
// at the sockets' server, and the departures from the protocol known of that server.
import { createRequire } from 'node:module';
import { env } from './harness.mjs';

const require = createRequire(import.meta.url);
const PusherServer = require('pusher');

export const host = env('RUSHER_HOST');
export const port = Number(env('RUSHER_PORT'));
export const key = env('RUSHER_APP_KEY');
export const base = `http://${host}:${port}`;
export const serverName = process.env.RUSHER_SERVER_NAME || 'rusher-server';
export const sockets = {
  host: process.env.RUSHER_SOCKETS_HOST || host,
  port: Number(process.env.RUSHER_SOCKETS_PORT || port),
};

/** Known departures from the protocol, per server (../../docs/interop.md says more). */
const departures = {
  sockudo: {
    'subscription count': 'no pusher_internal:subscription_count',
    'presence client event user_id': 'client events on presence channels carry no user_id',
  },
  soketi: {
    'subscription count': 'no pusher_internal:subscription_count',
  },
};

/** The departure of the server under test for `feature`, if it has one. */
export function departure(feature) {
  return departures[serverName]?.[feature];
}

/** Prints a departure seen, in the line the interop matrix reads. */
export function recordDeparture(feature, what) {
  console.log(`departure: ${serverName}: ${feature}: ${what}`);
}

/** The official `pusher` server SDK, pointed at the server under test (with its encryption
 * master key, for private-encrypted channels). */
export const sdk = new PusherServer({
  appId: env('RUSHER_APP_ID'), key, secret: env('RUSHER_APP_SECRET'),
  host: sockets.host, port: String(sockets.port), useTLS: false,
  encryptionMasterKeyBase64: env('RUSHER_MASTER_KEY'),
});

/**
 * An application's own auth route, as Laravel's `/broadcasting/auth` is (for `servePages`): reads
 * the form and signs with the app secret through the SDK. `member(request)` is the presence
 * member (`{user_id, user_info}`) or undefined, which is refused for a presence channel;
 * `allowed(request)` false is refused for any channel. Refusals are 403, as Laravel's.
 */
export function authRoute(member, allowed = () => true) {
  return {
    handle(request, response) {
      let body = '';
      request.on('data', (chunk) => { body += chunk; });
      request.on('end', () => {
        const form = new URLSearchParams(body);
        const socketId = form.get('socket_id');
        const channel = form.get('channel_name');
        const presence = channel?.startsWith('presence-') ? member(request) : undefined;
        if (!socketId || !channel || !allowed(request) || (channel.startsWith('presence-') && !presence)) {
          response.writeHead(403, { 'content-type': 'text/plain' });
          response.end('refused by the test\'s auth route');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(sdk.authorizeChannel(socketId, channel, presence)));
      });
    },
  };
}
