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
import { entryText } from './api.js';
import { obj, str, type OrderKey, type Shape, type TranscriptEntry } from './shape.js';

/** `ssot__PayloadText__c` → `payloadtext`: a column's field name without namespace, suffix or case. */
export const logicalName = (column: string): string =>
  column
    .replace(/__c$/i, '')
    .replace(/^[A-Za-z][A-Za-z0-9]*__/, '')
    .toLowerCase();

/** The fields of a row by logical name (lower case). */
function fieldsOf(raw: RawEntry): Map<string, unknown> {
  const fields = new Map<string, unknown>();
  for (const [key, value] of Object.entries(raw)) if (/__c$/i.test(key)) fields.set(logicalName(key), value);
  return fields;
}

/** Epoch values below this are seconds (as sources/api/entryTime.ts decides). */
const MS_THRESHOLD = 1e10;
/** `2025-01-10 11:20:00.137 UTC`, `2025-01-10T11:20:00.137Z`, `…+00:00`: Data Cloud's DATETIME as text. */
const DATETIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;

/** A DATETIME value (text, or epoch seconds or ms) as epoch ms; undefined when it is none. GUESS: no zone means UTC. */
export function dateTimeMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.round(value < MS_THRESHOLD ? value * 1000 : value) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return dateTimeMs(Number(text));
  const m = DATETIME.exec(text);
  if (!m) return undefined;
  const zone = !m[3] || /^(z|utc)$/i.test(m[3]) ? 'Z' : m[3].length === 5 ? `${m[3].slice(0, 3)}:${m[3].slice(3)}` : m[3];
  // Milliseconds only: Date.parse takes at most three fraction digits.
  const time = m[2].replace(/(\.\d{3})\d+$/, '$1');
  const ms = Date.parse(`${m[1]}T${time}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

const numberOf = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

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

/** Where a row goes in the one order: its server time (else client time), then its sequence number. */
function rowOrderKey(raw: RawEntry): OrderKey {
  const f = fieldsOf(raw);
  const seq = numberOf(f.get('sequencenumber')) ?? numberOf(f.get('conversationentrysequencenumber'));
  return { time: dateTimeMs(f.get('transcripteddatetime')) ?? dateTimeMs(f.get('clientdatetime')), ...(seq === undefined ? {} : { seq }) };
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
