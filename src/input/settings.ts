/*
 * The plugin's settings from the environment, checked before any request: where the entries API lives
 * (SF_CONVERSATION_API_URL), the request timeout, the response size cap, and the External Client App's secret.
 * Secrets are read only from variables without an SF_/SFDX_ prefix, which sf writes to its log.
 */
import { bundle, ExitCode } from '../messages.js';
import { printable } from './ids.js';
import { assertSafeForToken } from './url.js';

const messages = bundle('input');

/** What the environment says, checked. */
export type Settings = {
  /** The entries API's base URL: SF_CONVERSATION_API_URL, else https://api.salesforce.com. */
  baseUrl: URL;
  /** True when SF_CONVERSATION_API_URL set it (it then wins over a token's api_instance_url). */
  apiUrlFromEnv: boolean;
  timeoutMs: number;
  maxResponseBytes: number;
  /** The client secret, only when asked for (a --client-id was given). */
  clientSecret?: string;
  /** Warnings about the settings that don't stop the command (the caller shows them). */
  warnings: string[];
  /** The environment they were read from (proxy variables are read from it per request). */
  env: NodeJS.ProcessEnv;
};

/** --client-id was given, but no client secret in the environment. */
export const missingClientSecret = (): Error => messages.fail('MissingClientSecret', ExitCode.InvalidInput);

/**
 * Every setting from the environment, checked: throws a named error (exit 2) for the first bad value. `clientSecret`:
 * read the client secret too (a --client-id was given), and with 'required' its absence is an error.
 */
export function readSettings(env: NodeJS.ProcessEnv, { clientSecret = 'no' }: { clientSecret?: 'no' | 'optional' | 'required' } = {}): Settings {
  const { secret, warning } = clientSecret === 'no' ? {} : clientSecretFrom(env);
  if (clientSecret === 'required' && !secret) throw missingClientSecret();
  return {
    baseUrl: resolveApiBaseUrl(env),
    apiUrlFromEnv: apiUrlFromEnv(env) !== undefined,
    timeoutMs: checkTimeout(env),
    maxResponseBytes: checkMaxResponse(env),
    clientSecret: secret,
    warnings: warning ? [warning] : [],
    env,
  };
}

export const DEFAULT_API_URL = 'https://api.salesforce.com';

export const API_URL_ENV = 'SF_CONVERSATION_API_URL';

/** SF_CONVERSATION_API_URL, trimmed; an empty value means unset, as for most sf environment variables. */
const apiUrlFromEnv = (env: NodeJS.ProcessEnv): string | undefined => {
  const value = env[API_URL_ENV]?.trim();
  return value ? value : undefined;
};

/**
 * The base URL of the entries API: SF_CONVERSATION_API_URL when set, else https://api.salesforce.com.
 * A bearer token is only ever sent over HTTPS, or plain HTTP to a loopback host.
 */
function resolveApiBaseUrl(env: NodeJS.ProcessEnv): URL {
  const raw = apiUrlFromEnv(env);
  const source = raw ? API_URL_ENV : messages.text('settings.default');
  let url: URL;
  try {
    url = new URL(raw ?? DEFAULT_API_URL);
  } catch {
    throw messages.fail('InvalidApiUrl', ExitCode.InvalidInput, [redactRaw(raw ?? ''), source]);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    // As typed (user info removed): rebuilt from the parsed URL, `mailto:x@y` would read `mailto://x@y`.
    throw messages.fail('InvalidApiUrl', ExitCode.InvalidInput, [redactRaw(raw ?? url.href), source]);
  }
  assertSafeForToken(url, source);
  url.pathname = url.pathname.replace(/\/+$/, '');
  url.search = '';
  url.hash = '';
  return url;
}

/** Something that failed to parse as a URL, with anything that looks like user info removed. */
const redactRaw = (raw: string): string => raw.replace(/\/\/[^/@]*@/, '//').slice(0, 200);

/**
 * The External Client App's consumer secret. Deliberately without an SF_ or SFDX_ prefix: sf writes every SF_* and
 * SFDX_* environment variable to its log file (~/.sf/sf-<date>.log) when it starts at debug level or finer.
 */
export const CLIENT_SECRET_ENV = 'CONVERSATION_CLIENT_SECRET';

/** The variable's name in 0.1: still read for one release, with a warning, because sf logs it. */
export const OLD_CLIENT_SECRET_ENV = 'SF_CONVERSATION_CLIENT_SECRET';

/**
 * The client secret from the environment: CLIENT_SECRET_ENV, else the old OLD_CLIENT_SECRET_ENV. An empty value
 * counts as not set. `warning` says why to rename the old variable whenever it is set (and that it is ignored when
 * the new one is set too); it never contains the secret.
 */
function clientSecretFrom(env: NodeJS.ProcessEnv): { secret?: string; warning?: string } {
  const current = env[CLIENT_SECRET_ENV] ?? '';
  const old = env[OLD_CLIENT_SECRET_ENV] ?? '';
  if (!old) return { secret: current || undefined };
  const tokens = [OLD_CLIENT_SECRET_ENV, CLIENT_SECRET_ENV];
  if (current) return { secret: current, warning: messages.text('warning.OldClientSecretEnvIgnored', tokens) };
  return { secret: old, warning: messages.text('warning.OldClientSecretEnv', tokens) };
}

export const TIMEOUT_ENV = 'SF_CONVERSATION_HTTP_TIMEOUT';

export const MAX_RESPONSE_ENV = 'SF_CONVERSATION_MAX_RESPONSE_MB';

/** The largest cap SF_CONVERSATION_MAX_RESPONSE_MB may set: a bigger body can't be read as one string anyway. */
export const MAX_RESPONSE_MB_LIMIT = 512;

function checkTimeout(env: NodeJS.ProcessEnv): number {
  const raw = env[TIMEOUT_ENV]?.trim();
  const timeoutMs = raw ? Number(raw) : DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 600_000) {
    throw messages.fail('InvalidTimeout', ExitCode.InvalidInput, [printable(raw ?? '')]);
  }
  return timeoutMs;
}

function checkMaxResponse(env: NodeJS.ProcessEnv): number {
  const raw = env[MAX_RESPONSE_ENV]?.trim();
  const mb = raw ? (/^\d{1,4}$/.test(raw) ? Number(raw) : NaN) : DEFAULT_MAX_RESPONSE_MB;
  if (!(mb >= 1 && mb <= MAX_RESPONSE_MB_LIMIT)) {
    throw messages.fail('InvalidMaxResponse', ExitCode.InvalidInput, [printable(raw ?? ''), MAX_RESPONSE_MB_LIMIT], [String(DEFAULT_MAX_RESPONSE_MB)]);
  }
  return mb * 1024 * 1024;
}

/** The per-request timeout without SF_CONVERSATION_HTTP_TIMEOUT. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The largest response body read by default, in MB (SF_CONVERSATION_MAX_RESPONSE_MB changes it). */
/** The response size cap without SF_CONVERSATION_MAX_RESPONSE_MB. */
export const DEFAULT_MAX_RESPONSE_MB = 64;
