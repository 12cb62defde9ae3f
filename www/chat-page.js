// chat.html: the chat widget dropped into a page with one import and mountChat().
import { mountChat } from "./chat/rusher-chat.js";

// Options can be tried from the address: chat.html?send=client-event&theme=dark&language=de
// (and backend=URL for a chat backend on another origin).
const query = new URLSearchParams(location.search);
const options = { channel: "presence-lobby" };
for (const name of ["channel", "send", "theme", "language", "backend"]) {
  if (query.has(name)) options[name] = query.get(name);
}
const chat = mountChat(options);
chat.on("unread", (count) => {
  document.getElementById("unread").textContent = `${count} unread.`;
});
chat.on("online", (count) => {
  document.getElementById("online").textContent = `${count} online in the lobby.`;
});
window.rusherChat = chat;
