/*
 * A Data Cloud conversation entry row, read the same way by the source (the window, the newest entry) and by the
 * transcript's shape (transcript/shapes/dataCloud.ts): its columns by logical name (`ssot__PayloadText__c` and
 * `std__PayloadText__c` are both `payloadtext`), its DATETIME values, and where it goes in the one order (its server
 * time, TranscriptedDateTime, else ClientDateTime; then SequenceNumber).
 */
import type { RawEntry } from '../source.js';

/** `ssot__PayloadText__c` → `payloadtext`: a column's field name without namespace, suffix or case. */
export const logicalName = (column: string): string =>
  column
    .replace(/__c$/i, '')
    .replace(/^[A-Za-z][A-Za-z0-9]*__/, '')
    .toLowerCase();

/** The fields of a row by logical name (lower case). */
export function fieldsOf(raw: RawEntry): Map<string, unknown> {
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

/** Where a row goes in the one order: its server time (else client time), then its sequence number. */
export function rowOrderKey(raw: RawEntry): { time: number | undefined; seq?: number } {
  const f = fieldsOf(raw);
  const seq = numberOf(f.get('sequencenumber')) ?? numberOf(f.get('conversationentrysequencenumber'));
  return { time: dateTimeMs(f.get('transcripteddatetime')) ?? dateTimeMs(f.get('clientdatetime')), ...(seq === undefined ? {} : { seq }) };
}
