/*
 * The ConversationEntry source: a conversation's entries as ConversationEntry records, read with SOQL through the
 * org's Connection (api-notes §8.1). Standard Messaging channels (SMS, WhatsApp, Facebook Messenger) write one record
 * per message, linked to the MessagingSession by ConversationId; so do calls without monitoring, linked to the
 * VoiceCall. One query in Seq order, then queryMore while the org has more (2,000 records a page), so it costs one
 * request per 2,000 entries and never marks a conversation active. Its raw entries are the SOQL records as the org
 * returned them (PascalCase fields: Seq, EntryTime, ActorType, Message…, and `attributes`), not the API's entry
 * objects. Reading them needs the "Access Conversation Entries" user permission (API 50.0+).
 */
import type { Connection } from '@salesforce/core';
import { bundle, ExitCode } from '../messages.js';
import { classifyQueryError, queryFailed, soqlIds } from '../org/sessions.js';
import { entryTime } from './conversationEntryTime.js';
import type { HttpStats } from './api/client.js';
import type { Observe } from './contract.js';
import type { ConversationRef, EntrySource, RawEntry, Read, ReadOptions } from './source.js';

const messages = bundle('sources.conversationEntry');

/** The fields read: the object reference's (api-notes §8.1), all there from API 51.0; the plugin asks for 55.0+. */
export const ENTRY_FIELDS = [
  'Id',
  'ConversationId',
  'Seq',
  'EntryTime',
  'EntryTimeMilliSecs',
  'ActorType',
  'ActorName',
  'ActorId',
  'EntryType',
  'Message',
  'MessageStatus',
  'MessageIdentifier',
  'HasAttachments',
  'ClientTimestamp',
  'ServerReceivedTimestamp',
] as const;

/** Most query pages read for one conversation (2,000 records each): 2 million entries. */
export const MAX_QUERY_PAGES = 1000;
/** Records per SOQL page when none is asked for (Salesforce's default batch). */
const SOQL_BATCH = 2000;

const soqlDateTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The query for one conversation's records. `recordId` must be a validated 18-character record Id, which is what
 * makes it safe to put in the statement. The window is applied to EntryTime (whole seconds) and exactly afterwards.
 */
export function entriesQuery(recordId: string, options: Pick<ReadOptions, 'start' | 'end' | 'limit'> = {}): string {
  const where = [`ConversationId = ${soqlIds([recordId])}`];
  if (options.start !== undefined) where.push(`EntryTime >= ${soqlDateTime(Math.floor(options.start / 1000) * 1000)}`);
  if (options.end !== undefined) where.push(`EntryTime <= ${soqlDateTime(Math.floor(options.end / 1000) * 1000)}`);
  // EntryTime has whole seconds: a start inside a second selects that whole second, and the records before the start's
  // milliseconds are dropped after the query, so a LIMIT then could count them and return too few.
  const limit = options.limit === undefined || (options.start !== undefined && options.start % 1000 !== 0) ? '' : ` LIMIT ${options.limit}`;
  return `SELECT ${ENTRY_FIELDS.join(', ')} FROM ConversationEntry WHERE ${where.join(' AND ')} ORDER BY Seq${limit}`;
}

type QueryPage = { totalSize: number; done: boolean; nextRecordsUrl?: string; records: RawEntry[] };

const kindOf = (ref: ConversationRef): string => ref.kind ?? 'MessagingSession';

/** Whether a query error means the running user can't read ConversationEntry at all (no permission, or no object). */
export function isNotReadable(error: unknown): boolean {
  const code = (error as { errorCode?: string; name?: string }).errorCode ?? (error as { name?: string }).name;
  return code === 'INVALID_TYPE' || code === 'INSUFFICIENT_ACCESS_OR_READONLY' || code === 'INSUFFICIENT_ACCESS';
}

export type ConversationEntrySource = EntrySource & { readonly stats: HttpStats };

/** --api conversation-entry with a conversation identifier only: it names no record whose entries could be read. */
export const needsRecord = (): Error => messages.fail('ConversationEntryNeedsRecord', ExitCode.InvalidInput);

export function conversationEntrySource(input: { conn: Connection; orgId: string; observe?: Observe }): ConversationEntrySource {
  const { conn, orgId } = input;
  const stats: HttpStats = { requests: 0, retries: 0, refreshes: 0 };

  const named = (error: unknown, ref: ConversationRef): Error => {
    const code = (error as { errorCode?: string; name?: string }).errorCode ?? (error as { name?: string }).name ?? 'UNKNOWN';
    if (isNotReadable(error)) return messages.fail('ConversationEntryNotReadable', ExitCode.NotAvailable, [orgId, code]);
    return (
      classifyQueryError(error, orgId, conn.instanceUrl) ??
      queryFailed(error, (detail, errorCode) =>
        messages.fail('ConversationEntryQueryFailed', ExitCode.ApiFailed, [kindOf(ref), ref.recordId ?? '', detail, errorCode], [ref.recordId ?? ''])
      )
    );
  };

  /** One query or queryMore call, counted and observed (its body is described by the observer and not kept). */
  const run = async (ref: ConversationRef, soql: string, call: () => PromiseLike<QueryPage>, more: boolean): Promise<QueryPage> => {
    stats.requests++;
    const url = new URL(`${conn.instanceUrl.replace(/\/$/, '')}/services/data/v${conn.getApiVersion()}/query${more ? '/{locator}' : ''}`);
    try {
      const page = await call();
      input.observe?.({ source: 'conversation-entry', method: 'GET', url, status: 200, body: page, limitAsked: SOQL_BATCH, soql: more ? undefined : soql });
      return page;
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode ?? null;
      const errorCode = (error as { errorCode?: string }).errorCode;
      input.observe?.({ source: 'conversation-entry', method: 'GET', url, status, body: errorCode ? [{ errorCode }] : undefined, soql: more ? undefined : soql });
      throw named(error, ref);
    }
  };

  return {
    name: 'conversation-entry',
    stats,
    async read(ref: ConversationRef, options: ReadOptions = {}): Promise<Read> {
      if (!ref.recordId) throw needsRecord();
      const recordId = ref.recordId;
      const soql = entriesQuery(recordId, options);
      const template = soql.replace(recordId, '{id}').replace(/\d{4}-\d\d-\d\dT[\d:]+Z/g, '{time}');
      let page = await run(ref, template, () => conn.query<RawEntry>(soql) as PromiseLike<QueryPage>, false);
      const entries: RawEntry[] = [...page.records];
      let pages = 1;
      options.onPage?.(entries.length, pages);
      while (!page.done && page.nextRecordsUrl && pages < MAX_QUERY_PAGES) {
        const next = page.nextRecordsUrl;
        // eslint-disable-next-line no-await-in-loop -- pages are sequential: each names the next
        page = await run(ref, template, () => conn.queryMore<RawEntry>(next) as PromiseLike<QueryPage>, true);
        entries.push(...page.records);
        pages++;
        options.onPage?.(entries.length, pages);
      }
      const stoppedShort = !page.done && Boolean(page.nextRecordsUrl);
      const inWindow = entries.filter((e) => {
        const at = entryTime(e);
        return at === undefined || ((options.start === undefined || at >= options.start) && (options.end === undefined || at <= options.end));
      });
      if (!inWindow.length && !stoppedShort && options.start === undefined && options.end === undefined) {
        throw messages.fail('NoConversation', ExitCode.NotFound, [kindOf(ref), recordId]);
      }
      const warnings: string[] = [];
      if (stoppedShort) warnings.push(messages.text('warning.QueryPageCap', [pages, entries.length]));
      const messagesWithoutText = inWindow.filter((e) => isMessage(e) && !hasText(e)).length;
      if (messagesWithoutText > 0 && messagesWithoutText === inWindow.filter(isMessage).length) {
        warnings.push(messages.text('warning.NoMessageText', [messagesWithoutText, kindOf(ref), recordId]));
      }
      return { entries: inWindow, incomplete: stoppedShort ? 'page-cap' : null, warnings };
    },
  };
}

const isMessage = (e: RawEntry): boolean => typeof e.EntryType !== 'string' || /^text$/i.test(e.EntryType);
const hasText = (e: RawEntry): boolean => (typeof e.Message === 'string' && e.Message.trim() !== '') || e.HasAttachments === true;
