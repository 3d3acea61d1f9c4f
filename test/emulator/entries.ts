/*
 * Conversation entries: the entry shape (api-notes §1.3), the two paging models of the
 * Conversation Data API emulation, and the text-only projection served by the Connect resource (§2).
 * Pure functions; the HTTP layer lives in server.ts.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** GUESS: `name` (a display name) is not seen in any sample; only the hostile conversation's senders carry one. */
export type Participant = { role: string; appType: string; subject: string; name?: string };

/** One entry as the Conversation Data API returns it (api-notes §1.3). All timestamps are epoch ms. */
export type ApiEntry = {
  identifier: string;
  // GUESS: PascalCase values ('Message', 'ParticipantChanged', ...). Salesforce documents the entry types only
  // in UPPER_SNAKE form for the off-core store (MESSAGE, PARTICIPANT_CHANGED, ...); no sample of the API's casing exists.
  entryType: string;
  messageText?: string;
  entryPayload: { [key: string]: Json };
  sender: Participant;
  clientTimestamp: number;
  serverReceivedTimestamp: number;
  transcriptedTimestamp?: number;
  relatedRecords: string[];
  clientDuration: number;
};

/** The text-only entry served by Connect (api-notes §2: only these fields). */
export type ConnectEntry = {
  clientDuration: number;
  clientTimestamp: number;
  identifier: string;
  messageText?: string;
  relatedRecords?: string[];
  sender: Participant;
  serverReceivedTimestamp: number;
};

export type QueryDirection = 'FromEnd' | 'FromStart';

export type EntryWindow = {
  recordLimit: number;
  queryDirection: QueryDirection;
  startTimestamp: number;
  endTimestamp: number;
};

export type ParamProblem = { param: string; value: string; reason: string };

export const DEFAULT_RECORD_LIMIT = 25;
export const MAX_RECORD_LIMIT = 1000;

const INTEGER = /^-?\d+$/;

/**
 * Reads recordLimit / queryDirection / startTimestamp / endTimestamp with the documented Connect rules
 * (recordLimit 1..1000 default 25, FromEnd default, startTimestamp default 0).
 * GUESS: the Conversation Data API copies these Connect parameters (only third-party code sends them).
 * GUESS: both bounds are inclusive (Connect does not say; api-notes §2 marks it UNCONFIRMED).
 */
export function parseWindow(query: URLSearchParams): EntryWindow | ParamProblem {
  const limitText = query.get('recordLimit');
  let recordLimit = DEFAULT_RECORD_LIMIT;
  if (limitText !== null) {
    if (!INTEGER.test(limitText)) return { param: 'recordLimit', value: limitText, reason: 'must be an integer' };
    recordLimit = Number(limitText);
    if (recordLimit < 1 || recordLimit > MAX_RECORD_LIMIT) {
      return { param: 'recordLimit', value: limitText, reason: `must be between 1 and ${MAX_RECORD_LIMIT}` };
    }
  }
  const direction = query.get('queryDirection') ?? 'FromEnd';
  if (direction !== 'FromEnd' && direction !== 'FromStart') {
    return { param: 'queryDirection', value: direction, reason: 'must be FromEnd or FromStart' };
  }
  const bounds: number[] = [];
  for (const [name, fallback] of [
    ['startTimestamp', 0],
    ['endTimestamp', Number.MAX_SAFE_INTEGER],
  ] as const) {
    const text = query.get(name);
    if (text === null) {
      bounds.push(fallback);
      continue;
    }
    if (!INTEGER.test(text)) return { param: name, value: text, reason: 'must be an epoch-milliseconds integer' };
    bounds.push(Number(text));
  }
  return { recordLimit, queryDirection: direction, startTimestamp: bounds[0], endTimestamp: bounds[1] };
}

export function isProblem(value: EntryWindow | ParamProblem): value is ParamProblem {
  return 'reason' in value;
}

/**
 * The slice of `entries` (sorted oldest first, ties in seed order) selected by a window.
 * FromStart: oldest first. FromEnd: newest first (as the captured Connect example shows).
 */
export function selectWindow(
  entries: readonly ApiEntry[],
  window: EntryWindow,
  offset = 0
): { page: ApiEntry[]; more: boolean } {
  const inWindow = entries.filter(
    (e) => e.serverReceivedTimestamp >= window.startTimestamp && e.serverReceivedTimestamp <= window.endTimestamp
  );
  const ordered = window.queryDirection === 'FromStart' ? inWindow : inWindow.reverse();
  const page = ordered.slice(offset, offset + window.recordLimit);
  return { page, more: offset + window.recordLimit < ordered.length };
}

/** State carried by a continuation token: conversation, window (without recordLimit) and offset. */
export type PageState = {
  conversationIdentifier: string;
  offset: number;
  queryDirection: QueryDirection;
  startTimestamp: number;
  endTimestamp: number;
};

/**
 * GUESS: the token model (`nextPageToken` in the response, `pageToken` in the request) comes only from
 * third-party code whose author was unsure it exists (api-notes §1.2). The token here is opaque
 * base64url JSON; it pins the conversation and window, while recordLimit may change from page to page.
 */
export function encodePageToken(state: PageState): string {
  const compact = {
    c: state.conversationIdentifier,
    o: state.offset,
    d: state.queryDirection,
    s: state.startTimestamp,
    e: state.endTimestamp,
  };
  return Buffer.from(JSON.stringify(compact), 'utf8').toString('base64url');
}

export function decodePageToken(token: string): PageState | undefined {
  try {
    const raw = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
    const { c, o, d, s, e } = raw;
    if (
      typeof c !== 'string' ||
      typeof o !== 'number' ||
      !Number.isInteger(o) ||
      o < 0 ||
      (d !== 'FromEnd' && d !== 'FromStart') ||
      typeof s !== 'number' ||
      typeof e !== 'number'
    ) {
      return undefined;
    }
    return { conversationIdentifier: c, offset: o, queryDirection: d, startTimestamp: s, endTimestamp: e };
  } catch {
    return undefined;
  }
}

/** HTML-entity escaping as seen in Connect's messageText (`&#39;`, api-notes §2). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function staticText(entry: ApiEntry): string | undefined {
  const message = entry.entryPayload.abstractMessage;
  // Either spelling of the entry type (Message, MESSAGE: seedObjects.ts uses both).
  if (entry.entryType.replace(/_/g, '').toLowerCase() !== 'message' || !message || typeof message !== 'object' || Array.isArray(message)) return;
  if (message.messageType !== 'StaticContentMessage') return;
  const content = message.staticContent;
  if (!content || typeof content !== 'object' || Array.isArray(content)) return;
  return content.formatType === 'Text' && typeof content.text === 'string' ? content.text : undefined;
}

/**
 * Connect's text-only view of an entry (api-notes §2): messageText only for text static-content messages,
 * HTML-entity-escaped; relatedRecords only from API 52.0.
 * GUESS: Connect lists every entry (non-text ones without messageText) rather than dropping them;
 * the help page says "text only" and "No Bot Messages", yet the captured example contains chatbot entries.
 */
export function toConnectEntry(entry: ApiEntry, apiVersion: number): ConnectEntry {
  const text = staticText(entry);
  const out: ConnectEntry = {
    clientDuration: entry.clientDuration,
    clientTimestamp: entry.clientTimestamp,
    identifier: entry.identifier,
    sender: { appType: entry.sender.appType, role: entry.sender.role, subject: entry.sender.subject },
    serverReceivedTimestamp: entry.serverReceivedTimestamp,
  };
  if (text !== undefined) out.messageText = escapeHtml(text);
  if (apiVersion >= 52) out.relatedRecords = [...entry.relatedRecords];
  // Key order as in the captured example: alphabetical.
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b))) as ConnectEntry;
}
