/*
 * The messages of the domain modules (messages/errors.md) and the exit codes of each error.
 * Every user-facing string lives in messages/*.md.
 */
import { Messages, type SfError } from '@salesforce/core';
import { sanitizeText } from './sanitize.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
export const messages = Messages.loadMessages('plugin-conversation', 'errors');

/** Exit codes, documented in the command's help (ERROR CODES). */
export const ExitCode = {
  InvalidInput: 2,
  Auth: 3,
  NotFound: 4,
  NotAvailable: 5,
  ApiFailed: 6,
  /** get: the transcript was printed or written, but it is known to be incomplete; export: some sessions failed or came back incomplete. */
  Partial: 7,
  /** The org or the API host can't be reached at all: DNS, connection refused, TLS, proxy. */
  Unreachable: 9,
  /** The output can't be written: ENOSPC, EROFS, EACCES… */
  WriteFailed: 11,
} as const;

/**
 * For `this.parse(...).catch(asInputError)`: a flag value the parser refuses is bad input, exit 2 as documented. oclif's
 * own parse errors already say 2; sf-plugins-core's flag types (such as --api-version's) throw errors that say 1.
 */
export function asInputError(error: unknown): never {
  if (error instanceof Error) Object.assign(error, { exitCode: ExitCode.InvalidInput });
  throw error;
}

/**
 * A named error. Its tokens often quote the org, a server or the user (an identifier, a server's message, a path), so
 * each is made inert (sanitize.ts) before it reaches a terminal or a log.
 */
export function fail(key: string, exitCode: number, tokens: Array<string | number> = [], actionTokens: string[] = []): SfError {
  return messages.createError(`error.${key}`, tokens.map((t) => sanitizeText(String(t))), actionTokens.map(sanitizeText), exitCode);
}
