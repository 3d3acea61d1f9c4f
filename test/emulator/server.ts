/*
 * A local emulation of the Salesforce endpoints the plugin touches: OAuth + REST for @salesforce/core,
 * SOQL for MessagingSession, the Conversation Data API entries resource and the Connect entries resource.
 * Plain node:http, no dependencies. One URL serves both the org instance and the entries API.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerState, identityEndpoint, revokeEndpoint, TokenStore, tokenEndpoint, userinfoEndpoint } from './auth.js';
import type { AuthState } from './auth.js';
import { connectEntries, engagementEntries } from './entryRoutes.js';
import type { PagingModel } from './entryRoutes.js';
import { ALL_FAULTS, FaultPlan, statusFault } from './faults.js';
import type { FaultKind } from './faults.js';
import type { Reply } from './http.js';
import { json, JSON_TYPE, NOT_FOUND, SESSION_INVALID, sfErrors } from './http.js';
import { resourceMap, sobjects, supportedVersion, versionList } from './rest.js';
import { ORG_ID, USER_ID, USERNAME } from './seed.js';
import type { SoqlFault } from './soql.js';
import { batchSizeFrom, CursorStore, nextRecords, runQuery } from './soql.js';

export type { FaultKind } from './faults.js';
export type { PagingModel } from './entryRoutes.js';

export type EmulatorOptions = {
  port?: number;
  latencyMs?: number;
  paging?: PagingModel;
  faultRate?: number;
  faultKinds?: FaultKind[];
  seed?: number;
  retryAfterSeconds?: number;
  stallMs?: number;
};

export type LoggedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  fault?: FaultKind;
  auth: 'none' | 'valid' | 'invalid';
  at: number;
};

export type Emulator = {
  url: string;
  orgId: string;
  userId: string;
  username: string;
  accessToken: string;
  refreshToken: string;
  clientId: string;
  requests: LoggedRequest[];
  clearLog(): void;
  set(options: Partial<EmulatorOptions>): void;
  injectFaults(kind: FaultKind, count: number, pathIncludes?: string): void;
  /**
   * Make MessagingSession queries fail. 'INVALID_SESSION_ID' stays on until cleared: with a refreshable org,
   * jsforce refreshes and retries every 401, so it would refresh forever; use it with access-token orgs, or use
   * revokeAccessTokens() to model an expired session that a refresh fixes.
   */
  setSoqlFault(code: 'INVALID_TYPE' | 'INVALID_SESSION_ID' | undefined): void;
  revokeAccessTokens(): void;
  stop(): Promise<void>;
};

const ENGAGEMENT_PATH = /^\/platform\/engagement\/v1\.0\/conversation-entries\/?$/;
const DATA_PATH = /^\/services\/data\/v(\d+\.\d+)(\/.*)?$/;
const MAX_BODY = 1 << 20;

type Knobs = Required<Omit<EmulatorOptions, 'port'>>;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function methodNotAllowed(method: string): Reply {
  return sfErrors(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,HEAD`);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const knobs: Knobs = {
    latencyMs: options.latencyMs ?? 0,
    paging: options.paging ?? 'window',
    faultRate: options.faultRate ?? 0,
    faultKinds: options.faultKinds ?? [...ALL_FAULTS],
    seed: options.seed ?? 1,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    stallMs: options.stallMs ?? 60_000,
  };
  const store = new TokenStore();
  const faults = new FaultPlan(knobs.faultRate, knobs.faultKinds, knobs.seed);
  const cursors = new CursorStore();
  const requests: LoggedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let soqlFault: SoqlFault | undefined;
  let apiUsage = 0;
  let stopped = false;
  let baseUrl = '';

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  /** Query parameters for the log; anything that looks like a credential is replaced. */
  function loggedQuery(params: URLSearchParams): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, value] of params) {
      const secret = /^(access_token|refresh_token|token|assertion|client_secret|sid)$/i.test(key) || store.isSecret(value);
      out[key] = secret ? '<redacted>' : value;
    }
    return out;
  }

  function dataRoute(req: IncomingMessage, url: URL, auth: AuthState, versionText: string, rest: string): Reply {
    if (auth !== 'valid') return SESSION_INVALID();
    const version = supportedVersion(versionText);
    if (version === undefined) return NOT_FOUND();
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(req.method ?? '');
    if (rest === '' || rest === '/') return resourceMap(versionText, baseUrl);
    const ctx = {
      apiVersion: versionText,
      batchSize: batchSizeFrom(req.headers['sforce-query-options'] as string | undefined),
      soqlFault,
      cursors,
    };
    if (rest === '/query' || rest === '/queryAll' || rest === '/query/' || rest === '/queryAll/') {
      return runQuery(url.searchParams.get('q'), ctx);
    }
    const more = /^\/query(?:All)?\/([^/]+)$/.exec(rest);
    if (more) return nextRecords(more[1], ctx);
    const sobject = /^\/sobjects(?:\/(.*))?$/.exec(rest);
    if (sobject) return sobjects((sobject[1] ?? '').replace(/\/$/, ''), versionText);
    const connect = /^\/connect\/conversation\/([^/]+)\/entries\/?$/.exec(rest);
    if (connect) return connectEntries(decodeURIComponent(connect[1]), url.searchParams, version);
    return NOT_FOUND();
  }

  function route(req: IncomingMessage, url: URL, body: string, auth: AuthState): Reply {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (path === '/services/oauth2/token') {
      // eslint-disable-next-line camelcase
      if (method !== 'POST') return json(400, { error: 'invalid_request', error_description: 'must use HTTP POST' });
      return tokenEndpoint(baseUrl, body, store);
    }
    if (path === '/services/oauth2/revoke') return revokeEndpoint(method === 'POST' ? body : url.search.slice(1), store);
    if (path === '/services/oauth2/userinfo') return userinfoEndpoint(baseUrl, auth);
    const identity = /^\/id\/(\w+)\/(\w+)\/?$/.exec(path);
    if (identity) return identityEndpoint(baseUrl, identity[1], identity[2], auth);
    // The version list is public on real instances (no session needed); a bad session is still refused.
    if (path === '/services/data' || path === '/services/data/') return auth === 'invalid' ? SESSION_INVALID() : versionList();
    const data = DATA_PATH.exec(path);
    if (data) return dataRoute(req, url, auth, data[1], data[2] ?? '');
    if (ENGAGEMENT_PATH.test(path)) {
      if (method !== 'GET' && method !== 'HEAD') return json(405, { errorCode: 'METHOD_NOT_ALLOWED', message: `${method} is not supported` });
      return engagementEntries(url.searchParams, auth, knobs.paging);
    }
    return NOT_FOUND();
  }

  function send(res: ServerResponse, entry: LoggedRequest, reply: Reply): void {
    if (res.destroyed || res.writableEnded) return;
    const headers: Record<string, string | number> = { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) };
    if (entry.path.startsWith('/services/data/v')) headers['sforce-limit-info'] = `api-usage=${++apiUsage}/15000`;
    entry.status = reply.status;
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  }

  function logEntry(req: IncomingMessage, url: URL, auth: AuthState): LoggedRequest {
    const entry: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: loggedQuery(url.searchParams),
      status: 0,
      auth,
      at: Date.now(),
    };
    requests.push(entry);
    return entry;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, auth: AuthState, entry: LoggedRequest): Promise<void> {
    const body = await readBody(req);
    if (knobs.latencyMs > 0) await wait(knobs.latencyMs);
    if (stopped) return;
    const fault = faults.draw(url.pathname);
    if (fault) entry.fault = fault;
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'stall') {
      const socket = req.socket;
      const timer = setTimeout(() => {
        timers.delete(timer);
        socket.destroy();
      }, knobs.stallMs);
      timers.add(timer);
      socket.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
      return;
    }
    if (fault === '429' || fault === '503' || fault === '500') {
      send(res, entry, statusFault(fault, url.pathname, knobs.retryAfterSeconds));
      return;
    }
    const reply = route(req, url, body, auth);
    if (fault === 'truncated') {
      // The real answer, cut in half mid-JSON, with a Content-Length that matches the cut body.
      send(res, entry, { status: 200, headers: { 'content-type': JSON_TYPE }, body: reply.body.slice(0, Math.floor(reply.body.length / 2)) });
      return;
    }
    send(res, entry, reply);
  }

  const server = createServer({ maxHeaderSize: 1 << 20 }, (req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', baseUrl);
    } catch {
      url = new URL('/', baseUrl);
    }
    const auth = bearerState(req.headers.authorization, store);
    const entry = logEntry(req, url, auth);
    handle(req, res, url, auth, entry).catch(() => {
      if (!res.headersSent) send(res, entry, sfErrors(500, 'UNKNOWN_EXCEPTION', 'An unexpected error occurred in the emulator'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const emulator: Emulator = {
    url: baseUrl,
    orgId: ORG_ID,
    userId: USER_ID,
    username: USERNAME,
    get accessToken(): string {
      return store.accessToken;
    },
    refreshToken: store.refreshToken,
    clientId: store.clientId,
    requests,
    clearLog(): void {
      requests.length = 0;
    },
    set(changes: Partial<EmulatorOptions>): void {
      for (const [key, value] of Object.entries(changes)) {
        if (value !== undefined && key !== 'port') Object.assign(knobs, { [key]: value });
      }
      faults.rate = knobs.faultRate;
      faults.kinds = [...knobs.faultKinds];
      if (changes.seed !== undefined) faults.reseed(changes.seed);
    },
    injectFaults(kind: FaultKind, count: number, pathIncludes?: string): void {
      faults.inject(kind, count, pathIncludes);
    },
    setSoqlFault(code: SoqlFault | undefined): void {
      soqlFault = code;
    },
    revokeAccessTokens(): void {
      store.revokeAccessTokens();
    },
    async stop(): Promise<void> {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
  return emulator;
}
