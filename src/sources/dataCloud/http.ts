/*
 * Requests to Data Cloud's Connect REST resources on the org's own instance (…/services/data/vXX.X/ssot/…), with the
 * org's token: got with timeouts, the proxy settings from the environment, retries (reads and cancels on 429/5xx and
 * network failures; a query's POST only where the server refused it, 429 or 503, so no query runs twice), one token
 * refresh on 401, a cap on the response's size, and named errors for what every request shares (the host can't be
 * reached, the authorization is gone, Data Cloud is not enabled). Any other non-2xx answer is a DataCloudAnswer: the
 * caller, who knows what it asked, names it. The token never leaves this module in an error.
 */
import got, { HTTPError, RequestError, TimeoutError, type Got, type OptionsInit, type Response } from 'got';
import type { SfError } from '@salesforce/core';
import { bundle, ExitCode } from '../../messages.js';
import { ownProxy, unreachableError } from '../../org/network.js';
import { sanitizeLine } from '../../sanitize.js';
import { assertSafeForToken, displayUrl } from '../../input/url.js';
import { proxyAgents, USER_AGENT } from '../api/proxy.js';
import { DEFAULT_RETRY_POLICY, RETRY_ERROR_CODES, RETRY_STATUS_CODES, retryDelay, type RetryPolicy } from '../api/retry.js';
import type { HttpStats } from '../api/client.js';

const messages = bundle('dataCloud');

/** How long resolving the host and opening a connection may each take. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Data Cloud's answer when the org has no Data Cloud tenant ("Couldn't find CDP tenant ID"), whatever its status. */
const NO_TENANT = /cdp tenant/i;

export type DataCloudHttpOptions = {
  instanceUrl: string;
  /** The API version of the ssot resources (e.g. "64.0"). */
  apiVersion: string;
  orgId: string;
  getToken: () => string;
  refresh: () => Promise<void>;
  timeoutMs: number;
  maxResponseBytes: number;
  retry?: RetryPolicy;
  /** Sent as `dataspace` on every request when set (Data Cloud's default data space otherwise). */
  dataspace?: string;
};

export type DataCloudRequest = {
  method: 'GET' | 'POST' | 'DELETE';
  /** Below …/ssot/, e.g. `query-sql/<id>/rows`; each segment already encoded. */
  path: string;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  /** This request's own timeout (a long poll waits longer than a page; a cancel on Ctrl-C much less). */
  timeoutMs?: number;
  /** No retries (the cancel on Ctrl-C has no time for them). */
  once?: boolean;
};

/** A non-2xx answer, with what the server said (one line, inert, at most 300 characters). */
export class DataCloudAnswer extends Error {
  public constructor(public readonly status: number, public readonly said: string, public readonly where: string) {
    super(`HTTP ${status}${said ? `: ${said}` : ''}`);
    this.name = 'DataCloudAnswer';
  }
}

export type DataCloudHttp = {
  /** The instance, for messages (no path, no query). */
  readonly where: string;
  readonly apiVersion: string;
  readonly stats: HttpStats;
  request(request: DataCloudRequest): Promise<unknown>;
};

type Call = { stats: HttpStats };
const callOf = (context: Record<string, unknown>): Call => context.call as Call;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** What a server's error body says: `[{errorCode, message}]`, `{errorCode, message}`, `{error, error_description}` or text. */
export function saidBy(body: unknown, token = ''): string {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      parsed = body;
    }
  }
  const first = Array.isArray(parsed) ? (parsed[0] as unknown) : parsed;
  let text = '';
  if (isObject(first)) {
    const code = first.errorCode ?? first.error ?? first.code;
    const message = first.message ?? first.error_description ?? first.errorMessage;
    text = [code, message].filter((v) => typeof v === 'string' && v).join(': ');
  } else if (typeof first === 'string') {
    text = first;
  }
  text = text.replace(/\s+/g, ' ').trim();
  if (token) text = text.split(token).join('[token]');
  return sanitizeLine(text.slice(0, 300));
}

export function createDataCloudHttp(options: DataCloudHttpOptions): DataCloudHttp {
  const instance = new URL(options.instanceUrl);
  assertSafeForToken(instance, "the org's instance URL");
  const base = `${options.instanceUrl.replace(/\/+$/, '')}/services/data/v${options.apiVersion}/ssot/`;
  const where = displayUrl(instance);
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const stats: HttpStats = { requests: 0, retries: 0, refreshes: 0 };
  const http: Got = got.extend({
    agent: proxyAgents(),
    followRedirect: false,
    throwHttpErrors: false,
    responseType: 'text',
    headers: { accept: 'application/json', 'user-agent': USER_AGENT },
    hooks: {
      beforeRequest: [
        (request): void => {
          callOf(request.context).stats.requests++;
        },
      ],
      beforeRetry: [
        (error): void => {
          callOf(error.options.context).stats.retries++;
        },
      ],
    },
  });

  const retryFor = (request: DataCloudRequest): OptionsInit['retry'] => {
    if (request.once) return { limit: 0 };
    const post = request.method === 'POST';
    return {
      limit: policy.limit,
      methods: [request.method],
      // A POST that reached the server may have started a query: retried only when the server refused it.
      statusCodes: post ? [429, 503] : RETRY_STATUS_CODES,
      errorCodes: post ? [] : RETRY_ERROR_CODES,
      maxRetryAfter: policy.maxRetryAfterMs,
      calculateDelay: ({ attemptCount, retryAfter, error }): number =>
        // No tenant will not appear by retrying.
        NO_TENANT.test(saidBy(error.response?.body ?? '')) ? 0 : retryDelay(attemptCount, retryAfter, policy),
    };
  };

  const send = async (request: DataCloudRequest, url: URL): Promise<Response<string>> => {
    const timeoutMs = request.timeoutMs ?? options.timeoutMs;
    const controller = new AbortController();
    let exceeded = false;
    const pending = http(url, {
      method: request.method,
      headers: { authorization: `Bearer ${options.getToken()}`, ...(request.body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      context: { call: { stats } satisfies Call },
      signal: controller.signal,
      timeout: { lookup: CONNECT_TIMEOUT_MS, connect: CONNECT_TIMEOUT_MS, secureConnect: CONNECT_TIMEOUT_MS, socket: timeoutMs, response: timeoutMs, read: timeoutMs },
      retry: retryFor(request),
    });
    const onProgress = ({ transferred, total }: { transferred: number; total?: number }): void => {
      if (exceeded || Math.max(transferred, total ?? 0) <= options.maxResponseBytes) return;
      exceeded = true;
      controller.abort();
    };
    try {
      return await pending.on('downloadProgress', onProgress);
    } catch (error) {
      if (exceeded) {
        throw messages.fail('DataCloudBadResponse', ExitCode.ApiFailed, [where, request.method, messages.text('reason.tooLarge', [Math.round(options.maxResponseBytes / 1024 / 1024)])]);
      }
      throw networkError(error, options.instanceUrl, where, request, timeoutMs);
    }
  };

  return {
    where,
    apiVersion: options.apiVersion,
    stats,
    async request(request): Promise<unknown> {
      const url = new URL(request.path, base);
      if (options.dataspace) url.searchParams.set('dataspace', options.dataspace);
      for (const [key, value] of Object.entries(request.query ?? {})) url.searchParams.set(key, String(value));
      let refreshed = false;
      for (;;) {
        const sent = options.getToken();
        // eslint-disable-next-line no-await-in-loop -- a retry after a token refresh
        const response = await send(request, url);
        const status = response.statusCode;
        if (status === 401 && !refreshed && !request.once) {
          refreshed = true;
          stats.refreshes++;
          // eslint-disable-next-line no-await-in-loop
          if (options.getToken() === sent) await options.refresh();
          if (options.getToken() !== sent) continue;
        }
        if (status < 200 || status > 299) {
          // Only an error's body is read for its words (a page of rows may well mention a tenant).
          const said = saidBy(response.body, sent);
          if (NO_TENANT.test(said)) throw notEnabled(where, status, said);
          if (status === 401) throw bundle('org').fail('SessionExpired', ExitCode.Auth, [options.orgId, options.instanceUrl]);
          throw new DataCloudAnswer(status, said, where);
        }
        if (!response.body.trim()) return undefined;
        try {
          return JSON.parse(response.body) as unknown;
        } catch {
          throw messages.fail('DataCloudBadResponse', ExitCode.ApiFailed, [where, `${request.method} ${status}`, messages.text('reason.notJson')]);
        }
      }
    },
  };
}

/** Data Cloud is not enabled: the named error, with the server's words. */
export const notEnabled = (where: string, status: number, said: string): SfError =>
  messages.fail('DataCloudNotEnabled', ExitCode.NotAvailable, [where, `HTTP ${status}`, said ? ` ${messages.text('said', [said])}` : '']);

/** A request that got no HTTP answer: the host can't be reached (exit 9), or it timed out or broke off (exit 6). */
function networkError(error: unknown, instanceUrl: string, where: string, request: DataCloudRequest, timeoutMs: number): Error {
  const unreachable = unreachableError(error, instanceUrl, ownProxy(instanceUrl));
  if (unreachable) return unreachable;
  if (!(error instanceof RequestError)) return error as Error;
  const detail = error instanceof HTTPError ? `HTTP ${error.response.statusCode}` : error instanceof TimeoutError ? messages.text('reason.timeout', [timeoutMs, error.event]) : error.code ? error.code : messages.text('reason.network');
  return messages.fail('DataCloudRequestFailed', ExitCode.ApiFailed, [where, detail, `${request.method} ${request.path.split('?')[0]}`, '']);
}
