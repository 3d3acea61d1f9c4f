/*
 * One page of entries over HTTP: got with timeouts, retries (retry.ts), the proxy settings from the environment,
 * one token refresh on 401, a cap on the response's size, and errors mapped to named errors. Only a 2xx answer
 * whose body is a JSON object (or array) of bounded depth is a page. The token never leaves this module in an
 * error: got's errors (which carry the request headers) are never rethrown or attached as a cause.
 */
import type { SfError } from '@salesforce/core';
import got, { HTTPError, ParseError, RequestError, TimeoutError, type Got, type Response } from 'got';
import { getProxyForUrl } from 'proxy-from-env';
import { bundle, ExitCode } from '../../messages.js';
import { unreachableCause, unreachableText } from '../../org/network.js';
import { sanitizeLine } from '../../sanitize.js';
import { DEFAULT_MAX_RESPONSE_MB, DEFAULT_TIMEOUT_MS } from '../../input/settings.js';
import type { Observe } from '../contract.js';
import type { SourceName } from '../source.js';
import { displayUrl, isSafeForToken } from '../../input/url.js';
import { ENTRIES_PATH } from './apiUrl.js';
import { proxyAgents, USER_AGENT } from './proxy.js';
import { MAX_JSON_DEPTH, jsonTooDeep } from './page.js';
import { DEFAULT_RETRY_POLICY, RETRY_ERROR_CODES, RETRY_STATUS_CODES, retryDelay, type RetryPolicy } from './retry.js';
import type { FetchPage, PageRequest } from './paging.js';

const messages = bundle('sources');

/** How long resolving the host and opening a connection (TCP, then TLS) may each take. */
const CONNECT_TIMEOUT_MS = 10_000;
export type EntriesHttpOptions = {
  /** Which API the resource belongs to: its errors name it and give its own advice. */
  api: SourceName;
  /** The entries resource, without paging parameters (see entriesUrl / connectEntriesUrl). */
  endpoint: URL;
  /** Where the endpoint's URL came from, for messages: a base URL without path or query. */
  baseUrl: URL;
  conversationIdentifier: string;
  /**
   * Another host to try once when the first page gets a 404 (sandboxes on test.api.salesforce.com, as
   * Salesforce's own agents library does; UNCONFIRMED for this API).
   */
  fallback?: { baseUrl: URL; endpoint: URL };
  /** Told which base URL answered this conversation's first page: the first one, or the fallback. */
  onServed?: (baseUrl: URL) => void;
  /** Why the token can't work, if it looks wrong: turns a 401/403/404 into an error that says how to fix the setup. */
  diagnose?: () => string | undefined;
  /** The current access token; read anew for every request so a refresh takes effect. */
  getToken: () => string;
  /** Refreshes the org's access token (called at most once per page, on a 401). */
  refresh: () => Promise<void>;
  timeoutMs?: number;
  /**
   * The largest response body read, in bytes (default DEFAULT_MAX_RESPONSE_MB): a bigger one is refused by its
   * Content-Length, or aborted as soon as more than this has arrived (counted after decompression), and not retried.
   */
  maxResponseBytes?: number;
  retry?: RetryPolicy;
  /** Awaited before every request, retries included: where a caller puts a shared rate limit. */
  beforeRequest?: () => Promise<void>;
  /** Told of every page's final answer (doctor --report describes it without its values, sources/contract.ts). */
  observe?: Observe;
};

export type HttpStats = { requests: number; retries: number; refreshes: number };

/** What every conversation fetched through one client shares: the token, its refresh, timeouts, retries, a rate limit. */
export type EntriesClientOptions = Pick<
  EntriesHttpOptions,
  'api' | 'diagnose' | 'getToken' | 'refresh' | 'timeoutMs' | 'maxResponseBytes' | 'retry' | 'beforeRequest' | 'observe'
>;
/** One conversation's resource. */
export type EntriesTarget = Pick<EntriesHttpOptions, 'endpoint' | 'baseUrl' | 'conversationIdentifier' | 'fallback' | 'onServed'>;
export type EntriesFetcher = { fetchPage: FetchPage; stats: HttpStats };

/**
 * What a request carries to got's hooks (got's per-request `context`): the counters and attempts of its
 * conversation, and whether any attempt got an HTTP answer (else the host could not be reached at all).
 */
type Call = { stats: HttpStats; attempts: string[]; answered: boolean };
const callOf = (context: Record<string, unknown>): Call => context.call as Call;

/**
 * One got instance (and so one agent with kept-alive connections) for any number of conversations: an export
 * fetches thousands through it. Each conversation's fetcher keeps its own counters and failed attempts.
 */
export function createEntriesClient(options: EntriesClientOptions): { fetcher(target: EntriesTarget): EntriesFetcher } {
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const http: Got = got.extend({
    agent: proxyAgents(),
    followRedirect: false,
    responseType: 'json',
    headers: { accept: 'application/json', 'user-agent': USER_AGENT },
    timeout: { lookup: CONNECT_TIMEOUT_MS, connect: CONNECT_TIMEOUT_MS, secureConnect: CONNECT_TIMEOUT_MS, socket: timeoutMs, response: timeoutMs, read: timeoutMs },
    retry: {
      limit: policy.limit,
      methods: ['GET'],
      statusCodes: RETRY_STATUS_CODES,
      errorCodes: RETRY_ERROR_CODES,
      maxRetryAfter: policy.maxRetryAfterMs,
      // A body that isn't JSON is retried only on a 2xx (a truncated page); on a redirect it will not change.
      calculateDelay: ({ attemptCount, retryAfter, error }) =>
        error instanceof ParseError && !isSuccess(error.response.statusCode) ? 0 : retryDelay(attemptCount, retryAfter, policy),
    },
    hooks: {
      beforeRequest: [
        async (request): Promise<void> => {
          await options.beforeRequest?.();
          callOf(request.context).stats.requests++;
        },
      ],
      beforeRetry: [
        (error): void => {
          const call = callOf(error.options.context);
          call.stats.retries++;
          if (error.response) call.answered = true;
          call.attempts.push(describe(error, timeoutMs));
        },
      ],
    },
  });
  return { fetcher: (target) => conversationFetcher(http, { ...options, ...target }, timeoutMs) };
}

const isSuccess = (status: number): boolean => status >= 200 && status <= 299;

/**
 * A named error of `api`: the Connect REST API has its own wording and advice where it differs from the Conversation
 * Data API's (its host is the org's instance, it takes the org's own token), under the same error name.
 */
function apiFail(api: SourceName, key: string, exitCode: number, tokens: Array<string | number>, actionTokens: string[] = []): SfError {
  // `error.Connect.X` makes an XError too (core names an error after the last part of its key).
  const variant = api === 'connect' && messages.has(`error.Connect.${key}`) ? `Connect.${key}` : key;
  return messages.fail(variant, exitCode, tokens, actionTokens);
}

/** Why a 2xx body is not a page: empty, not a JSON object or array, or nested too deep. */
function bodyProblem(body: unknown): string | undefined {
  if (body === '' || body === undefined) return messages.text('reason.emptyBody');
  if (body === null || typeof body !== 'object') return messages.text('reason.notAnObject', [body === null ? 'null' : typeof body]);
  if (jsonTooDeep(body)) return messages.text('reason.tooDeep', [String(MAX_JSON_DEPTH)]);
  return undefined;
}

/** A fetcher with a client of its own: for a single conversation (get, doctor's probes). */
export function createEntriesFetcher(options: EntriesHttpOptions): EntriesFetcher {
  return createEntriesClient(options).fetcher(options);
}

function conversationFetcher(http: Got, options: EntriesHttpOptions, timeoutMs: number): EntriesFetcher {
  const stats: HttpStats = { requests: 0, retries: 0, refreshes: 0 };
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_MB * 1024 * 1024;
  let endpoint = options.endpoint;
  let baseUrl = options.baseUrl;
  let fellBack = false;
  let firstPage = true;
  const fetchPage = async (request: PageRequest): Promise<unknown> => {
    const call: Call = { stats, attempts: [], answered: false };
    const { attempts } = call;
    let refreshed = false;
    for (;;) {
      const url = pageUrl({ ...options, endpoint, baseUrl }, request);
      // The token this request carries: a 401 for it only means anything if no one has refreshed it since.
      const sent = options.getToken();
      const size = sizeGuard(maxBytes);
      let response: Response;
      try {
        const pending = http.get(url, { headers: { authorization: `Bearer ${sent}` }, context: { call }, signal: size.signal });
        // eslint-disable-next-line no-await-in-loop -- a retry after a token refresh
        response = await pending.on('downloadProgress', size.onProgress);
      } catch (error) {
        if (error instanceof RequestError) {
          const answered = error.response;
          options.observe?.({ source: options.api, method: 'GET', url, status: answered?.statusCode ?? null, body: answered?.body, limitAsked: request.recordLimit });
        }
        const where = displayUrl(baseUrl);
        if (size.exceeded()) {
          throw apiFail(options.api, 'ApiResponseTooLarge', ExitCode.ApiFailed, [where, options.conversationIdentifier, Number((maxBytes / 1024 / 1024).toFixed(3))]);
        }
        if (error instanceof HTTPError && error.response.statusCode === 404 && firstPage && options.fallback && !fellBack) {
          fellBack = true;
          call.answered = true;
          attempts.push(messages.text('attempt.notFoundAt', [displayUrl(baseUrl)]));
          ({ endpoint, baseUrl } = options.fallback);
          continue;
        }
        if (error instanceof HTTPError && error.response.statusCode === 401 && !refreshed) {
          refreshed = true;
          call.answered = true;
          stats.refreshes++;
          // Another request may have refreshed it already; then just retry with the new one.
          // eslint-disable-next-line no-await-in-loop
          if (options.getToken() === sent) await options.refresh();
          // The same token again would get the same answer: retry only with a new one.
          if (options.getToken() !== sent) {
            attempts.push(messages.text('attempt.refreshed'));
            continue;
          }
        }
        throw toNamedError(error, { ...options, baseUrl }, call, timeoutMs);
      }
      options.observe?.({ source: options.api, method: 'GET', url, status: response.statusCode, body: response.body, limitAsked: request.recordLimit });
      const where = displayUrl(baseUrl);
      const status = response.statusCode;
      // got passes a 3xx (redirects are not followed, so the token goes nowhere else) as if it were a success.
      if (!isSuccess(status)) throw unexpectedStatus(options.api, response, baseUrl, options.conversationIdentifier);
      const problem = bodyProblem(response.body);
      if (problem) throw apiFail(options.api, 'ApiBadResponse', ExitCode.ApiFailed, [where, options.conversationIdentifier, status, problem]);
      if (firstPage) options.onServed?.(baseUrl);
      firstPage = false;
      return response.body;
    }
  };
  return { fetchPage, stats };
}

/**
 * Aborts a request whose body is larger than `maxBytes`: at once when its Content-Length says so, else as soon as
 * more than that has arrived (after decompression, so a compressed bomb is stopped too). got does not retry an
 * abort, so a body that is too big is downloaded at most once, and only up to the cap.
 */
function sizeGuard(maxBytes: number): {
  signal: AbortSignal;
  onProgress: (progress: { transferred: number; total?: number }) => void;
  exceeded: () => boolean;
} {
  const controller = new AbortController();
  let exceeded = false;
  return {
    signal: controller.signal,
    onProgress: ({ transferred, total }): void => {
      if (exceeded || Math.max(transferred, total ?? 0) <= maxBytes) return;
      exceeded = true;
      controller.abort();
    },
    exceeded: () => exceeded,
  };
}

/** A 3xx (or any other status outside 2xx that got let through): named, with the status, where, and where to. */
function unexpectedStatus(api: SourceName, response: Response, baseUrl: URL, conversation: string): SfError {
  const status = response.statusCode;
  let target = '';
  const location = response.headers.location;
  if (location) {
    try {
      target = ' ' + messages.text('reason.redirectTo', [displayUrl(new URL(location, baseUrl))]);
    } catch {
      target = '';
    }
  }
  return withStatus(apiFail(api, 'ApiUnexpectedStatus', ExitCode.ApiFailed, [displayUrl(baseUrl), status, target, conversation]), status);
}

/** The Conversation Data API's entries resource for a conversation. */
export function entriesUrl(baseUrl: URL, conversationIdentifier: string): URL {
  const url = new URL(baseUrl.href.replace(/\/$/, '') + ENTRIES_PATH);
  url.searchParams.set('conversationIdentifier', conversationIdentifier);
  return url;
}

/** The Connect REST API's entries resource, on the org's instance (api-notes §2). */
export function connectEntriesUrl(instanceUrl: string, apiVersion: string, conversationIdentifier: string): URL {
  return new URL(`${instanceUrl.replace(/\/$/, '')}/services/data/v${apiVersion}/connect/conversation/${encodeURIComponent(conversationIdentifier)}/entries`);
}

function pageUrl(options: Pick<EntriesHttpOptions, 'endpoint' | 'baseUrl'>, request: PageRequest): URL {
  if (request.pageUrl) {
    const next = new URL(request.pageUrl, options.baseUrl);
    // A link from the server: the token follows it only to the same origin, over HTTPS (or loopback).
    if (next.origin !== options.baseUrl.origin || !isSafeForToken(next)) {
      throw messages.fail('UnsafeUrlFromServer', ExitCode.ApiFailed, [displayUrl(next), messages.text('from.nextPage'), displayUrl(options.baseUrl)]);
    }
    return next;
  }
  const url = new URL(options.endpoint);
  url.searchParams.set('recordLimit', String(request.recordLimit));
  url.searchParams.set('queryDirection', request.queryDirection);
  if (request.startTimestamp !== undefined) url.searchParams.set('startTimestamp', String(request.startTimestamp));
  if (request.endTimestamp !== undefined) url.searchParams.set('endTimestamp', String(request.endTimestamp));
  if (request.pageToken) url.searchParams.set('pageToken', request.pageToken);
  return url;
}

/** One failed attempt, in words, for the final error. */
export function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof HTTPError) {
    const retryAfter = error.response.headers['retry-after'];
    return `HTTP ${error.response.statusCode}${retryAfter ? ` (Retry-After: ${String(retryAfter)})` : ''}`;
  }
  if (error instanceof TimeoutError) return messages.text('attempt.timeout', [timeoutMs, error.event]);
  if (error instanceof ParseError) return messages.text('attempt.notJson');
  const code = (error as { code?: string }).code;
  return code ? messages.text('attempt.networkCode', [code]) : messages.text('attempt.network');
}

function toNamedError(error: unknown, options: EntriesHttpOptions, call: Call, timeoutMs: number): Error {
  // Named errors raised below this layer (a bad next-page link) pass through unchanged.
  if (!(error instanceof RequestError)) return error as Error;
  const where = displayUrl(options.baseUrl);
  const conversation = options.conversationIdentifier;
  const all = [...call.attempts, describe(error, timeoutMs)];
  const unreachable = call.answered ? undefined : unreachableReason(error);
  if (unreachable) {
    const proxy = proxyFor(options.baseUrl);
    const via = proxy ? ` ${messages.text('reason.viaProxy', [proxy])}` : '';
    return apiFail(options.api, 'ApiUnreachable', ExitCode.Unreachable, [options.baseUrl.host, via, unreachable, all.length, where], [options.baseUrl.host]);
  }
  if (error instanceof ParseError) {
    const status = error.response.statusCode;
    if (!isSuccess(status)) return unexpectedStatus(options.api, error.response, options.baseUrl, conversation);
    const reason = messages.text('reason.notJson', [String(all.length)]);
    return apiFail(options.api, 'ApiBadResponse', ExitCode.ApiFailed, [where, conversation, status, reason]);
  }
  if (error instanceof HTTPError) {
    return withStatus(httpError(error, options, where, conversation, all), error.response.statusCode);
  }
  return unavailable(options, where, all, '');
}

/** How many attempts, in words. */
const attemptsText = (n: number): string => (n === 1 ? messages.text('attempts.one') : messages.text('attempts.many', [n]));

/** A Retry-After header in words (`45 s`, `60 min`), or undefined when there is none or it can't be read. */
function retryAfterText(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  const seconds = /^\d+$/.test(value.trim()) ? Number(value.trim()) : (Date.parse(value) - Date.now()) / 1000;
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  return seconds < 120 ? `${Math.ceil(seconds)} s` : `${Math.ceil(seconds / 60)} min`;
}

/**
 * Retries ran out: every attempt in words, what the server said last (its message and, for Salesforce's 5xx, the
 * ErrorId to quote to support), and how long it asked to wait when it said (Retry-After), not a generic minute.
 */
function unavailable(options: EntriesHttpOptions, where: string, all: string[], said: string, retryAfter?: unknown): SfError {
  const wait = retryAfterText(retryAfter);
  const advice = wait ? messages.text('wait.retryAfter', [wait]) : messages.text('wait.default');
  return apiFail(options.api, 'ApiUnavailable', ExitCode.ApiFailed, [where, options.conversationIdentifier, attemptsText(all.length), all.join(', '), said], [advice]);
}

/** The proxy a request to `url` goes through (from HTTPS_PROXY, HTTP_PROXY and NO_PROXY), for messages; '' if none. */
function proxyFor(url: URL): string {
  const proxy = getProxyForUrl(url.href);
  if (!proxy) return '';
  try {
    return displayUrl(new URL(proxy));
  } catch {
    return '';
  }
}

/**
 * Why the host can't be reached at all, in words, or undefined when it answered (or may have): DNS, a refused
 * connection, no route, a TLS failure, a connection that never opened in time (org/network.ts decides, for every
 * request of the plugin), or a proxy that refused (HTTP 407). A reset may come after an answer began: not counted.
 */
export function unreachableReason(error: RequestError): string | undefined {
  if (error instanceof HTTPError) {
    return error.response.statusCode === 407 ? unreachableText({ code: 'HTTP 407', reason: 'proxy' }) : undefined;
  }
  const cause = unreachableCause(error);
  return cause && cause.reason !== 'reset' ? unreachableText(cause) : undefined;
}

/** Named errors keep the HTTP status for callers that record it (the export manifest). */
function withStatus(error: SfError, httpStatus: number): SfError {
  error.setData({ httpStatus });
  return error;
}

function httpError(error: HTTPError, options: EntriesHttpOptions, where: string, conversation: string, all: string[]): SfError {
  const status = error.response.statusCode;
  const said = serverSaid(error.response.body, options.getToken());
  const problem = status === 401 || status === 403 || status === 404 ? options.diagnose?.() : undefined;
  if (problem) return apiFail(options.api, 'ApiTokenRejected', ExitCode.Auth, [where, status, problem, said]);
  if (status === 401) return apiFail(options.api, 'ApiUnauthorized', ExitCode.Auth, [where, status, said]);
  if (status === 403) return apiFail(options.api, 'ApiForbidden', ExitCode.Auth, [where, conversation, said]);
  if (status === 404 || (status === 400 && NOT_FOUND_CODES.has(errorCodeOf(error.response.body)))) {
    return apiFail(options.api, 'ConversationNotFound', ExitCode.NotFound, [where, conversation, said]);
  }
  if (status < 500 && status !== 429) return apiFail(options.api, 'ApiRequestRejected', ExitCode.ApiFailed, [where, conversation, status, said]);
  return unavailable(options, where, all, said, error.response.headers['retry-after']);
}

/**
 * The error codes that mean "no such record" when they come with a 400: Connect has been seen answering an unknown
 * conversation with RECORD_NOT_FOUND (api-notes §8; its status wasn't shown, and Connect's documented 400 is "bad ID
 * for the resource"). Treated as a 404: the conversation is not found, and --api auto reads the record's
 * ConversationEntry records before failing.
 */
const NOT_FOUND_CODES = new Set(['RECORD_NOT_FOUND', 'NOT_FOUND']);

/** An error body's code and message (Salesforce's `[{errorCode, message}]`, an OAuth-style object, or a string). */
function errorParts(body: unknown): { code: string; message: string } {
  const first = Array.isArray(body) ? (body[0] as unknown) : body;
  if (typeof first === 'string') return { code: '', message: first };
  if (!first || typeof first !== 'object') return { code: '', message: '' };
  const o = first as Record<string, unknown>;
  const text = (value: unknown): string => (typeof value === 'string' ? value : '');
  return { code: text(o.errorCode ?? o.error ?? o.code), message: text(o.message ?? o.error_description ?? o.errorMessage) };
}

const errorCodeOf = (body: unknown): string => errorParts(body).code.toUpperCase();

/** The server's own error text, shortened, on one line, inert (sanitize.ts), and without the token should a server ever echo it. */
export function serverSaid(body: unknown, token: string): string {
  const { code, message } = errorParts(body);
  let text = [code, message].filter(Boolean).join(': ');
  text = text.replace(/\s+/g, ' ').trim();
  if (token) text = text.split(token).join('[token]');
  return text ? ` The API said: ${sanitizeLine(text.slice(0, 300))}` : '';
}
