// rusher-chat for any page: loads the WebAssembly module once (top-level await), then exports
// mountChat. `import { mountChat } from "./rusher-chat.js"; mountChat({ ... })` is all it takes.
import init, { mountChat, ChatHandle } from "./rusher-chat-wasm.js";

await init();

export { mountChat, ChatHandle };
