// A Vue app's usual Vite configuration: the Vue plugin, nothing for rusher-client.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({ plugins: [vue()] });
