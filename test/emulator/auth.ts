/*
 * OAuth for the emulated org: the token store and the endpoints @salesforce/core 9.4 / jsforce call
 * (/services/oauth2/token, /services/oauth2/userinfo, /services/oauth2/revoke, the identity URL /id/<org>/<user>),
 * plus the client-credentials grant an External Client App uses for the Conversation Data API (api-notes §3).
 * Four client apps (seed.ts CLIENT_APPS) issue opaque session ids or JWT-based access tokens.
 * Tokens never leave this module except through the Emulator object; they are never logged.
 */
/* eslint-disable camelcase -- OAuth, JWT and identity fields use snake_case on the wire */
import { randomBytes, randomUUID } from 'node:crypto';
import { CLIENT_APPS, clientAppById, DEFAULT_CLIENT_APP, ORG_ID, ORG_NAME, USER_ID, USERNAME } from './seed.js';
import type { ClientApp, ClientAppName } from './seed.js';
import type { Reply } from './http.js';
import { json } from './http.js';

export type AuthState = 'none' | 'valid' | 'invalid';

/** What the store knows about a token it issued. */
export type IssuedToken = {
  app: ClientAppName;
  format: 'opaque' | 'jwt';
  scopes: readonly string[];
  /** Epoch ms (the JWT's `exp` × 1000); opaque session ids carry no expiry here. */
  expiresAt?: number;
};

/** The Authorization header, checked: its state, and the token's record when the store knows it. */
export type BearerCheck = { state: AuthState; token?: IssuedToken; expired?: boolean };

/** The configurable failure of the client-credentials grant (after the client id and secret checked out). */
export type ClientCredentialsError = 'none' | 'invalid_scope' | 'invalid_grant';

export const SFAP_SCOPE = 'sfap_api';

/** The tenant key of the emulated org, as in the `tnk` claim of real JWT-based access tokens. */
export const TENANT_KEY = `core/prod/${ORG_ID}`;

/** Opaque Salesforce-style session id: '<18-char org id>!<random>' (matches core's accessTokenRegex). */
function newOpaqueToken(): string {
  return `${ORG_ID}!AQ${randomBytes(48).toString('base64url').replace(/[-_]/g, '')}`;
}

const b64json = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * A JWT-based access token shaped like Salesforce's (api-notes §3): header claims alg/typ/kid/tty/tnk/ver, payload
 * sub/iss/aud/scopes/exp/iat/tnk/sfdc_app_id. GUESS: `aud` is the emulator URL; `sub` is the user id.
 * GUESS: the signature is random bytes; a client cannot verify it locally (nor can it for real tokens).
 */
function newJwt(app: ClientApp, issuer: string, lifetimeSeconds: number): { token: string; expiresAt: number } {
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + lifetimeSeconds;
  const header = { alg: 'RS256', typ: 'JWT', kid: 'emu', tty: 'sfdc-core-token', tnk: TENANT_KEY, ver: '1.0' };
  const payload: Record<string, unknown> = { iss: issuer, sub: USER_ID, aud: issuer };
  // Real tokens carry the scopes as `scp` (array) or `scope` (string); each app uses one, so clients must read both.
  if (app.scopeClaim === 'scope') payload.scope = app.scopes.join(' ');
  else payload.scp = [...app.scopes];
  Object.assign(payload, { exp, iat, tnk: TENANT_KEY, sfdc_app_id: app.appId, client_id: app.clientId, jti: randomUUID() });
  const token = `${b64json(header)}.${b64json(payload)}.${randomBytes(256).toString('base64url')}`;
  return { token, expiresAt: exp * 1000 };
}

const JWT_SHAPE = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/;

export class TokenStore {
  /** The issuer (`iss`) of its JWTs: the emulator's URL, set once the server listens. */
  public issuer = '';
  /** Lifetime of newly issued JWTs (the `exp` claim is iat + this). */
  public jwtLifetimeSeconds = 3600;
  /** Every token issued and not revoked (expired JWTs stay here, so they can be told apart from unknown ones). */
  private tokens = new Map<string, IssuedToken>();
  private newest = new Map<ClientAppName, string>();
  private readonly refreshTokens = new Map<ClientAppName, string>();
  private revokedRefresh = new Set<ClientAppName>();
  /** Everything ever handed out, revoked or not, so logs can be scrubbed. */
  private secrets = new Set<string>();

  public constructor() {
    for (const app of Object.values(CLIENT_APPS)) {
      if (app.refreshable) this.refreshTokens.set(app.name, `5Aep861${randomBytes(40).toString('base64url').replace(/[-_]/g, '')}`);
      if (app.clientSecret) this.secrets.add(app.clientSecret);
    }
    for (const token of this.refreshTokens.values()) this.secrets.add(token);
  }

  /** The default app's newest token (what Emulator.accessToken returns). */
  public get accessToken(): string {
    return this.newest.get(DEFAULT_CLIENT_APP) ?? this.issue(DEFAULT_CLIENT_APP);
  }

  /** A new access token of the app's kind; `lifetimeSeconds` (JWTs only) overrides jwtLifetimeSeconds, may be ≤ 0. */
  public issue(appName: ClientAppName, lifetimeSeconds = this.jwtLifetimeSeconds): string {
    const app = CLIENT_APPS[appName];
    let token: string;
    let expiresAt: number | undefined;
    if (app.tokenFormat === 'jwt') {
      ({ token, expiresAt } = newJwt(app, this.issuer, lifetimeSeconds));
    } else {
      token = newOpaqueToken();
    }
    this.tokens.set(token, { app: app.name, format: app.tokenFormat, scopes: app.scopes, expiresAt });
    this.secrets.add(token);
    this.newest.set(app.name, token);
    return token;
  }

  /** The app's newest token when it is still valid, else a new one. */
  public tokenFor(appName: ClientAppName): string {
    const token = this.newest.get(appName);
    return token !== undefined && this.check(token).state === 'valid' ? token : this.issue(appName);
  }

  public refreshTokenOf(appName: ClientAppName): string | undefined {
    return this.refreshTokens.get(appName);
  }

  public revokeAccessTokens(): void {
    this.tokens.clear();
  }

  /**
   * Every JWT issued so far expires now, as its `exp` had passed (the emulator checks expiry against what it issued):
   * an expired token on demand, with no test waiting for a clock. Opaque session ids don't expire here.
   */
  public expireAccessTokens(): void {
    const now = Date.now();
    for (const issued of this.tokens.values()) if (issued.expiresAt !== undefined) issued.expiresAt = Math.min(issued.expiresAt, now - 1);
  }

  public check(token: string): BearerCheck {
    const issued = this.tokens.get(token);
    if (!issued) return { state: 'invalid' };
    if (issued.expiresAt !== undefined && Date.now() >= issued.expiresAt) return { state: 'invalid', token: issued, expired: true };
    return { state: 'valid', token: issued };
  }

  public isValid(token: string): boolean {
    return this.check(token).state === 'valid';
  }

  /** The app this refresh token belongs to, when it is one of ours and not revoked. */
  public refreshTokenApp(token: string): ClientAppName | undefined {
    for (const [app, value] of this.refreshTokens) if (value === token && !this.revokedRefresh.has(app)) return app;
    return undefined;
  }

  /** POST /services/oauth2/revoke: an access token, or a refresh token (which also ends its app's sessions). */
  public revoke(token: string): boolean {
    if (this.tokens.delete(token)) return true;
    for (const [app, value] of this.refreshTokens) {
      if (value !== token) continue;
      this.revokedRefresh.add(app);
      for (const [t, issued] of this.tokens) if (issued.app === app) this.tokens.delete(t);
      return true;
    }
    return false;
  }

  /** Every secret this store has handed out (and anything token-shaped), so logs and error text can be scrubbed. */
  public isSecret(value: string): boolean {
    return this.secrets.has(value) || value.startsWith(`${ORG_ID}!`) || JWT_SHAPE.test(value);
  }
}

/**
 * 'none' without an Authorization header (or with HTTP Basic client authentication, which is no session), else
 * whether the Bearer (or legacy 'OAuth') token is currently valid: issued here, not revoked, not expired.
 */
export function checkBearer(header: string | undefined, store: TokenStore): BearerCheck {
  if (!header || /^Basic\s/i.test(header)) return { state: 'none' };
  const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header);
  return match ? store.check(match[1]) : { state: 'invalid' };
}

export function bearerState(header: string | undefined, store: TokenStore): AuthState {
  return checkBearer(header, store).state;
}

function tokenResponse(baseUrl: string, accessToken: string, app: ClientApp): Reply {
  const body: Record<string, unknown> = {
    access_token: accessToken,
    signature: randomBytes(32).toString('base64'),
    scope: app.scopes.join(' '),
    instance_url: baseUrl,
    id: `${baseUrl}/id/${ORG_ID}/${USER_ID}`,
    token_type: 'Bearer',
    issued_at: String(Date.now()),
  };
  // api-notes §3: token responses for sfap_api apps name the API host. Here the emulator serves both.
  if (app.scopes.includes(SFAP_SCOPE)) body.api_instance_url = baseUrl;
  // GUESS: JWT-issuing apps say so, as the named-user JWT endpoint does (token_format: "jwt", api-notes §3).
  if (app.tokenFormat === 'jwt') body.token_format = 'jwt';
  return json(200, body);
}

// GUESS: one error body for every refused grant. Salesforce answers a bad refresh token with exactly this;
// for an unsupported grant_type it really says 'unsupported_grant_type', which the brief asked us not to model.
const INVALID_GRANT = json(400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });
// Real Salesforce answers an unknown consumer key this way on the refresh-token grant. GUESS for the other grants.
const INVALID_CLIENT_ID = json(400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });

/**
 * A wrong client secret. GUESS: the body; the status follows RFC 6749 §5.2: 401 with WWW-Authenticate when the client
 * authenticated with HTTP Basic, else 400.
 */
function invalidClient(viaBasic: boolean): Reply {
  const body = { error: 'invalid_client', error_description: 'invalid client credentials' };
  return viaBasic ? json(401, body, { 'www-authenticate': 'Basic realm="Salesforce"' }) : json(400, body);
}

/** The configurable client-credentials failures. GUESS: both bodies ('invalid_grant' mirrors a missing Run-As user). */
const CLIENT_CREDENTIALS_ERRORS: Record<Exclude<ClientCredentialsError, 'none'>, Reply> = {
  invalid_scope: json(400, { error: 'invalid_scope', error_description: 'the requested scope is not allowed' }),
  invalid_grant: json(400, { error: 'invalid_grant', error_description: 'no client credentials user enabled' }),
};

/** client_id/client_secret from an HTTP Basic header (form-urlencoded, then base64, per RFC 6749 §2.3.1). */
function basicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const unform = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { clientId: unform(decoded.slice(0, colon)), clientSecret: unform(decoded.slice(colon + 1)) };
}

function decodeClaims(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export type TokenEndpointOptions = { clientCredentialsError: ClientCredentialsError };

/** POST /services/oauth2/token (form-encoded body; client_credentials also takes HTTP Basic client authentication). */
export function tokenEndpoint(baseUrl: string, body: string, authorization: string | undefined, store: TokenStore, options: TokenEndpointOptions): Reply {
  const form = new URLSearchParams(body);
  const grant = form.get('grant_type');
  if (grant === 'refresh_token') {
    // Real Salesforce checks the refresh token belongs to the calling connected app.
    const app = clientAppById(form.get('client_id'));
    if (!app) return INVALID_CLIENT_ID;
    if (store.refreshTokenApp(form.get('refresh_token') ?? '') !== app.name) return INVALID_GRANT;
    // Refresh Token Rotation off (the default): the response carries no refresh_token, core keeps its own.
    return tokenResponse(baseUrl, store.issue(app.name), app);
  }
  if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
    // The app is the one the assertion's `iss` names (core signs iss = the client id).
    // GUESS: the signature, audience, subject and expiry are not checked. An assertion whose payload can't be read
    // (e.g. 'a.b.c') is accepted for the `opaque` app, the emulator's behaviour before client apps existed.
    const parts = (form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) return INVALID_GRANT;
    const iss = decodeClaims(parts[1])?.iss;
    const app = typeof iss === 'string' ? clientAppById(iss) : CLIENT_APPS.opaque;
    if (!app) return INVALID_CLIENT_ID;
    return tokenResponse(baseUrl, store.issue(app.name), app);
  }
  if (grant === 'client_credentials') {
    const basic = basicCredentials(authorization);
    const clientId = basic ? basic.clientId : form.get('client_id');
    const clientSecret = basic ? basic.clientSecret : form.get('client_secret');
    const app = clientAppById(clientId);
    // GUESS: an unknown (or missing) client id gets the refresh-token grant's answer.
    if (!app) return INVALID_CLIENT_ID;
    if (!app.clientSecret || clientSecret !== app.clientSecret) return invalidClient(Boolean(basic));
    if (options.clientCredentialsError !== 'none') return CLIENT_CREDENTIALS_ERRORS[options.clientCredentialsError];
    return tokenResponse(baseUrl, store.issue(app.name), app);
  }
  return INVALID_GRANT;
}

/** POST /services/oauth2/revoke: 200 whether or not the token existed (as Salesforce does for valid input). */
export function revokeEndpoint(body: string, store: TokenStore): Reply {
  const token = new URLSearchParams(body).get('token') ?? '';
  if (!token) return json(400, { error: 'unsupported_token_type', error_description: 'this token type is not supported' });
  store.revoke(token);
  return { status: 200, headers: {}, body: '' };
}

// GUESS: Salesforce answers a bad token on userinfo / the identity URL with 403 and a plain-text 'Bad_OAuth_Token'.
const BAD_OAUTH_TOKEN: Reply = { status: 403, headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: 'Bad_OAuth_Token' };

function urls(baseUrl: string): Record<string, string> {
  const v = '{version}';
  return {
    enterprise: `${baseUrl}/services/Soap/c/${v}/${ORG_ID.slice(0, 15)}`,
    partner: `${baseUrl}/services/Soap/u/${v}/${ORG_ID.slice(0, 15)}`,
    rest: `${baseUrl}/services/data/v${v}/`,
    sobjects: `${baseUrl}/services/data/v${v}/sobjects/`,
    search: `${baseUrl}/services/data/v${v}/search/`,
    query: `${baseUrl}/services/data/v${v}/query/`,
    profile: `${baseUrl}/${USER_ID.slice(0, 15)}`,
    custom_domain: baseUrl,
  };
}

/** GET /services/oauth2/userinfo (OpenID Connect shape; core reads user_id, organization_id, preferred_username). */
export function userinfoEndpoint(baseUrl: string, auth: AuthState, username = USERNAME): Reply {
  if (auth !== 'valid') return BAD_OAUTH_TOKEN;
  return json(200, {
    sub: `${baseUrl}/id/${ORG_ID}/${USER_ID}`,
    user_id: USER_ID,
    organization_id: ORG_ID,
    preferred_username: username,
    nickname: 'emulator.user',
    name: 'Emulator User',
    email: 'emulator.user@example.com',
    email_verified: true,
    given_name: 'Emulator',
    family_name: 'User',
    zoneinfo: 'Europe/London',
    locale: 'en_GB',
    language: 'en_US',
    user_type: 'STANDARD',
    active: true,
    urls: urls(baseUrl),
    updated_at: '2025-01-01T00:00:00Z',
  });
}

/** GET /id/<orgId>/<userId>: the identity URL from the token response (jsforce Connection.identity()). */
export function identityEndpoint(baseUrl: string, orgId: string, userId: string, auth: AuthState, username = USERNAME): Reply {
  if (auth !== 'valid') return BAD_OAUTH_TOKEN;
  if (orgId !== ORG_ID || userId !== USER_ID) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Bad_Id' };
  return json(200, {
    id: `${baseUrl}/id/${ORG_ID}/${USER_ID}`,
    asserted_user: true,
    user_id: USER_ID,
    organization_id: ORG_ID,
    username,
    nick_name: 'emulator.user',
    display_name: 'Emulator User',
    email: 'emulator.user@example.com',
    email_verified: true,
    first_name: 'Emulator',
    last_name: 'User',
    timezone: 'Europe/London',
    active: true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_GB',
    utcOffset: 0,
    last_modified_date: '2025-01-01T00:00:00.000+0000',
    is_app_installed: true,
    urls: urls(baseUrl),
  });
}

/** Record served for GET /services/data/vXX.X/sobjects/User/<id> (core reads Username). */
export function userRecord(apiVersion: string, username = USERNAME): Record<string, unknown> {
  return {
    attributes: { type: 'User', url: `/services/data/v${apiVersion}/sobjects/User/${USER_ID}` },
    Id: USER_ID,
    Username: username,
    Name: 'Emulator User',
    Email: 'emulator.user@example.com',
    IsActive: true,
    ProfileId: '00e5g000000AbCdAAA',
    UserType: 'Standard',
    LanguageLocaleKey: 'en_US',
    TimeZoneSidKey: 'Europe/London',
  };
}

export const ORGANIZATION = {
  Id: ORG_ID,
  Name: ORG_NAME,
  InstanceName: 'EMU1',
  IsSandbox: false,
  TrialExpirationDate: null,
  NamespacePrefix: null,
  OrganizationType: 'Developer Edition',
} as const;
