/*
 * Every user-facing string lives in messages/*.md, one file per module (@salesforce/core Messages: `# key` headings,
 * `%s` tokens, `error.X` with `error.X.actions`). A module takes its file with bundle(name), loaded on first use.
 */
import { Messages, type SfError } from '@salesforce/core';
import { sanitizeText } from './sanitize.js';

export { ExitCode } from './exitCodes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);

/** The package name the messages are registered under (package.json's `name`, as importMessagesDirectory reads it). */
export const PACKAGE = '@conversation-data/plugin-conversation';

export type Bundle = {
  /** The message `key`, with its `%s` tokens filled in. */
  text(key: string, tokens?: Array<string | number>): string;
  /** A list message (a bulleted `# key`), such as a command's examples. */
  list(key: string): string[];
  has(key: string): boolean;
  /**
   * The named error `error.<key>` (name `<key>Error`) with this exit code. Its tokens often quote the org, a server
   * or the user (an identifier, a server's message, a path), so each is made inert (sanitize.ts) before it reaches a
   * terminal or a log.
   */
  fail(key: string, exitCode: number, tokens?: Array<string | number>, actionTokens?: string[]): SfError;
};

/** The messages of messages/<name>.md. */
export function bundle(name: string): Bundle {
  let loaded: Messages<string> | undefined;
  const messages = (): Messages<string> => (loaded ??= Messages.loadMessages(PACKAGE, name));
  return {
    text: (key, tokens = []) => messages().getMessage(key, tokens.map(String)),
    list: (key) => messages().getMessages(key),
    has: (key) => messages().messages.has(key),
    fail: (key, exitCode, tokens = [], actionTokens = []) =>
      messages().createError(`error.${key}`, tokens.map((t) => sanitizeText(String(t))), actionTokens.map(sanitizeText), exitCode),
  };
}
