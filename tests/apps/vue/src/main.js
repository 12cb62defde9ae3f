// Echo for @laravel/echo-vue's composables, with rusher-client as its Pusher client; the page
// tells the browser where the server is (`window.app`).
import { createApp } from 'vue';
import { configureEcho } from '@laravel/echo-vue';
import Pusher from 'rusher-client/echo';
import App from './App.vue';

configureEcho({ broadcaster: 'pusher', Pusher, ...window.app });
createApp(App).mount('#app');
