// Types of rusher-chat's entry.
export { mountChat, ChatHandle } from "./rusher-chat-wasm.js";
export type { ChatOptions } from "./rusher-chat-wasm.js";
