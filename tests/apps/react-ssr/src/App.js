// The page: orders shipped on a private channel, and who is in the room on a presence channel,
// through @laravel/echo-react's hooks; the chat widget mounted once the page is in the browser.
import { createElement as h, useEffect, useState } from 'react';
import { useEcho, useEchoPresence } from '@laravel/echo-react';
import { mountChat } from 'rusher-chat';
import './echo.js';

export function App() {
  const [orders, setOrders] = useState([]);
  const [said, setSaid] = useState([]);
  const [online, setOnline] = useState(null);
  const [live, setLive] = useState(false);
  const shipped = useEcho('orders.1', '.shipped', (order) => setOrders((all) => [...all, order.id]));
  const room = useEchoPresence('room.1', '.said', (event) => setSaid((all) => [...all, event.text]));
  useEffect(() => {
    shipped.channel()?.subscribed(() => setLive(true));
    room.channel()?.here((members) => setOnline(members.map((member) => member.name)));
  }, []);
  useEffect(() => {
    const chat = mountChat(globalThis.window.chat);
    return () => chat.destroy();
  }, []);
  return h('main', null,
    h('h1', null, 'Orders'),
    h('p', { role: 'status' }, online ? `Online: ${online.join(', ')}` : 'Connecting…'),
    h('p', null, live ? 'Orders are live' : 'Orders are not live yet'),
    h('ul', { 'aria-label': 'Shipped' }, orders.map((id) => h('li', { key: id }, `Order ${id} shipped`))),
    h('ul', { 'aria-label': 'Said' }, said.map((text) => h('li', { key: text }, text))));
}
