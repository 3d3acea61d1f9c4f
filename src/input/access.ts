/*
 * How the entries are to be reached, as the user asked (--api, --client-id, --api-version) and the environment says
 * (input/settings.ts), checked before any request. get, export and doctor share it.
 */
import { bundle, ExitCode } from '../messages.js';
import { dataCloudSettings } from './dataCloudSettings.js';
import { printable } from './ids.js';
import { readSettings, type Settings } from './settings.js';

const messages = bundle('input');
const sources = bundle('sources.auto');

/** `MessagingSession.ConversationId` (and so `Conversation.ConversationIdentifier`) exists from 55.0. */
export const MIN_API_VERSION = '55.0';

export const compareVersions = (a: string, b: string): number => Number(a) - Number(b);

/** The sources the user can choose with --api (each one is a file in src/sources/, opened by sources/open.ts). */
export const SOURCE_NAMES = ['conversation-data', 'connect', 'conversation-entry', 'data-cloud'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** What --api takes: `auto` (the default: the source is chosen per conversation, sources/auto.ts) or a source. */
export const API_CHOICES = ['auto', ...SOURCE_NAMES] as const;
export type ApiChoice = (typeof API_CHOICES)[number];

export type AccessInput = {
  /** Default auto: the source is chosen per conversation (sources/auto.ts). */
  api?: ApiChoice;
  /** An External Client App consumer key: the entries token comes by client credentials (secret from the environment). */
  clientId?: string;
  apiVersion?: string;
  env?: NodeJS.ProcessEnv;
};

export type CheckedAccess = { api: ApiChoice; clientId?: string; apiVersion?: string; settings: Settings };

/**
 * Throws a named error (exit 2) for the first bad value. `requireSecret: false` (doctor) doesn't stop on a missing
 * client secret: the caller reports it.
 */
export function checkAccess(input: AccessInput, { requireSecret = true } = {}): CheckedAccess {
  if (input.apiVersion && compareVersions(input.apiVersion, MIN_API_VERSION) < 0) {
    throw messages.fail('ApiVersionTooLow', ExitCode.InvalidInput, [printable(input.apiVersion)]);
  }
  if (input.clientId !== undefined && !input.clientId.trim()) throw messages.fail('InvalidClientId', ExitCode.InvalidInput, [printable(input.clientId)]);
  if (input.clientId !== undefined && input.api === 'connect') throw messages.fail('ClientIdWithConnect', ExitCode.InvalidInput);
  if (input.clientId !== undefined && input.api === 'conversation-entry') throw sources.fail('ClientIdWithEntries', ExitCode.InvalidInput);
  if (input.api === 'data-cloud') dataCloudSettings(input.env ?? process.env, input.clientId);
  const clientSecret = input.clientId === undefined ? 'no' : requireSecret ? 'required' : 'optional';
  const settings = readSettings(input.env ?? process.env, { clientSecret });
  return { api: input.api ?? 'auto', clientId: input.clientId, apiVersion: input.apiVersion, settings };
}
