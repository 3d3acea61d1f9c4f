/*
 * The two entries resources:
 *  - GET /platform/engagement/v1.0/conversation-entries?conversationIdentifier=... (Conversation Data API, §1)
 *  - GET /services/data/vXX.X/connect/conversation/<id>/entries (Connect fallback, text only, §2)
 */
import type { AuthState } from './auth.js';
import type { EntryWindow } from './entries.js';
import { decodePageToken, encodePageToken, isProblem, parseWindow, selectWindow, toConnectEntry } from './entries.js';
import type { Reply } from './http.js';
import { json, NOT_FOUND, sfErrors } from './http.js';
import { findConversation } from './seed.js';

export type PagingModel = 'window' | 'token';

// GUESS: the Conversation Data API's error bodies are undocumented (troubleshoot page unreadable, api-notes §1.3);
// this emulator answers with one {errorCode, message} object (not the core REST array).
function apiError(status: number, errorCode: string, message: string, headers: Record<string, string> = {}): Reply {
  return json(status, { errorCode, message }, headers);
}

/** GET /platform/engagement/v1.0/conversation-entries */
export function engagementEntries(query: URLSearchParams, auth: AuthState, paging: PagingModel): Reply {
  // GUESS: the real API wants a JWT access token with the sfap_api scope (api-notes §3); the emulator accepts the
  // org's own (opaque) access tokens so the plugin's keychain-token path can be exercised end to end.
  if (auth !== 'valid') {
    // GUESS: 401 with this body for a missing, invalid or revoked token (api-notes §1.3 expects 401 or 404).
    return apiError(
      401,
      'INVALID_AUTH',
      auth === 'none' ? 'Authorization header with a Bearer token is required.' : 'The access token is invalid or has expired.',
      { 'www-authenticate': 'Bearer error="invalid_token"' }
    );
  }
  const conversationIdentifier = query.get('conversationIdentifier');
  if (!conversationIdentifier) {
    return apiError(400, 'MISSING_ARGUMENT', 'The conversationIdentifier query parameter is required.');
  }
  const parsed = parseWindow(query);
  if (isProblem(parsed)) {
    return apiError(400, 'INVALID_ARGUMENT', `Invalid value '${parsed.value}' for ${parsed.param}: ${parsed.reason}.`);
  }
  const entries = findConversation(conversationIdentifier);
  if (!entries) {
    return apiError(404, 'NOT_FOUND', `No conversation found with conversationIdentifier ${conversationIdentifier}.`);
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
export function connectEntries(conversationIdentifier: string, query: URLSearchParams, apiVersion: number): Reply {
  if (apiVersion < 51) return NOT_FOUND(); // the resource exists from API 51.0
  const parsed = parseWindow(query);
  if (isProblem(parsed)) {
    // GUESS: Connect's usual bad-parameter answer.
    return sfErrors(400, 'INVALID_API_INPUT', `Invalid value for ${parsed.param}: ${parsed.value} (${parsed.reason})`);
  }
  const entries = findConversation(conversationIdentifier);
  // GUESS: 404 NOT_FOUND for an unknown conversation (Connect could also answer with an empty list).
  if (!entries) return NOT_FOUND();
  return json(200, { conversationEntries: selectWindow(entries, parsed).page.map((e) => toConnectEntry(e, apiVersion)) });
}
