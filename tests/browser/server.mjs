// The rusher-server a suite runs against: its address and credentials from the environment that
// `cargo xtask test` sets, and the official server SDK pointed at it.
import { createRequire } from 'node:module';
import { env } from './harness.mjs';

const require = createRequire(import.meta.url);
const PusherServer = require('pusher');

export const host = env('RUSHER_HOST');
export const port = Number(env('RUSHER_PORT'));
export const key = env('RUSHER_APP_KEY');
export const base = `http://${host}:${port}`;

/** The official `pusher` server SDK, pointed at the server under test (with its encryption
 * master key, for private-encrypted channels). */
export const sdk = new PusherServer({
  appId: env('RUSHER_APP_ID'), key, secret: env('RUSHER_APP_SECRET'),
  host, port: String(port), useTLS: false,
  encryptionMasterKeyBase64: env('RUSHER_MASTER_KEY'),
});
