// What WebDriver BiDi gives the suites in Firefox, for WebKitGTK, whose WebDriver has no BiDi: each
// WebKit context's browser sends its requests through a loopback HTTP proxy of its own (WebDriver's
// standard `proxy` capability), so pages keep their own URLs and origins. The proxy runs the
// context's init scripts before a document's own (a same-origin `<script src>` it writes at the top
// of every HTML page, which a strict `script-src 'self'` allows), answers or fails the requests its
// routes name, refuses every request while the context is offline, and hands each answer, with its
// body, to the context's response handlers. It passes WebSockets on (WebKit sends them to the proxy
// as `GET ws://…` upgrades).
import { STATUS_CODES, createServer, request as forward } from 'node:http';
import { connect } from 'node:net';

/** The path, on every origin, where the proxy serves the context's init scripts. */
const INIT_PATH = '/__rusher-init-scripts.js';

/** The hosts the proxy passes requests on to: the suites' servers, all on loopback. */
const LOOPBACK = ['127.0.0.1', 'localhost'];

/** The path a Playwright glob of the two forms the suites route names: `**\/path` and
 * `**\/path**` (a path, whatever the host and query), as Firefox's BiDi intercepts take it. */
export function routedPath(glob) {
  const path = /^\*\*(\/[^*?]+?)(\*\*)?$/.exec(glob)?.[1];
  if (!path) throw new Error(`only globs like **/path and **/path** are routed, not ${glob}`);
  return path;
}

/** A started proxy for one context: `address` (host:port, for the capability), `initScripts`
 * (function sources), `routes` (`{ glob, path, handler }`), `offline`, `responseHandlers`. */
export async function startProxy() {
  const proxy = new InterceptingProxy();
  await new Promise((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
  proxy.address = `127.0.0.1:${proxy.server.address().port}`;
  return proxy;
}

class InterceptingProxy {
  constructor() {
    this.initScripts = [];
    this.routes = [];
    this.offline = false;
    this.responseHandlers = [];
    this.sockets = new Set();
    this.server = createServer((request, response) => this.request(request, response));
    this.server.on('upgrade', (request, socket, head) => this.upgrade(request, socket, head));
    this.server.on('connection', (socket) => this.track(socket));
  }

  track(socket) {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  }

  /** The loopback URL a proxied request names, or nothing (a request not meant for a proxy, or
   * for another host). */
  target(request) {
    try {
      const url = new URL(request.url);
      return LOOPBACK.includes(url.hostname) ? url : undefined;
    } catch {
      return undefined;
    }
  }

  request(request, response) {
    const url = this.target(request);
    if (!url) {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end('the test proxy passes on requests to loopback only');
      return;
    }
    if (this.offline) {
      request.socket.destroy();
      return;
    }
    if (url.pathname === INIT_PATH) {
      response.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      response.end(this.initScripts.map((source) => `(${source})();`).join('\n'));
      return;
    }
    const route = this.routes.findLast(({ path }) => path === url.pathname);
    if (!route) {
      this.pass(request, response, url);
      return;
    }
    const handled = Promise.resolve().then(() => route.handler({
      continue: async () => this.pass(request, response, url),
      abort: async () => { request.socket.destroy(); },
      fulfill: async ({ status = 200, headers = {}, contentType, body = '' } = {}) => {
        response.writeHead(status, STATUS_CODES[status], { ...headers, ...(contentType ? { 'content-type': contentType } : {}) });
        response.end(body);
      },
    }));
    handled.catch((error) => {
      console.error(`a routed request to ${url}: ${error.stack || error}`);
      request.socket.destroy();
    });
  }

  /** Passes the request on, asking for an uncompressed answer (so that a page can be written
   * into and a body read); an HTML page gets the init scripts' tag first in its head. */
  pass(request, response, url) {
    const headers = { ...request.headers };
    delete headers['proxy-connection'];
    delete headers['accept-encoding'];
    const upstream = forward({ host: url.hostname, port: url.port, method: request.method, path: url.pathname + url.search, headers }, (answer) => {
      const html = /^text\/html/.test(answer.headers['content-type'] ?? '');
      const whole = (html && this.initScripts.length > 0) || this.responseHandlers.length > 0;
      if (!whole) {
        response.writeHead(answer.statusCode, answer.headers);
        answer.pipe(response);
        return;
      }
      const chunks = [];
      answer.on('data', (chunk) => chunks.push(chunk));
      answer.on('end', () => {
        let body = Buffer.concat(chunks);
        for (const handler of this.responseHandlers) handler({ url: () => url.href, body: async () => body });
        if (html && this.initScripts.length > 0) body = withInitScripts(body);
        const answerHeaders = { ...answer.headers, 'content-length': String(body.length) };
        delete answerHeaders['transfer-encoding'];
        response.writeHead(answer.statusCode, answerHeaders);
        response.end(body);
      });
    });
    upstream.on('error', () => request.socket.destroy());
    request.pipe(upstream);
  }

  /** A WebSocket (`GET ws://…` with `Upgrade`): the request line and headers go on, then the
   * bytes both ways. */
  upgrade(request, socket, head) {
    const url = this.target(request);
    if (!url || this.offline) {
      socket.destroy();
      return;
    }
    this.track(socket);
    const upstream = connect(Number(url.port || 80), url.hostname, () => {
      const lines = [];
      for (let i = 0; i < request.rawHeaders.length; i += 2) {
        if (request.rawHeaders[i].toLowerCase() !== 'proxy-connection') lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
      }
      upstream.write(`${request.method} ${url.pathname}${url.search} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    this.track(upstream);
    upstream.on('close', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  }

  close() {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(resolve));
  }
}

/** An HTML page with the init scripts' tag first in its head (or first of all, without one). */
function withInitScripts(body) {
  const html = body.toString('utf8');
  const tag = `<script src="${INIT_PATH}"></script>`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  const at = head ? head.index + head[0].length : 0;
  return Buffer.from(html.slice(0, at) + tag + html.slice(at));
}
