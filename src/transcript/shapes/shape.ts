/*
 * What every source's raw entries become for the formats, and how a shape of raw entry says so. Each source returns
 * its entries as they came (the Conversation Data API's and Connect's entry objects today); a shape recognises its
 * raw entries, normalises one, and gives the keys the one order sorts by (transcript/order.ts).
 */
import type { RawEntry } from '../../sources/source.js';

export type TranscriptEntry = {
  /** Epoch ms, the clock the order follows (each shape says which): shown as the entry's time. */
  time: number | undefined;
  /** In one spelling whatever the source's (transcript/labels.ts): EndUser, Agent, Chatbot, Supervisor, System… */
  senderRole: string | undefined;
  /** In one spelling: iamessage, chatbot, telephony_integration… */
  senderAppType: string | undefined;
  /** The sender's subject (an id or address), or a display name when that is all there is. */
  senderSubject: string | undefined;
  senderName: string | undefined;
  /** In one spelling: PARTICIPANT_CHANGED and participant_changed are ParticipantChanged (transcript/labels.ts). */
  entryType: string | undefined;
  /** What was said or happened, HTML entities decoded; never empty. */
  text: string;
  identifier: string | undefined;
  raw: RawEntry;
};

/** Where an entry goes in the one order: its time, then its sequence number where the source has one. */
export type OrderKey = { time: number | undefined; seq?: number };

export type Shape = {
  /** True for a raw entry of this shape. */
  matches(raw: RawEntry): boolean;
  normalize(raw: RawEntry): TranscriptEntry;
  orderKey(raw: RawEntry): OrderKey;
};

type Obj = Record<string, unknown>;

export const str = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** An object, or a JSON string holding one. */
export function obj(value: unknown): Obj | undefined {
  if (typeof value === 'string' && value.trimStart().startsWith('{')) {
    try {
      return obj(JSON.parse(value));
    } catch {
      return undefined;
    }
  }
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : undefined;
}
