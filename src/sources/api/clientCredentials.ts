/*
 * A token for the Conversation Data API from an External Client App's client credentials (api-notes §3): the
 * documented way to call the API. The secret comes only from the environment, and the token stays in memory.
 */
import got, { HTTPError, RequestError } from 'got';
import { bundle, ExitCode } from '../../messages.js';
import { ownProxy, unreachableError } from '../../org/network.js';
import { sanitizeLine } from '../../sanitize.js';
import { assertSafeForToken, displayUrl, isSafeForToken } from '../../input/url.js';
import { proxyAgents, USER_AGENT } from './proxy.js';

const messages = bundle('sources');

export type ClientCredentialsToken = {
  accessToken: string;
  /** The API host the token endpoint names (`api_instance_url`), e.g. https://api.salesforce.com. */
  apiInstanceUrl?: URL;
};

type TokenResponse = { access_token?: unknown; api_instance_url?: unknown; error?: unknown; error_description?: unknown };

export async function clientCredentialsToken(
  instanceUrl: string,
  clientId: string,
  clientSecret: string,
  timeoutMs: number
): Promise<ClientCredentialsToken> {
  const tokenUrl = new URL('/services/oauth2/token', instanceUrl);
  assertSafeForToken(tokenUrl, "the org's instance URL");
  let body: TokenResponse;
  try {
    body = await got
      .post(tokenUrl, {
        agent: proxyAgents(),
        // eslint-disable-next-line camelcase -- OAuth 2.0 parameter names
        form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
        headers: { accept: 'application/json', 'user-agent': USER_AGENT },
        timeout: { request: timeoutMs },
        retry: { limit: 2, methods: ['POST'], statusCodes: [429, 500, 502, 503, 504] },
        followRedirect: false,
      })
      .json<TokenResponse>();
  } catch (error) {
    // Never pass got's error on: its options hold the secret in the form body.
    if (error instanceof HTTPError) {
      const raw: unknown = error.response.body;
      const b = (typeof raw === 'string' ? safeJson(raw) : (raw as TokenResponse | undefined)) ?? {};
      // The token endpoint's own words, on one line and inert (sanitize.ts).
      const code = typeof b.error === 'string' ? sanitizeLine(b.error.slice(0, 100)) : `HTTP ${error.response.statusCode}`;
      const description = typeof b.error_description === 'string' ? ` (${sanitizeLine(b.error_description.slice(0, 200))})` : '';
      throw messages.fail('ClientCredentialsRejected', ExitCode.Auth, [displayUrl(tokenUrl), clientId, `${code}${description}`]);
    }
    const unreachable = unreachableError(error, tokenUrl.href, ownProxy(tokenUrl.href), 'token');
    if (unreachable) throw unreachable;
    const code = error instanceof RequestError ? error.code : messages.text('attempt.unknownError');
    throw messages.fail('ClientCredentialsFailed', ExitCode.ApiFailed, [displayUrl(tokenUrl), code]);
  }
  if (typeof body.access_token !== 'string' || !body.access_token) {
    throw messages.fail('ClientCredentialsFailed', ExitCode.ApiFailed, [displayUrl(tokenUrl), 'the response had no access_token']);
  }
  let apiInstanceUrl: URL | undefined;
  if (typeof body.api_instance_url === 'string') {
    try {
      apiInstanceUrl = new URL(body.api_instance_url);
    } catch {
      apiInstanceUrl = undefined;
    }
  }
  return { accessToken: body.access_token, apiInstanceUrl };
}

function safeJson(text: string): TokenResponse | undefined {
  try {
    return JSON.parse(text) as TokenResponse;
  } catch {
    return undefined;
  }
}

/**
 * Host order for a client-credentials token: SF_CONVERSATION_API_URL when set (`overridden`; `configured` is then that
 * URL), else the token's api_instance_url (refused unless it is safe for a bearer token), else `configured`.
 */
export function apiBaseFor(token: ClientCredentialsToken, configured: URL, overridden: boolean): URL {
  if (overridden || !token.apiInstanceUrl) return configured;
  if (!isSafeForToken(token.apiInstanceUrl)) {
    throw messages.fail('UnsafeUrlFromServer', ExitCode.ApiFailed, [displayUrl(token.apiInstanceUrl), messages.text('from.apiInstanceUrl'), displayUrl(configured)]);
  }
  return token.apiInstanceUrl;
}
