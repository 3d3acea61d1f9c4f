/*
 * Which data model objects hold the conversations and their entries, and what their columns are called, decided at
 * run time from what the org's metadata lists (GET …/ssot/metadata?entityType=DataModelObject): Salesforce's own
 * mapping pages name the entry DMO `ssot__ConversationEntry__dlm` (with `ssot__…__c` columns, as public production
 * code queries it) in one copy and `std__ConversationEntryDmo__dlm` (with `std__…__c` columns) in another. Both are
 * taken; the ssot__ pair first when an org lists both. Pure: the caller fetches the metadata.
 */
import { printable } from '../../input/ids.js';
import { bundle, ExitCode } from '../../messages.js';
import { logicalName } from './row.js';

const messages = bundle('dataCloud');

/** The entry DMO and the Conversation DMO that go with it, most likely first. */
export const DMO_PAIRS = [
  { entry: 'ssot__ConversationEntry__dlm', conversation: 'ssot__Conversation__dlm' },
  { entry: 'std__ConversationEntryDmo__dlm', conversation: 'std__ConversationDmo__dlm' },
] as const;

/**
 * The entry fields read, by logical name, in the order they are selected. The first group is required: the
 * conversation key, the row's key, and what the entry says; a time comes from TranscriptedDateTime or ClientDateTime.
 */
export const ENTRY_FIELDS = [
  'Id',
  'ConversationId',
  'PayloadText',
  'ExternalRecordId',
  'ConversationEntryType',
  'TranscriptedDateTime',
  'ClientDateTime',
  'SequenceNumber',
  'ConversationEntrySequenceNumber',
  'EngagementParticipantId',
  'ParentEntryId',
  'ConversationEntryStatus',
  'ConversationEntryVisibilityType',
  'IsExternallyVisible',
  'Modality',
  'Language',
  'SourceId',
] as const;
export type EntryField = (typeof ENTRY_FIELDS)[number];
const REQUIRED_ENTRY_FIELDS: readonly EntryField[] = ['Id', 'ConversationId', 'PayloadText'];
const TIME_FIELDS: readonly EntryField[] = ['TranscriptedDateTime', 'ClientDateTime'];
const CONVERSATION_FIELDS = ['Id', 'ExternalRecordId'] as const;

export type DmoField = { name: string; type?: string };
export type Dmo = { name: string; fields: DmoField[] };

/** The DMOs to query and the actual names of the columns read. Every name here matched a strict pattern. */
export type Model = {
  entry: { dmo: string; columns: Partial<Record<EntryField, string>> };
  conversation: { dmo: string; id: string; externalRecordId: string };
};

/** A DMO's or a field's name as SQL may quote it bare: letters, digits and underscores, starting with a letter. */
const SQL_NAME = /^[A-Za-z][A-Za-z0-9_]{0,254}$/;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The DMOs a metadata response lists: `{metadata: [{name, fields: [{name, type}]}]}` (what public code reads), or
 * a bare list; undefined when the body holds no such list.
 */
export function dmosOf(body: unknown): Dmo[] | undefined {
  const list = Array.isArray(body) ? body : isObject(body) ? body.metadata ?? body.dataModelObject ?? body.entities : undefined;
  if (!Array.isArray(list)) return undefined;
  const dmos: Dmo[] = [];
  for (const item of list) {
    if (!isObject(item) || typeof item.name !== 'string') continue;
    const fields = (Array.isArray(item.fields) ? item.fields : [])
      .filter((f): f is Record<string, unknown> => isObject(f) && typeof f.name === 'string')
      .map((f) => ({ name: f.name as string, ...(typeof f.type === 'string' ? { type: f.type } : {}) }));
    dmos.push({ name: item.name, fields });
  }
  return dmos;
}

/** The field of `dmo` whose logical name is `logical`: `ns__Logical__c` or `Logical__c`, any case. */
function column(dmo: Dmo, logical: string): string | undefined {
  const want = logical.toLowerCase();
  return dmo.fields.find((f) => SQL_NAME.test(f.name) && /__c$/i.test(f.name) && logicalName(f.name) === want)?.name;
}

const find = (dmos: Dmo[], name: string): Dmo | undefined => dmos.find((d) => d.name.toLowerCase() === name.toLowerCase() && SQL_NAME.test(d.name));

/** A short, inert list for a message: at most `max` names, and how many more. */
const listed = (names: string[], max = 20): string => {
  const shown = names.slice(0, max).map((n) => printable(n)).join(', ');
  return names.length > max ? `${shown} ${messages.text('andMore', [names.length - max])}` : shown || messages.text('none');
};

/**
 * The model for what the org lists. Throws DataCloudDmoNotFound (listing the conversation DMOs it did find) when no
 * pair of DMOs is there, and DataCloudFieldsMissing (listing the fields found) when the DMOs lack a required field.
 */
export function modelOf(dmos: Dmo[]): Model {
  // What a user looking for the conversation DMOs would want listed.
  const related = dmos.map((d) => d.name).filter((n) => /conversation|messaging|engagement/i.test(n));
  const pairs = DMO_PAIRS.map((pair) => ({ entry: find(dmos, pair.entry), conversation: find(dmos, pair.conversation) }));
  const both = pairs.find((p) => p.entry && p.conversation) ?? pairs.find((p) => p.entry);
  if (!both?.entry) {
    throw messages.fail('DataCloudDmoNotFound', ExitCode.NotAvailable, [DMO_PAIRS.map((p) => p.entry).join(` ${messages.text('or')} `), listed(related), dmos.length]);
  }
  const entryDmo = both.entry;
  // The Conversation DMO of the same spelling, else of the other one.
  const conversationDmo = both.conversation ?? pairs.find((p) => p.conversation)?.conversation;
  if (!conversationDmo) {
    throw messages.fail('DataCloudDmoNotFound', ExitCode.NotAvailable, [DMO_PAIRS.map((p) => p.conversation).join(` ${messages.text('or')} `), listed(related), dmos.length]);
  }
  const columns: Partial<Record<EntryField, string>> = {};
  for (const field of ENTRY_FIELDS) {
    const name = column(entryDmo, field);
    if (name) columns[field] = name;
  }
  const missing: string[] = REQUIRED_ENTRY_FIELDS.filter((f) => !columns[f]);
  if (!TIME_FIELDS.some((f) => columns[f])) missing.push(TIME_FIELDS.join(` ${messages.text('or')} `));
  if (missing.length) {
    throw messages.fail('DataCloudFieldsMissing', ExitCode.NotAvailable, [entryDmo.name, missing.join('; '), listed(entryDmo.fields.map((f) => f.name), 40)]);
  }
  const [id, externalRecordId] = CONVERSATION_FIELDS.map((f) => column(conversationDmo, f));
  if (!id || !externalRecordId) {
    const lacking = CONVERSATION_FIELDS.filter((f) => !column(conversationDmo, f)).join(', ');
    throw messages.fail('DataCloudFieldsMissing', ExitCode.NotAvailable, [conversationDmo.name, lacking, listed(conversationDmo.fields.map((f) => f.name), 40)]);
  }
  return { entry: { dmo: entryDmo.name, columns }, conversation: { dmo: conversationDmo.name, id, externalRecordId } };
}
