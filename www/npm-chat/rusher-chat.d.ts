// Types of rusher-chat's entry (rusher-chat.js, the launcher).

/** The chat's options; every one is optional. */
export interface ChatOptions {
  key?: string; wsHost?: string; wsPort?: number; forceTLS?: boolean;
  authEndpoint?: string; userAuthEndpoint?: string;
  channel?: string; backend?: string; send?: "backend" | "client-event";
  theme?: "system" | "light" | "dark"; language?: string;
  user?: { id: string; name: string }; open?: boolean;
  /** Load the whole chat when the browser is idle after the page loaded, not on the first open. */
  preload?: boolean;
}

/** What `on` reports: the unread count, the online count, whether the panel is open, and each
 * new message of the room. */
export interface ChatEvents {
  unread: number;
  online: number;
  open: boolean;
  message: { id: number; user: { id: string; name: string }; text: string; time: number };
}

/** A mounted chat. Its methods may be called before the chat has loaded. */
export class ChatHandle {
  /** Opens the panel (loading the chat first, when it has not loaded yet). */
  open(): void;
  /** Closes the panel. */
  close(): void;
  /** Opens or closes the panel. */
  toggle(): void;
  /** Removes the chat, disconnects and drops every callback. */
  destroy(): void;
  /** Calls `callback` on changes of `event`. */
  on<E extends keyof ChatEvents>(event: E, callback: (value: ChatEvents[E]) => void): void;
}

/** Shows the chat's launcher at the end of `<body>` and returns its handle; the chat itself loads
 * when the visitor opens it (or when the browser is idle, with `preload`). Throws when an option
 * has the wrong type. */
export function mountChat(options?: ChatOptions): ChatHandle;
