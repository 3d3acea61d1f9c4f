/*
 * The Conversation Data API's (and Connect's) entry objects → transcript entries. The entry shape is irregular and
 * partly UNCONFIRMED (api-notes §1.3, §2), so every field is optional, a JSON-string payload is parsed, and nothing
 * here throws: an unknown entry becomes its entry type plus a compact summary of its payload. Ordered by the
 * server's clock (sources/api/entryTime.ts orderTime; transcript/order.ts says why).
 */
import { decodeHTML } from 'entities';
import { orderTime } from '../../sources/api/entryTime.js';
import type { ConversationEntry } from '../../sources/api/page.js';
import { bundle } from '../../messages.js';
import { canonicalAppType, canonicalEntryType, canonicalRole, eventPrefix } from '../labels.js';
import { obj, str, type Shape, type TranscriptEntry } from './shape.js';

const labels = bundle('transcript');

type Obj = Record<string, unknown>;

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

const titleOf = (item: unknown): string | undefined => {
  const o = obj(item);
  return str(o?.title) ?? str(obj(o?.titleItem)?.title) ?? str(o?.text) ?? str(o?.label) ?? str(o?.optionIdentifier);
};

const names = (items: unknown[], pick: (item: unknown) => string | undefined): string[] =>
  items.map(pick).filter((n): n is string => Boolean(n));

/** The parts of a message payload worth reading, in the order a person would want them. */
function payloadText(message: Obj | undefined): string | undefined {
  if (!message) return undefined;
  const parts: string[] = [];
  const content = obj(message.staticContent);
  const choices = obj(message.choices);
  const response = obj(message.choicesResponse);
  const form = obj(message.form) ?? obj(message.formMessage);
  const formResponse = obj(message.formResponse);
  const push = (value: string | undefined): void => void (value && parts.push(value));

  push(str(content?.text));
  const attachments = names(list(content?.attachments), (a) => str(obj(a)?.name) ?? str(obj(a)?.title) ?? str(obj(a)?.url));
  if (attachments.length) parts.push(labels.text('part.attachment', [attachments.join(', ')]));
  const template = str(obj(content?.externalTemplate)?.name) ?? str(obj(message.externalTemplate)?.name) ?? str(message.templateName);
  if (template) parts.push(labels.text('part.template', [template]));
  push(str(choices?.text) ?? str(choices?.title));
  const offered = names(list(choices?.optionItems), titleOf);
  if (offered.length) parts.push(labels.text('part.choices', [offered.join(' | ')]));
  const chosen = names(list(response?.selectedOptions), titleOf);
  if (chosen.length) parts.push(labels.text('part.chose', [chosen.join(' | ')]));
  const formName = str(form?.title) ?? str(form?.name) ?? str(formResponse?.title) ?? str(formResponse?.name);
  if (formName) parts.push(labels.text(formResponse ? 'part.formResponse' : 'part.form', [formName]));
  return parts.length ? parts.join(' ') : undefined;
}

/** Ids, subjects and timestamps say nothing a reader needs in a one-line summary. */
const SKIP_IN_SUMMARY = /(^id$|Id$|Identifier$|^identifier$|^subject$|Timestamp$)/;

/** `key=value` for the first few scalar leaves of a payload: enough to tell what an event was. */
export function compactSummary(value: unknown, max = 4): string {
  const pairs: string[] = [];
  const walk = (node: unknown, key: string, depth: number): void => {
    if (pairs.length >= max || depth > 4) return;
    if (Array.isArray(node)) return node.slice(0, 3).forEach((item) => walk(item, key, depth + 1));
    const o = obj(node);
    if (o) return Object.entries(o).forEach(([k, v]) => walk(v, k, depth + 1));
    if (SKIP_IN_SUMMARY.test(key)) return;
    if (typeof node === 'string' && node.trim()) pairs.push(`${key}=${node.trim().slice(0, 60)}`);
    else if (typeof node === 'number' || typeof node === 'boolean') pairs.push(`${key}=${String(node)}`);
  };
  walk(value, '', 0);
  return pairs.join(' ');
}

export function entryText(entry: ConversationEntry): string {
  const payload = obj(entry.entryPayload);
  const text = str(entry.messageText) ?? payloadText(obj(payload?.abstractMessage) ?? payload);
  if (text) return decodeHTML(text);
  // An event (or a message with nothing readable): its type's label, then a summary of its payload.
  const prefix = eventPrefix(str(entry.entryType));
  const summary = payload ? compactSummary(payload) : '';
  return decodeHTML(summary ? `${prefix} ${summary}` : prefix);
}

function normalizeEntry(entry: ConversationEntry): TranscriptEntry {
  const sender = obj(entry.sender);
  const name = str(sender?.name) ?? str(sender?.displayName);
  return {
    time: orderTime(entry),
    senderRole: canonicalRole(str(sender?.role)),
    senderAppType: canonicalAppType(str(sender?.appType)),
    senderSubject: str(sender?.subject),
    senderName: name,
    entryType: canonicalEntryType(str(entry.entryType)),
    text: entryText(entry),
    identifier: str(entry.identifier),
    raw: entry,
  };
}

/** The shape every raw entry falls back to. */
export const apiShape: Shape = {
  matches: () => true,
  normalize: normalizeEntry,
  orderKey: (raw) => ({ time: orderTime(raw) }),
};
