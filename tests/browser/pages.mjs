// Pages a suite serves itself on the backend's behalf: a loopback HTTP server that answers the
// paths it is given (a test page, vendored scripts) and passes every other request on to the
// backend as if the pages were the backend's own (one origin: its session cookie, its auth
// routes). Every engine can load such a page, unlike a driver's request interception, which only
// Playwright has; and it counts requests by path, for tests that check how many were made. A test
// can also hold the next request for a path until it says how to answer it. WebSockets to it go
// on to the backend as well.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { createServer, request as forward } from 'node:http';
import { connect } from 'node:net';

/** Content types of the files an app's build writes. */
const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json',
};

/** The file under `dir` that `path` names, with its content type, if there is one. */
function fileIn(dir, path) {
  let name;
  try {
    name = decodeURIComponent(path);
  } catch {
    return undefined; // not a path any file has
  }
  if (!dir || name.includes('..')) return undefined;
  const file = join(dir, name);
  if (!existsSync(file) || !statSync(file).isFile()) return undefined;
  return { type: TYPES[extname(file)] ?? 'application/octet-stream', file };
}

/**
 * Serves `routes` (`{path: {type, body}}`, `{path: {type, file}}`, or `{path: {handle(request,
 * response)}}`) and then the files of `files` (a folder, such as an app's build) at a new
 * loopback address, and passes the rest to `backend` (its base URL), with the backend's own
 * `Host` and `Origin`. Returns `{ base, requests(path), hold(path), close() }`.
 */
export async function servePages(routes, backend, files) {
  const target = new URL(backend);
  const counts = new Map();
  const held = new Map();
  const server = createServer(async (request, response) => {
    const path = request.url.split('?')[0];
    counts.set(path, (counts.get(path) ?? 0) + 1);
    const route = routes[path] ?? fileIn(files, path);
    if (route?.handle) {
      route.handle(request, response);
      return;
    }
    if (route) {
      // Asked again every time, yet (unlike `no-store`) no bar to the back/forward cache.
      response.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-cache' });
      response.end(route.body ?? readFileSync(route.file));
      return;
    }
    const hold = held.get(path);
    held.delete(path);
    const how = hold ? await hold.answer : {};
    if (how.status) {
      response.writeHead(how.status, { 'content-type': 'text/plain' });
      response.end(`answered ${how.status} by the test`);
      return;
    }
    const headers = { ...request.headers, host: target.host };
    if (headers.origin) headers.origin = target.origin;
    const upstream = forward({
      host: target.hostname, port: target.port, method: request.method, path: request.url, headers,
    }, (answer) => {
      response.writeHead(answer.statusCode, how.type ? { ...answer.headers, 'content-type': how.type } : answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', (error) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`the backend did not answer: ${error.message}`);
    });
    request.pipe(upstream);
  });
  // A WebSocket to the page's own origin goes on to the backend too, as a dev server's proxy
  // passes it (Trunk's, Vite's): the request line and headers, then bytes both ways.
  const sockets = new Set();
  server.on('upgrade', (request, socket, head) => {
    const headers = { ...request.headers, host: target.host };
    if (headers.origin) headers.origin = target.origin;
    const upstream = connect(Number(target.port), target.hostname, () => {
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
      upstream.write(`${request.method} ${request.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    for (const end of [socket, upstream]) {
      sockets.add(end);
      end.on('close', () => sockets.delete(end));
      end.on('error', () => { socket.destroy(); upstream.destroy(); });
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    requests: (path) => counts.get(path) ?? 0,
    /** Holds the next request for `path` until `release(how)`: passed on (`{}`), passed on with
     * another content type (`{ type }`), or answered with a status (`{ status }`). */
    hold: (path) => {
      let release;
      held.set(path, { answer: new Promise((resolve) => { release = resolve; }) });
      return (how = {}) => release(how);
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
