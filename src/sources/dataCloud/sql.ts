/*
 * The one SQL shape the plugin sends to Data Cloud: the entries of many conversations at once, each conversation found
 * by its ConversationIdentifier (the Conversation DMO's ExternalRecordId), the entries joined to it, in one total
 * order (conversation, time, sequence, row key) so that rows of a conversation arrive together and LIMIT/OFFSET pages
 * are stable:
 *
 *   SELECT c.<ExternalRecordId> AS conversation_identifier, e.<Id>, e.<ConversationId>, e.<PayloadText>, …
 *   FROM <Conversation DMO> c LEFT JOIN <entry DMO> e ON e.<ConversationId> = c.<Id>
 *   WHERE c.<ExternalRecordId> IN ('…', '…')
 *   ORDER BY c.<ExternalRecordId>, e.<TranscriptedDateTime>, e.<SequenceNumber>, e.<Id>
 *   [LIMIT n OFFSET m]
 *
 * The LEFT JOIN gives a conversation that Data Cloud holds without entries one row of nulls, so "no entries" and "not
 * in Data Cloud" differ. Names come only from the metadata, and only names that passed a strict pattern (model.ts);
 * identifiers go in as string literals, quotes doubled, never as they came.
 */
import { printable } from '../../input/ids.js';
import { bundle, ExitCode } from '../../messages.js';
import { ENTRY_FIELDS, type EntryField, type Model } from './model.js';

const messages = bundle('dataCloud');

/** The alias of the first column, the conversation's identifier. */
export const CONVERSATION_COLUMN = 'conversation_identifier';

/**
 * Why a conversation identifier can't be sent as a literal, or undefined when it can. SQL dialects disagree on the
 * backslash (an escape in some, a plain character in ANSI SQL): a literal with one can't be made safe for both, so it
 * is refused, as is NUL. Quotes, control characters, comment markers and the rest are plain characters in a literal.
 */
export function literalProblem(value: string): string | undefined {
  if (value.includes('\\')) return messages.text('reason.backslash');
  if (value.includes('\u0000')) return messages.text('reason.nul');
  if (value.length === 0) return messages.text('reason.empty');
  return undefined;
}

/** `value` as an SQL string literal: in single quotes, each quote doubled. Throws for what literalProblem refuses. */
export function sqlLiteral(value: string): string {
  const problem = literalProblem(value);
  if (problem) throw messages.fail('DataCloudUnusableIdentifier', ExitCode.InvalidInput, [printable(value), problem]);
  return `'${value.replace(/'/g, "''")}'`;
}

/** The entry columns the query selects, in order (after the conversation's identifier): what the model found. */
export const selectedFields = (model: Model): EntryField[] => ENTRY_FIELDS.filter((f) => model.entry.columns[f]);

export type SqlPage = { limit: number; offset: number };

/** The query for these conversations (each identifier usable: see literalProblem), a page of it when `page` is given. */
export function entriesSql(model: Model, identifiers: readonly string[], page?: SqlPage): string {
  if (identifiers.length === 0) throw new Error('entriesSql needs at least one conversation identifier');
  const { entry, conversation } = model;
  const col = (field: EntryField): string => `e.${entry.columns[field] as string}`;
  const select = [`c.${conversation.externalRecordId} AS ${CONVERSATION_COLUMN}`, ...selectedFields(model).map(col)];
  const time = entry.columns.TranscriptedDateTime ? 'TranscriptedDateTime' : 'ClientDateTime';
  const sequence = entry.columns.SequenceNumber ? 'SequenceNumber' : entry.columns.ConversationEntrySequenceNumber ? 'ConversationEntrySequenceNumber' : undefined;
  const order = [`c.${conversation.externalRecordId}`, col(time), ...(sequence ? [col(sequence)] : []), col('Id')];
  const sql = [
    `SELECT ${select.join(', ')}`,
    `FROM ${conversation.dmo} c LEFT JOIN ${entry.dmo} e ON ${col('ConversationId')} = c.${conversation.id}`,
    `WHERE c.${conversation.externalRecordId} IN (${identifiers.map(sqlLiteral).join(', ')})`,
    `ORDER BY ${order.join(', ')}`,
  ];
  if (page) {
    if (!Number.isSafeInteger(page.limit) || page.limit < 1 || !Number.isSafeInteger(page.offset) || page.offset < 0) {
      throw new Error(`Bad SQL page ${JSON.stringify(page)}`);
    }
    sql.push(`LIMIT ${page.limit} OFFSET ${page.offset}`);
  }
  return sql.join(' ');
}
