/*
 * What --api data-cloud takes from the flags and the environment, checked before any request: no --client-id (Data
 * Cloud is queried with the org's own token), how long one query may run (SF_CONVERSATION_QUERY_TIMEOUT, seconds),
 * and which data space to read (SF_CONVERSATION_DATASPACE; Data Cloud's default one when unset).
 */
import { bundle, ExitCode } from '../messages.js';
import { printable } from './ids.js';

const messages = bundle('dataCloud');

export const QUERY_TIMEOUT_ENV = 'SF_CONVERSATION_QUERY_TIMEOUT';
export const DATASPACE_ENV = 'SF_CONVERSATION_DATASPACE';
export const DEFAULT_QUERY_TIMEOUT_S = 600;

export type DataCloudSettings = { queryTimeoutMs: number; dataspace?: string };

/** The settings, or a named error (exit 2) for the first bad value. */
export function dataCloudSettings(env: NodeJS.ProcessEnv, clientId?: string): DataCloudSettings {
  if (clientId !== undefined) throw messages.fail('ClientIdWithDataCloud', ExitCode.InvalidInput);
  const rawTimeout = env[QUERY_TIMEOUT_ENV]?.trim();
  const seconds = rawTimeout ? (/^\d{1,4}$/.test(rawTimeout) ? Number(rawTimeout) : NaN) : DEFAULT_QUERY_TIMEOUT_S;
  if (!(seconds >= 1 && seconds <= 3600)) throw messages.fail('InvalidQueryTimeout', ExitCode.InvalidInput, [printable(rawTimeout ?? '')]);
  const rawSpace = env[DATASPACE_ENV]?.trim();
  const dataspace = rawSpace ? rawSpace : undefined;
  if (dataspace !== undefined && !/^[A-Za-z0-9_]{1,80}$/.test(dataspace)) throw messages.fail('InvalidDataSpace', ExitCode.InvalidInput, [printable(dataspace)]);
  return { queryTimeoutMs: seconds * 1000, ...(dataspace ? { dataspace } : {}) };
}
