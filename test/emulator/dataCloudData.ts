/*
 * What the emulated org's Data Cloud holds: the Conversation and Conversation Entry data model objects, in either
 * spelling Salesforce's pages give (`ssot__ConversationEntry__dlm` with `ssot__…__c` columns, or
 * `std__ConversationEntryDmo__dlm` with `std__…__c` columns), filled from the seeded conversations (seed.ts,
 * seedObjects.ts: the same entries the entries APIs serve) and, for volume, from a generator that makes each
 * conversation's rows when a query asks for it (nothing is held for the whole volume). Also the metadata endpoint's
 * list of DMOs. Rows are made per query, for the conversations the query names.
 *
 * How an API entry becomes a row (every line a GUESS: no public sample pairs the two):
 * - ExternalRecordId: the entry's identifier; Id: a stable id of its own; ConversationId: the Conversation row's Id.
 * - PayloadText: the entry's messageText as the API sends it (HTML-escaped), else its entryPayload as JSON.
 * - TranscriptedDateTime: serverReceivedTimestamp (the Messaging Object Model: "when the message was received by the
 *   server"); ClientDateTime: clientTimestamp.
 * - SequenceNumber: the entry's position in its conversation (1-based); ConversationEntrySequenceNumber: the same, as
 *   text (the DMO page types it TEXT).
 * - EngagementParticipantId: a stable id of the sender's subject; Modality 'Messaging'; the rest null or fixed.
 */
import type { ApiEntry } from './entries.js';
import { escapeHtml } from './entries.js';
import { base62, stableUuid } from './prng.js';
import { to18 } from './ids.js';
import { findConversation, type SessionRecord } from './seed.js';
import { findObjectConversation } from './seedObjects.js';
import type { SqlColumn, SqlColumnType, SqlRow, SqlTable } from './dataCloudSql.js';

export type DmoSpelling = 'ssot' | 'std';

/** The volume generator's conversations: `count` of them with `entries` entries each. */
export type Volume = { conversations: number; entries: number };

export type DataCloudContent = {
  spelling: DmoSpelling | 'none';
  /** Conversation identifiers Data Cloud has not ingested: no Conversation row, no entries. */
  missing: readonly string[];
  /** Conversation identifiers Data Cloud holds without any entry (a Conversation row only). */
  withoutEntries: readonly string[];
  volume?: Volume;
};

const ENTRY_FIELDS: Array<[string, SqlColumnType]> = [
  ['Id', 'TEXT'],
  ['ExternalRecordId', 'TEXT'],
  ['ConversationId', 'TEXT'],
  ['ConversationEntryType', 'TEXT'],
  ['PayloadText', 'TEXT'],
  ['SequenceNumber', 'NUMBER'],
  ['ConversationEntrySequenceNumber', 'TEXT'],
  ['ClientDateTime', 'DATETIME'],
  ['TranscriptedDateTime', 'DATETIME'],
  ['EngagementParticipantId', 'TEXT'],
  ['ParentEntryId', 'TEXT'],
  ['ConversationEntryStatus', 'TEXT'],
  ['ConversationEntryVisibilityType', 'TEXT'],
  ['IsExternallyVisible', 'BOOLEAN'],
  ['Modality', 'TEXT'],
  ['Language', 'TEXT'],
  ['SourceId', 'TEXT'],
  ['DataSourceId', 'TEXT'],
  ['DataSourceObjectId', 'TEXT'],
  ['InternalOrganizationId', 'TEXT'],
  ['CreatedDate', 'DATETIME'],
  ['LastModifiedDate', 'DATETIME'],
];
const CONVERSATION_FIELDS: Array<[string, SqlColumnType]> = [
  ['Id', 'TEXT'],
  ['ExternalRecordId', 'TEXT'],
  ['StartDateTime', 'DATETIME'],
  ['EndDateTime', 'DATETIME'],
  ['ConversationState', 'TEXT'],
  ['DataSourceId', 'TEXT'],
  ['DataSourceObjectId', 'TEXT'],
  ['InternalOrganizationId', 'TEXT'],
];

export const DMO_NAMES: Record<DmoSpelling, { entry: string; conversation: string }> = {
  ssot: { entry: 'ssot__ConversationEntry__dlm', conversation: 'ssot__Conversation__dlm' },
  std: { entry: 'std__ConversationEntryDmo__dlm', conversation: 'std__ConversationDmo__dlm' },
};

/** `ssot__PayloadText__c` / `std__PayloadText__c`. */
export const columnName = (spelling: DmoSpelling, field: string): string => `${spelling}__${field}__c`;

const columnsOf = (spelling: DmoSpelling, fields: Array<[string, SqlColumnType]>): SqlColumn[] => fields.map(([f, type]) => ({ name: columnName(spelling, f), type }));

// ---- the volume generator: conversations 0…n-1, identifiers that encode their number ----

const VOLUME_PREFIX = 'd0c10000-0000-4000-8000-';
const VOLUME_BASE = Date.UTC(2030, 0, 1);

/** The volume conversation `i`'s identifier (a UUID that encodes i, so no table of them is kept). */
export const volumeIdentifier = (i: number): string => `${VOLUME_PREFIX}${i.toString(16).padStart(12, '0')}`;

function volumeIndex(identifier: string, volume: Volume | undefined): number | undefined {
  if (!volume || !identifier.startsWith(VOLUME_PREFIX)) return undefined;
  const i = parseInt(identifier.slice(VOLUME_PREFIX.length), 16);
  return Number.isSafeInteger(i) && i >= 0 && i < volume.conversations && volumeIdentifier(i) === identifier ? i : undefined;
}

/**
 * MessagingSession records for the volume conversations (pass them as EmulatorOptions.extraSessions): Ids
 * 0Mw5g00002xxxxx, started one second apart from 2030-01-01, so `--since 2030-01-01T00:00:00Z` selects exactly them.
 */
export function volumeSessions(count: number): SessionRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    id18: to18(`0Mw5g00002${base62(i, 5)}`),
    conversationRecordId: to18(`0dw5g00002${base62(i, 5)}`),
    conversationIdentifier: volumeIdentifier(i),
    startTime: new Date(VOLUME_BASE + i * 1000).toISOString().replace('Z', '+0000'),
    channelType: 'Text',
    status: 'Ended',
  }));
}

const CUSTOMER = { appType: 'iamessage', role: 'EndUser', subject: 'v2/iamessage/UNAUTH/NA/uid:volume-customer' };
const AGENT = { appType: 'agent', role: 'Agent', subject: '0055g00000AgEnT' };

/** The volume conversation `i`'s entries, made now (the same every time), API-shaped. */
function volumeEntries(i: number, count: number): ApiEntry[] {
  const at = VOLUME_BASE + i * 1000;
  return Array.from({ length: count }, (_, n) => {
    const text = `Volume conversation ${i}, message ${n + 1} of ${count}: ${n % 2 === 0 ? 'a question from the customer' : 'an answer from the agent'}.`;
    return {
      identifier: stableUuid(`volume/${i}/${n}`),
      entryType: 'Message',
      messageText: escapeHtml(text),
      entryPayload: { abstractMessage: { messageType: 'StaticContentMessage', staticContent: { formatType: 'Text', text } } },
      sender: n % 2 === 0 ? CUSTOMER : AGENT,
      clientTimestamp: at + n * 2000 - 40,
      serverReceivedTimestamp: at + n * 2000,
      relatedRecords: [],
      clientDuration: 0,
    };
  });
}

/** A conversation's entries as Data Cloud holds them; undefined when Data Cloud doesn't hold the conversation. */
function entriesFor(identifier: string, content: DataCloudContent): readonly ApiEntry[] | undefined {
  if (content.missing.includes(identifier)) return undefined;
  const v = volumeIndex(identifier, content.volume);
  const entries = v === undefined ? findConversation(identifier) ?? findObjectConversation(identifier) : volumeEntries(v, content.volume?.entries ?? 0);
  if (!entries) return undefined;
  return content.withoutEntries.includes(identifier) ? [] : entries;
}

const conversationRowId = (identifier: string): string => `0dwDC${stableUuid(`dc-conversation/${identifier}`).replace(/-/g, '').slice(0, 13)}`;

function entryRow(spelling: DmoSpelling, entry: ApiEntry, index: number, conversationId: string): SqlRow {
  const c = (field: string): string => columnName(spelling, field);
  return {
    [c('Id')]: `0cEDC${stableUuid(`dc-entry/${entry.identifier}`).replace(/-/g, '').slice(0, 13)}`,
    [c('ExternalRecordId')]: entry.identifier,
    [c('ConversationId')]: conversationId,
    [c('ConversationEntryType')]: entry.entryType,
    [c('PayloadText')]: entry.messageText ?? JSON.stringify(entry.entryPayload),
    [c('SequenceNumber')]: index + 1,
    [c('ConversationEntrySequenceNumber')]: String(index + 1),
    [c('ClientDateTime')]: entry.clientTimestamp,
    [c('TranscriptedDateTime')]: entry.serverReceivedTimestamp,
    [c('EngagementParticipantId')]: `0xPDC${stableUuid(`dc-participant/${entry.sender.subject}`).replace(/-/g, '').slice(0, 13)}`,
    [c('ParentEntryId')]: null,
    [c('ConversationEntryStatus')]: null,
    [c('ConversationEntryVisibilityType')]: 'Visible',
    [c('IsExternallyVisible')]: true,
    [c('Modality')]: 'Messaging',
    [c('Language')]: null,
    [c('SourceId')]: null,
    [c('DataSourceId')]: 'Salesforce_Home',
    [c('DataSourceObjectId')]: 'ConversationEntry',
    [c('InternalOrganizationId')]: null,
    [c('CreatedDate')]: entry.serverReceivedTimestamp,
    [c('LastModifiedDate')]: entry.serverReceivedTimestamp,
  };
}

/** The two tables of one spelling, over `content`. */
export function dataCloudTables(spelling: DmoSpelling, content: DataCloudContent): SqlTable[] {
  const names = DMO_NAMES[spelling];
  const c = (field: string): string => columnName(spelling, field);
  const conversation: SqlTable = {
    name: names.conversation,
    columns: columnsOf(spelling, CONVERSATION_FIELDS),
    lookup(column, values) {
      if (column !== c('ExternalRecordId')) return undefined;
      const rows: SqlRow[] = [];
      for (const identifier of new Set(values)) {
        const entries = entriesFor(identifier, content);
        if (!entries) continue;
        rows.push({
          [c('Id')]: conversationRowId(identifier),
          [c('ExternalRecordId')]: identifier,
          [c('StartDateTime')]: entries[0]?.serverReceivedTimestamp ?? null,
          [c('EndDateTime')]: entries.at(-1)?.serverReceivedTimestamp ?? null,
          [c('ConversationState')]: null,
          [c('DataSourceId')]: 'Salesforce_Home',
          [c('DataSourceObjectId')]: 'Conversation',
          [c('InternalOrganizationId')]: null,
        });
      }
      return rows;
    },
    join: () => undefined,
  };
  const entry: SqlTable = {
    name: names.entry,
    columns: columnsOf(spelling, ENTRY_FIELDS),
    lookup: () => undefined,
    join(column, value, other) {
      // Only the join the plugin makes: entries by their Conversation row's Id.
      if (column !== c('ConversationId')) return undefined;
      const identifier = other[c('ExternalRecordId')];
      if (typeof identifier !== 'string' || value !== conversationRowId(identifier)) return [];
      return (entriesFor(identifier, content) ?? []).map((e, i) => entryRow(spelling, e, i, value));
    },
  };
  return [conversation, entry];
}

/** Other DMOs an org with Data Cloud lists (so a search has something to miss). */
const OTHER_DMOS = ['ssot__Individual__dlm', 'ssot__ContactPointEmail__dlm', 'ssot__MessagingSession__dlm', 'ssot__EngagementChannelParticipant__dlm'];

/** GET …/ssot/metadata?entityType=DataModelObject: `{metadata: [{name, displayName, category, fields: [{name, displayName, type}]}]}` (GUESS: the shape public code reads). */
export function metadataBody(content: DataCloudContent): unknown {
  const dmo = (name: string, columns: readonly SqlColumn[]): unknown => ({
    name,
    displayName: name.replace(/^(ssot|std)__|__dlm$/g, '').replace(/([a-z])([A-Z])/g, '$1 $2'),
    category: 'Engagement',
    fields: columns.map((col) => ({ name: col.name, displayName: col.name.replace(/^(ssot|std)__|__c$/g, ''), type: col.type })),
  });
  const listed = content.spelling === 'none' ? [] : dataCloudTables(content.spelling, content).map((t) => dmo(t.name, t.columns));
  const others = OTHER_DMOS.map((name) => dmo(name, [{ name: 'ssot__Id__c', type: 'TEXT' }]));
  return { metadata: [...others, ...listed] };
}
