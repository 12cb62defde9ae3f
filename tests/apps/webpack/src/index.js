// A webpack 5 app (no configuration file: webpack's defaults, `src/index.js` to `dist/main.js`)
// with Laravel Echo on rusher-client; the page tells it where the server is (`window.app`).
import Echo from 'laravel-echo';
import Pusher from 'rusher-client';
import { listen } from '../../shared/listen.js';

listen(new Echo({ broadcaster: 'pusher', Pusher, ...window.app }));
