/*
 * The messages of the domain modules (messages/errors.md) and the exit codes of each error.
 * Every user-facing string lives in messages/*.md.
 */
import { Messages, type SfError } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
export const messages = Messages.loadMessages('plugin-conversation', 'errors');

/** Exit codes, documented in the command's help (ERROR CODES). */
export const ExitCode = {
  InvalidInput: 2,
  Auth: 3,
  NotFound: 4,
  NotAvailable: 5,
  ApiFailed: 6,
} as const;

export function fail(key: string, exitCode: number, tokens: Array<string | number> = [], actionTokens: string[] = []): SfError {
  return messages.createError(`error.${key}`, tokens.map(String), actionTokens, exitCode);
}
