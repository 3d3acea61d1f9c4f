/*
 * Whether a URL may carry a bearer token, and how a URL is shown in messages.
 */
import { bundle, ExitCode } from '../messages.js';

const messages = bundle('input');

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/** A URL for messages: without user info, query or fragment, which may carry secrets. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
}

export const isLoopback = (url: URL): boolean => LOOPBACK.test(url.hostname);

/** A bearer token may go only over HTTPS, or plain HTTP to a loopback host. */
export const isSafeForToken = (url: URL): boolean => url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url));

/** Refuses a URL the user configured (an environment variable, an org's instance URL) that a token may not go to. */
export function assertSafeForToken(url: URL, source: string): void {
  if (!isSafeForToken(url)) {
    throw messages.fail('InsecureApiUrl', ExitCode.InvalidInput, [displayUrl(url), source]);
  }
}
