// Echo for the React hooks, with rusher-client as its Pusher client. This module is imported when
// the server renders too (Node): configuring Echo there opens nothing, and the hooks connect only
// in the browser, after hydration. The page tells the browser where the server is (`window.app`).
import { configureEcho } from '@laravel/echo-react';
import Pusher from 'rusher-client/echo';

configureEcho({ broadcaster: 'pusher', Pusher, ...globalThis.window?.app });
