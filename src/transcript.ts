/*
 * A conversation's entries as a readable transcript: one line per entry with local time, sender and text.
 * Written line by line to a sink, so a long transcript is never built as one string.
 */
import { decodeHTML } from 'entities';
import { entryTime, formatInstant } from './time.js';
import type { ConversationEntry } from './entries/page.js';

const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
const obj = (value: unknown): Record<string, unknown> | undefined => {
  if (typeof value === 'string') {
    try {
      return obj(JSON.parse(value));
    } catch {
      return undefined;
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
};

/** "EndUser (iamessage)", "Chatbot (chatbot)", "Agent (Ann Smith)"; "Unknown" when the entry names no sender. */
export function senderLabel(entry: ConversationEntry): string {
  const sender = obj(entry.sender);
  const role = str(sender?.role) ?? 'Unknown';
  const detail = str(sender?.appType) ?? str(sender?.name) ?? str(sender?.displayName);
  return detail ? `${role} (${detail})` : role;
}

/** The entry's text: messageText, else the payload's static text, else its entry type in brackets. */
export function entryText(entry: ConversationEntry): string {
  const staticText = str(obj(obj(obj(entry.entryPayload)?.abstractMessage)?.staticContent)?.text);
  const text = str(entry.messageText) ?? staticText;
  if (text) return decodeHTML(text);
  return `[${str(entry.entryType) ?? 'entry'}]`;
}

export function transcriptLine(entry: ConversationEntry, utc = false): string {
  const time = entryTime(entry);
  const when = time === undefined ? '(no time)'.padEnd(utc ? 20 : 25) : formatInstant(time, utc);
  // Continuation lines are indented under the text, so every entry still starts a line with its time.
  const text = entryText(entry).replace(/\r?\n/g, '\n    ');
  return `${when}  ${senderLabel(entry)}: ${text}`;
}

export function writeTranscript(entries: Iterable<ConversationEntry>, write: (line: string) => void, utc = false): void {
  for (const entry of entries) write(transcriptLine(entry, utc));
}
