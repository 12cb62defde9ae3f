// The browser's entry: hydrates what the server rendered.
import { createElement as h } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { App } from './App.js';

hydrateRoot(document.getElementById('root'), h(App));
