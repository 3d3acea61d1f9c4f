/*
 * A command's ERROR CODES help section, from the one table (exitCodes.ts) and the meaning of each code
 * (messages/exitCodes.md; `<command>.<Name>` where a command's meaning differs).
 */
import { toHelpSection } from '@salesforce/sf-plugins-core';
import { ExitCode, type ExitName } from '../exitCodes.js';
import { bundle } from '../messages.js';

const meanings = bundle('exitCodes');

/** What exit code `name` means for `command` (get, export, doctor). */
export const exitCodeMeaning = (command: string, name: ExitName): string =>
  meanings.text(meanings.has(`${command}.${name}`) ? `${command}.${name}` : name);

export function errorCodesHelp(command: string, names: readonly ExitName[]): ReturnType<typeof toHelpSection> {
  return toHelpSection('ERROR CODES', Object.fromEntries(names.map((name) => [`${name} (${ExitCode[name]})`, exitCodeMeaning(command, name)])));
}

/** The exit codes each command can end with. */
export const COMMAND_EXIT_CODES = {
  get: ['Success', 'InvalidInput', 'Auth', 'NotFound', 'NotAvailable', 'ApiFailed', 'Partial', 'Unreachable', 'WriteFailed', 'Interrupted'],
  export: ['Success', 'InvalidInput', 'Auth', 'NotFound', 'NotAvailable', 'ApiFailed', 'Partial', 'TooMany', 'Unreachable', 'WriteFailed', 'Interrupted'],
  doctor: ['Success', 'CheckFailed', 'InvalidInput', 'WriteFailed', 'Interrupted'],
} as const satisfies Record<string, readonly ExitName[]>;
