/*
 * The two entries resources:
 *  - GET /platform/engagement/v1.0/conversation-entries?conversationIdentifier=... (Conversation Data API, §1)
 *  - GET /services/data/vXX.X/connect/conversation/<id>/entries (Connect fallback, text only, §2)
 */
import type { BearerCheck } from './auth.js';
import { SFAP_SCOPE } from './auth.js';
import type { ApiEntry, EntryWindow } from './entries.js';
import { decodePageToken, encodePageToken, isProblem, parseWindow, selectWindow, toConnectEntry } from './entries.js';
import type { Reply } from './http.js';
import { json, NOT_FOUND, sfErrors } from './http.js';
import { findConversation } from './seed.js';
import { findObjectConversation } from './seedObjects.js';

/** A test's own conversations (EmulatorOptions.extraConversations), by ConversationIdentifier. */
export type ExtraConversations = Readonly<Record<string, readonly ApiEntry[]>>;

/** The stored entries of a conversation of either seed, or of the extras, oldest first. */
const entriesOf = (conversationIdentifier: string, extra: ExtraConversations = {}): readonly ApiEntry[] | undefined =>
  findConversation(conversationIdentifier) ??
  findObjectConversation(conversationIdentifier) ??
  (Object.prototype.hasOwnProperty.call(extra, conversationIdentifier) ? extra[conversationIdentifier] : undefined);

export type PagingModel = 'window' | 'token';

/**
 * Which tokens the Conversation Data API takes. 'sfap-jwt' (the default, as documented, api-notes §3): only a valid,
 * unexpired JWT-based access token with the sfap_api scope. 'any': every token the org itself accepts.
 */
export type TokenPolicy = 'sfap-jwt' | 'any';

// GUESS: the Conversation Data API's error bodies are undocumented (troubleshoot page unreadable, api-notes §1.3);
// this emulator answers with one {errorCode, message} object (not the core REST array).
function apiError(status: number, errorCode: string, message: string, headers: Record<string, string> = {}): Reply {
  return json(status, { errorCode, message }, headers);
}

/** Why the entries API refuses this request's token, or undefined when it takes it. */
function refuseToken(bearer: BearerCheck, policy: TokenPolicy): Reply | undefined {
  const unauthorised = (message: string): Reply =>
    apiError(401, 'INVALID_AUTH', message, { 'www-authenticate': 'Bearer error="invalid_token"' });
  // GUESS: 401 with these bodies for a missing, unknown, revoked or expired token (api-notes §1.3 expects 401 or 404).
  // An unknown token gets 401 whatever its shape (even `00D…!…`): the emulator keeps its earlier answer here.
  if (bearer.state === 'none') return unauthorised('Authorization header with a Bearer token is required.');
  if (bearer.state === 'invalid') {
    return unauthorised(bearer.expired ? 'The access token has expired.' : 'The access token is invalid or has expired.');
  }
  if (policy === 'any' || !bearer.token) return undefined;
  if (bearer.token.format === 'opaque') {
    // GUESS: a valid opaque session id is not routable on api.salesforce.com; Salesforce notes that an unsigned
    // session token gets 404 on the Models API (api-notes §3). The body is the generic one; the unknown-conversation
    // 404 below has a different errorCode, so a client can tell the two apart by the body only.
    return apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  }
  if (!bearer.token.scopes.includes(SFAP_SCOPE)) {
    // GUESS: status, errorCode and message for a JWT without the sfap_api scope.
    return apiError(401, 'INVALID_AUTH', `The access token is missing scope ${SFAP_SCOPE}.`, {
      'www-authenticate': `Bearer error="insufficient_scope", scope="${SFAP_SCOPE}"`,
    });
  }
  return undefined;
}

/** GET /platform/engagement/v1.0/conversation-entries */
export function engagementEntries(query: URLSearchParams, bearer: BearerCheck, paging: PagingModel, policy: TokenPolicy, extra?: ExtraConversations): Reply {
  const refused = refuseToken(bearer, policy);
  if (refused) return refused;
  const conversationIdentifier = query.get('conversationIdentifier');
  if (!conversationIdentifier) {
    return apiError(400, 'MISSING_ARGUMENT', 'The conversationIdentifier query parameter is required.');
  }
  const parsed = parseWindow(query);
  if (isProblem(parsed)) {
    return apiError(400, 'INVALID_ARGUMENT', `Invalid value '${parsed.value}' for ${parsed.param}: ${parsed.reason}.`);
  }
  const entries = entriesOf(conversationIdentifier, extra);
  if (!entries) {
    // GUESS: errorCode and message. Deliberately not the opaque-token 404's body (see refuseToken).
    return apiError(404, 'CONVERSATION_NOT_FOUND', `No conversation found with conversationIdentifier ${conversationIdentifier}.`);
  }
  if (paging === 'window') {
    // GUESS (the default model): Connect-style windows, no continuation token; a pageToken is ignored.
    return json(200, { conversationEntries: selectWindow(entries, parsed).page });
  }
  let window: EntryWindow = parsed;
  let offset = 0;
  const pageToken = query.get('pageToken');
  if (pageToken) {
    const state = decodePageToken(pageToken);
    if (!state || state.conversationIdentifier !== conversationIdentifier) {
      return apiError(400, 'INVALID_ARGUMENT', 'The pageToken is invalid or does not belong to this conversation.');
    }
    window = { ...parsed, queryDirection: state.queryDirection, startTimestamp: state.startTimestamp, endTimestamp: state.endTimestamp };
    offset = state.offset;
  }
  const { page, more } = selectWindow(entries, window, offset);
  const body: Record<string, unknown> = { conversationEntries: page };
  if (more) {
    body.nextPageToken = encodePageToken({
      conversationIdentifier,
      offset: offset + page.length,
      queryDirection: window.queryDirection,
      startTimestamp: window.startTimestamp,
      endTimestamp: window.endTimestamp,
    });
  }
  return json(200, body);
}

/** GET /services/data/vXX.X/connect/conversation/<id>/entries (the caller has already checked the session). */
export function connectEntries(conversationIdentifier: string, query: URLSearchParams, apiVersion: number, extra?: ExtraConversations, notFound: '404' | '400' = '404'): Reply {
  if (apiVersion < 51) return NOT_FOUND(); // the resource exists from API 51.0
  const parsed = parseWindow(query);
  if (isProblem(parsed)) {
    // GUESS: Connect's usual bad-parameter answer.
    return sfErrors(400, 'INVALID_API_INPUT', `Invalid value for ${parsed.param}: ${parsed.value} (${parsed.reason})`);
  }
  const entries = entriesOf(conversationIdentifier, extra);
  // GUESS: 404 NOT_FOUND for an unknown conversation (Connect could also answer with an empty list), or, with the
  // connectNotFound knob, 400 RECORD_NOT_FOUND (see EmulatorOptions.connectNotFound).
  if (!entries) return notFound === '400' ? sfErrors(400, 'RECORD_NOT_FOUND', `Conversation ${conversationIdentifier} was not found.`) : NOT_FOUND();
  return json(200, { conversationEntries: selectWindow(entries, parsed).page.map((e) => toConnectEntry(e, apiVersion)) });
}
