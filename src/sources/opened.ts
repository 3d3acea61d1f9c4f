/*
 * What opening a source takes and gives: the run's access (OpenInput) and one opened source (OpenedSource). Shared by
 * open.ts, which opens the Conversation Data API and Connect and gives the run its source, and by a source that opens
 * itself (dataCloud.ts), so that neither imports the other's module for its types.
 */
import type { Connection, Org } from '@salesforce/core';
import type { Settings } from '../input/settings.js';
import type { HttpStats } from './api/client.js';
import type { RetryPolicy } from './api/retry.js';
import type { Observe } from './contract.js';
import type { RateLimit } from './rateLimit.js';
import type { ApiChoice, EntrySource } from './source.js';

export type OpenInput = {
  /** The source the user chose (default: auto, the source is chosen per conversation). */
  api?: ApiChoice;
  /** An External Client App consumer key: the entries token comes by client credentials (settings hold the secret). */
  clientId?: string;
  settings: Settings;
  org: Org;
  conn: Connection;
  warn: (message: string) => void;
  retry?: RetryPolicy;
  /** At most this many requests in any window (export's --rate-limit), retries and pages included. */
  rateLimit?: RateLimit;
  /** Told of every request and its answer (doctor --report describes them, without their values). */
  observe?: Observe;
};

/** The source's token for doctor and the up-front warning: its kind, scopes and expiry in words, and whether it can work. */
export type TokenCheck = { description: string; ok: boolean };


/** One source, as its file opens it: the two APIs here, Data Cloud in sources/dataCloud.ts. */
export type OpenedSource = EntrySource & {
  /** The source's own token, described; undefined for Connect (the org's token is all it needs). */
  readonly token?: TokenCheck;
  /** Every request, retry and token refresh of every read so far. */
  readonly stats: HttpStats;
  /** A source that lags the live conversation (Data Cloud): the newest entry time it has returned so far, epoch ms. */
  readonly newestEntry?: () => number | undefined;
};
