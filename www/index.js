// The demo page's chat: the rusher-chat package with its defaults (the backend, key and channel
// come from the server that served the page).
import { mountChat } from "/www/chat/rusher-chat.js";

window.rusherChat = mountChat();
