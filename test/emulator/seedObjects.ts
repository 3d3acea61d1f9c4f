/*
 * The emulated org's other conversations: standard-channel and enhanced MessagingSessions, VoiceCalls, Cases and
 * ConversationEntry records (api-notes §4, §8). Served only with EmulatorOptions.seedObjects: true (the default seed's
 * session counts and channel filters stay as they were); the entries of the conversations below are served by the
 * entries resources whatever the option (nobody else knows their identifiers). Deterministic, so tests can assert
 * exact values: every id, count and expected transcript is exported.
 *
 * Time line (all on 2025-02-03, UTC; OBJECTS_BASE is 09:00:00):
 *   MessagingSession (ChannelType, Status, Conversation, Case, ConversationEntry records)
 *     sms           09:00  Text       Ended   none                  full     9 (Seq 1-7, 9, 10: Seq 8 was deleted)
 *     whatsapp      10:00  WhatsApp   Ended   none                  mixed    6 (hostile customer text; one Error status)
 *     facebook      11:00  Facebook   Ended   none                  mixed    5
 *     enhancedBlank 12:00  EmbeddedMessaging Ended  API entries     mixed    4, every Message blank (null)
 *     enhancedNone  13:00  EmbeddedMessaging Ended  API entries     full     none
 *     huge          14:00  Text       Ended   none                  none     HUGE_ENTRY_COUNT (2,345: SOQL pages at 2,000)
 *     active        14:01  Text       Active  none                  none     1 (only the first message exists yet)
 *   VoiceCall (ConversationId, RelatedRecordId, transcript)
 *     monitored     15:00-15:05  a Conversation (API entries)       full     the Conversation Data API / Connect
 *     unmonitored   16:00-16:04  null (call monitoring off)          mixed    5 ConversationEntry records (ConversationId = the call)
 *     inProgress    17:00-       a Conversation with no entries yet  mixed    none yet (entries come after the call ends)
 *     bare          18:00-18:00  null                                 callOnly none at all (an abandoned call)
 *   Case (CaseNumber): full 00012345 (2 sessions + 1 call), mixed 00012346 (3 sessions + 2 calls; a hostile
 *     Subject), callOnly 00012347 (1 call), empty 00012348 (nothing).
 *
 * API entries (entries.ts shape) use both spellings Salesforce is seen to use (api-notes §8.2):
 *   enhancedBlank  PascalCase: Message, ParticipantChanged, RoutingResult, SessionStatusChanged; roles EndUser /
 *                  Chatbot / Agent / System, app types iamessage / chatbot / agent / conversation.
 *   enhancedNone   UPPER_SNAKE and mixed: MESSAGE, PARTICIPANT_CHANGED, ParticipantChanged, ROUTING_RESULT,
 *                  ModalityUpdate (Messaging → Voice), SESSION_STATUS_CHANGED; roles END_USER / CHATBOT / Agent /
 *                  SYSTEM, app types IAMESSAGE / CHATBOT / telephony_integration / CONVERSATION.
 *   voiceMonitored MESSAGE and Message, PARTICIPANT_CHANGED, ROUTING_WORK_RESULT; roles END_USER / AGENT / SYSTEM,
 *                  app types TELEPHONY_INTEGRATION / telephony_integration / CONVERSATION.
 * The knobs that refuse these objects (no ConversationEntry access, no Voice, no VoiceCall.ConversationId) and the
 * escaped-Message option are in objects.ts and server.ts.
 *
 * EXPECTED_TRANSCRIPTS holds, per conversation, what a reader should see, oldest first: from the ConversationEntry
 * records (ORDER BY Seq) where they carry the text (standard channels, the unmonitored call), from the API entries
 * elsewhere (enhanced sessions, the monitored call); the bare call has no transcript anywhere.
 */
import { to18 } from './ids.js';
import type { ApiEntry, Json, Participant } from './entries.js';
import { escapeHtml } from './entries.js';
import { base62, stableUuid } from './prng.js';
import type { SessionRecord } from './seed.js';

/** 2025-02-03T09:00:00Z. */
export const OBJECTS_BASE = Date.UTC(2025, 1, 3, 9, 0, 0);
const HOUR = 3_600_000;

/** Salesforce REST dateTime format, e.g. 2025-02-03T09:00:00.000+0000. */
export function sfDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

// ---- ids ----

export const OBJECT_SESSIONS = {
  /** Standard SMS (ChannelType Text); entries only in ConversationEntry. */
  sms: to18('0Mw5g00003StSms'),
  /** Standard WhatsApp; hostile customer text. */
  whatsapp: to18('0Mw5g00003StWap'),
  /** Standard Facebook Messenger. */
  facebook: to18('0Mw5g00003StFbk'),
  /** Standard SMS still Active: only its first ConversationEntry exists. */
  active: to18('0Mw5g00003StAct'),
  /** Standard SMS with HUGE_ENTRY_COUNT ConversationEntry records. */
  huge: to18('0Mw5g00003StBig'),
  /** Enhanced (EmbeddedMessaging): API entries, and ConversationEntry records whose Message is blank. */
  enhancedBlank: to18('0Mw5g00003EnBlk'),
  /** Enhanced: API entries, no ConversationEntry record at all. */
  enhancedNone: to18('0Mw5g00003EnNon'),
} as const;

export const VOICE_CALLS = {
  /** Call monitoring on: ConversationId → a Conversation with API entries. */
  monitored: to18('0LQ5g00000VcMon'),
  /** Call monitoring off: ConversationId null, the transcript in ConversationEntry records. */
  unmonitored: to18('0LQ5g00000VcOff'),
  /** Still going: a Conversation whose entries are not there yet (the API answers an empty list). */
  inProgress: to18('0LQ5g00000VcNow'),
  /** Neither a Conversation nor ConversationEntry records. */
  bare: to18('0LQ5g00000VcNil'),
  /** Well-formed (right checksum) but not in the org. */
  unknown: to18('0LQ5g00000ZzYxW'),
} as const;

export const CASES = {
  /** Two sessions (sms, enhancedNone) and one call (monitored). */
  full: to18('5005g00000CsFul'),
  /** Three sessions (whatsapp, facebook, enhancedBlank) and two calls (unmonitored, inProgress); a hostile Subject. */
  mixed: to18('5005g00000CsMix'),
  /** One call (bare), no session. */
  callOnly: to18('5005g00000CsCal'),
  /** Nothing linked. */
  empty: to18('5005g00000CsNon'),
  /** Well-formed but not in the org. */
  unknown: to18('5005g00000ZzYxW'),
} as const;

export const CASE_NUMBERS = {
  full: '00012345',
  mixed: '00012346',
  callOnly: '00012347',
  empty: '00012348',
  /** No case has it. */
  unknown: '00099999',
} as const;

type CaseKey = Exclude<keyof typeof CASES, 'unknown'>;

/** What each case holds (MessagingSession.CaseId, VoiceCall.RelatedRecordId), in StartTime order. */
export const CASE_LINKS: Readonly<Record<CaseKey, { sessions: readonly string[]; calls: readonly string[] }>> = {
  full: { sessions: [OBJECT_SESSIONS.sms, OBJECT_SESSIONS.enhancedNone], calls: [VOICE_CALLS.monitored] },
  mixed: {
    sessions: [OBJECT_SESSIONS.whatsapp, OBJECT_SESSIONS.facebook, OBJECT_SESSIONS.enhancedBlank],
    calls: [VOICE_CALLS.unmonitored, VOICE_CALLS.inProgress],
  },
  callOnly: { sessions: [], calls: [VOICE_CALLS.bare] },
  empty: { sessions: [], calls: [] },
};

/** The ConversationIdentifiers of the conversations with API entries. */
export const OBJECT_CONVERSATIONS = {
  enhancedBlank: '2a7c4e91-5b3d-4f60-8c1e-7d9b0a2f4e51',
  enhancedNone: '8e1f3a5c-7b9d-4e2f-a4c6-0b2d4f6a8c13',
  voiceMonitored: 'c4d6e8f0-1a3b-4c5d-9e7f-2b4d6f8a0c25',
  /** Has no entries yet. */
  voiceInProgress: 'e0f2a4b6-c8d0-4e1f-8a3b-5c7d9e1f3a47',
} as const;

/** Conversation record ids (GUESS: the '0dw' key prefix, as in seed.ts). */
const CONVERSATION_RECORDS = {
  enhancedBlank: to18('0dw5g00003EnBlk'),
  enhancedNone: to18('0dw5g00003EnNon'),
  voiceMonitored: to18('0dw5g00003VcMon'),
  voiceInProgress: to18('0dw5g00003VcNow'),
} as const;

export const HUGE_ENTRY_COUNT = 2345;

// ---- actors of ConversationEntry records ----

export type ActorType = 'Agent' | 'Bot' | 'EndUser' | 'Supervisor' | 'System';
type Actor = { type: ActorType; name: string | null; id: string | null };

// GUESS: '0PA' as MessagingEndUser's key prefix; ActorId of a bot is its BotDefinition ('0Xx'), of people their User.
const SMS_USER: Actor = { type: 'EndUser', name: '+1 415-555-0134', id: to18('0PA5g00000MeU01') };
const WHATSAPP_USER: Actor = { type: 'EndUser', name: 'María José', id: to18('0PA5g00000MeU02') };
const FACEBOOK_USER: Actor = { type: 'EndUser', name: 'Jamie Doe', id: to18('0PA5g00000MeU03') };
const WEB_GUEST: Actor = { type: 'EndUser', name: 'Guest', id: to18('0PA5g00000MeU04') };
const CALLER_ACTOR: Actor = { type: 'EndUser', name: '+44 20 7946 0321', id: to18('0PA5g00000MeU05') };
const BOT_ACTOR: Actor = { type: 'Bot', name: 'Order Helper', id: to18('0Xx5g000000xpJh') };
const AGENT_ACTOR: Actor = { type: 'Agent', name: 'Alex Agent', id: to18('0055g00000AgEnT') };
const SUPERVISOR_ACTOR: Actor = { type: 'Supervisor', name: 'Sam Supervisor', id: to18('0055g00000SuPvR') };
// GUESS: automated messages carry ActorType System with no ActorId or ActorName.
const SYSTEM_ACTOR: Actor = { type: 'System', name: null, id: null };

// ---- ConversationEntry records ----

/** One ConversationEntry record. Times are epoch ms; soql tables render them as dateTime text. */
export type ConversationEntryRecord = {
  id18: string;
  /** The MessagingSession or VoiceCall (18 chars). */
  conversationId: string;
  seq: number;
  /** ServerReceivedTimestamp; EntryTime is this truncated to the second, EntryTimeMilliSecs its last 3 digits. */
  serverMs: number;
  clientMs: number | null;
  actorType: ActorType;
  actorName: string | null;
  actorId: string | null;
  entryType: string;
  /** As typed (raw); null for events, attachment-only messages and every enhanced-channel record. */
  message: string | null;
  messageStatus: string | null;
  messageStatusCode: string | null;
  messageIdentifier: string | null;
  hasAttachments: boolean;
  /** ms; set for voice utterances. */
  clientDuration: number | null;
  /** CreatedDate: the first entry of a session when it is sent, the others when the session ends (api-notes §8.1). */
  createdMs: number;
};

type EntrySpec = {
  seq: number;
  /** ms after the conversation starts: the ServerReceivedTimestamp. */
  at: number;
  actor: Actor;
  entryType?: string;
  text?: string | null;
  status?: 'Delivered' | 'Error' | 'Pending' | 'Read' | 'Sent' | null;
  statusCode?: string;
  attachments?: boolean;
  /** ClientTimestamp is this many ms before the server's; default 40. */
  clientLagMs?: number;
  durationMs?: number;
};

type Owner = { key: string; id: string; start: number; end: number | null };

/**
 * GUESS: Message is the raw text as typed, not HTML-entity-escaped: standard REST returns field values as stored,
 * while Connect escapes its output (EmulatorOptions.conversationEntryMessages: 'escaped' serves it escaped).
 * GUESS: events (opt-in, escalation…) have a null Message, MessageIdentifier and ClientDuration; inbound messages a
 * null MessageStatus; a message's ClientDuration is 0 ("may be 0 if not set by the client") unless it is a voice
 * utterance.
 */
function entryRecords(owner: Owner, specs: readonly EntrySpec[]): Array<Omit<ConversationEntryRecord, 'id18'>> {
  const last = Math.max(...specs.map((spec) => spec.at));
  // A session ends (and its other records are created) 30 s after its last entry, a call when it ends.
  const endMs = owner.end ?? owner.start + last + 30_000;
  const first = Math.min(...specs.map((spec) => spec.seq));
  return specs.map((spec) => {
    const serverMs = owner.start + spec.at;
    const entryType = spec.entryType ?? 'Text';
    const isMessage = entryType === 'Text';
    return {
      conversationId: owner.id,
      seq: spec.seq,
      serverMs,
      clientMs: serverMs - (spec.clientLagMs ?? 40),
      actorType: spec.actor.type,
      actorName: spec.actor.name,
      actorId: spec.actor.id,
      entryType,
      message: spec.text ?? null,
      messageStatus: spec.status ?? null,
      messageStatusCode: spec.statusCode ?? null,
      messageIdentifier: isMessage ? stableUuid(`entry/${owner.key}/${spec.seq}`) : null,
      hasAttachments: spec.attachments ?? false,
      clientDuration: spec.durationMs ?? (isMessage ? 0 : null),
      createdMs: spec.seq === first ? serverMs : endMs,
    };
  });
}

const sec = (seconds: number): number => Math.round(seconds * 1000);

const START = {
  sms: OBJECTS_BASE,
  whatsapp: OBJECTS_BASE + HOUR,
  facebook: OBJECTS_BASE + 2 * HOUR,
  enhancedBlank: OBJECTS_BASE + 3 * HOUR,
  enhancedNone: OBJECTS_BASE + 4 * HOUR,
  huge: OBJECTS_BASE + 5 * HOUR,
  active: OBJECTS_BASE + 5 * HOUR + 60_000,
  monitored: OBJECTS_BASE + 6 * HOUR,
  unmonitored: OBJECTS_BASE + 7 * HOUR,
  inProgress: OBJECTS_BASE + 8 * HOUR,
  bare: OBJECTS_BASE + 9 * HOUR,
} as const;

const SMS_SPECS: EntrySpec[] = [
  { seq: 1, at: sec(0.12), actor: SMS_USER, entryType: 'EndUserOptedIn' },
  { seq: 2, at: sec(0.48), actor: SMS_USER, text: 'Hi, is my order 4471 shipped yet?' },
  { seq: 3, at: sec(2.031), actor: BOT_ACTOR, text: "I'm checking order 4471 & will reply shortly.", status: 'Delivered' },
  { seq: 4, at: sec(2.99), actor: BOT_ACTOR, entryType: 'BotEscalated' },
  // A photo with no text; the phone's clock is 3.5 s behind, so its ClientTimestamp is before entry 4's.
  { seq: 5, at: sec(3.5), actor: SMS_USER, text: null, attachments: true, clientLagMs: 3500 },
  { seq: 6, at: sec(15.004), actor: AGENT_ACTOR, text: 'Thanks, I can see the label <photo>. It ships "today".', status: 'Read' },
  { seq: 7, at: sec(21.25), actor: SUPERVISOR_ACTOR, text: 'Supervisor here: a refund is approved if it is late.', status: 'Sent' },
  // Seq 8 was deleted (GUESS: Seq keeps its gaps; a reader must not expect 1..n).
  { seq: 9, at: sec(30.001), actor: SMS_USER, text: 'Great, thanks!\nBye' },
  { seq: 10, at: sec(31.777), actor: SYSTEM_ACTOR, text: 'This conversation has ended. Reply START to talk to us again.', status: 'Delivered' },
];

const WHATSAPP_SPECS: EntrySpec[] = [
  { seq: 1, at: sec(0.01), actor: WHATSAPP_USER, text: '¡Hola! Quiero cambiar mi dirección 🏠' },
  { seq: 2, at: sec(1.5), actor: AGENT_ACTOR, text: 'Claro — ¿cuál es la nueva dirección?', status: 'Read' },
  {
    seq: 3,
    at: sec(40.2),
    actor: WHATSAPP_USER,
    // Customer text is hostile input: a spreadsheet formula, terminal escapes, a bidi override, markup.
    text: '=HYPERLINK("https://evil.example","click") \u001b[31mred\u001b[0m \u202Eevil <script>alert(1)</script>',
  },
  { seq: 4, at: sec(41), actor: AGENT_ACTOR, text: 'Your new address is saved.', status: 'Error', statusCode: '63016' },
  { seq: 5, at: sec(42.5), actor: AGENT_ACTOR, text: 'Your new address is saved.', status: 'Delivered' },
  { seq: 6, at: sec(60), actor: WHATSAPP_USER, entryType: 'EndUserOptedOut' },
];

const FACEBOOK_SPECS: EntrySpec[] = [
  { seq: 1, at: sec(0.3), actor: FACEBOOK_USER, text: 'Hi from Messenger' },
  { seq: 2, at: sec(0.9), actor: BOT_ACTOR, entryType: 'ChatbotEstablished' },
  { seq: 3, at: sec(1.2), actor: BOT_ACTOR, text: 'Hello Jamie! How can I help?', status: 'Delivered' },
  { seq: 4, at: sec(9.75), actor: FACEBOOK_USER, text: 'Are you open <b>today</b>?' },
  { seq: 5, at: sec(10.5), actor: BOT_ACTOR, text: "We're open 9–17 today.", status: 'Read' },
];

const ACTIVE_SPECS: EntrySpec[] = [{ seq: 1, at: sec(0.2), actor: SMS_USER, text: 'Hello? Anyone there?' }];

/** Three entries a second (EntryTime ties; EntryTimeMilliSecs and Seq tell them apart). */
function hugeSpecs(): EntrySpec[] {
  return Array.from({ length: HUGE_ENTRY_COUNT }, (_, i) => ({
    seq: i + 1,
    at: Math.floor(i / 3) * 1000 + (i % 3) * 250 + 7,
    actor: i % 2 === 0 ? SMS_USER : AGENT_ACTOR,
    text: `Huge conversation message ${i + 1} of ${HUGE_ENTRY_COUNT}`,
    status: i % 2 === 0 ? null : 'Delivered',
  }));
}

/**
 * GUESS: a call without monitoring keeps its transcript in ConversationEntry records with their Message text (the
 * object reference says Service Cloud Voice records have a blank Message or none; a partner telephony integration
 * may still write them). One record per utterance, with its ClientDuration.
 */
const UNMONITORED_SPECS: EntrySpec[] = [
  { seq: 1, at: sec(4.2), actor: CALLER_ACTOR, text: 'Hello, I was charged twice.', durationMs: 2400 },
  { seq: 2, at: sec(7.9), actor: AGENT_ACTOR, text: "I'm sorry — let me check that for you.", durationMs: 3100 },
  { seq: 3, at: sec(15.35), actor: CALLER_ACTOR, text: "It's the £4.99 charge on the 3rd.", durationMs: 2800 },
  { seq: 4, at: sec(60.5), actor: AGENT_ACTOR, text: 'Refunded. Anything else?', durationMs: 1900 },
  { seq: 5, at: sec(64), actor: CALLER_ACTOR, text: 'No, thanks. Bye!', durationMs: 1200 },
];

/** Blank-Message records for enhancedBlank's four API messages (same times and speakers). */
const ENHANCED_BLANK_SPECS: EntrySpec[] = [
  { seq: 1, at: sec(1.1), actor: WEB_GUEST, text: null },
  { seq: 2, at: sec(2.4), actor: BOT_ACTOR, text: null, status: 'Delivered' },
  { seq: 3, at: sec(20.3), actor: AGENT_ACTOR, text: null, status: 'Read' },
  { seq: 4, at: sec(31.6), actor: WEB_GUEST, text: null },
];

const ENTRY_SOURCES: ReadonlyArray<{ owner: Owner; specs: readonly EntrySpec[] }> = [
  { owner: { key: 'sms', id: OBJECT_SESSIONS.sms, start: START.sms, end: null }, specs: SMS_SPECS },
  { owner: { key: 'whatsapp', id: OBJECT_SESSIONS.whatsapp, start: START.whatsapp, end: null }, specs: WHATSAPP_SPECS },
  { owner: { key: 'facebook', id: OBJECT_SESSIONS.facebook, start: START.facebook, end: null }, specs: FACEBOOK_SPECS },
  { owner: { key: 'enhancedBlank', id: OBJECT_SESSIONS.enhancedBlank, start: START.enhancedBlank, end: null }, specs: ENHANCED_BLANK_SPECS },
  { owner: { key: 'huge', id: OBJECT_SESSIONS.huge, start: START.huge, end: null }, specs: hugeSpecs() },
  { owner: { key: 'active', id: OBJECT_SESSIONS.active, start: START.active, end: null }, specs: ACTIVE_SPECS },
  { owner: { key: 'voiceUnmonitored', id: VOICE_CALLS.unmonitored, start: START.unmonitored, end: START.unmonitored + 240_000 }, specs: UNMONITORED_SPECS },
];

/**
 * Every ConversationEntry record, in Id (creation) order: a session's first entry is created when it is sent, the
 * rest when the session ends, so the huge session's first entry comes before the active session's, and the rest of
 * it after. GUESS: a query without ORDER BY returns records in this order.
 */
export const CONVERSATION_ENTRY_RECORDS: readonly ConversationEntryRecord[] = ENTRY_SOURCES.flatMap(({ owner, specs }) =>
  entryRecords(owner, specs)
)
  .map((record, index) => ({ record, index }))
  .sort((a, b) => a.record.createdMs - b.record.createdMs || a.index - b.index)
  .map(({ record }, n) => ({ id18: to18(`0XY5g0000${base62(n + 1, 6)}`), ...record }));

/** ConversationEntry record counts per session or call (keys as in EXPECTED_TRANSCRIPTS; none: 0). */
export const CONVERSATION_ENTRY_COUNTS = {
  sms: SMS_SPECS.length,
  whatsapp: WHATSAPP_SPECS.length,
  facebook: FACEBOOK_SPECS.length,
  active: ACTIVE_SPECS.length,
  huge: HUGE_ENTRY_COUNT,
  enhancedBlank: ENHANCED_BLANK_SPECS.length,
  enhancedNone: 0,
  voiceMonitored: 0,
  voiceUnmonitored: UNMONITORED_SPECS.length,
  voiceInProgress: 0,
  voiceBare: 0,
} as const;

// ---- API entries (the Conversation Data API and Connect) ----

// GUESS: appType / role / subject values, modelled on the captured Connect example and the Voice guide's mapping.
const WEB_USER: Participant = { appType: 'iamessage', role: 'EndUser', subject: 'v2/iamessage/UNAUTH/NA/uid:5d0c9a2e-4b1f-4e7a-9c3d-8f2b6a1e0d74' };
const WEB_BOT: Participant = { appType: 'chatbot', role: 'Chatbot', subject: '0Xx5g000000xpJh' };
const WEB_AGENT: Participant = { appType: 'agent', role: 'Agent', subject: '0055g00000AgEnT' };
const PASCAL_SYSTEM: Participant = { appType: 'conversation', role: 'System', subject: 'System' };
const UPPER_USER: Participant = { appType: 'IAMESSAGE', role: 'END_USER', subject: 'v2/iamessage/AUTH/NA/uid:7e2d1c0b-9a8f-4b6e-8d5c-3a2b1c0d9e8f' };
const UPPER_BOT: Participant = { appType: 'CHATBOT', role: 'CHATBOT', subject: '0Xx5g000000xpJh' };
const UPPER_SYSTEM: Participant = { appType: 'CONVERSATION', role: 'SYSTEM', subject: 'System' };
const PHONE_AGENT: Participant = { appType: 'telephony_integration', role: 'Agent', subject: '0055g00000AgEnT' };
const CALLER: Participant = { appType: 'TELEPHONY_INTEGRATION', role: 'END_USER', subject: '+14155550123' };
const CALL_AGENT: Participant = { appType: 'telephony_integration', role: 'AGENT', subject: '0055g00000AgEnT' };

type ApiSpec = {
  label: string;
  /** ms after the conversation starts: the serverReceivedTimestamp. */
  at: number;
  sender: Participant;
  entryType: string;
  /** A text message (raw; messageText is its HTML-escaped form). */
  text?: string;
  /** An event's payload. */
  payload?: { [key: string]: Json };
};

function participantChange(operation: string, participant: Participant, displayName: string, modalities: string[]): { [key: string]: Json } {
  return { entries: [{ operation, participant: { ...participant }, displayName, supportedModalities: modalities }] };
}

/**
 * GUESS: the same payload layout as seed.ts (abstractMessage.staticContent for text; invented event payloads, e.g.
 * ModalityUpdate's activeModalities / previousActiveModalities); only messages name the session or call in
 * relatedRecords (15 chars, as in the captured Connect example).
 */
function apiEntries(key: keyof typeof OBJECT_CONVERSATIONS, start: number, related: string, specs: readonly ApiSpec[]): ApiEntry[] {
  const identifier = OBJECT_CONVERSATIONS[key];
  return specs.map((spec) => {
    const at = start + spec.at;
    const payload: { [key: string]: Json } =
      spec.text === undefined
        ? spec.payload ?? {}
        : {
            id: stableUuid(`${identifier}/payload/${spec.label}`),
            abstractMessage: {
              id: stableUuid(`${identifier}/message/${spec.label}`),
              messageType: 'StaticContentMessage',
              staticContent: { formatType: 'Text', text: spec.text },
            },
          };
    return {
      identifier: stableUuid(`${identifier}/${spec.label}`),
      entryType: spec.entryType,
      ...(spec.text === undefined ? {} : { messageText: escapeHtml(spec.text) }),
      entryPayload: payload,
      sender: { ...spec.sender },
      clientTimestamp: at - 35,
      serverReceivedTimestamp: at,
      relatedRecords: spec.text === undefined ? [] : [related.slice(0, 15)],
      clientDuration: 0,
    };
  });
}

const ENHANCED_BLANK_API: ApiSpec[] = [
  { label: 'joined', at: sec(0.4), sender: PASCAL_SYSTEM, entryType: 'ParticipantChanged', payload: participantChange('add', WEB_USER, 'Guest', ['Messaging']) },
  { label: 'hello', at: sec(1.1), sender: WEB_USER, entryType: 'Message', text: 'Hello, where is my parcel?' },
  { label: 'bot', at: sec(2.4), sender: WEB_BOT, entryType: 'Message', text: "I'm the virtual assistant. Let me find someone." },
  { label: 'routed', at: sec(3), sender: PASCAL_SYSTEM, entryType: 'RoutingResult', payload: { routingType: 'Omni', isSuccess: true, workItemId: to18('0Bz5g00000EnBlk') } },
  { label: 'agent-joined', at: sec(19.8), sender: PASCAL_SYSTEM, entryType: 'ParticipantChanged', payload: participantChange('add', WEB_AGENT, 'Alex Agent', ['Messaging']) },
  { label: 'agent', at: sec(20.3), sender: WEB_AGENT, entryType: 'Message', text: "Hi, I'm Alex. It's out for delivery & due by 5pm." },
  { label: 'thanks', at: sec(31.6), sender: WEB_USER, entryType: 'Message', text: 'Thanks <3' },
  { label: 'ended', at: sec(45), sender: PASCAL_SYSTEM, entryType: 'SessionStatusChanged', payload: { previousStatus: 'Active', newStatus: 'Ended' } },
];

const ENHANCED_NONE_API: ApiSpec[] = [
  { label: 'joined', at: sec(0.2), sender: UPPER_SYSTEM, entryType: 'PARTICIPANT_CHANGED', payload: participantChange('ADD', UPPER_USER, 'Robin', ['Messaging']) },
  { label: 'ask', at: sec(0.9), sender: UPPER_USER, entryType: 'MESSAGE', text: 'Can we switch to a phone call?' },
  { label: 'bot', at: sec(1.7), sender: UPPER_BOT, entryType: 'MESSAGE', text: 'Sure. Connecting you to an agent by voice…' },
  { label: 'routed', at: sec(2.5), sender: UPPER_SYSTEM, entryType: 'ROUTING_RESULT', payload: { routingType: 'OMNI', isSuccess: true, workItemId: to18('0Bz5g00000EnNon') } },
  { label: 'modality', at: sec(8), sender: UPPER_SYSTEM, entryType: 'ModalityUpdate', payload: { activeModalities: ['Voice'], previousActiveModalities: ['Messaging'] } },
  { label: 'agent-joined', at: sec(8.4), sender: UPPER_SYSTEM, entryType: 'ParticipantChanged', payload: participantChange('add', PHONE_AGENT, 'Alex Agent', ['Voice']) },
  { label: 'voice', at: sec(12.25), sender: PHONE_AGENT, entryType: 'MESSAGE', text: "You're through to Alex on the phone now." },
  { label: 'ok', at: sec(15.5), sender: UPPER_USER, entryType: 'MESSAGE', text: 'Great, I can hear you.' },
  { label: 'ended', at: sec(300), sender: UPPER_SYSTEM, entryType: 'SESSION_STATUS_CHANGED', payload: { previousStatus: 'ACTIVE', newStatus: 'ENDED' } },
];

const VOICE_MONITORED_API: ApiSpec[] = [
  { label: 'caller-joined', at: sec(0.5), sender: UPPER_SYSTEM, entryType: 'PARTICIPANT_CHANGED', payload: participantChange('ADD', CALLER, '+1 415-555-0123', ['Voice']) },
  { label: 'routed', at: sec(6), sender: UPPER_SYSTEM, entryType: 'ROUTING_WORK_RESULT', payload: { workType: 'ACCEPTED', routingType: 'OMNI', workItemId: to18('0Bz5g00000VcMon') } },
  { label: 'agent-joined', at: sec(6.5), sender: UPPER_SYSTEM, entryType: 'PARTICIPANT_CHANGED', payload: participantChange('ADD', CALL_AGENT, 'Alex Agent', ['Voice']) },
  { label: 'greeting', at: sec(8.2), sender: CALL_AGENT, entryType: 'MESSAGE', text: 'Thanks for calling, this is Alex. How can I help?' },
  { label: 'question', at: sec(13.9), sender: CALLER, entryType: 'MESSAGE', text: "Hi, I'm calling about case 00012345, my order 4471." },
  { label: 'answer', at: sec(22.4), sender: CALL_AGENT, entryType: 'Message', text: "It ships today & you'll get a text." },
  { label: 'thanks', at: sec(27.05), sender: CALLER, entryType: 'MESSAGE', text: 'Perfect, thank you.' },
  { label: 'caller-left', at: sec(299), sender: UPPER_SYSTEM, entryType: 'PARTICIPANT_CHANGED', payload: participantChange('REMOVE', CALLER, '+1 415-555-0123', ['Voice']) },
];

const API_SOURCES: ReadonlyArray<{ key: keyof typeof OBJECT_CONVERSATIONS; start: number; related: string; specs: readonly ApiSpec[] }> = [
  { key: 'enhancedBlank', start: START.enhancedBlank, related: OBJECT_SESSIONS.enhancedBlank, specs: ENHANCED_BLANK_API },
  { key: 'enhancedNone', start: START.enhancedNone, related: OBJECT_SESSIONS.enhancedNone, specs: ENHANCED_NONE_API },
  { key: 'voiceMonitored', start: START.monitored, related: VOICE_CALLS.monitored, specs: VOICE_MONITORED_API },
  { key: 'voiceInProgress', start: START.inProgress, related: VOICE_CALLS.inProgress, specs: [] },
];

const API_CONVERSATIONS = new Map<string, readonly ApiEntry[]>(
  API_SOURCES.map(({ key, start, related, specs }) => [OBJECT_CONVERSATIONS[key], apiEntries(key, start, related, specs)])
);

/** The stored API entries of one of these conversations (shared, do not mutate), oldest first; else undefined. */
export function findObjectConversation(conversationIdentifier: string): readonly ApiEntry[] | undefined {
  return API_CONVERSATIONS.get(conversationIdentifier);
}

/** The API entries (a fresh copy), oldest first, as the entries API returns them. Throws for an unknown id. */
export function objectEntriesOf(conversationIdentifier: string): ApiEntry[] {
  const entries = findObjectConversation(conversationIdentifier);
  if (!entries) throw new Error(`The emulator has no object conversation ${conversationIdentifier}`);
  return structuredClone([...entries]);
}

// ---- MessagingSession, VoiceCall and Case records ----

function objectSession(
  id18: string,
  start: number,
  channelType: string,
  status: string,
  caseId: string | null,
  conversation?: 'enhancedBlank' | 'enhancedNone'
): SessionRecord {
  return {
    id18,
    conversationRecordId: conversation ? CONVERSATION_RECORDS[conversation] : null,
    conversationIdentifier: conversation ? OBJECT_CONVERSATIONS[conversation] : null,
    startTime: sfDateTime(start),
    channelType,
    status,
    caseId,
  };
}

/** The MessagingSession records above, in StartTime order. */
export const OBJECT_SESSION_RECORDS: readonly SessionRecord[] = [
  objectSession(OBJECT_SESSIONS.sms, START.sms, 'Text', 'Ended', CASES.full),
  objectSession(OBJECT_SESSIONS.whatsapp, START.whatsapp, 'WhatsApp', 'Ended', CASES.mixed),
  objectSession(OBJECT_SESSIONS.facebook, START.facebook, 'Facebook', 'Ended', CASES.mixed),
  objectSession(OBJECT_SESSIONS.enhancedBlank, START.enhancedBlank, 'EmbeddedMessaging', 'Ended', CASES.mixed, 'enhancedBlank'),
  objectSession(OBJECT_SESSIONS.enhancedNone, START.enhancedNone, 'EmbeddedMessaging', 'Ended', CASES.full, 'enhancedNone'),
  objectSession(OBJECT_SESSIONS.huge, START.huge, 'Text', 'Ended', null),
  objectSession(OBJECT_SESSIONS.active, START.active, 'Text', 'Active', null),
];

export type VoiceCallRecord = {
  id18: string;
  /** GUESS: the autonumber format. */
  name: string;
  conversationRecordId: string | null;
  conversationIdentifier: string | null;
  callStartMs: number;
  callEndMs: number | null;
  callType: string;
  callDisposition: string | null;
  fromPhoneNumber: string;
  toPhoneNumber: string;
  relatedRecordId: string | null;
};

export const VOICE_CALL_RECORDS: readonly VoiceCallRecord[] = [
  {
    id18: VOICE_CALLS.monitored,
    name: 'VC-0000000101',
    conversationRecordId: CONVERSATION_RECORDS.voiceMonitored,
    conversationIdentifier: OBJECT_CONVERSATIONS.voiceMonitored,
    callStartMs: START.monitored,
    callEndMs: START.monitored + 300_000,
    callType: 'Inbound',
    callDisposition: 'completed',
    fromPhoneNumber: '+14155550123',
    toPhoneNumber: '+18005550199',
    relatedRecordId: CASES.full,
  },
  {
    id18: VOICE_CALLS.unmonitored,
    name: 'VC-0000000102',
    conversationRecordId: null,
    conversationIdentifier: null,
    callStartMs: START.unmonitored,
    callEndMs: START.unmonitored + 240_000,
    callType: 'Outbound',
    callDisposition: 'completed',
    fromPhoneNumber: '+18005550199',
    toPhoneNumber: '+442079460321',
    relatedRecordId: CASES.mixed,
  },
  {
    id18: VOICE_CALLS.inProgress,
    name: 'VC-0000000103',
    conversationRecordId: CONVERSATION_RECORDS.voiceInProgress,
    conversationIdentifier: OBJECT_CONVERSATIONS.voiceInProgress,
    callStartMs: START.inProgress,
    callEndMs: null,
    callType: 'Inbound',
    callDisposition: null,
    fromPhoneNumber: '+14155550188',
    toPhoneNumber: '+18005550199',
    relatedRecordId: CASES.mixed,
  },
  {
    id18: VOICE_CALLS.bare,
    name: 'VC-0000000104',
    conversationRecordId: null,
    conversationIdentifier: null,
    callStartMs: START.bare,
    callEndMs: START.bare + 20_000,
    callType: 'Inbound',
    callDisposition: 'abandoned',
    fromPhoneNumber: '+14155550177',
    toPhoneNumber: '+18005550199',
    relatedRecordId: CASES.callOnly,
  },
];

export type CaseRecord = { id18: string; caseNumber: string; subject: string; status: string; origin: string; createdMs: number };

export const CASE_RECORDS: readonly CaseRecord[] = [
  { id18: CASES.full, caseNumber: CASE_NUMBERS.full, subject: 'Order 4471 not shipped', status: 'Closed', origin: 'Phone', createdMs: OBJECTS_BASE - 600_000 },
  {
    id18: CASES.mixed,
    caseNumber: CASE_NUMBERS.mixed,
    // Typed by a customer on a web form: hostile input.
    subject: '=HYPERLINK("https://evil.example","Refund") \u001b[2J<b>urgent</b>',
    status: 'Working',
    origin: 'Web',
    createdMs: OBJECTS_BASE - 540_000,
  },
  { id18: CASES.callOnly, caseNumber: CASE_NUMBERS.callOnly, subject: 'Missed call, please call back', status: 'New', origin: 'Phone', createdMs: OBJECTS_BASE - 480_000 },
  { id18: CASES.empty, caseNumber: CASE_NUMBERS.empty, subject: 'Question by email', status: 'New', origin: 'Email', createdMs: OBJECTS_BASE - 420_000 },
];

// ---- expected transcripts ----

/** One line of a transcript as a reader should see it. */
export type ExpectedLine = {
  /** ConversationEntry.Seq; undefined for API entries. */
  seq?: number;
  /** ISO 8601 UTC with ms: ServerReceivedTimestamp / serverReceivedTimestamp. */
  time: string;
  /** ActorType (ConversationEntry) or sender.role (API), as the source spells it. */
  role: string;
  /** ActorName; the API's sender has none (null). */
  name: string | null;
  /** As the source spells it. */
  entryType: string;
  /** The text as typed (HTML entities decoded); null for an event or an attachment-only message. */
  text: string | null;
  /** HasAttachments (ConversationEntry); false for API entries. */
  attachments: boolean;
};

export type TranscriptKey = keyof typeof CONVERSATION_ENTRY_COUNTS;

const iso = (ms: number): string => new Date(ms).toISOString();

function fromRecords(conversationId: string): ExpectedLine[] {
  return CONVERSATION_ENTRY_RECORDS.filter((r) => r.conversationId === conversationId)
    .sort((a, b) => a.seq - b.seq)
    .map((r) => ({ seq: r.seq, time: iso(r.serverMs), role: r.actorType, name: r.actorName, entryType: r.entryType, text: r.message, attachments: r.hasAttachments }));
}

function fromApi(key: keyof typeof OBJECT_CONVERSATIONS): ExpectedLine[] {
  const source = API_SOURCES.find((a) => a.key === key);
  if (!source) return [];
  return source.specs.map((spec) => ({
    time: iso(source.start + spec.at),
    role: spec.sender.role,
    name: null,
    entryType: spec.entryType,
    text: spec.text ?? null,
    attachments: false,
  }));
}

/** What each conversation's transcript holds (see the header); voiceBare has none ([]). */
export const EXPECTED_TRANSCRIPTS: Readonly<Record<TranscriptKey, readonly ExpectedLine[]>> = {
  sms: fromRecords(OBJECT_SESSIONS.sms),
  whatsapp: fromRecords(OBJECT_SESSIONS.whatsapp),
  facebook: fromRecords(OBJECT_SESSIONS.facebook),
  active: fromRecords(OBJECT_SESSIONS.active),
  huge: fromRecords(OBJECT_SESSIONS.huge),
  enhancedBlank: fromApi('enhancedBlank'),
  enhancedNone: fromApi('enhancedNone'),
  voiceMonitored: fromApi('voiceMonitored'),
  voiceUnmonitored: fromRecords(VOICE_CALLS.unmonitored),
  voiceInProgress: [],
  voiceBare: [],
};
