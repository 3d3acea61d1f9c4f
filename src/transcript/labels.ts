/*
 * One spelling and one readable label for what the sources name in several ways: entry types (ParticipantChanged,
 * PARTICIPANT_CHANGED, participant_changed), sender roles (EndUser, END_USER; the ConversationEntry object's Bot and
 * the API's Chatbot) and app types (chatbot, CHATBOT, telephony_integration). Spellings vary by source and by API
 * (api-notes §8.2), so names are compared folded: case, underscores, dashes and spaces don't count. Who a sender is
 * (customer, agent, bot, system) is decided here too, for every format (html.ts draws by it). The labels themselves
 * are in messages/transcript.labels.md.
 */
import { bundle } from '../messages.js';

const labels = bundle('transcript.labels');
/** The transcript's own words (transcript.md): what an entry without a type, and a sender without a role, are called. */
const transcript = bundle('transcript');

/** A name with case, underscores, dashes and spaces folded away: EndUser, END_USER and end-user are one. */
export const fold = (value: string | undefined): string => (value ?? '').toLowerCase().replace(/[\s_-]/g, '');

/** Entry types with a label, in their canonical spelling (the Messaging Object Model's, PascalCase). */
const ENTRY_TYPES = [
  // Conversation Data API / Connect (Messaging Object Model AbstractEntry types, api-notes §1.3; §8.2).
  'Message',
  'ParticipantChanged',
  'MessageDeliveryFailed',
  'RoutingResult',
  'RoutingWorkResult',
  'Note',
  'FlagRaise',
  'FlagLower',
  'ClientMenu',
  'EndUserConsentUpdated',
  'SessionStatusChanged',
  'ConsultConversationInfo',
  'SessionContext',
  'SessionOwnerChanged',
  'ModalityUpdate',
  'TypingStartedIndicator',
  'TypingStoppedIndicator',
  'DeliveryAcknowledgement',
  'ReadAcknowledgement',
  'ProgressIndicator',
  // The ConversationEntry object's EntryType picklist (api-notes §8.1).
  'Text',
  'AdminOptedIn',
  'AdminOptedOut',
  'BotEscalated',
  'ChatbotClosedIdleSession',
  'ChatbotEndedChatByAction',
  'ChatbotEndedTransferNotConfigured',
  'ChatbotEstablished',
  'ChatbotNotEstablished',
  'EndUserOptedIn',
  'EndUserOptedOut',
] as const;

const KNOWN_TYPES = new Map<string, string>(ENTRY_TYPES.map((t) => [fold(t), t]));

/** Entry types that carry something a participant said; every other type is an event. */
const MESSAGE_TYPES = new Set(['message', 'text']);

/** Roles in their canonical spelling, by folded name: the API's and the ConversationEntry object's (ActorType). */
const ROLES = new Map<string, string>([
  ['enduser', 'EndUser'],
  ['customer', 'EndUser'],
  ['agent', 'Agent'],
  ['chatbot', 'Chatbot'],
  ['bot', 'Chatbot'],
  ['supervisor', 'Supervisor'],
  ['system', 'System'],
  ['router', 'Router'],
]);

/** App types in their canonical spelling (as SOQL spells them: lower case, api-notes §8.2), by folded name. */
const APP_TYPES = new Map<string, string>(
  ['iamessage', 'chatbot', 'telephony_integration', 'conversation', 'agent', 'custom', 'whatsapp', 'sms', 'facebook', 'line', 'apple_messages_for_business'].map(
    (a) => [fold(a), a]
  )
);

/** A plain name (letters, digits, spaces, _ and -), which can be respelled; anything else is kept as it came. */
const NAME = /^[A-Za-z][A-Za-z0-9 _-]*$/;

/** Words of a name however it is spelled: PARTICIPANT_CHANGED, participant-changed, participantChanged, ParticipantChanged. */
function words(value: string): string[] {
  const parts = value.trim().split(/[\s_-]+/).filter(Boolean);
  return parts.flatMap((part) => (part === part.toUpperCase() || part === part.toLowerCase() ? [part] : part.split(/(?<=[a-z0-9])(?=[A-Z])/)));
}

/**
 * An entry type in one spelling: a known type as the Messaging Object Model spells it (PARTICIPANT_CHANGED →
 * ParticipantChanged), any other in PascalCase built from its words (VOICE_CALL_ENDED → VoiceCallEnded); undefined
 * for none.
 */
export function canonicalEntryType(value: string | undefined): string | undefined {
  if (!value?.trim()) return undefined;
  const known = KNOWN_TYPES.get(fold(value));
  if (known) return known;
  return NAME.test(value.trim()) ? words(value).map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('') : value.trim();
}

/** A readable label for an entry type: a known type's from the messages, any other's from its words (Voice call ended). */
export function entryTypeLabel(value: string | undefined): string | undefined {
  const type = canonicalEntryType(value);
  if (type === undefined) return undefined;
  const key = `entryType.${type}`;
  if (labels.has(key)) return labels.text(key);
  if (!NAME.test((value as string).trim())) return type;
  const all = words(value as string).map((w) => w.toLowerCase());
  return all.length ? `${all[0].charAt(0).toUpperCase()}${all[0].slice(1)} ${all.slice(1).join(' ')}`.trim() : type;
}

/** Whether an entry of this type is something a participant said (a message), rather than an event. */
export const isMessageType = (value: string | undefined): boolean => MESSAGE_TYPES.has(fold(value));

/** How an event's text starts, before its summary: `[Participant changed]`. */
export const eventPrefix = (type: string | undefined): string => `[${entryTypeLabel(type) ?? transcript.text('part.nonText')}]`;

/** A role in one spelling (END_USER → EndUser, Bot → Chatbot); an unknown role as given; undefined for none. */
export function canonicalRole(value: string | undefined): string | undefined {
  if (!value?.trim()) return undefined;
  return ROLES.get(fold(value)) ?? value.trim();
}

/** An app type in one spelling (CHATBOT → chatbot, TELEPHONY_INTEGRATION → telephony_integration); undefined for none. */
export function canonicalAppType(value: string | undefined): string | undefined {
  if (!value?.trim()) return undefined;
  return APP_TYPES.get(fold(value)) ?? value.trim();
}

const labelOf = (prefix: string, canonical: string | undefined): string | undefined => {
  if (canonical === undefined) return undefined;
  const key = `${prefix}.${canonical}`;
  return labels.has(key) ? labels.text(key) : canonical;
};

export const roleLabel = (value: string | undefined): string | undefined => labelOf('role', canonicalRole(value));
export const appTypeLabel = (value: string | undefined): string | undefined => labelOf('appType', canonicalAppType(value));

/**
 * "Customer (In-App and Web)", "Agent (Ann Smith)", "Bot", "Unknown": the role's label and, in brackets, the sender's
 * name or else its app type's label, left out when it only repeats the role.
 */
export function senderLabel(e: { senderRole?: string; senderAppType?: string; senderName?: string }): string {
  const role = roleLabel(e.senderRole) ?? transcript.text('sender.unknown');
  const detail = e.senderName ?? appTypeLabel(e.senderAppType);
  return detail && fold(detail) !== fold(role) ? `${role} (${detail})` : role;
}

export type Participant = 'customer' | 'agent' | 'bot' | 'system' | 'unknown';

const CUSTOMER_ROLES = new Set(['enduser', 'customer', 'visitor', 'guest', 'contact']);
const AGENT_ROLES = new Set(['agent', 'supervisor', 'humanagent', 'representative']);
const BOT_ROLES = new Set(['chatbot', 'bot', 'einsteinbot', 'virtualagent', 'aiagent', 'agentforce']);
const SYSTEM_ROLES = new Set(['system', 'router', 'routing', 'platform']);
// Used only when the role is missing or unknown. GUESS: the customer's app types are messaging channels.
const CUSTOMER_APPS = new Set(['iamessage', 'whatsapp', 'sms', 'text', 'facebook', 'messenger', 'line', 'applemessagesforbusiness', 'abc']);
const SYSTEM_APPS = new Set(['conversation', 'system', 'router', 'routing']);

/** Who sent it, from its role (either source's spelling), else its app type: customer, agent, bot, system or unknown. */
export function participantOf(e: { senderRole?: string; senderAppType?: string }): Participant {
  const role = fold(e.senderRole);
  const app = fold(e.senderAppType);
  if (CUSTOMER_ROLES.has(role)) return 'customer';
  if (SYSTEM_ROLES.has(role)) return 'system';
  if (BOT_ROLES.has(role)) return 'bot';
  // An agent-role sender from a bot app (an Agentforce agent) is a bot.
  if (AGENT_ROLES.has(role)) return BOT_ROLES.has(app) ? 'bot' : 'agent';
  if (BOT_ROLES.has(app)) return 'bot';
  if (AGENT_ROLES.has(app)) return 'agent';
  if (CUSTOMER_APPS.has(app)) return 'customer';
  if (SYSTEM_APPS.has(app)) return 'system';
  return 'unknown';
}

/** A label of this file by key (the CE shape's placeholders). */
export const labelText = (key: string, tokens: Array<string | number> = []): string => labels.text(key, tokens);
