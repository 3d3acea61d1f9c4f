/*
 * The one table of exit codes. Named errors carry one of these codes; a command maps its use case's outcome to one;
 * every command's ERROR CODES help (cli/errorCodes.ts) and the README's table (scripts/readme.ts) are built from it,
 * with each code's meaning in messages/exitCodes.md. 10 is not used: sf-plugins-core gives it to TypeErrors.
 */
export const ExitCode = {
  /** The command did what it was asked. */
  Success: 0,
  /** doctor: at least one check failed. */
  CheckFailed: 1,
  /** A value the user gave (a flag, a file, an environment variable) is wrong. Nothing was requested or written. */
  InvalidInput: 2,
  /** The org's authorisation, or a token for the entries, was refused or can't be refreshed. */
  Auth: 3,
  /** The session, call, case or conversation doesn't exist, or isn't visible. */
  NotFound: 4,
  /** The org lacks the feature or the permission (Messaging, ConversationEntry access…). */
  NotAvailable: 5,
  /** The API answered, but not with a transcript: retries ran out, or the response couldn't be read. */
  ApiFailed: 6,
  /** get: the transcript is known to be incomplete; export: some sessions failed or came back incomplete. */
  Partial: 7,
  /** export: the selection is larger than --max-conversations. */
  TooMany: 8,
  /** The org or the API host can't be reached at all: DNS, connection refused, TLS, proxy. */
  Unreachable: 9,
  /** The output can't be written: ENOSPC, EROFS, EACCES… */
  WriteFailed: 11,
  /** Stopped by Ctrl-C (SIGINT) or SIGTERM. */
  Interrupted: 130,
} as const;

export type ExitName = keyof typeof ExitCode;
