/*
 * What a source's server answered, described without a single value from it: the contract `doctor --report` writes
 * (the Conversation Data API's parameters, envelope and paging are not published in full, api-notes §1.2-§1.3, so
 * this is how they get confirmed in the field). A source hands every exchange to an Observe callback; a Recorder
 * turns each into a value-free record at once and never keeps the body. Kept: the method, the path with every
 * identifier replaced, the names of the parameters sent (and the values this plugin chose itself: recordLimit,
 * queryDirection), the status, the envelope's keys, the paging fields seen, which way the page ran, how many entries
 * came back against the limit asked, each timestamp field's unit, and each entry field's path and JSON type. Not
 * kept: any text, identifier, name, token, host of an org, or timestamp value.
 */
import { isRecordId } from '../input/ids.js';
import { orderTime } from './api/entryTime.js';
import { entryTime } from './conversationEntryTime.js';
import { rowOrderKey } from './dataCloud/row.js';
import type { SourceName } from './source.js';

/** One request and its answer, as a source saw it. Described at once by a Recorder; never stored as it is. */
export type Exchange = {
  source: SourceName;
  method: string;
  url: URL;
  /** The HTTP status; null when no answer came (a network failure). */
  status: number | null;
  /** The parsed body, when there was one. */
  body?: unknown;
  /** The number of entries asked for (recordLimit, or a SOQL batch). */
  limitAsked?: number;
  /** For a SOQL request: the statement with the record's Id replaced (the plugin's own text). */
  soql?: string;
};

export type Observe = (exchange: Exchange) => void;

/** A JSON value's type: string, number, boolean, null, object, array; a string holding JSON is "string(json)". */
export type JsonType = 'string' | 'string(json)' | 'number' | 'boolean' | 'null' | 'object' | 'array';

/** The unit a timestamp field was written in. */
export type TimeUnit = 'epoch-ms' | 'epoch-s' | 'epoch-ms-string' | 'epoch-s-string' | 'iso-8601' | 'other';

export type ExchangeRecord = {
  method: string;
  /** The API's host when it is one of Salesforce's shared API hosts; otherwise which kind of host it was. */
  host: string;
  /** The path, every identifier replaced by {id}. */
  path: string;
  /** Each parameter sent: the plugin's own values (recordLimit, queryDirection, a SOQL template), else "(sent)". */
  parameters: Record<string, string | number>;
  status: number | null;
  /** The top-level keys of the body (of its first item when it is an array), or ["(array)"] for a bare list. */
  envelopeKeys: string[];
  /** Paging fields seen in the envelope, with their JSON types (never their values). */
  pagingFields: Record<string, JsonType>;
  /** Where the list of entries was. */
  entriesKey: string | null;
  entries: number;
  limitAsked: number | null;
  /** Which way the page ran by the entries' own clock, when it had two entries of different times. */
  order: 'oldest-first' | 'newest-first' | 'unknown';
  /** Each timestamp field's units, over the page's entries. */
  timestampUnits: Record<string, TimeUnit[]>;
  /** Each entry field's path (a.b, list[]) and JSON types, over the page's entries. */
  fields: Record<string, JsonType[]>;
  /** An error body's code, when it is an upper-case enumeration (INVALID_TYPE, NOT_FOUND); never its message. */
  errorCode?: string;
};

const ENTRY_LISTS = ['conversationEntries', 'entries', 'data', 'records', 'items'];
const PAGING = new Set([
  'nextPageToken', 'nextToken', 'continuationToken', 'pageToken', 'nextCursor', 'cursor', 'nextPageUrl', 'nextRecordsUrl', 'nextUrl',
  'next', 'links', 'hasMore', 'isLastPage', 'done', 'totalSize', 'size', 'count', 'offset', 'limit',
]);
/** The parameters whose values this plugin chooses itself, so they say nothing about a conversation. */
const OWN_VALUES = new Set(['recordLimit', 'queryDirection']);
const SHARED_API_HOSTS = /^((test|dev)\.)?api\.salesforce\.com$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_DEPTH = 8;

/** A record Id, not a field name of 15 or 18 letters (abstractMessage): Ids carry digits (0Mw5g00000AbCdE). */
const looksLikeId = (key: string): boolean => isRecordId(key) && (key.match(/\d/g)?.length ?? 0) >= 3;

/**
 * A key as a schema name, or "(key)" when it could be a value: only a plain identifier (letters, digits, _ and $,
 * at most 64 characters) that is neither a record Id nor a UUID is kept.
 */
export function safeKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]{0,63}$/.test(key) && !looksLikeId(key) && !UUID.test(key) ? key : '(key)';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function jsonOf(value: string): unknown {
  const t = value.trim();
  if (!(t.startsWith('{') && t.endsWith('}')) && !(t.startsWith('[') && t.endsWith(']'))) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return jsonOf(value) === undefined ? 'string' : 'string(json)';
  if (typeof value === 'number' || typeof value === 'boolean') return typeof value as 'number' | 'boolean';
  return 'object';
}

const TIME_FIELD = /(time|timestamp|date)$/i;

/** The unit of a timestamp value (its size tells epoch seconds from ms: below 1e10 is seconds, api-notes §1.3). */
export function timeUnit(value: unknown): TimeUnit {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e10 ? 'epoch-s' : 'epoch-ms';
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return Number(value) < 1e10 ? 'epoch-s-string' : 'epoch-ms-string';
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(value) && !Number.isNaN(Date.parse(value.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')))) return 'iso-8601';
  }
  return 'other';
}

const add = <T>(map: Record<string, T[]>, key: string, value: T): void => {
  // eslint-disable-next-line no-param-reassign -- filling the caller's map is what this helper is for
  const list = (map[key] ??= []);
  if (!list.includes(value)) list.push(value);
};

/** Every field path of a value and its JSON types (values are looked at for their type only, then dropped). */
function walk(value: unknown, path: string, fields: Record<string, JsonType[]>, units: Record<string, TimeUnit[]>, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (path) add(fields, path, jsonType(value));
  const leaf = path.split('.').pop()?.replace(/\[\]$/, '') ?? '';
  if (path && TIME_FIELD.test(leaf) && value !== null && typeof value !== 'object') add(units, path, timeUnit(value));
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 50)) walk(item, `${path}[]`, fields, units, depth + 1);
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${safeKey(k)}` : safeKey(k), fields, units, depth + 1);
  } else if (typeof value === 'string') {
    const inner = jsonOf(value);
    if (inner !== undefined && path) walk(inner, `${path}(json)`, fields, units, depth + 1);
  }
}

/** The path with every segment that is not a plain word or an API version replaced by {id}. */
export function pathTemplate(url: URL): string {
  return url.pathname
    .split('/')
    .map((segment) => (segment === '' || /^[a-z][a-zA-Z-]*$/.test(segment) || /^v\d+\.\d+$/.test(segment) ? segment : '{id}'))
    .join('/');
}

function hostOf(exchange: Exchange): string {
  if (SHARED_API_HOSTS.test(exchange.url.hostname)) return exchange.url.hostname;
  return exchange.source === 'conversation-data' ? '(another host: SF_CONVERSATION_API_URL or api_instance_url)' : "(the org's instance)";
}

/** An entry's time as its source reads it (the same readers the transcript's shapes use). */
const TIME_OF: Record<SourceName, (entry: Record<string, unknown>) => number | undefined> = {
  'conversation-data': orderTime,
  connect: orderTime,
  'conversation-entry': entryTime,
  'data-cloud': (row) => rowOrderKey(row).time,
};

function orderOf(entries: Array<Record<string, unknown>>, source: SourceName): ExchangeRecord['order'] {
  const times = entries.map(TIME_OF[source]).filter((t): t is number => t !== undefined);
  const first = times[0];
  const last = times[times.length - 1];
  if (first === undefined || last === undefined || first === last) return 'unknown';
  return first < last ? 'oldest-first' : 'newest-first';
}

/** The parameters sent: their names, and only the values this plugin chose itself. */
function parametersOf(exchange: Exchange): Record<string, string | number> {
  const parameters: Record<string, string | number> = {};
  for (const [name, value] of exchange.url.searchParams) {
    const key = safeKey(name);
    if (OWN_VALUES.has(key) && /^[A-Za-z0-9]{1,16}$/.test(value)) parameters[key] = /^\d+$/.test(value) ? Number(value) : value;
    else parameters[key] = '(sent)';
  }
  if (exchange.soql) parameters.q = exchange.soql;
  return parameters;
}

/** The body's list of entries, where it was, and the envelope's paging fields (their types). */
function envelopeOf(exchange: Exchange): Pick<ExchangeRecord, 'envelopeKeys' | 'pagingFields' | 'entriesKey'> & { list: Array<Record<string, unknown>>; first: unknown } {
  const body = exchange.body;
  const first: unknown = Array.isArray(body) ? (body as unknown[])[0] : body;
  const envelopeKeys = Array.isArray(body) && !isObject(first) ? ['(array)'] : isObject(first) ? Object.keys(first).map(safeKey) : [];
  const pagingFields: Record<string, JsonType> = {};
  if (isObject(body)) {
    for (const [k, v] of Object.entries(body)) if (PAGING.has(k)) pagingFields[k] = jsonType(v);
    const key = ENTRY_LISTS.find((k) => Array.isArray(body[k]));
    return { envelopeKeys, pagingFields, entriesKey: key ?? null, list: key ? (body[key] as unknown[]).filter(isObject) : [], first };
  }
  const answered = Array.isArray(body) && exchange.status !== null && exchange.status < 300;
  return { envelopeKeys, pagingFields, entriesKey: answered ? '(array)' : null, list: answered ? (body as unknown[]).filter(isObject) : [], first };
}

/** One exchange, described without any value it carried. */
export function describeExchange(exchange: Exchange): ExchangeRecord {
  const { list: entries, first, ...envelope } = envelopeOf(exchange);
  const fields: Record<string, JsonType[]> = {};
  const timestampUnits: Record<string, TimeUnit[]> = {};
  for (const entry of entries) walk(entry, '', fields, timestampUnits, 0);
  const record: ExchangeRecord = {
    method: exchange.method,
    host: hostOf(exchange),
    path: pathTemplate(exchange.url),
    parameters: parametersOf(exchange),
    status: exchange.status,
    ...envelope,
    entries: entries.length,
    limitAsked: exchange.limitAsked ?? null,
    order: orderOf(entries, exchange.source),
    timestampUnits,
    fields,
  };
  const code = isObject(first) ? first.errorCode ?? first.error : undefined;
  if (exchange.status !== null && exchange.status >= 300 && typeof code === 'string' && /^[A-Z][A-Z_]{0,63}$/.test(code)) record.errorCode = code;
  return record;
}

/** Collects the value-free records of every exchange, per source. */
export type Recorder = { observe: Observe; records(): Partial<Record<SourceName, ExchangeRecord[]>> };

export function contractRecorder(): Recorder {
  const bySource: Partial<Record<SourceName, ExchangeRecord[]>> = {};
  return {
    observe: (exchange) => (bySource[exchange.source] ??= []).push(describeExchange(exchange)),
    records: () => bySource,
  };
}
