/*
 * A host that can't be reached at all (DNS, a refused or reset connection, a connect timeout, TLS, a proxy), however
 * the failure arrives: @salesforce/core's Connection (jsforce, on undici's fetch) throws TypeError('fetch failed') with
 * the socket's error as its `cause`; core's own DNS check throws DomainNotFoundError; got throws a RequestError with
 * the code. One named error (exit 9) names the host (never a token or a proxy's credentials) and what to check.
 */
import type { SfError } from '@salesforce/core';
import { getProxyForUrl } from 'proxy-from-env';
import { bundle, ExitCode } from '../messages.js';

const messages = bundle('org');

/** Socket and DNS error codes, each with the reason it gives. */
const REASONS: Record<string, string> = {
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NONAME: 'dns',
  EAI_NODATA: 'dns',
  ECONNREFUSED: 'refused',
  ECONNRESET: 'reset',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  EHOSTUNREACH: 'route',
  ENETUNREACH: 'route',
  EHOSTDOWN: 'route',
  ENETDOWN: 'route',
  EADDRNOTAVAIL: 'route',
  // got's name for a TLS handshake that failed (such as https:// to a plain-HTTP port).
  EPROTO: 'tls',
};
const TLS = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|UND_ERR_PRX_TLS$)/;
/** undici's ProxyAgent when the proxy won't open a tunnel (407, 403, 502…). */
const PROXY_REFUSED = /^Proxy response \((\d{3})\) !== 200/;
/** got's timeout events that happen before the host has answered anything. */
const CONNECT_EVENTS = new Set(['lookup', 'connect', 'secureConnect']);

export type Unreachable = { code: string; reason: 'dns' | 'refused' | 'reset' | 'timeout' | 'route' | 'tls' | 'proxy'; phase?: string };

type Chained = { name?: unknown; code?: unknown; message?: unknown; cause?: unknown; errors?: unknown; syscall?: unknown; event?: unknown };

/**
 * Why `error` (or an error in its `cause` chain) means the host was never reached, or undefined for any other error:
 * for @salesforce/core's connection (undici) and the plugin's own requests (got) alike.
 */
export function unreachableCause(error: unknown): Unreachable | undefined {
  const queue: unknown[] = [error];
  const seen = new Set<unknown>();
  while (queue.length && seen.size < 16) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const { name, code, message, cause, errors, syscall, event } = e as Chained;
    if (name === 'DomainNotFoundError') return { code: 'ENOTFOUND', reason: 'dns' };
    if (typeof code === 'string') {
      // A read timeout means the host answered (slowly); only a timeout while connecting means it can't be reached.
      const timedOutLate = code === 'ETIMEDOUT' && syscall !== 'connect' && typeof event === 'string' && !CONNECT_EVENTS.has(event);
      // got's connect timeout says in which phase (lookup, connect, secureConnect).
      const phase = name === 'TimeoutError' && typeof event === 'string' ? { phase: event } : {};
      if (code in REASONS && !timedOutLate) return { code, reason: REASONS[code] as Unreachable['reason'], ...phase };
      if (TLS.test(code)) return { code, reason: 'tls' };
    }
    const proxy = typeof message === 'string' ? PROXY_REFUSED.exec(message) : null;
    if (proxy) return { code: `HTTP ${proxy[1]}`, reason: 'proxy' };
    queue.push(cause, ...(Array.isArray(errors) ? (errors as unknown[]) : []));
  }
  return undefined;
}

/** A proxy URL without its credentials, or a placeholder when it can't be read. */
export const showProxy = (proxy: string): string => {
  try {
    const url = new URL(proxy);
    return `${url.protocol}//${url.host}`;
  } catch {
    return messages.text('unreachable.unreadableProxy');
  }
};

/**
 * The proxy @salesforce/core's Connection sends every request through: jsforce reads https_proxy, http_proxy,
 * HTTPS_PROXY, HTTP_PROXY (the first one set, even when empty) for every host, and ignores NO_PROXY.
 */
export function coreProxy(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.https_proxy ?? env.http_proxy ?? env.HTTPS_PROXY ?? env.HTTP_PROXY ?? undefined;
}

/** The proxy the plugin's own requests (got, through proxy-agent) use for `url`: HTTPS_PROXY/HTTP_PROXY and NO_PROXY. */
export const ownProxy = (url: string): string | undefined => getProxyForUrl(url) || undefined;

/** Why the host could not be reached, in words (`the connection was refused (ECONNREFUSED)`). */
export const unreachableText = (cause: Unreachable): string =>
  messages.text(`unreachable.reason.${cause.reason}`, [cause.phase ? `${cause.code}, ${cause.phase}` : cause.code]);

/**
 * The named error (Unreachable, exit 9) when `error` means `url`'s host was never reached, else undefined. `where`
 * says what was being reached (the org, its token endpoint); `proxy` is the proxy that request went through.
 */
export function unreachableError(error: unknown, url: string | undefined, proxy: string | undefined, where = 'org'): SfError | undefined {
  const cause = unreachableCause(error);
  if (!cause) return undefined;
  let host: string;
  try {
    host = url ? new URL(url).host : messages.text('unreachable.unknownHost');
  } catch {
    host = messages.text('unreachable.unknownHost');
  }
  const through = proxy ? ` ${messages.text('unreachable.viaProxy', [showProxy(proxy)])}` : '';
  const reason = unreachableText(cause);
  return messages.fail('Unreachable', ExitCode.Unreachable, [messages.text(`unreachable.where.${where}`), host, through, reason]);
}
