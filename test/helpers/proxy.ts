/*
 * A real HTTP forward proxy for tests: plain node:http on 127.0.0.1, no dependencies.
 *  - absolute-URI requests (`GET http://127.0.0.1:1234/path HTTP/1.1`, what HTTP_PROXY clients send for http:
 *    targets): method, headers and body are forwarded, the response is streamed back;
 *  - `CONNECT host:port` tunnels (what HTTPS_PROXY clients use for https: targets, and any client may use for http:).
 * It logs each request's method and target only, never headers (they carry tokens); credential-like query
 * parameters in the target are redacted too.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export type ProxiedRequest = {
  method: string;
  /** http://host:port/path?query for forwarded requests (credential-like query values redacted), host:port for CONNECT. */
  target: string;
  at: number;
};

export type TestProxy = {
  /** e.g. http://127.0.0.1:40123, for HTTP_PROXY / HTTPS_PROXY. */
  url: string;
  requests: ProxiedRequest[];
  /** Closes the listener and every open connection and tunnel. */
  stop(): Promise<void>;
};

/** Hop-by-hop headers (RFC 9110 §7.6.1) plus the proxy's own; never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const SECRET_PARAM = /^(access_token|refresh_token|token|assertion|client_secret|sid|code|password)$/i;

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean)
  );
  const out: OutgoingHttpHeaders = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(key) && !named.has(key)) out[key] = value;
  }
  return out;
}

function loggedTarget(url: URL): string {
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  for (const key of [...new Set(shown.searchParams.keys())]) {
    if (SECRET_PARAM.test(key)) shown.searchParams.set(key, '<redacted>');
  }
  return shown.href;
}

function plainReply(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text), connection: 'close' });
  res.end(text);
}

export async function startProxy(): Promise<TestProxy> {
  const requests: ProxiedRequest[] = [];
  /** Sockets the server no longer tracks: CONNECT tunnels (both ends) and upstream connections. */
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  function forward(req: IncomingMessage, res: ServerResponse): void {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      // An origin-form request ('/path'): this is a proxy, not a web server.
      plainReply(res, 400, 'This proxy takes absolute-URI requests (GET http://host/path) and CONNECT only.\n');
      return;
    }
    requests.push({ method: req.method ?? 'GET', target: loggedTarget(target), at: Date.now() });
    if (target.protocol !== 'http:') {
      plainReply(res, 501, `The proxy forwards http: URLs only; use CONNECT for ${target.protocol}\n`);
      return;
    }
    const upstream = httpRequest(
      {
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || 80,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers: endToEnd(req.headers),
        agent: false,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, endToEnd(upstreamRes.headers));
        upstreamRes.pipe(res);
        // The origin dropped the connection mid-body: drop ours too, so the client sees it.
        upstreamRes.once('aborted', () => res.destroy());
        upstreamRes.once('error', () => res.destroy());
      }
    );
    upstream.once('socket', track);
    upstream.once('error', () => plainReply(res, 502, 'Bad Gateway: the origin could not be reached or closed the connection.\n'));
    // The client went away before the response was complete: stop talking to the origin.
    res.once('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  function tunnel(req: IncomingMessage, client: Duplex, head: Buffer): void {
    const target = req.url ?? '';
    requests.push({ method: 'CONNECT', target, at: Date.now() });
    track(client);
    const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(target);
    if (!match) {
      client.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream: Socket = netConnect({ host: match[1].replace(/^\[|\]$/g, ''), port: Number(match[2]) });
    track(upstream);
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.once('error', () => {
      if (upstream.connecting || upstream.bytesRead + upstream.bytesWritten === 0) {
        client.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      } else {
        client.destroy();
      }
    });
    client.once('error', () => upstream.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  }

  const server = createServer(forward);
  server.on('connect', tunnel);
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    async stop(): Promise<void> {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
  };
}
