// An esbuild app (`esbuild app.js --bundle --format=esm --loader:.wasm=file`). esbuild leaves
// `new URL("….wasm", import.meta.url)` alone and copies no file for it, so the app imports the
// module's URL itself (the file loader copies it) and loads it through `rusher-client/init`.
import Echo from 'laravel-echo';
import init, { Pusher } from 'rusher-client/init';
import wasm from 'rusher-client/rusher_bg.wasm';
import { listen } from '../shared/listen.js';

await init({ module_or_path: wasm });
listen(new Echo({ broadcaster: 'pusher', Pusher, ...window.app }));
