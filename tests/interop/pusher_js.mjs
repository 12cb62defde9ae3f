// Interop: pusher-js 8 (the browser client people use today) and the official `pusher` server SDK
// against rusher-server, both unchanged, in Node. Run by `cargo xtask test`, which starts the server
// and passes its address and credentials in the environment.
import { createRequire } from 'node:module';
import { assert, equal, run, test } from '../browser/harness.mjs';
import { host, key, port, sdk } from '../browser/server.mjs';

const PusherClient = createRequire(import.meta.url)('pusher-js');

/** A pusher-js client whose auth is signed by the SDK, as a site's auth endpoint would. */
function client(user) {
  const pusher = new PusherClient(key, {
    cluster: 'local', wsHost: host, wsPort: port, forceTLS: false,
    enabledTransports: ['ws'], disableStats: true,
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        const data = channelName.startsWith('presence-')
          ? { user_id: user.id, user_info: { name: user.name } } : undefined;
        callback(null, sdk.authorizeChannel(socketId, channelName, data));
      },
    },
    userAuthentication: {
      customHandler: ({ socketId }, callback) => {
        callback(null, sdk.authenticateUser(socketId, { id: user.id, user_info: { name: user.name } }));
      },
    },
  });
  return pusher;
}

const clients = [];
function connect(user = { id: 'u' + Math.random().toString(16).slice(2, 8), name: 'Someone' }) {
  const pusher = client(user);
  clients.push(pusher);
  return pusher;
}

function once(bindable, event, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    const handler = (...args) => {
      clearTimeout(timer);
      bindable.unbind(event, handler);
      resolve(args);
    };
    bindable.bind(event, handler);
  });
}

async function subscribed(pusher, name) {
  const channel = pusher.subscribe(name);
  const [data] = await once(channel, 'pusher:subscription_succeeded');
  return { channel, data };
}

test('pusher-js connects and gets a socket id', async () => {
  const pusher = connect();
  await once(pusher.connection, 'connected');
  assert(/^\d+\.\d+$/.test(pusher.connection.socket_id), `socket id ${pusher.connection.socket_id}`);
});

test('an SDK trigger reaches a pusher-js public channel', async () => {
  const pusher = connect();
  const { channel } = await subscribed(pusher, 'interop-news');
  const received = once(channel, 'headline');
  await sdk.trigger('interop-news', 'headline', { text: 'hi' });
  const [data] = await received;
  equal(data, { text: 'hi' }, 'event data');
});

test('private channels authorize and client events flow both ways', async () => {
  const a = connect();
  const b = connect();
  const ca = (await subscribed(a, 'private-interop')).channel;
  const cb = (await subscribed(b, 'private-interop')).channel;
  const atB = once(cb, 'client-ping');
  assert(ca.trigger('client-ping', { n: 1 }), 'trigger returned false');
  equal((await atB)[0], { n: 1 }, 'client event at b');
  const atA = once(ca, 'client-pong');
  cb.trigger('client-pong', { n: 2 });
  equal((await atA)[0], { n: 2 }, 'client event at a');
});

test('presence: members, joining and leaving, user_id on client events', async () => {
  const ana = connect({ id: 'ana', name: 'Ana' });
  const first = await subscribed(ana, 'presence-interop');
  equal(first.channel.members.count, 1, 'members after ana');
  const joined = once(first.channel, 'pusher:member_added');
  const bob = connect({ id: 'bob', name: 'Bob' });
  const second = await subscribed(bob, 'presence-interop');
  equal(second.channel.members.count, 2, 'members seen by bob');
  equal(second.channel.members.me, { id: 'bob', info: { name: 'Bob' } }, 'me');
  equal(second.channel.members.get('ana'), { id: 'ana', info: { name: 'Ana' } }, 'ana as bob sees her');
  equal((await joined)[0], { id: 'bob', info: { name: 'Bob' } }, 'member_added');
  const whisper = once(first.channel, 'client-typing');
  second.channel.trigger('client-typing', { typing: true });
  const [data, metadata] = await whisper;
  equal(data, { typing: true }, 'whisper');
  equal(metadata, { user_id: 'bob' }, 'whisper metadata');
  const left = once(first.channel, 'pusher:member_removed');
  bob.unsubscribe('presence-interop');
  equal((await left)[0], { id: 'bob', info: { name: 'Bob' } }, 'member_removed');
});

test('the SDK encrypts for private-encrypted channels and pusher-js decrypts', async () => {
  const pusher = connect();
  const { channel } = await subscribed(pusher, 'private-encrypted-interop');
  const received = once(channel, 'secret');
  await sdk.trigger('private-encrypted-interop', 'secret', { message: 'hello' });
  equal((await received)[0], { message: 'hello' }, 'decrypted');
});

test('SDK queries: channels, channel info and presence users', async () => {
  const pusher = connect({ id: 'carol', name: 'Carol' });
  await subscribed(pusher, 'presence-interop-query');
  const list = await (await sdk.get({ path: '/channels', params: { filter_by_prefix: 'presence-interop-query', info: 'user_count' } })).json();
  equal(list, { channels: { 'presence-interop-query': { user_count: 1 } } }, 'channels');
  const info = await (await sdk.get({ path: '/channels/presence-interop-query', params: { info: 'user_count,subscription_count' } })).json();
  equal(info, { occupied: true, subscription_count: 1, user_count: 1 }, 'channel info');
  const users = await (await sdk.get({ path: '/channels/presence-interop-query/users' })).json();
  equal(users, { users: [{ id: 'carol' }] }, 'users');
});

test('sign-in, sendToUser and terminateUserConnections', async () => {
  const pusher = connect({ id: 'dave', name: 'Dave' });
  await once(pusher.connection, 'connected');
  pusher.signin();
  await pusher.user.signinDonePromise;
  const own = pusher.user.serverToUserChannel;
  assert(own && own.name === '#server-to-user-dave', 'no server-to-user channel after sign-in');
  if (!own.subscribed) await once(own, 'pusher:subscription_succeeded');
  const notice = once(pusher.user, 'notice');
  await sdk.sendToUser('dave', 'notice', { n: 1 });
  equal((await notice)[0], { n: 1 }, 'server-to-user event');
  const gone = once(pusher.connection, 'state_change');
  await sdk.terminateUserConnections('dave');
  const [change] = await gone;
  assert(change.previous === 'connected', `state change ${JSON.stringify(change)}`);
});

await run(async () => {
  clients.splice(0).forEach((pusher) => pusher.disconnect());
});
