/*
 * A lenient SOQL responder for the few query shapes the plugin and @salesforce/core send:
 * MessagingSession by Id (= or IN), Organization (core's determineOrg), User, and an INVALID_TYPE answer
 * for everything else (e.g. core's ScratchOrgInfo dev-hub probe). Shapes follow api-notes §6.
 */
import { checksumSuffix, to18 } from '../../src/ids.js';
import type { Reply } from './http.js';
import { json, sfErrors, SESSION_INVALID } from './http.js';
import { ORGANIZATION, userRecord } from './auth.js';
import { base62 } from './prng.js';
import type { SessionRecord } from './seed.js';
import { findSession, SESSION_RECORDS } from './seed.js';

export type SoqlFault = 'INVALID_TYPE' | 'INVALID_SESSION_ID';

export type QueryContext = {
  apiVersion: string; // '66.0'
  batchSize: number; // records per response, 2000 unless Sforce-Query-Options says otherwise
  soqlFault: SoqlFault | undefined;
  cursors: CursorStore;
};

type SfRecord = Record<string, unknown>;

/** Query locators for nextRecordsUrl paging: /services/data/vXX.X/query/<locator>-<offset>. */
export class CursorStore {
  private cursors = new Map<string, SfRecord[]>();
  private counter = 0;

  public open(records: SfRecord[]): string {
    const locator = to18(`01g5g0000${base62(++this.counter, 6)}`);
    this.cursors.set(locator, records);
    if (this.cursors.size > 200) this.cursors.delete(this.cursors.keys().next().value as string);
    return locator;
  }

  public get(locator: string): SfRecord[] | undefined {
    return this.cursors.get(locator);
  }
}

const QUERY = /^\s*SELECT\s+([\s\S]+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+([\s\S]+?))?(?:\s+ORDER\s+BY\s+[\s\S]+?)?(?:\s+LIMIT\s+(\d+))?\s*$/i;
const FIELD = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/;
const ID_LITERAL = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

function malformed(soql: string, detail: string): Reply {
  return sfErrors(400, 'MALFORMED_QUERY', `\n${soql}\n^\nERROR at Row:1:Column:1\n${detail}`);
}

/** The Salesforce parser's error text: the query, a caret under the offending token, then the message. */
function positioned(soql: string, token: string, text: string): string {
  const index = Math.max(0, soql.indexOf(token));
  return `\n${soql}\n${' '.repeat(index)}^\nERROR at Row:1:Column:${index + 1}\n${text}`;
}

function invalidType(soql: string, object: string): Reply {
  return sfErrors(
    400,
    'INVALID_TYPE',
    positioned(
      soql,
      object,
      `sObject type '${object}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
    )
  );
}

function noSuchColumn(soql: string, column: string, entity: string): Reply {
  return sfErrors(
    400,
    'INVALID_FIELD',
    positioned(
      soql,
      column,
      `No such column '${column}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`
    )
  );
}

/** A quoted-literal filter on one field: `F = 'x'` or `F IN ('x','y')`. */
function parseFilter(where: string): { field: string; values: string[] } | undefined {
  const eq = /^(\w+)\s*=\s*'([^']*)'$/i.exec(where.trim());
  if (eq) return { field: eq[1], values: [eq[2]] };
  const inList = /^(\w+)\s+IN\s*\(\s*('[^']*'(?:\s*,\s*'[^']*')*)\s*\)$/i.exec(where.trim());
  if (inList) return { field: inList[1], values: [...inList[2].matchAll(/'([^']*)'/g)].map((m) => m[1]) };
  return undefined;
}

function validId(value: string): boolean {
  if (!ID_LITERAL.test(value)) return false;
  // GUESS: an 18-char literal whose case-safe suffix does not match its head is refused like any malformed id.
  return value.length === 15 || value.slice(15) === checksumSuffix(value.slice(0, 15));
}

const SESSION_FIELDS: Record<string, string> = {
  id: 'Id',
  conversationid: 'ConversationId',
  'conversation.conversationidentifier': 'Conversation.ConversationIdentifier',
  'conversation.id': 'Conversation.Id',
  starttime: 'StartTime',
  channeltype: 'ChannelType',
  status: 'Status',
};

function sessionValue(session: SessionRecord, field: string): unknown {
  switch (field) {
    case 'Id':
      return session.id18;
    case 'ConversationId':
      return session.conversationRecordId;
    case 'StartTime':
      return session.startTime;
    case 'ChannelType':
      return session.channelType;
    case 'Status':
      return session.status;
    case 'Conversation.ConversationIdentifier':
      return session.conversationIdentifier;
    case 'Conversation.Id':
      return session.conversationRecordId;
    default:
      return undefined;
  }
}

function sessionRecord(session: SessionRecord, fields: string[], v: string): SfRecord {
  const record: SfRecord = {
    attributes: { type: 'MessagingSession', url: `/services/data/v${v}/sobjects/MessagingSession/${session.id18}` },
  };
  for (const field of fields) {
    if (!field.startsWith('Conversation.')) {
      record[field] = sessionValue(session, field);
      continue;
    }
    // A null lookup is `"Conversation": null`, never an empty object (api-notes §6).
    if (session.conversationRecordId === null) {
      record.Conversation = null;
      continue;
    }
    const parent = (record.Conversation as SfRecord | undefined) ?? {
      attributes: { type: 'Conversation', url: `/services/data/v${v}/sobjects/Conversation/${session.conversationRecordId}` },
    };
    parent[field.slice('Conversation.'.length)] = sessionValue(session, field);
    record.Conversation = parent;
  }
  return record;
}

function queryMessagingSession(soql: string, object: string, fieldList: string[], where: string | undefined, ctx: QueryContext): SfRecord[] | Reply {
  if (ctx.soqlFault === 'INVALID_SESSION_ID') return SESSION_INVALID();
  if (ctx.soqlFault === 'INVALID_TYPE') return invalidType(soql, object);
  const fields: string[] = [];
  for (const raw of fieldList) {
    const canonical = SESSION_FIELDS[raw.toLowerCase()];
    // MessagingSession.ConversationId / the Conversation relationship exist from API 55.0 (api-notes §4).
    // GUESS: exact wording; for a relationship path Salesforce may instead say "Didn't understand relationship 'Conversation'".
    if (raw.toLowerCase().startsWith('conversation') && Number(ctx.apiVersion) < 55) {
      return noSuchColumn(soql, raw.split('.')[0], 'MessagingSession');
    }
    if (!canonical) return noSuchColumn(soql, raw, 'MessagingSession');
    fields.push(canonical);
  }
  let sessions: readonly SessionRecord[] = SESSION_RECORDS;
  if (where !== undefined) {
    const filter = parseFilter(where);
    if (!filter || filter.field.toLowerCase() !== 'id') return malformed(soql, `unexpected token: '${where.trim().split(/\s+/)[0]}'`);
    const bad = filter.values.find((value) => !validId(value));
    if (bad !== undefined) return sfErrors(400, 'INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${bad}`);
    // 15- and 18-char literals both match (case-sensitive 15-char head).
    const wanted = new Set(filter.values.map((value) => value.slice(0, 15)));
    sessions = [...wanted].map((head) => findSession(head)).filter((s): s is SessionRecord => s !== undefined);
  }
  return sessions.map((session) => sessionRecord(session, fields, ctx.apiVersion));
}

function querySingleton(
  soql: string,
  entity: string,
  source: Record<string, unknown>,
  fieldList: string[],
  where: string | undefined,
  v: string
): SfRecord[] | Reply {
  const known = new Map(Object.keys(source).map((k) => [k.toLowerCase(), k]));
  const record: SfRecord = { attributes: { type: entity, url: `/services/data/v${v}/sobjects/${entity}/${String(source.Id)}` } };
  for (const raw of fieldList) {
    const name = known.get(raw.toLowerCase());
    if (!name) return noSuchColumn(soql, raw, entity);
    record[name] = source[name];
  }
  if (where !== undefined) {
    const filter = parseFilter(where);
    const name = filter ? known.get(filter.field.toLowerCase()) : undefined;
    if (!filter || !name) return malformed(soql, `unexpected token: '${where.trim().split(/\s+/)[0]}'`);
    const actual = String(source[name]);
    const hit = filter.values.some((value) => (name === 'Id' ? value.slice(0, 15) === actual.slice(0, 15) : value === actual));
    if (!hit) return [];
  }
  return [record];
}

function page(records: SfRecord[], offset: number, ctx: QueryContext, locator?: string): Reply {
  const batch = records.slice(offset, offset + ctx.batchSize);
  const end = offset + batch.length;
  const body: Record<string, unknown> = { totalSize: records.length, done: end >= records.length };
  if (end < records.length) {
    const id = locator ?? ctx.cursors.open(records);
    body.nextRecordsUrl = `/services/data/v${ctx.apiVersion}/query/${id}-${end}`;
  }
  body.records = batch;
  return json(200, body);
}

/** GET /services/data/vXX.X/query?q=... (and /queryAll). */
export function runQuery(soql: string | null, ctx: QueryContext): Reply {
  if (!soql) return sfErrors(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  const match = QUERY.exec(soql);
  if (!match) return malformed(soql, 'unexpected token');
  const [, fieldText, object, where, limitText] = match;
  const fieldList = fieldText.split(',').map((f) => f.trim());
  const badField = fieldList.find((f) => !FIELD.test(f));
  if (badField !== undefined) return malformed(soql, `unexpected token: '${badField}'`);
  let result: SfRecord[] | Reply;
  switch (object.toLowerCase()) {
    case 'messagingsession':
      result = queryMessagingSession(soql, object, fieldList, where, ctx);
      break;
    case 'organization':
      result = querySingleton(soql, 'Organization', ORGANIZATION, fieldList, where, ctx.apiVersion);
      break;
    case 'user': {
      const user = userRecord(ctx.apiVersion);
      delete user.attributes;
      result = querySingleton(soql, 'User', user, fieldList, where, ctx.apiVersion);
      break;
    }
    default:
      result = invalidType(soql, object);
  }
  if (!Array.isArray(result)) return result;
  const limited = limitText === undefined ? result : result.slice(0, Number(limitText));
  return page(limited, 0, ctx);
}

/** GET /services/data/vXX.X/query/<locator>-<offset> (nextRecordsUrl). */
export function nextRecords(cursor: string, ctx: QueryContext): Reply {
  const match = /^(\w+)-(\d+)$/.exec(cursor);
  const records = match ? ctx.cursors.get(match[1]) : undefined;
  if (!match || !records) return sfErrors(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  return page(records, Number(match[2]), ctx, match[1]);
}

/** Batch size from `Sforce-Query-Options: batchSize=N` (200..2000), else 2000. */
export function batchSizeFrom(header: string | undefined): number {
  const n = Number(/batchSize\s*=\s*(\d+)/i.exec(header ?? '')?.[1]);
  return Number.isInteger(n) && n >= 200 && n <= 2000 ? n : 2000;
}
