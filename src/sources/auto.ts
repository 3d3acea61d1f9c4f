/*
 * `--api auto` (the default): which source reads a conversation, decided here and nowhere else, for get, export and
 * doctor (which says what it would pick, and why). The decision is local: it needs only what the one lookup query
 * returned (does the session or call have a Conversation?) and what the token is (classified without a request).
 *
 *   - A session or call without a Conversation: its ConversationEntry records (standard Messaging channels, calls
 *     without monitoring).
 *   - One with a Conversation, and a token the Conversation Data API takes (a JWT with sfap_api, or --client-id):
 *     the Conversation Data API.
 *   - One with a Conversation, and a token it can't take (an opaque session id from `sf org login web`, a JWT without
 *     sfap_api): the Connect REST API, text only (the caller warns once).
 *   - Either API answering that the conversation doesn't exist: the record's ConversationEntry records are read
 *     before failing (whether standard channels have Conversation records is not documented, api-notes §8.1).
 *   - An explicit --api forces its source, with no fallback.
 */
import { bundle } from '../messages.js';
import type { ApiChoice, ConversationRef, SourceName } from './source.js';

const messages = bundle('sources.auto');

/** What auto knows about the run's tokens: whether --client-id gives the API its token, and the org's own token. */
export type AutoContext = {
  api: ApiChoice;
  clientCredentials: boolean;
  /** The org's access token, described, and whether the Conversation Data API can take it (classified locally). */
  orgToken: { description: string; ok: boolean };
};

export type DecisionReason = 'forced' | 'noConversation' | 'clientCredentials' | 'sfapToken' | 'tokenNotAccepted';

export type Decision = {
  source: SourceName;
  reason: DecisionReason;
  /** Read the record's ConversationEntry records when the API finds no conversation. */
  fallback?: 'conversation-entry';
};

/** The source for one conversation. */
export function decide(ref: Pick<ConversationRef, 'recordId' | 'conversationIdentifier'>, context: AutoContext): Decision {
  if (context.api !== 'auto') return { source: context.api, reason: 'forced' };
  if (!ref.conversationIdentifier) return { source: 'conversation-entry', reason: 'noConversation' };
  const fallback = ref.recordId ? { fallback: 'conversation-entry' as const } : {};
  if (context.clientCredentials) return { source: 'conversation-data', reason: 'clientCredentials', ...fallback };
  if (context.orgToken.ok) return { source: 'conversation-data', reason: 'sfapToken', ...fallback };
  return { source: 'connect', reason: 'tokenNotAccepted', ...fallback };
}

/** The decision in words: the source and why (doctor prints it; --json carries the source). */
export function explain(decision: Decision, context: AutoContext): string {
  const why = messages.text(`reason.${decision.reason}`, decision.reason === 'forced' ? [decision.source] : decision.reason === 'tokenNotAccepted' ? [context.orgToken.description] : []);
  return decision.fallback ? `${why} ${messages.text('reason.fallback')}` : why;
}
