/*
 * ConversationEntry SOQL records (standard Messaging channels, and calls without monitoring; api-notes §8.1) →
 * transcript entries. A record is one message or event: `Message` is its text (up to 131,072 characters; blank for
 * enhanced channels, which keep it elsewhere), `ActorType`/`ActorName`/`ActorId` its sender, `EntryType` what it is.
 * Ordered by `EntryTime` (whole seconds) plus `EntryTimeMilliSecs`, then `Seq`, the record's position in its
 * conversation, for entries of the same millisecond. Every field is optional here, and nothing throws.
 */
import { decodeHTML } from 'entities';
import type { RawEntry } from '../../sources/source.js';
import { entryTime } from '../../sources/conversationEntryTime.js';
import { canonicalEntryType, canonicalRole, eventPrefix, isMessageType, labelText } from '../labels.js';
import { obj, str, type Shape, type TranscriptEntry } from './shape.js';

const seqOf = (raw: RawEntry): number | undefined => (typeof raw.Seq === 'number' && Number.isFinite(raw.Seq) ? raw.Seq : undefined);

function text(raw: RawEntry): string {
  const type = str(raw.EntryType);
  const message = typeof raw.Message === 'string' && raw.Message.trim() ? decodeHTML(raw.Message) : undefined;
  const attachment = raw.HasAttachments === true ? labelText('attachment') : undefined;
  const said = [message, attachment].filter(Boolean).join(' ');
  if (type && !isMessageType(type)) return said ? `${eventPrefix(type)} ${said}` : eventPrefix(type);
  return said || labelText('noMessageText');
}

function normalize(raw: RawEntry): TranscriptEntry {
  return {
    time: entryTime(raw),
    senderRole: canonicalRole(str(raw.ActorType)),
    senderAppType: undefined,
    senderSubject: str(raw.ActorId),
    senderName: str(raw.ActorName),
    entryType: canonicalEntryType(str(raw.EntryType)),
    text: text(raw),
    identifier: str(raw.MessageIdentifier) ?? str(raw.Id),
    raw,
  };
}

export const conversationEntryShape: Shape = {
  // A SOQL record says its type; a record without attributes (as some tools strip them) is known by its fields.
  matches: (raw) => obj(raw.attributes)?.type === 'ConversationEntry' || (seqOf(raw) !== undefined && 'ActorType' in raw && 'EntryType' in raw),
  normalize,
  orderKey: (raw) => ({ time: entryTime(raw), seq: seqOf(raw) }),
};
