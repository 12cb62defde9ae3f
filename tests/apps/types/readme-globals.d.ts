// What the READMEs' JavaScript examples take as given (checked by the app suite, which writes
// each example into readme/ and type-checks it): the app's key and options, a CSRF token, a
// session that hands out bearer tokens, and Laravel Echo loaded by the page.
import type EchoClass from "laravel-echo";
import type { Options } from "rusher-client";

declare global {
  const key: string;
  const options: Options;
  const token: string;
  const session: { token(): Promise<string>; refresh(): Promise<void> };
  const Echo: typeof EchoClass;
}
