// rusher-client/echo: the default entry's `Pusher`, for Laravel Echo's `Pusher` option (echo.d.ts
// says why it has an entry of its own).
export { Pusher as default, Pusher } from "./index.js";
