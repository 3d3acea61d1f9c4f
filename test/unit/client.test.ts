/*
 * The entries client against a hostile server on loopback HTTP: what is a page (only a 2xx JSON object of bounded
 * depth), the response size cap, and a host that can't be reached at all. Real sockets, a tiny node:http server.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { SfError } from '@salesforce/core';
import { expect } from 'chai';
import { RequestError, TimeoutError } from 'got';
import { createEntriesFetcher, entriesUrl, unreachableReason, type EntriesFetcher } from '../../src/sources/api/client.js';
import { collectEntries } from '../../src/sources/api/paging.js';
import type { RetryPolicy } from '../../src/sources/api/retry.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A server whose every answer is `handler`'s; counts requests and remembers how each response ended. */
async function hostile(handler: Handler): Promise<{ url: URL; requests: () => number; server: Server; stop: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: new URL(`http://127.0.0.1:${port}`),
    requests: () => requests,
    server,
    stop: async (): Promise<void> => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}

/** Quick retries, so a test of what happens after the retries takes milliseconds. */
const FAST: RetryPolicy = { limit: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 };

function fetcherFor(base: URL, options: { maxResponseBytes?: number; retry?: RetryPolicy } = {}): EntriesFetcher {
  return createEntriesFetcher({
    api: 'conversation-data',
    endpoint: entriesUrl(base, 'conv-1'),
    baseUrl: base,
    conversationIdentifier: 'conv-1',
    getToken: () => 'test-token',
    refresh: () => Promise.resolve(),
    retry: FAST,
    ...options,
  });
}

async function failure(fetcher: EntriesFetcher): Promise<SfError> {
  try {
    await collectEntries(fetcher.fetchPage);
  } catch (error) {
    return error as SfError;
  }
  throw new Error('expected the fetch to fail');
}

const page = { conversationEntries: [{ identifier: 'a', serverReceivedTimestamp: 1_800_000_000_000 }] };

describe('entries client: only a 2xx JSON object is a page', () => {
  const cases: Array<{ label: string; status: number; body?: string; headers?: Record<string, string>; name: string; says: RegExp[] }> = [
    { label: '204', status: 204, name: 'ApiBadResponseError', says: [/HTTP 204/, /the body is empty/] },
    { label: '200 with no body', status: 200, body: '', name: 'ApiBadResponseError', says: [/HTTP 200/, /the body is empty/] },
    { label: '200 null', status: 200, body: 'null', name: 'ApiBadResponseError', says: [/a JSON null, not an object/] },
    { label: '200 number', status: 200, body: '42', name: 'ApiBadResponseError', says: [/a JSON number/] },
    { label: '200 string', status: 200, body: '"ok"', name: 'ApiBadResponseError', says: [/a JSON string/] },
    { label: '200 true', status: 200, body: 'true', name: 'ApiBadResponseError', says: [/a JSON boolean/] },
    { label: '206 HTML', status: 206, body: '<html>', name: 'ApiBadResponseError', says: [/not valid JSON, also after 3 attempts/] },
  ];
  for (const status of [300, 301, 302, 303, 304, 307, 308]) {
    cases.push({
      label: `${status} with an empty body`,
      status,
      headers: { location: 'https://login.example.com/sso?token=secret' },
      name: 'ApiUnexpectedStatusError',
      says: [new RegExp(`HTTP ${status}`), ...(status === 304 ? [] : [/\(a redirect to https:\/\/login\.example\.com\/sso\)/])],
    });
    cases.push({ label: `${status} with HTML`, status, body: '<html>moved</html>', name: 'ApiUnexpectedStatusError', says: [new RegExp(`HTTP ${status}`)] });
  }

  for (const c of cases) {
    it(`${c.label} → ${c.name}, exit 6, named where and with the status${c.status === 206 ? '' : ', after one request'}`, async () => {
      const server = await hostile((req, res) => {
        res.writeHead(c.status, { 'content-type': 'application/json', ...c.headers });
        res.end(c.body);
      });
      try {
        const error = await failure(fetcherFor(server.url));
        expect(error.name).to.equal(c.name);
        expect(error.exitCode).to.equal(6);
        expect(error.message).to.include(server.url.host);
        for (const pattern of c.says) expect(error.message).to.match(pattern);
        expect(error.message).not.to.include('secret');
        expect(error.actions?.length).to.be.greaterThan(0);
        // Only a 2xx body that is not JSON (a page cut short) is worth another attempt.
        expect(server.requests()).to.equal(c.status === 206 ? 3 : 1);
      } finally {
        await server.stop();
      }
    });
  }

  it('nesting too deep for the walkers is ApiBadResponse, never a RangeError; 64 levels are read', async () => {
    const deepArray = `{"conversationEntries":[{"identifier":"a","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`;
    const deepObject = `{"conversationEntries":[{"identifier":"a","x":${'{"k":'.repeat(70)}1${'}'.repeat(70)}}]}`;
    const deepString = JSON.stringify({ conversationEntries: [{ identifier: 'a', entryPayload: `${'['.repeat(5000)}${']'.repeat(5000)}` }] });
    const fine = `{"conversationEntries":[{"identifier":"a","x":${'['.repeat(61)}${']'.repeat(61)}}]}`; // 64 levels in all
    let body = '';
    const server = await hostile((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    try {
      for (const deep of [deepArray, deepObject, deepString]) {
        body = deep;
        // eslint-disable-next-line no-await-in-loop
        const error = await failure(fetcherFor(server.url));
        expect(error.name).to.equal('ApiBadResponseError');
        expect(error.message).to.include('nests more than 64 levels');
      }
      body = fine;
      expect((await collectEntries(fetcherFor(server.url).fetchPage)).entries).to.have.length(1);
    } finally {
      await server.stop();
    }
  });
});

describe('entries client: the response size cap', () => {
  const MB = 1024 * 1024;

  it('refuses a body whose Content-Length is over the cap before reading it, and does not retry', async () => {
    let ended = 0;
    const server = await hostile((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(3 * MB) });
      res.on('close', () => ended++);
      res.end(Buffer.alloc(3 * MB, 0x20));
    });
    try {
      const error = await failure(fetcherFor(server.url, { maxResponseBytes: 2 * MB, retry: { ...FAST, limit: 4 } }));
      expect(error.name).to.equal('ApiResponseTooLargeError');
      expect(error.exitCode).to.equal(6);
      expect(error.message).to.include('larger than 2 MB');
      expect(error.actions?.join('\n')).to.include('SF_CONVERSATION_MAX_RESPONSE_MB=<megabytes> (default 64, at most 512)');
      expect(server.requests()).to.equal(1);
    } finally {
      await server.stop();
    }
  });

  it('aborts an endless body as soon as it passes the cap (counted as it arrives), once', async () => {
    let written = 0;
    let closed = false;
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const server = await hostile((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no Content-Length to go by
      res.write('{"conversationEntries":[');
      res.on('close', () => (closed = true));
      const pump = (): void => {
        while (!closed && written < 1024 * MB) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      pump();
    });
    try {
      const error = await failure(fetcherFor(server.url, { maxResponseBytes: 2 * MB, retry: { ...FAST, limit: 4 } }));
      expect(error.name).to.equal('ApiResponseTooLargeError');
      expect(server.requests()).to.equal(1);
      // Stopped near the cap (plus what the sockets buffer), far from the gigabyte the server would send.
      expect(written).to.be.below(2 * MB + 8 * MB);
    } finally {
      await server.stop();
    }
  });

  it('counts bytes after decompression: a small gzip bomb is stopped at the cap', async () => {
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"conversationEntries":[],"x":"'), Buffer.alloc(20 * MB, 0x61), Buffer.from('"}')]));
    expect(bomb.length).to.be.below(MB);
    const server = await hostile((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      res.end(bomb);
    });
    try {
      const error = await failure(fetcherFor(server.url, { maxResponseBytes: 2 * MB }));
      expect(error.name).to.equal('ApiResponseTooLargeError');
      expect(server.requests()).to.equal(1);
    } finally {
      await server.stop();
    }
  });

  it('reads a body just under the cap', async () => {
    const filler = 'x'.repeat(2 * MB - 200);
    const server = await hostile((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...page, filler }));
    });
    try {
      const { entries } = await collectEntries(fetcherFor(server.url, { maxResponseBytes: 2 * MB }).fetchPage);
      expect(entries).to.deep.equal(page.conversationEntries);
    } finally {
      await server.stop();
    }
  });
});

describe('entries client: a host that can\'t be reached at all', () => {
  it('connection refused, after the retries → ApiUnreachableError, exit 9, naming the host', async () => {
    const server = await hostile(() => undefined);
    const { url } = server;
    await server.stop();
    const fetcher = fetcherFor(url);
    const error = await failure(fetcher);
    expect(error.name).to.equal('ApiUnreachableError');
    expect(error.exitCode).to.equal(9);
    expect(error.message).to.include(`Could not reach ${url.host}: the connection was refused (ECONNREFUSED) (3 attempts`);
    expect(error.actions?.[0]).to.include(url.host);
    expect(fetcher.stats.requests).to.equal(3);
  });

  it('a TLS failure (https:// to a plain-HTTP port) → ApiUnreachableError', async () => {
    const server = await hostile((req, res) => res.end('{}'));
    try {
      const error = await failure(fetcherFor(new URL(`https://${server.url.host}`)));
      expect(error.name).to.equal('ApiUnreachableError');
      expect(error.exitCode).to.equal(9);
      expect(error.message).to.match(/the TLS handshake failed \(\w+\)/);
      expect(error.actions?.join('\n')).to.include('NODE_EXTRA_CA_CERTS');
    } finally {
      await server.stop();
    }
  });

  it('a proxy that refuses (HTTP 407) → ApiUnreachableError', async () => {
    const server = await hostile((req, res) => {
      res.writeHead(407, { 'proxy-authenticate': 'Basic realm="corp"' });
      res.end();
    });
    try {
      const error = await failure(fetcherFor(server.url));
      expect(error.name).to.equal('ApiUnreachableError');
      expect(error.message).to.include('the proxy refused to open a connection to it (HTTP 407)');
    } finally {
      await server.stop();
    }
  });

  it('a host that answered (503) and then went away is ApiUnavailable (6), not unreachable', async () => {
    const server = await hostile((req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"errorCode":"SERVICE_UNAVAILABLE"}');
      server.server.close();
      server.server.closeAllConnections();
    });
    const error = await failure(fetcherFor(server.url));
    expect(error.name).to.equal('ApiUnavailableError');
    expect(error.exitCode).to.equal(6);
    expect(error.message).to.match(/HTTP 503.*ECONNREFUSED/);
  });

  it('tells unreachable from answered-but-failed for every kind of failure (generated)', () => {
    const unreachable = ['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'EPROTO', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SSL_WRONG_VERSION_NUMBER'];
    const answered = ['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_HTTP_CONTENT_LENGTH_MISMATCH', 'ERR_BODY_PARSE_FAILURE', 'ERR_GOT_REQUEST_ERROR'];
    for (const code of unreachable) expect(unreachableReason(new RequestError('x', { code }, undefined as never)), code).to.be.a('string').and.include(code);
    for (const code of answered) expect(unreachableReason(new RequestError('x', { code }, undefined as never)), code).to.equal(undefined);
    const timeout = (event: string): RequestError => new TimeoutError(Object.assign(new Error('t'), { event }) as never, {} as never, undefined as never);
    for (const event of ['lookup', 'connect', 'secureConnect']) expect(unreachableReason(timeout(event)), event).to.include(`(ETIMEDOUT, ${event})`);
    for (const event of ['socket', 'response', 'read', 'request']) expect(unreachableReason(timeout(event)), event).to.equal(undefined);
  });
});
