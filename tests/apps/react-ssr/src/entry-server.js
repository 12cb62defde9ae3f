// The server's entry (`vite build --ssr`): renders the page to HTML in Node, as Next, Nuxt,
// SvelteKit and Inertia's SSR do.
import { createElement as h } from 'react';
import { renderToString } from 'react-dom/server';
import { App } from './App.js';

export function render() {
  return renderToString(h(App));
}
