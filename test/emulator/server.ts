/*
 * A local emulation of the Salesforce endpoints the plugin touches: OAuth + REST for @salesforce/core,
 * SOQL for MessagingSession, ConversationEntry, VoiceCall and Case (objects.ts; seedObjects.ts's records with the
 * `seedObjects` option) and the column metadata of a query (`columns=true`, which `sf data query` requests), the
 * Conversation Data API entries resource and the Connect entries resource, and Data Cloud's Query SQL API and
 * metadata endpoint (dataCloud.ts; knobs under the `dataCloud` option).
 * Plain node:http, no dependencies. One URL serves both the org instance and the entries API.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkBearer, identityEndpoint, revokeEndpoint, TokenStore, tokenEndpoint, userinfoEndpoint } from './auth.js';
import type { AuthState, BearerCheck, ClientCredentialsError } from './auth.js';
import { connectEntries, engagementEntries } from './entryRoutes.js';
import { createDataCloud, DEFAULT_DATA_CLOUD_KNOBS } from './dataCloud.js';
import type { DataCloudKnobs } from './dataCloud.js';
import type { PagingModel, TokenPolicy } from './entryRoutes.js';
import { ALL_FAULTS, FaultPlan, hostileAnswer, statusFault } from './faults.js';
import type { FaultKind } from './faults.js';
import type { Reply } from './http.js';
import { json, JSON_TYPE, NOT_FOUND, SESSION_INVALID, sfErrors } from './http.js';
import { resourceMap, sobjects, supportedVersion, versionList } from './rest.js';
import { CLIENT_APPS, DEFAULT_CLIENT_APP, ORG_ID, USER_ID, USERNAME } from './seed.js';
import type { ClientApp, ClientAppName, SessionRecord } from './seed.js';
import type { SoqlFault } from './soql.js';
import { batchSizeFrom, CursorStore, nextRecords, queryColumns, runQuery } from './soql.js';
import { DEFAULT_OBJECT_KNOBS } from './soqlTable.js';
import type { ObjectKnobs } from './soqlTable.js';
import type { ApiEntry } from './entries.js';
import type { ConversationEntryRecord } from './seedObjects.js';

export type { FaultKind } from './faults.js';
export type { PagingModel, TokenPolicy } from './entryRoutes.js';
export type { ClientCredentialsError } from './auth.js';
export type { DataCloudKnobs } from './dataCloud.js';
export type { ClientApp, ClientAppName, SessionRecord } from './seed.js';

export type EmulatorOptions = {
  port?: number;
  latencyMs?: number;
  paging?: PagingModel;
  faultRate?: number;
  faultKinds?: FaultKind[];
  seed?: number;
  retryAfterSeconds?: number;
  stallMs?: number;
  /**
   * Which tokens GET /platform/engagement/v1.0/conversation-entries takes. Default 'sfap-jwt', as documented: only a
   * valid, unexpired JWT with the sfap_api scope (an opaque session id gets 404, a JWT without sfap_api 401).
   * 'any': every valid token, opaque or JWT. The instance endpoints (/services/data/…) always take every valid token.
   */
  tokenPolicy?: TokenPolicy;
  /** Lifetime of JWT access tokens issued from now on (their `exp` claim); default 3600. Opaque tokens don't expire. */
  jwtLifetimeSeconds?: number;
  /**
   * Make the client-credentials grant fail with this OAuth error once the client id and secret check out; default
   * 'none'. (set() ignores undefined values, so reset with 'none'.)
   */
  clientCredentialsError?: ClientCredentialsError;
  /**
   * The org user's Username (default seed.ts USERNAME). sf keys its auth files by username, so tests that authorise
   * several emulators in one sf home (in-process tests share the test process's home) give each its own.
   */
  username?: string;
  /**
   * MessagingSession records besides the seed's, e.g. what a hostile or broken org might return (an Id that is not
   * a record Id). Their conversationIdentifier may name a seeded conversation, whose entries are then served.
   */
  extraSessions?: SessionRecord[];
  /**
   * Serve seedObjects.ts's records: standard-channel and enhanced MessagingSessions, VoiceCalls, Cases and
   * ConversationEntry records. Default false, so the default seed's session counts and channel filters hold; without
   * it ConversationEntry, VoiceCall and Case exist and hold nothing.
   */
  seedObjects?: boolean;
  /**
   * Whether the running user has "Access Conversation Entries"; default 'granted'. Without it FROM ConversationEntry
   * is refused with INVALID_TYPE (GUESS: what Salesforce does for a type the user may not see; its describe is then a
   * 404 too) or, selectable, INSUFFICIENT_ACCESS_OR_READONLY (403; the describe still works).
   */
  conversationEntryAccess?: 'granted' | 'INVALID_TYPE' | 'INSUFFICIENT_ACCESS_OR_READONLY';
  /**
   * Service Cloud Voice; default 'available'. 'unavailable': FROM VoiceCall is INVALID_TYPE (no Voice licence) and
   * its describe a 404. 'noConversationField': call monitoring off, so VoiceCall.ConversationId and the Conversation
   * relationship are unknown columns (INVALID_FIELD, as before API 48.0) and absent from the describe.
   */
  voiceCalls?: 'available' | 'unavailable' | 'noConversationField';
  /** ConversationEntry.Message as stored ('raw', the default; GUESS) or HTML-entity-escaped like Connect's text. */
  conversationEntryMessages?: 'raw' | 'escaped';
  /**
   * How Connect answers an unknown conversation: '404' NOT_FOUND (the default; GUESS), or '400' RECORD_NOT_FOUND
   * (GUESS: a public capture saw Connect answer RECORD_NOT_FOUND for a voice-in-chat conversation, status not shown;
   * Connect's documented 400 is "bad ID for the resource").
   */
  connectNotFound?: '404' | '400';
  /**
   * ConversationEntry records besides seedObjects.ts's (served with or without seedObjects), e.g. a conversation full
   * of generated personal data, or the records of an extraSessions session. Ids must be unique 18-character Ids.
   */
  extraEntryRecords?: ConversationEntryRecord[];
  /**
   * API conversations besides the seeds', by ConversationIdentifier (entries oldest first, in entries.ts's shape),
   * served by both entries resources; name them in extraSessions' conversationIdentifier.
   */
  extraConversations?: Record<string, ApiEntry[]>;
  /**
   * Data Cloud (dataCloud.ts DataCloudKnobs): the DMO spelling, not enabled, access refused, query time, a silent row
   * cap, conversations not ingested, the volume generator… Unset knobs take their defaults; set() replaces them all.
   */
  dataCloud?: Partial<DataCloudKnobs>;
};

export type LoggedRequest = {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  fault?: FaultKind;
  auth: 'none' | 'valid' | 'invalid';
  /** The client app of the Bearer token, when the emulator issued it (valid, or expired); never the token. */
  tokenApp?: ClientAppName;
  /** When the request arrived (epoch ms). */
  at: number;
  /** When the response was sent; unset while pending, and for a reset or stalled request. */
  doneAt?: number;
};

/** What a sf home needs to authorise through one client app (see test/helpers/sfHome.ts). */
export type AppCredentials = { clientId: string; refreshToken: string; accessToken: string };

export type Emulator = {
  url: string;
  orgId: string;
  userId: string;
  username: string;
  /**
   * The newest access token of the default app (`jwt`: a JWT with sfap_api), issuing one when there is none yet. It
   * changes whenever that app issues a token (a refresh, createSfHome's refresh-token flow, issueToken('jwt')); it may
   * have been revoked since. For another app's token use tokenFor(app) or issueToken(app).
   */
  readonly accessToken: string;
  /** The default (`jwt`) app's refresh token and client id. */
  refreshToken: string;
  clientId: string;
  requests: LoggedRequest[];
  /** Every SQL statement posted to Data Cloud's query-sql resource, as sent. */
  dataCloudSqls: string[];
  /** The emulated org's client apps (= seed.ts CLIENT_APPS). */
  apps: Readonly<Record<ClientAppName, Readonly<ClientApp>>>;
  /** The app's newest access token when it is still valid (not revoked, not expired), else a newly issued one. */
  tokenFor(app: ClientAppName): string;
  /**
   * A newly issued access token of the app's kind. `expiresInSeconds` (JWT apps only) sets its `exp` relative to
   * now, overriding jwtLifetimeSeconds; 0 or less gives an already-expired token.
   */
  issueToken(app: ClientAppName, options?: { expiresInSeconds?: number }): string;
  /** Client id, refresh token and a valid access token (tokenFor) of a refreshable app; what createSfHome uses. */
  credentialsFor(app: 'opaque' | 'jwtNoSfap' | 'jwt'): AppCredentials;
  clearLog(): void;
  set(options: Partial<EmulatorOptions>): void;
  /**
   * Queue `count` faults of `kind` for the next matching requests: without pathIncludes, requests to either entries
   * resource; with it, any request whose path plus query string (`/path?a=b`, as sent) contains it, e.g. a
   * conversationIdentifier to fail one conversation only.
   */
  injectFaults(kind: FaultKind, count: number, pathIncludes?: string): void;
  /** Drops the injected faults not used yet. */
  clearFaults(): void;
  /**
   * Make MessagingSession queries fail. 'INVALID_SESSION_ID' stays on until cleared: with a refreshable org,
   * jsforce refreshes and retries every 401, so it would refresh forever; use it with access-token orgs, or use
   * revokeAccessTokens() to model an expired session that a refresh fixes.
   */
  setSoqlFault(code: 'INVALID_TYPE' | 'INVALID_SESSION_ID' | undefined): void;
  revokeAccessTokens(): void;
  /** Every JWT access token issued so far counts as expired from now on (refresh tokens still work). */
  expireAccessTokens(): void;
  /**
   * Query cursors are forgotten (on: every one, as soon as it is opened; off: kept again): a queryMore answers
   * INVALID_QUERY_LOCATOR (soql.ts CursorStore.clear), as for a cursor the org expired or released.
   */
  dropCursors(on: boolean): void;
  /** Holds every request that arrives from now on (before it is answered) until resume(): a run that can't finish yet. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
};

const ENGAGEMENT_PATH = /^\/platform\/engagement\/v1\.0\/conversation-entries\/?$/;
const DATA_PATH = /^\/services\/data\/v(\d+\.\d+)(\/.*)?$/;
const MAX_BODY = 1 << 20;

type Knobs = Required<Omit<EmulatorOptions, 'port' | 'jwtLifetimeSeconds' | 'username'>>;

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

/** Every knob: the options given, the defaults for the rest. */
function knobsOf(options: EmulatorOptions): Knobs {
  return {
    latencyMs: options.latencyMs ?? 0,
    paging: options.paging ?? 'window',
    faultRate: options.faultRate ?? 0,
    faultKinds: options.faultKinds ?? [...ALL_FAULTS],
    seed: options.seed ?? 1,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    stallMs: options.stallMs ?? 60_000,
    tokenPolicy: options.tokenPolicy ?? 'sfap-jwt',
    clientCredentialsError: options.clientCredentialsError ?? 'none',
    extraSessions: options.extraSessions ?? [],
    seedObjects: options.seedObjects ?? DEFAULT_OBJECT_KNOBS.seedObjects,
    conversationEntryAccess: options.conversationEntryAccess ?? DEFAULT_OBJECT_KNOBS.conversationEntryAccess,
    voiceCalls: options.voiceCalls ?? DEFAULT_OBJECT_KNOBS.voiceCalls,
    conversationEntryMessages: options.conversationEntryMessages ?? DEFAULT_OBJECT_KNOBS.conversationEntryMessages,
    connectNotFound: options.connectNotFound ?? '404',
    extraEntryRecords: options.extraEntryRecords ?? [],
    extraConversations: options.extraConversations ?? {},
    dataCloud: options.dataCloud ?? {},
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const knobs = knobsOf(options);
  const username = options.username ?? USERNAME;
  const store = new TokenStore();
  if (options.jwtLifetimeSeconds !== undefined) store.jwtLifetimeSeconds = options.jwtLifetimeSeconds;
  const faults = new FaultPlan(knobs.faultRate, knobs.faultKinds, knobs.seed);
  const cursors = new CursorStore();
  const requests: LoggedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let soqlFault: SoqlFault | undefined;
  let paused: { promise: Promise<void>; release: () => void } | undefined;
  let apiUsage = 0;
  let stopped = false;
  let baseUrl = '';
  const dataCloud = createDataCloud(() => ({ ...DEFAULT_DATA_CLOUD_KNOBS, ...knobs.dataCloud }), ORG_ID, (ms) => wait(ms));

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
    // A real org takes every valid token of either kind here (opaque or JWT, with or without sfap_api).
    if (auth !== 'valid') return SESSION_INVALID();
    const version = supportedVersion(versionText);
    if (version === undefined) return NOT_FOUND();
    if (req.method !== 'GET' && req.method !== 'HEAD') return methodNotAllowed(req.method ?? '');
    if (rest === '' || rest === '/') return resourceMap(versionText, baseUrl);
    const { seedObjects, conversationEntryAccess, voiceCalls, conversationEntryMessages, extraEntryRecords } = knobs;
    const objects: ObjectKnobs = { seedObjects, conversationEntryAccess, voiceCalls, conversationEntryMessages, extraEntryRecords };
    const ctx = {
      apiVersion: versionText,
      batchSize: batchSizeFrom(req.headers['sforce-query-options'] as string | undefined),
      soqlFault,
      cursors,
      username,
      extraSessions: knobs.extraSessions,
      objects,
    };
    if (rest === '/query' || rest === '/queryAll' || rest === '/query/' || rest === '/queryAll/') {
      // GUESS: `columns` is read as a boolean, case-insensitively; any other value runs the query as usual.
      const columns = url.searchParams.get('columns')?.toLowerCase() === 'true';
      return (columns ? queryColumns : runQuery)(url.searchParams.get('q'), ctx);
    }
    const more = /^\/query(?:All)?\/([^/]+)$/.exec(rest);
    if (more) return nextRecords(more[1], ctx);
    const sobject = /^\/sobjects(?:\/(.*))?$/.exec(rest);
    if (sobject) return sobjects((sobject[1] ?? '').replace(/\/$/, ''), versionText, username, objects);
    const connect = /^\/connect\/conversation\/([^/]+)\/entries\/?$/.exec(rest);
    if (connect) return connectEntries(decodeURIComponent(connect[1]), url.searchParams, version, knobs.extraConversations, knobs.connectNotFound);
    return NOT_FOUND();
  }

  function route(req: IncomingMessage, url: URL, body: string, bearer: BearerCheck): Reply | Promise<Reply> {
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const auth = bearer.state;
    if (path === '/services/oauth2/token') {
      // eslint-disable-next-line camelcase
      if (method !== 'POST') return json(400, { error: 'invalid_request', error_description: 'must use HTTP POST' });
      return tokenEndpoint(baseUrl, body, req.headers.authorization, store, { clientCredentialsError: knobs.clientCredentialsError });
    }
    if (path === '/services/oauth2/revoke') return revokeEndpoint(method === 'POST' ? body : url.search.slice(1), store);
    if (path === '/services/oauth2/userinfo') return userinfoEndpoint(baseUrl, auth, username);
    const identity = /^\/id\/(\w+)\/(\w+)\/?$/.exec(path);
    if (identity) return identityEndpoint(baseUrl, identity[1], identity[2], auth, username);
    // The version list is public on real instances (no session needed); a bad session is still refused.
    if (path === '/services/data' || path === '/services/data/') return auth === 'invalid' ? SESSION_INVALID() : versionList();
    const data = DATA_PATH.exec(path);
    if (data?.[2]?.startsWith('/ssot/')) {
      const version = supportedVersion(data[1]);
      if (auth !== 'valid') return SESSION_INVALID();
      return version === undefined ? NOT_FOUND() : dataCloud.handle(method, data[2].slice('/ssot/'.length), url.searchParams, body, version);
    }
    if (data) return dataRoute(req, url, auth, data[1], data[2] ?? '');
    if (ENGAGEMENT_PATH.test(path)) {
      if (method !== 'GET' && method !== 'HEAD') return json(405, { errorCode: 'METHOD_NOT_ALLOWED', message: `${method} is not supported` });
      return engagementEntries(url.searchParams, bearer, knobs.paging, knobs.tokenPolicy, knobs.extraConversations);
    }
    return NOT_FOUND();
  }

  function send(res: ServerResponse, entry: LoggedRequest, reply: Reply): void {
    if (res.destroyed || res.writableEnded) return;
    const headers: Record<string, string | number> = { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) };
    if (entry.path.startsWith('/services/data/v')) headers['sforce-limit-info'] = `api-usage=${++apiUsage}/15000`;
    entry.status = reply.status;
    entry.doneAt = Date.now();
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  }

  function logEntry(req: IncomingMessage, url: URL, bearer: BearerCheck): LoggedRequest {
    const entry: LoggedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: loggedQuery(url.searchParams),
      status: 0,
      auth: bearer.state,
      at: Date.now(),
    };
    if (bearer.token) entry.tokenApp = bearer.token.app;
    requests.push(entry);
    return entry;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL, bearer: BearerCheck, entry: LoggedRequest): Promise<void> {
    const body = await readBody(req);
    if (paused) await paused.promise;
    if (knobs.latencyMs > 0) await wait(knobs.latencyMs);
    if (stopped) return;
    const fault = faults.draw(url.pathname, `${url.pathname}${url.search}`);
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
    const reply = await route(req, url, body, bearer);
    if (fault === 'no-content' || fault === 'redirect' || fault === 'envelope') {
      send(res, entry, reply.status === 200 ? hostileAnswer(fault, reply) : reply);
      return;
    }
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
      // Collapse repeated slashes, as Salesforce's servers do: clients that store an instance URL with a trailing
      // slash (the real `sf org login access-token` does) request `//services/data/...`, which `new URL` would
      // otherwise read as a protocol-relative URL with the host "services".
      url = new URL((req.url ?? '/').replace(/^([^?]*)/, (path) => path.replace(/\/{2,}/g, '/')), baseUrl);
    } catch {
      url = new URL('/', baseUrl);
    }
    const bearer = checkBearer(req.headers.authorization, store);
    const entry = logEntry(req, url, bearer);
    handle(req, res, url, bearer, entry).catch(() => {
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
  store.issuer = baseUrl;
  store.issue(DEFAULT_CLIENT_APP);
  const refreshTokenOf = (app: ClientAppName): string => {
    const token = store.refreshTokenOf(app);
    if (token === undefined) throw new Error(`The ${app} app has no refresh token`);
    return token;
  };

  const emulator: Emulator = {
    url: baseUrl,
    orgId: ORG_ID,
    userId: USER_ID,
    username,
    get accessToken(): string {
      return store.accessToken;
    },
    refreshToken: refreshTokenOf(DEFAULT_CLIENT_APP),
    clientId: CLIENT_APPS[DEFAULT_CLIENT_APP].clientId,
    apps: CLIENT_APPS,
    tokenFor(app: ClientAppName): string {
      return store.tokenFor(app);
    },
    issueToken(app: ClientAppName, issueOptions: { expiresInSeconds?: number } = {}): string {
      return store.issue(app, issueOptions.expiresInSeconds);
    },
    credentialsFor(app: 'opaque' | 'jwtNoSfap' | 'jwt'): AppCredentials {
      return { clientId: CLIENT_APPS[app].clientId, refreshToken: refreshTokenOf(app), accessToken: store.tokenFor(app) };
    },
    requests,
    dataCloudSqls: dataCloud.sqls,
    clearLog(): void {
      requests.length = 0;
    },
    set(changes: Partial<EmulatorOptions>): void {
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined || key === 'port') continue;
        if (key === 'jwtLifetimeSeconds') store.jwtLifetimeSeconds = value as number;
        else Object.assign(knobs, { [key]: value });
      }
      faults.rate = knobs.faultRate;
      faults.kinds = [...knobs.faultKinds];
      if (changes.seed !== undefined) faults.reseed(changes.seed);
    },
    injectFaults(kind: FaultKind, count: number, pathIncludes?: string): void {
      faults.inject(kind, count, pathIncludes);
    },
    clearFaults(): void {
      faults.clear();
    },
    setSoqlFault(code: SoqlFault | undefined): void {
      soqlFault = code;
    },
    revokeAccessTokens(): void {
      store.revokeAccessTokens();
    },
    expireAccessTokens(): void {
      store.expireAccessTokens();
    },
    dropCursors(on: boolean): void {
      cursors.keep = !on;
      if (on) cursors.clear();
    },
    pause(): void {
      if (paused) return;
      let release = (): void => undefined;
      const promise = new Promise<void>((resolve) => (release = resolve));
      paused = { promise, release };
    },
    resume(): void {
      paused?.release();
      paused = undefined;
    },
    async stop(): Promise<void> {
      stopped = true;
      paused?.release();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
  return emulator;
}
