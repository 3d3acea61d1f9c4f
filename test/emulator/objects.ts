/*
 * The queryable sObject types of the emulated org, as soqlTable.ts tables: MessagingSession (seed.ts sessions, plus
 * seedObjects.ts's with EmulatorOptions.seedObjects), ConversationEntry, VoiceCall and Case (seedObjects.ts records,
 * present only with seedObjects; without it the types exist and hold nothing). soql.ts queries them, rest.ts
 * describes the last three, soqlColumns.ts reads their field types. Fields, API versions and the filter / sort
 * properties follow the object reference (api-notes §4, §8; the ConversationEntry and VoiceCall field references).
 *
 * Knobs (soqlTable.ts ObjectKnobs, set through EmulatorOptions):
 *   conversationEntryAccess  the running user lacks "Access Conversation Entries": FROM ConversationEntry is refused
 *                            with INVALID_TYPE (GUESS: the default for a denied object, which the API then hides) or
 *                            INSUFFICIENT_ACCESS_OR_READONLY.
 *   voiceCalls               'unavailable': no Service Cloud Voice, FROM VoiceCall is INVALID_TYPE;
 *                            'noConversationField': call monitoring off, VoiceCall.ConversationId (and the
 *                            Conversation relationship) are unknown columns (INVALID_FIELD), as before API 48.0.
 *   conversationEntryMessages 'escaped': Message HTML-entity-escaped (GUESS: the default, raw, is what REST does).
 */
import { escapeHtml } from './entries.js';
import { SESSION_RECORDS } from './seed.js';
import type { SessionRecord } from './seed.js';
import type { CaseRecord, ConversationEntryRecord, VoiceCallRecord } from './seedObjects.js';
import { CASE_RECORDS, CONVERSATION_ENTRY_RECORDS, OBJECT_SESSION_RECORDS, sfDateTime, VOICE_CALL_RECORDS } from './seedObjects.js';
import type { AnyTable, DescribeField, FieldDef, FieldType, ObjectKnobs, Relationship, Table, TableContext } from './soqlTable.js';
import { fieldAvailable } from './soqlTable.js';

const CONVERSATION: Relationship = { name: 'Conversation', idField: 'ConversationId', entity: 'Conversation' };

const dateTime = (ms: number | null): string | null => (ms === null ? null : sfDateTime(ms));

const SESSIONS_WITH_OBJECTS: readonly SessionRecord[] = [...SESSION_RECORDS, ...OBJECT_SESSION_RECORDS];

export const MESSAGING_SESSION: Table<SessionRecord> = {
  entity: 'MessagingSession',
  keyPrefix: '0Mw',
  label: 'Messaging Session',
  relationships: [CONVERSATION],
  rows(ctx: TableContext): readonly SessionRecord[] {
    const seeded = ctx.objects.seedObjects ? SESSIONS_WITH_OBJECTS : SESSION_RECORDS;
    return ctx.extraSessions.length ? [...seeded, ...ctx.extraSessions] : seeded;
  },
  id: (session) => session.id18,
  fields: [
    { name: 'Id', type: 'id', get: (r) => r.id18 },
    // MessagingSession.ConversationId / the Conversation relationship exist from API 55.0 (api-notes §4).
    // GUESS: for a relationship path Salesforce may instead say "Didn't understand relationship 'Conversation'".
    { name: 'ConversationId', type: 'id', since: 55, get: (r) => r.conversationRecordId },
    { name: 'Conversation.ConversationIdentifier', type: 'string', since: 55, get: (r) => r.conversationIdentifier },
    { name: 'Conversation.Id', type: 'id', since: 55, get: (r) => r.conversationRecordId },
    { name: 'StartTime', type: 'datetime', get: (r) => r.startTime },
    { name: 'ChannelType', type: 'string', get: (r) => r.channelType },
    { name: 'Status', type: 'string', get: (r) => r.status },
    { name: 'CaseId', type: 'id', get: (r) => r.caseId ?? null },
  ],
};

const noEntryAccess = (k: ObjectKnobs): boolean => k.conversationEntryAccess !== 'granted';

export const CONVERSATION_ENTRY: Table<ConversationEntryRecord> = {
  entity: 'ConversationEntry',
  // GUESS: the key prefix; no Salesforce list we could read names it.
  keyPrefix: '0XY',
  label: 'Conversation Entry',
  since: 43,
  rows: (ctx) => {
    const seeded = ctx.objects.seedObjects ? CONVERSATION_ENTRY_RECORDS : [];
    return ctx.objects.extraEntryRecords.length ? [...seeded, ...ctx.objects.extraEntryRecords] : seeded;
  },
  id: (r) => r.id18,
  // GUESS: the permission applies whatever the request's API version (the reference says it "is available in API
  // version 50.0 and later. Earlier versions do not require permissions").
  refuse: (k) => (noEntryAccess(k) ? (k.conversationEntryAccess as 'INVALID_TYPE' | 'INSUFFICIENT_ACCESS_OR_READONLY') : undefined),
  fields: [
    { name: 'Id', type: 'id', get: (r) => r.id18 },
    {
      name: 'ConversationId',
      type: 'id',
      get: (r) => r.conversationId,
      describe: { type: 'reference', referenceTo: ['MessagingSession', 'VoiceCall'], relationshipName: 'Conversation', nillable: false },
    },
    { name: 'Seq', type: 'int', get: (r) => r.seq, describe: { nillable: false } },
    // EntryTime has no millisecond accuracy; EntryTimeMilliSecs holds the last 3 digits (API 51.0).
    { name: 'EntryTime', type: 'datetime', get: (r) => sfDateTime(r.serverMs - (r.serverMs % 1000)), describe: { nillable: false } },
    { name: 'EntryTimeMilliSecs', type: 'int', since: 51, get: (r) => r.serverMs % 1000 },
    { name: 'EntryEndTime', type: 'datetime', since: 48, get: () => null },
    { name: 'ActorType', type: 'string', get: (r) => r.actorType, describe: { type: 'picklist', nillable: false } },
    { name: 'ActorName', type: 'string', get: (r) => r.actorName, describe: { length: 650 } },
    {
      name: 'ActorId',
      type: 'id',
      get: (r) => r.actorId,
      describe: { type: 'reference', referenceTo: ['MessagingEndUser', 'User'], relationshipName: 'Actor' },
    },
    { name: 'EntryType', type: 'string', get: (r) => r.entryType, describe: { type: 'picklist', nillable: false } },
    {
      name: 'Message',
      type: 'string',
      // A long text area: not filterable, not sortable (the reference lists only Create and Nillable).
      filterable: false,
      sortable: false,
      get: (r, ctx) => (r.message !== null && ctx.objects.conversationEntryMessages === 'escaped' ? escapeHtml(r.message) : r.message),
      describe: { type: 'textarea', length: 131_072 },
    },
    { name: 'MessageStatus', type: 'string', get: (r) => r.messageStatus, describe: { type: 'picklist' } },
    { name: 'MessageStatusCode', type: 'string', get: (r) => r.messageStatusCode, describe: { length: 25 } },
    { name: 'MessageIdentifier', type: 'string', get: (r) => r.messageIdentifier, describe: { length: 36 } },
    { name: 'HasAttachments', type: 'boolean', get: (r) => r.hasAttachments, describe: { nillable: false } },
    { name: 'ClientDuration', type: 'int', since: 51, get: (r) => r.clientDuration },
    { name: 'ClientTimestamp', type: 'datetime', since: 51, get: (r) => dateTime(r.clientMs) },
    { name: 'ServerReceivedTimestamp', type: 'datetime', since: 51, get: (r) => sfDateTime(r.serverMs) },
    { name: 'CreatedDate', type: 'datetime', get: (r) => sfDateTime(r.createdMs), describe: { nillable: false } },
  ],
};

/** VoiceCall.ConversationId: API 48.0, and only with call monitoring (api-notes §8.2). */
const noConversationField = (k: ObjectKnobs): boolean => k.voiceCalls === 'noConversationField';

export const VOICE_CALL: Table<VoiceCallRecord> = {
  entity: 'VoiceCall',
  keyPrefix: '0LQ',
  label: 'Voice Call',
  since: 40,
  relationships: [CONVERSATION],
  rows: (ctx) => (ctx.objects.seedObjects ? VOICE_CALL_RECORDS : []),
  id: (r) => r.id18,
  refuse: (k) => (k.voiceCalls === 'unavailable' ? 'INVALID_TYPE' : undefined),
  fields: [
    { name: 'Id', type: 'id', get: (r) => r.id18 },
    { name: 'Name', type: 'string', get: (r) => r.name, describe: { length: 30 } },
    {
      name: 'ConversationId',
      type: 'id',
      since: 48,
      hidden: noConversationField,
      get: (r) => r.conversationRecordId,
      describe: { type: 'reference', referenceTo: ['Conversation'], relationshipName: 'Conversation' },
    },
    { name: 'Conversation.ConversationIdentifier', type: 'string', since: 48, hidden: noConversationField, get: (r) => r.conversationIdentifier },
    { name: 'Conversation.Id', type: 'id', since: 48, hidden: noConversationField, get: (r) => r.conversationRecordId },
    { name: 'CallStartDateTime', type: 'datetime', get: (r) => sfDateTime(r.callStartMs), describe: { nillable: false } },
    { name: 'CallEndDateTime', type: 'datetime', get: (r) => dateTime(r.callEndMs) },
    {
      name: 'CallDurationInSeconds',
      type: 'int',
      get: (r) => (r.callEndMs === null ? null : Math.round((r.callEndMs - r.callStartMs) / 1000)),
    },
    { name: 'CallType', type: 'string', get: (r) => r.callType, describe: { type: 'picklist', nillable: false } },
    { name: 'CallDisposition', type: 'string', get: (r) => r.callDisposition },
    { name: 'FromPhoneNumber', type: 'string', get: (r) => r.fromPhoneNumber, describe: { type: 'phone', length: 40 } },
    { name: 'ToPhoneNumber', type: 'string', get: (r) => r.toPhoneNumber, describe: { type: 'phone', length: 40 } },
    {
      name: 'RelatedRecordId',
      type: 'id',
      get: (r) => r.relatedRecordId,
      // GUESS: what RelatedRecordId may point to besides Case.
      describe: { type: 'reference', referenceTo: ['Account', 'Case', 'Contact', 'Lead', 'Opportunity'], relationshipName: 'RelatedRecord' },
    },
  ],
};

export const CASE: Table<CaseRecord> = {
  entity: 'Case',
  keyPrefix: '500',
  label: 'Case',
  rows: (ctx) => (ctx.objects.seedObjects ? CASE_RECORDS : []),
  id: (r) => r.id18,
  fields: [
    { name: 'Id', type: 'id', get: (r) => r.id18 },
    { name: 'CaseNumber', type: 'string', get: (r) => r.caseNumber, describe: { nillable: false, length: 30 } },
    { name: 'Subject', type: 'string', get: (r) => r.subject },
    { name: 'Status', type: 'string', get: (r) => r.status, describe: { type: 'picklist' } },
    { name: 'Origin', type: 'string', get: (r) => r.origin, describe: { type: 'picklist' } },
    { name: 'CreatedDate', type: 'datetime', get: (r) => sfDateTime(r.createdMs), describe: { nillable: false } },
  ],
};

/** Every table, by lower-cased type name (what FROM matches). */
export const TABLES: ReadonlyMap<string, AnyTable> = new Map(
  [MESSAGING_SESSION, CONVERSATION_ENTRY, VOICE_CALL, CASE].map((t: AnyTable) => [t.entity.toLowerCase(), t])
);

/** The types rest.ts describes from their tables (MessagingSession keeps rest.ts's own describe). */
const DESCRIBED: readonly AnyTable[] = [CONVERSATION_ENTRY, VOICE_CALL, CASE];

const DESCRIBE_TYPES: Record<FieldType, string> = { id: 'reference', datetime: 'datetime', string: 'string', int: 'int', boolean: 'boolean' };

function describeField(field: FieldDef<unknown>): DescribeField {
  const d = field.describe ?? {};
  const type = field.name === 'Id' ? 'id' : d.type ?? DESCRIBE_TYPES[field.type];
  return {
    name: field.name,
    type,
    // GUESS: labels are the name split at capitals; nothing reads them.
    label: d.label ?? field.name.replace(/([a-z])([A-Z])/g, '$1 $2'),
    nillable: d.nillable ?? (field.name !== 'Id' && field.type !== 'boolean'),
    filterable: field.filterable ?? true,
    sortable: field.sortable ?? true,
    referenceTo: d.referenceTo ?? [],
    relationshipName: d.relationshipName ?? null,
    length: d.length ?? (type === 'string' || type === 'picklist' ? 255 : type === 'id' || type === 'reference' ? 18 : 0),
  };
}

export type ObjectDescribe = { keyPrefix: string; label: string; fields: DescribeField[] };

/**
 * The describes of ConversationEntry, VoiceCall and Case for this API version and these knobs: a type the running
 * user cannot see (INVALID_TYPE knobs, or before its version) is left out (so its describe is a 404), and so are the
 * fields a knob or the version removes.
 */
export function objectDescribes(apiVersion: number, objects: ObjectKnobs): Record<string, ObjectDescribe> {
  const ctx: TableContext = { apiVersion, objects, extraSessions: [] };
  const out: Record<string, ObjectDescribe> = {};
  for (const table of DESCRIBED) {
    if ((table.since !== undefined && apiVersion < table.since) || table.refuse?.(objects) === 'INVALID_TYPE') continue;
    const fields = table.fields.filter((f) => !f.name.includes('.') && fieldAvailable(f, ctx)).map(describeField);
    out[table.entity] = { keyPrefix: table.keyPrefix, label: table.label, fields };
  }
  return out;
}

/** The key prefix of a table's type (exact name); undefined for others. */
export function tableKeyPrefix(entity: string): string | undefined {
  const table = TABLES.get(entity.toLowerCase());
  return table?.entity === entity ? table.keyPrefix : undefined;
}

/** A table field's type (exact names), for the query column metadata; undefined for others. */
export function tableFieldType(entity: string, name: string): FieldType | undefined {
  const table = TABLES.get(entity.toLowerCase());
  return table?.entity === entity ? table.fields.find((f) => f.name === name)?.type : undefined;
}

/** A table's relationship (exact names), for the query column metadata; undefined for others. */
export function tableRelationship(entity: string, name: string): Relationship | undefined {
  const table = TABLES.get(entity.toLowerCase());
  return table?.entity === entity ? table.relationships?.find((r) => r.name === name) : undefined;
}
