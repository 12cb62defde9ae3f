// embed.html: rusher-client in a <script type=module>, with the pusher-js API.
import Pusher from "./pkg/index.js";

const config = await (await fetch("/chat/config")).json();
const tls = config.forceTLS ?? location.protocol === "https:";
const port = config.wsPort ?? (Number(location.port) || (tls ? 443 : 80));
const pusher = new Pusher(config.key, {
  wsHost: config.wsHost ?? location.hostname,
  wsPort: port,
  wssPort: port,
  forceTLS: tls,
});
const state = document.getElementById("state");
pusher.connection.bind("state_change", ({ current }) => { state.textContent = current; });

const list = document.getElementById("events");
pusher.subscribe("updates").bind_global((event, data) => {
  if (event.startsWith("pusher:")) return;
  const item = document.createElement("li");
  item.textContent = `${event}: ${JSON.stringify(data)}`; // text, never HTML
  list.prepend(item);
});
window.rusherEmbed = pusher;
