/*
 * OAuth for the emulated org: the token store and the endpoints @salesforce/core 9.4 / jsforce call
 * (/services/oauth2/token, /services/oauth2/userinfo, /services/oauth2/revoke, the identity URL /id/<org>/<user>).
 * Tokens never leave this module except through the Emulator object; they are never logged.
 */
/* eslint-disable camelcase -- OAuth and identity responses use snake_case on the wire */
import { randomBytes } from 'node:crypto';
import { CLIENT_ID, ORG_ID, ORG_NAME, USER_ID, USERNAME } from './seed.js';
import type { Reply } from './http.js';
import { json } from './http.js';

export type AuthState = 'none' | 'valid' | 'invalid';

/** Opaque Salesforce-style session id: '<18-char org id>!<random>' (matches core's accessTokenRegex). */
function newAccessToken(): string {
  return `${ORG_ID}!AQ${randomBytes(48).toString('base64url').replace(/[-_]/g, '')}`;
}

export class TokenStore {
  public readonly clientId = CLIENT_ID;
  public readonly refreshToken = `5Aep861${randomBytes(40).toString('base64url').replace(/[-_]/g, '')}`;
  public accessToken: string;
  private valid = new Set<string>();
  private revokedRefresh = false;

  public constructor() {
    this.accessToken = this.issue();
  }

  public issue(): string {
    const token = newAccessToken();
    this.valid.add(token);
    this.accessToken = token;
    return token;
  }

  public revokeAccessTokens(): void {
    this.valid.clear();
  }

  public isValid(token: string): boolean {
    return this.valid.has(token);
  }

  public refreshTokenValid(token: string): boolean {
    return !this.revokedRefresh && token === this.refreshToken;
  }

  /** POST /services/oauth2/revoke: an access token, or the refresh token (which also ends its sessions). */
  public revoke(token: string): boolean {
    if (this.valid.delete(token)) return true;
    if (token === this.refreshToken) {
      this.revokedRefresh = true;
      this.valid.clear();
      return true;
    }
    return false;
  }

  /** Every secret this store has handed out, so logs and error text can be scrubbed. */
  public isSecret(value: string): boolean {
    return value === this.refreshToken || value.startsWith(`${ORG_ID}!`);
  }
}

/** 'none' without an Authorization header, else whether the Bearer (or legacy 'OAuth') token is currently valid. */
export function bearerState(header: string | undefined, store: TokenStore): AuthState {
  if (!header) return 'none';
  const match = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i.exec(header);
  return match && store.isValid(match[1]) ? 'valid' : 'invalid';
}

function tokenResponse(baseUrl: string, accessToken: string, extra: Record<string, string>): Reply {
  return json(200, {
    access_token: accessToken,
    ...extra,
    signature: randomBytes(32).toString('base64'),
    scope: 'refresh_token web api',
    instance_url: baseUrl,
    id: `${baseUrl}/id/${ORG_ID}/${USER_ID}`,
    token_type: 'Bearer',
    issued_at: String(Date.now()),
  });
}

// GUESS: one error body for every refused grant. Salesforce answers a bad refresh token with exactly this;
// for an unsupported grant_type it really says 'unsupported_grant_type', which the brief asked us not to model.
const INVALID_GRANT = json(400, { error: 'invalid_grant', error_description: 'expired access/refresh token' });

/** POST /services/oauth2/token (form-encoded body). */
export function tokenEndpoint(baseUrl: string, body: string, store: TokenStore): Reply {
  const form = new URLSearchParams(body);
  const grant = form.get('grant_type');
  if (grant === 'refresh_token') {
    if (form.get('client_id') !== store.clientId) {
      // Real Salesforce checks the refresh token belongs to the calling connected app.
      return json(400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
    }
    if (!store.refreshTokenValid(form.get('refresh_token') ?? '')) return INVALID_GRANT;
    // Refresh Token Rotation off (the default): the response carries no refresh_token, core keeps its own.
    return tokenResponse(baseUrl, store.issue(), {});
  }
  if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
    // GUESS: any 3-part assertion is accepted; the emulator does not verify the signature, issuer or audience.
    const assertion = form.get('assertion') ?? '';
    if (assertion.split('.').length !== 3) return INVALID_GRANT;
    return tokenResponse(baseUrl, store.issue(), {});
  }
  if (grant === 'client_credentials') {
    // Addition beyond the brief: the documented Conversation Data API setup uses the client-credentials flow.
    // GUESS: any client_id/client_secret pair is accepted; real Salesforce checks both and the Run-As user.
    if (!form.get('client_id')) return json(400, { error: 'invalid_client_id', error_description: 'client identifier invalid' });
    return tokenResponse(baseUrl, store.issue(), { api_instance_url: baseUrl });
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
export function userinfoEndpoint(baseUrl: string, auth: AuthState): Reply {
  if (auth !== 'valid') return BAD_OAUTH_TOKEN;
  return json(200, {
    sub: `${baseUrl}/id/${ORG_ID}/${USER_ID}`,
    user_id: USER_ID,
    organization_id: ORG_ID,
    preferred_username: USERNAME,
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
export function identityEndpoint(baseUrl: string, orgId: string, userId: string, auth: AuthState): Reply {
  if (auth !== 'valid') return BAD_OAUTH_TOKEN;
  if (orgId !== ORG_ID || userId !== USER_ID) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'Bad_Id' };
  return json(200, {
    id: `${baseUrl}/id/${ORG_ID}/${USER_ID}`,
    asserted_user: true,
    user_id: USER_ID,
    organization_id: ORG_ID,
    username: USERNAME,
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
export function userRecord(apiVersion: string): Record<string, unknown> {
  return {
    attributes: { type: 'User', url: `/services/data/v${apiVersion}/sobjects/User/${USER_ID}` },
    Id: USER_ID,
    Username: USERNAME,
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
