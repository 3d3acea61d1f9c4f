/*
 * Data Cloud's conversation entry rows → transcript entries. A row is one row of the Query SQL API, kept as it came:
 * an object keyed by the column names Data Cloud returned (`ssot__PayloadText__c`, or `std__PayloadText__c` in the
 * `std__ConversationEntryDmo__dlm` spelling; any namespace prefix and any case). Every field is optional.
 *
 * - Time (shown, and the order's first key): TranscriptedDateTime, which the Messaging Object Model defines as "when
 *   the message was received by the server" (the clock the API path orders by), else ClientDateTime.
 * - The order's second key: SequenceNumber (ConversationEntrySequenceNumber), the entry's position in its conversation.
 * - Text: PayloadText. A message's text, HTML entities decoded as the API's text is. GUESS: an entry that carries no
 *   text may carry its payload as JSON (an object with `abstractMessage`, or any object for a non-message entry); it
 *   is then read as the API's payload is (transcript/shapes/api.ts), so every source gives an entry the same text.
 * - Identifier: ExternalRecordId (GUESS: the API entry's identifier, as the Conversation DMO's ExternalRecordId is the
 *   ConversationIdentifier), else the row's Id.
 * - Sender: the entry DMO has only EngagementParticipantId (a key into the participant DMOs), shown as the subject.
 */
import { decodeHTML } from 'entities';
import type { RawEntry } from '../../sources/source.js';
import { canonicalEntryType, eventPrefix, isMessageType as isMessage } from '../labels.js';
import { fieldsOf, logicalName, rowOrderKey } from '../../sources/dataCloud/row.js';
import { entryText } from './api.js';
import { obj, str, type Shape, type TranscriptEntry } from './shape.js';

/** No type, or one of the message types in any spelling (transcript/labels.ts). */
const isMessageType = (type: string | undefined): boolean => !type || isMessage(type);

/** The entry's text: PayloadText decoded, or its payload read as the API's; `[type]` when there is neither. */
function rowText(type: string | undefined, payloadText: unknown): string {
  const text = typeof payloadText === 'string' ? payloadText : undefined;
  const payload = text?.trimStart().startsWith('{') ? obj(text) : undefined;
  // A customer may type JSON: only an entry payload's shape is read as one.
  if (payload && (payload.abstractMessage !== undefined || !isMessageType(type))) return entryText({ entryType: type, entryPayload: payload });
  if (text?.trim()) return decodeHTML(text.trim());
  return eventPrefix(type);
}

function normalizeRow(raw: RawEntry): TranscriptEntry {
  const f = fieldsOf(raw);
  const type = str(f.get('conversationentrytype'));
  return {
    time: rowOrderKey(raw).time,
    senderRole: undefined,
    senderAppType: undefined,
    senderSubject: str(f.get('engagementparticipantid')),
    senderName: undefined,
    entryType: canonicalEntryType(type),
    text: rowText(type, f.get('payloadtext')),
    identifier: str(f.get('externalrecordid')) ?? str(f.get('id')),
    raw,
  };
}

/** A Data Cloud conversation entry row: it has a ConversationId and a PayloadText or ConversationEntryType column. */
export function isDataCloudRow(raw: RawEntry): boolean {
  let conversation = false;
  let content = false;
  for (const key of Object.keys(raw)) {
    if (!/__c$/i.test(key)) continue;
    const name = logicalName(key);
    if (name === 'conversationid') conversation = true;
    else if (name === 'payloadtext' || name === 'conversationentrytype') content = true;
  }
  return conversation && content;
}

export const dataCloudShape: Shape = {
  matches: isDataCloudRow,
  normalize: normalizeRow,
  orderKey: rowOrderKey,
};
