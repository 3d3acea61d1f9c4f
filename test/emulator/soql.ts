/*
 * A lenient SOQL responder for the query shapes the plugin and @salesforce/core send: the tables of objects.ts
 * (MessagingSession, ConversationEntry, VoiceCall, Case; see soqlTable.ts) with WHERE (=, !=, <, <=, >, >=,
 * [NOT] IN, LIKE; AND / OR / NOT and parentheses, see soqlWhere.ts), ORDER BY, LIMIT and OFFSET, paged through
 * nextRecordsUrl; Organization (core's determineOrg), User, and an INVALID_TYPE answer for everything else (e.g.
 * core's ScratchOrgInfo dev-hub probe). Shapes follow api-notes §6. Unknown columns → 400 INVALID_FIELD, syntax
 * errors → 400 MALFORMED_QUERY, bad id literals → INVALID_QUERY_FILTER_OPERATOR, a table's knobs → INVALID_TYPE /
 * INVALID_FIELD / INSUFFICIENT_ACCESS_OR_READONLY. With `columns=true` (queryColumns): the query's column metadata
 * instead of its records (see soqlColumns.ts), after the same checks, with the same errors.
 */
import { checksumSuffix, to18 } from './ids.js';
import type { Reply } from './http.js';
import { json, sfErrors, SESSION_INVALID } from './http.js';
import { ORGANIZATION, userRecord } from './auth.js';
import { base62 } from './prng.js';
import { columnsBody } from './soqlColumns.js';
import type { SessionRecord } from './seed.js';
import { TABLES } from './objects.js';
import type { AnyTable, FieldDef, FieldType, ObjectKnobs, TableContext } from './soqlTable.js';
import { buildRecord, fieldAvailable } from './soqlTable.js';
import type { Condition, Literal, Tail } from './soqlWhere.js';
import { conditionsOf, evaluate, likeRegExp, parseTail, SoqlSyntaxError } from './soqlWhere.js';

export type SoqlFault = 'INVALID_TYPE' | 'INVALID_SESSION_ID';

export type QueryContext = {
  apiVersion: string; // '66.0'
  batchSize: number; // records per response, 2000 unless Sforce-Query-Options says otherwise
  soqlFault: SoqlFault | undefined;
  cursors: CursorStore;
  /** The org user's Username (EmulatorOptions.username). */
  username: string;
  /** Sessions besides the seed's (EmulatorOptions.extraSessions). */
  extraSessions: readonly SessionRecord[];
  /** The knobs of objects.ts's tables (EmulatorOptions). */
  objects: ObjectKnobs;
};

type SfRecord = Record<string, unknown>;

/** Query locators for nextRecordsUrl paging: /services/data/vXX.X/query/<locator>-<offset>. */
export class CursorStore {
  /** false: a cursor is forgotten as soon as it is opened (see clear()). */
  public keep = true;
  private cursors = new Map<string, SfRecord[]>();
  private counter = 0;

  public open(records: SfRecord[]): string {
    const locator = to18(`01g5g0000${base62(++this.counter, 6)}`);
    if (this.keep) this.cursors.set(locator, records);
    if (this.cursors.size > 200) this.cursors.delete(this.cursors.keys().next().value as string);
    return locator;
  }

  public get(locator: string): SfRecord[] | undefined {
    return this.cursors.get(locator);
  }

  /**
   * Forgets every open cursor: the next queryMore of any of them answers INVALID_QUERY_LOCATOR, as when the org
   * expired it after inactivity or released it for newer ones. GUESS: the error's code and status (400), as the SOAP
   * and REST docs name it; the wording is not documented.
   */
  public clear(): void {
    this.cursors.clear();
  }
}

const QUERY = /^\s*SELECT\s+([\s\S]+?)\s+FROM\s+(\w+)(?=\s|$)([\s\S]*)$/i;
const FIELD = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/;
const ID_LITERAL = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

function malformed(soql: string, detail: string): Reply {
  return sfErrors(400, 'MALFORMED_QUERY', `\n${soql}\n^\nERROR at Row:1:Column:1\n${detail}`);
}

/** The Salesforce parser's error text: the query, a caret under the offending token, then the message. */
function positioned(soql: string, token: string, text: string, at?: number): string {
  const index = at ?? Math.max(0, soql.indexOf(token));
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

function noSuchColumn(soql: string, column: string, entity: string, at?: number): Reply {
  return sfErrors(
    400,
    'INVALID_FIELD',
    positioned(
      soql,
      column,
      `No such column '${column}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      at
    )
  );
}

function validId(value: string): boolean {
  if (!ID_LITERAL.test(value)) return false;
  // GUESS: an 18-char literal whose case-safe suffix does not match its head is refused like any malformed id.
  return value.length === 15 || value.slice(15) === checksumSuffix(value.slice(0, 15));
}

// GUESS: 'integer' in the wrong-literal message of an int field (the dateTime and string wordings are real).
const FIELD_TYPE_NAMES: Record<FieldType, string> = { id: 'id', datetime: 'dateTime', string: 'string', int: 'integer', boolean: 'boolean' };

/**
 * A comparable form of a field value or literal: 18-char id, epoch ms, a number (int; boolean as 1 / 0), lower-cased
 * text (GUESS: SOQL text compares ignore case).
 */
type Comparable = string | number | null;

function comparableValue(type: FieldType, value: unknown): Comparable {
  if (value === null || value === undefined) return null;
  if (type === 'id') return to18(String(value).slice(0, 15));
  if (type === 'datetime') return Date.parse(String(value).replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  if (type === 'int') return Number(value);
  if (type === 'boolean') return value === true ? 1 : 0;
  return String(value).toLowerCase();
}

function comparableLiteral(type: FieldType, literal: Literal): Comparable {
  if (literal.kind === 'null') return null;
  if (type === 'datetime') return literal.kind === 'datetime' ? literal.ms : null;
  if (type === 'int') return literal.kind === 'number' ? literal.value : null;
  if (type === 'boolean') return literal.kind === 'boolean' ? comparableValue(type, literal.value) : null;
  return comparableValue(type, literal.kind === 'string' ? literal.value : literal.text);
}

function compare(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A condition's literals in comparable form, worked out once per condition and type rather than once per record: an
 * `Id IN (200 ids)` over 10,000 sessions would otherwise compute 2 million id checksums per query.
 */
type Literals = { values: Comparable[]; set: Set<Comparable> };
const literalCache = new WeakMap<Condition, Map<FieldType, Literals>>();
function literalsOf(type: FieldType, condition: Condition): Literals {
  let byType = literalCache.get(condition);
  if (!byType) literalCache.set(condition, (byType = new Map<FieldType, Literals>()));
  let literals = byType.get(type);
  if (!literals) {
    const values = condition.values.map((l) => comparableLiteral(type, l));
    byType.set(type, (literals = { values, set: new Set(values) }));
  }
  return literals;
}

/** Whether one condition holds for a field value. */
function holds(type: FieldType, condition: Condition, raw: unknown): boolean {
  const actual = comparableValue(type, raw);
  const { values, set } = literalsOf(type, condition);
  switch (condition.op) {
    case '=':
      return actual === values[0];
    case '!=':
      return actual !== values[0];
    case 'IN':
      return set.has(actual);
    case 'NOT IN':
      return !set.has(actual);
    case 'LIKE': {
      const literal = condition.values[0];
      return actual !== null && literal.kind === 'string' && likeRegExp(literal.value).test(String(raw));
    }
    default: {
      const expected = values[0];
      if (actual === null || expected === null) return false;
      const c = compare(actual, expected);
      return condition.op === '<' ? c < 0 : condition.op === '<=' ? c <= 0 : condition.op === '>' ? c > 0 : c >= 0;
    }
  }
}

/** Type checks of one condition, as the real parser does them before running anything; a Reply when it is refused. */
function checkCondition(soql: string, at: number, condition: Condition, name: string, type: FieldType): Reply | undefined {
  const wrongType = (): Reply => {
    const quoted = type === 'id' || type === 'string' ? 'should be enclosed in quotes' : 'should not be enclosed in quotes';
    // Real text for dateTime and string; GUESS for id.
    return sfErrors(400, 'INVALID_FIELD', positioned(soql, name, `value of filter criterion for field '${name}' must be of type ${FIELD_TYPE_NAMES[type]} and ${quoted}`, at));
  };
  if (condition.op === 'LIKE') {
    // GUESS: wording; LIKE works on text fields only.
    if (type !== 'string' || condition.values[0].kind !== 'string') {
      return sfErrors(400, 'INVALID_FIELD', positioned(soql, name, `invalid operator on ${FIELD_TYPE_NAMES[type]} field: LIKE`, at));
    }
    return undefined;
  }
  for (const literal of condition.values) {
    if (literal.kind === 'null') {
      if (condition.op !== '=' && condition.op !== '!=' && condition.op !== 'IN' && condition.op !== 'NOT IN') {
        // GUESS: wording; a range comparison with null is refused.
        return sfErrors(400, 'INVALID_FIELD', positioned(soql, name, `invalid operator on null value: ${condition.op}`, at));
      }
      continue;
    }
    if (type === 'datetime') {
      if (literal.kind !== 'datetime') return wrongType();
    } else if (type === 'int') {
      if (literal.kind !== 'number' || !Number.isInteger(literal.value)) return wrongType();
    } else if (type === 'boolean') {
      if (literal.kind !== 'boolean') return wrongType();
    } else if (literal.kind !== 'string') {
      return wrongType();
    } else if (type === 'id' && !validId(literal.value)) {
      return sfErrors(400, 'INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${literal.value}`);
    }
  }
  return undefined;
}

type Parsed = { fields: string[]; tail: Tail; tailAt: number };

/** What a query selects: canonical field paths (as the records spell them) and the matching records. */
type Selected = { fields: string[]; records: SfRecord[] };

function isReply(value: object): value is Reply {
  return 'status' in value;
}

/** A resolved field: canonical name and type, and whether WHERE and ORDER BY may use it (default yes). */
type Resolved = { name: string; type: FieldType; filterable?: boolean; sortable?: boolean };

/** Field resolution for an entity, or undefined for an unknown column. */
type Resolve<F extends Resolved = Resolved> = (raw: string) => F | undefined;

/** Checks every WHERE and ORDER BY field and literal; a Reply when the query is refused. */
function checkTail(soql: string, entity: string, parsed: Parsed, resolve: Resolve): Reply | undefined {
  for (const condition of conditionsOf(parsed.tail.where)) {
    const at = parsed.tailAt + condition.fieldPos;
    const field = resolve(condition.field);
    if (!field) return noSuchColumn(soql, condition.field, entity, at);
    if (field.filterable === false) {
      return sfErrors(400, 'INVALID_FIELD', positioned(soql, condition.field, `field '${field.name}' can not be filtered in query call`, at));
    }
    const refused = checkCondition(soql, at, condition, field.name, field.type);
    if (refused) return refused;
  }
  for (const item of parsed.tail.orderBy) {
    const at = parsed.tailAt + item.fieldPos;
    const field = resolve(item.field);
    if (!field) return noSuchColumn(soql, item.field, entity, at);
    // GUESS: wording, after the real "can not be filtered in query call".
    if (field.sortable === false) return sfErrors(400, 'INVALID_FIELD', positioned(soql, item.field, `field '${field.name}' can not be sorted in a query call`, at));
  }
  return undefined;
}

/** WHERE, then ORDER BY (stable), on records whose field values `valueOf` reads. */
function filterAndSort<T, F extends Resolved>(items: readonly T[], tail: Tail, resolve: Resolve<F>, valueOf: (item: T, field: F) => unknown): T[] {
  const where = tail.where;
  let out = where
    ? items.filter((item) =>
        evaluate(where, (c) => {
          const field = resolve(c.field) as F;
          return holds(field.type, c, valueOf(item, field));
        })
      )
    : [...items];
  if (tail.orderBy.length) {
    const keys = tail.orderBy.map((o) => ({ ...o, field: resolve(o.field) as F }));
    out = out
      .map((item, index) => ({ item, index }))
      .sort((a, b) => {
        for (const key of keys) {
          const x = comparableValue(key.field.type, valueOf(a.item, key.field));
          const y = comparableValue(key.field.type, valueOf(b.item, key.field));
          if (x === y) continue;
          // GUESS: Ids sort by their characters (case-sensitive), text by its lower-cased form.
          if (x === null || y === null) return (x === null ? -1 : 1) * (key.nullsLast ? -1 : 1);
          const c = compare(x, y) * (key.desc ? -1 : 1);
          if (c !== 0) return c;
        }
        return a.index - b.index;
      })
      .map((x) => x.item);
  }
  return out;
}

/**
 * GUESS: the status and text of INSUFFICIENT_ACCESS_OR_READONLY for a query of a type the user may not read (the
 * text is Salesforce's usual insufficient-privileges sentence; 403 is what REST documents for "refused").
 */
function insufficientAccess(): Reply {
  return sfErrors(
    403,
    'INSUFFICIENT_ACCESS_OR_READONLY',
    'You do not have the level of access necessary to perform the operation you requested. Please contact the owner of the record or your administrator if access is necessary.'
  );
}

const FIELDS_BY_NAME = new WeakMap<AnyTable, Map<string, FieldDef<unknown>>>();
function fieldsByName(table: AnyTable): Map<string, FieldDef<unknown>> {
  let map = FIELDS_BY_NAME.get(table);
  if (!map) FIELDS_BY_NAME.set(table, (map = new Map(table.fields.map((f) => [f.name.toLowerCase(), f]))));
  return map;
}

/** A query of one of objects.ts's tables: its refusals (type, knobs, fields), then WHERE, ORDER BY and the records. */
function queryTable(soql: string, object: string, table: AnyTable, fieldList: string[], parsed: Parsed, ctx: QueryContext): Selected | Reply {
  // setSoqlFault models a broken MessagingSession query (server.ts), not the other types.
  if (table.entity === 'MessagingSession' && ctx.soqlFault === 'INVALID_SESSION_ID') return SESSION_INVALID();
  if (table.entity === 'MessagingSession' && ctx.soqlFault === 'INVALID_TYPE') return invalidType(soql, object);
  const tctx: TableContext = { apiVersion: Number(ctx.apiVersion), objects: ctx.objects, extraSessions: ctx.extraSessions };
  const refusal = table.refuse?.(ctx.objects);
  if (refusal === 'INVALID_TYPE' || (table.since !== undefined && tctx.apiVersion < table.since)) return invalidType(soql, object);
  if (refusal === 'INSUFFICIENT_ACCESS_OR_READONLY') return insufficientAccess();
  const byName = fieldsByName(table);
  const fields: Array<FieldDef<unknown>> = [];
  for (const raw of fieldList) {
    const field = byName.get(raw.toLowerCase());
    if (!field) return noSuchColumn(soql, raw, table.entity);
    // A field not there yet (API version) or removed by a knob: the first segment is the unknown column.
    if (!fieldAvailable(field, tctx)) return noSuchColumn(soql, raw.split('.')[0], table.entity);
    fields.push(field);
  }
  const resolve: Resolve<FieldDef<unknown>> = (raw) => {
    const field = byName.get(raw.toLowerCase());
    return field && fieldAvailable(field, tctx) ? field : undefined;
  };
  const refused = checkTail(soql, table.entity, parsed, resolve);
  if (refused) return refused;
  const rows = filterAndSort(table.rows(tctx), parsed.tail, resolve, (row, field) => field.get(row, tctx));
  return { fields: fields.map((f) => f.name), records: rows.map((row) => buildRecord(table, row, fields, tctx, ctx.apiVersion)) };
}

function querySingleton(soql: string, entity: string, source: Record<string, unknown>, fieldList: string[], parsed: Parsed, v: string): Selected | Reply {
  const known = new Map(Object.keys(source).map((k) => [k.toLowerCase(), k]));
  const record: SfRecord = { attributes: { type: entity, url: `/services/data/v${v}/sobjects/${entity}/${String(source.Id)}` } };
  const fields: string[] = [];
  for (const raw of fieldList) {
    const name = known.get(raw.toLowerCase());
    if (!name) return noSuchColumn(soql, raw, entity);
    record[name] = source[name];
    fields.push(name);
  }
  // GUESS: only Id and text comparisons are emulated for these singletons; their other fields compare as text.
  const resolve: Resolve = (raw) => {
    const name = known.get(raw.toLowerCase());
    return name ? { name, type: name === 'Id' ? 'id' : 'string' } : undefined;
  };
  const refused = checkTail(soql, entity, parsed, resolve);
  if (refused) return refused;
  return { fields, records: filterAndSort([source], parsed.tail, resolve, (r, field) => r[field.name]).map(() => record) };
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

/** Parses, checks and runs a query: its entity, fields and records (before OFFSET and LIMIT), or the error Reply. */
function select(soql: string | null, ctx: QueryContext): (Selected & { entity: string; tail: Tail }) | Reply {
  if (!soql) return sfErrors(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  const match = QUERY.exec(soql);
  if (!match) return malformed(soql, 'unexpected token');
  const [, fieldText, object, tailText] = match;
  const fieldList = fieldText.split(',').map((f) => f.trim());
  const badField = fieldList.find((f) => !FIELD.test(f));
  if (badField !== undefined) return malformed(soql, `unexpected token: '${badField}'`);
  const tailAt = soql.length - tailText.length;
  let tail: Tail;
  try {
    tail = parseTail(tailText);
  } catch (error) {
    if (!(error instanceof SoqlSyntaxError)) throw error;
    return sfErrors(400, 'MALFORMED_QUERY', positioned(soql, error.token, error.message, tailAt + error.pos));
  }
  const parsed: Parsed = { fields: fieldList, tail, tailAt };
  let entity: string;
  let result: Selected | Reply;
  const table = TABLES.get(object.toLowerCase());
  if (table) {
    entity = table.entity;
    result = queryTable(soql, object, table, fieldList, parsed, ctx);
  } else if (object.toLowerCase() === 'organization') {
    entity = 'Organization';
    result = querySingleton(soql, entity, ORGANIZATION, fieldList, parsed, ctx.apiVersion);
  } else if (object.toLowerCase() === 'user') {
    entity = 'User';
    const user = userRecord(ctx.apiVersion, ctx.username);
    delete user.attributes;
    result = querySingleton(soql, entity, user, fieldList, parsed, ctx.apiVersion);
  } else {
    return invalidType(soql, object);
  }
  return isReply(result) ? result : { ...result, entity, tail };
}

/** GET /services/data/vXX.X/query?q=... (and /queryAll). */
export function runQuery(soql: string | null, ctx: QueryContext): Reply {
  const selected = select(soql, ctx);
  if (isReply(selected)) return selected;
  const { records, tail } = selected;
  const offset = tail.offset ?? 0;
  const limited = records.slice(offset, tail.limit === undefined ? undefined : offset + tail.limit);
  return page(limited, 0, ctx);
}

/**
 * GET /services/data/vXX.X/query?q=...&columns=true (and /queryAll): the query's column metadata (soqlColumns.ts).
 * The query is parsed and checked as runQuery does, so it fails the same way (INVALID_FIELD, MALFORMED_QUERY,
 * INVALID_TYPE, the SOQL faults); a valid query gets its columns whether or not any record matches.
 * Whether the real server runs the query for this is not known (nor visible to a client); the emulator runs it and
 * drops the records.
 */
export function queryColumns(soql: string | null, ctx: QueryContext): Reply {
  const selected = select(soql, ctx);
  if (isReply(selected)) return selected;
  return json(200, columnsBody(selected.entity, selected.fields));
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
