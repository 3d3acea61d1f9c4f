/*
 * The Data Cloud source (`--api data-cloud`): conversation entries from Data Cloud's data model objects, read with
 * SQL through the Query SQL API on the org's own instance, with the org's own token. Many conversations per query:
 * export reads them in batches (source.ts BatchReader), one query per batch, each conversation handed over as soon as
 * its rows are in; get reads one conversation the same way.
 *
 * Opening the source finds the DMOs and their columns (one metadata request; named errors when Data Cloud is not
 * enabled or the DMOs are not there), so a setup that can't work stops the run before anything is written.
 *
 * Requests per batch: the POST, a status request or two while it runs, and a rows page per PAGE_ROWS rows (the POST
 * may carry the first rows). A batch holds as many conversations as keep one query near ROWS_PER_QUERY rows, judged
 * from the entries per conversation seen so far. Data Cloud lags ingestion: the source says so when opened, and keeps
 * the newest entry time it has seen.
 */
import { ExitCode, bundle } from '../messages.js';
import { refresh } from '../org/org.js';
import { printable } from '../input/ids.js';
import { dataCloudSettings } from '../input/dataCloudSettings.js';
import { rowOrderKey } from './dataCloud/row.js';
import { DataCloudAnswer, createDataCloudHttp, notEnabled, type DataCloudHttp } from './dataCloud/http.js';
import { dmosOf, modelOf, type Model } from './dataCloud/model.js';
import { streamQuery, type QueryOutcome, type Row } from './dataCloud/query.js';
import { CONVERSATION_COLUMN, entriesSql, literalProblem, selectedFields } from './dataCloud/sql.js';
import type { OpenedSource, OpenInput } from './opened.js';
import type { BatchItem, Column, ConversationRef, RawEntry, Read, ReadOptions } from './source.js';

const messages = bundle('dataCloud');

/** The rows one batch's query should return at most, judged from the entries per conversation seen so far. */
export const ROWS_PER_QUERY = 50_000;
/** Conversation identifiers in one query at most (GUESS: no documented limit on the SQL's length; 2,500 UUIDs ≈ 100 KB). */
export const MAX_CONVERSATIONS_PER_QUERY = 2500;
/** The first batch, before anything is known of the entries per conversation. */
export const FIRST_BATCH = 200;
/** GUESS: the Query SQL API is documented at API v64.0; an older connection version is raised to it. */
export const MIN_SSOT_VERSION = '64.0';

/** The org's connection's API version, raised to MIN_SSOT_VERSION when older. */
const ssotVersion = (version: string): string => (Number(version) < Number(MIN_SSOT_VERSION) ? MIN_SSOT_VERSION : version);

/** Finds the DMOs: a metadata request, named errors when Data Cloud or the DMOs are not there. */
export async function discoverModel(http: DataCloudHttp): Promise<Model> {
  let body: unknown;
  try {
    body = await http.request({ method: 'GET', path: 'metadata', query: { entityType: 'DataModelObject' } });
  } catch (error) {
    // GUESS: an org without Data Cloud (or a user without its permission) may also answer 403 or 404 here.
    if (error instanceof DataCloudAnswer && (error.status === 403 || error.status === 404)) throw notEnabled(error.where, error.status, error.said);
    if (error instanceof DataCloudAnswer) throw requestFailed(http, error, 'GET metadata');
    throw error;
  }
  const dmos = dmosOf(body);
  if (!dmos) throw messages.fail('DataCloudBadResponse', ExitCode.ApiFailed, [http.where, 'GET metadata', messages.text('reason.noDmoList')]);
  return modelOf(dmos);
}

const requestFailed = (http: DataCloudHttp, answer: DataCloudAnswer, what: string): Error =>
  messages.fail('DataCloudRequestFailed', ExitCode.ApiFailed, [http.where, `HTTP ${answer.status}`, what, answer.said ? ` ${messages.text('said', [answer.said])}` : '']);

/** Data Cloud's words about a query, named: the DMOs not visible, or the query failed. */
export function queryFailure(http: DataCloudHttp, model: Model, answer: DataCloudAnswer): Error {
  const notVisible = answer.status === 403 || /not found|does not exist|no such|unknown (table|object|entity)|insufficient|permission|not authori[sz]ed|access denied/i.test(answer.said);
  if (notVisible) {
    return messages.fail('DataCloudDmoNotVisible', ExitCode.NotAvailable, [model.conversation.dmo, model.entry.dmo, answer.said || `HTTP ${answer.status}`], [http.apiVersion, model.entry.dmo]);
  }
  const what = answer.status ? `HTTP ${answer.status}` : messages.text('queryStatus');
  return messages.fail('DataCloudQueryFailed', ExitCode.ApiFailed, [what, answer.said || messages.text('none')]);
}

const isColumns = (value: Row[] | Column[]): value is Column[] => value.length > 0 && !Array.isArray(value[0]);

export type DataCloudSource = OpenedSource & { readonly model: Model };

/** Opens the Data Cloud source: its settings, its HTTP client on the org's instance, and the DMOs it reads. */
export async function openDataCloudSource(input: OpenInput): Promise<DataCloudSource> {
  const { org, conn } = input;
  const settings = dataCloudSettings(input.settings.env, input.clientId);
  input.warn(messages.text('warning.Lag'));
  let refreshing: Promise<void> | undefined;
  const http = createDataCloudHttp({
    instanceUrl: conn.instanceUrl,
    apiVersion: ssotVersion(conn.getApiVersion()),
    orgId: org.getOrgId(),
    getToken: () => conn.accessToken ?? '',
    refresh: () => (refreshing ??= refresh(org, conn.instanceUrl).finally(() => (refreshing = undefined))),
    timeoutMs: input.settings.timeoutMs,
    maxResponseBytes: input.settings.maxResponseBytes,
    retry: input.retry,
    dataspace: settings.dataspace,
  });
  const model = await discoverModel(http);
  const named = (answer: DataCloudAnswer): Error => queryFailure(http, model, answer);
  const fields = selectedFields(model);
  const defaultNames = [CONVERSATION_COLUMN, ...fields.map((f) => model.entry.columns[f] as string)];
  const defaultColumns: Column[] = defaultNames.map((name) => ({ name }));
  let conversationsSeen = 0;
  let rowsSeen = 0;
  let newest: number | undefined;

  /** A row as a raw entry: keyed by the column names Data Cloud gave (else the names asked for); undefined for a conversation's row of nulls. */
  const rawOf = (row: Row, names: string[]): RawEntry | undefined => {
    if (row[1] === null || row[1] === undefined) return undefined;
    // Own properties only: a column Data Cloud names `__proto__` stays a plain key.
    return Object.fromEntries(names.map((name, i) => [name, row[i] ?? null]));
  };

  /**
   * A query's rows as conversations: each one's entries once its last row is in (the query orders rows by
   * conversation). Returns how the query ended, and the conversation whose rows were coming when it ended.
   */
  async function* conversationsOf(
    stream: AsyncGenerator<Row[] | Column[], QueryOutcome>,
    wanted: ReadonlyMap<string, unknown>,
    found: { columns?: Column[] },
    onPage?: ReadOptions['onPage']
  ): AsyncGenerator<Grouped, { outcome: QueryOutcome; last?: Grouped }> {
    let names = defaultNames;
    let current: Grouped | undefined;
    const done = new Set<string>();
    let received = 0;
    let pages = 0;
    for (;;) {
      // eslint-disable-next-line no-await-in-loop -- one page at a time: the caller's pace is the query's
      const next = await stream.next();
      if (next.done) return { outcome: next.value, last: current };
      const value = next.value;
      if (isColumns(value)) {
        found.columns ??= value;
        if (value.length === defaultNames.length) names = value.map((c, i) => c.name || defaultNames[i]);
        continue;
      }
      for (const row of value) {
        const id = row[0];
        if (typeof id !== 'string' || !wanted.has(id)) continue;
        if (current && current.id !== id) {
          done.add(current.id);
          yield current;
          current = undefined;
        }
        if (done.has(id)) throw messages.fail('DataCloudRowsOutOfOrder', ExitCode.ApiFailed, [printable(id)]);
        current ??= { id, entries: [] };
        const raw = rawOf(row, names);
        if (raw) current.entries.push(raw);
        const time = raw && rowOrderKey(raw).time;
        if (time !== undefined && (newest === undefined || time > newest)) newest = time;
      }
      received += value.length;
      onPage?.(received, ++pages);
    }
  }

  async function* readMany(refs: readonly ConversationRef[], options: ReadOptions = {}): AsyncGenerator<BatchItem> {
    const { byIdentifier, refused } = partition(refs);
    yield* refused;
    if (!byIdentifier.size) return;
    const identifiers = [...byIdentifier.keys()];
    const handedOver = new Set<string>();
    const found: { columns?: Column[] } = {};
    function* handOver({ id, entries }: Grouped, outcome?: QueryOutcome): Generator<BatchItem> {
      handedOver.add(id);
      conversationsSeen++;
      rowsSeen += entries.length;
      const kept = options.start === undefined && options.end === undefined ? entries : entries.filter((raw) => inWindow(raw, options));
      const read: Read = {
        entries: kept,
        incomplete: outcome ? 'short-result' : null,
        warnings: outcome ? [messages.text('warning.ShortResult', [outcome.expected, outcome.received, kept.length])] : [],
        columns: found.columns ?? defaultColumns,
      };
      for (const ref of byIdentifier.get(id) ?? []) yield { ref, read };
    }
    const stream = streamQuery(http, (page) => entriesSql(model, identifiers, page), { timeoutMs: settings.queryTimeoutMs }, named);
    const grouped = conversationsOf(stream, byIdentifier, found, options.onPage);
    let end: { outcome: QueryOutcome; last?: Grouped };
    try {
      for (;;) {
        // eslint-disable-next-line no-await-in-loop -- one conversation at a time, as the caller takes them
        const next = await grouped.next();
        if (next.done) {
          end = next.value;
          break;
        }
        yield* handOver(next.value);
      }
    } catch (error) {
      for (const [id, list] of byIdentifier) if (!handedOver.has(id)) for (const ref of list) yield { ref, error };
      return;
    } finally {
      // A caller that stopped early: the query is cancelled (query.ts).
      await stream.return(undefined as never);
    }
    const { outcome, last } = end;
    if (last) yield* handOver(last, outcome.complete ? undefined : outcome);
    // Not in the rows of a complete result: Data Cloud doesn't hold it. After a short result, nobody knows.
    const short = outcome.complete ? undefined : messages.fail('DataCloudResultShort', ExitCode.ApiFailed, [outcome.expected, outcome.received]);
    for (const [id, list] of byIdentifier) {
      if (!handedOver.has(id)) for (const ref of list) yield short ? { ref, error: short } : { ref, missing: true };
    }
  }

  return {
    name: 'data-cloud',
    model,
    stats: http.stats,
    newestEntry: () => newest,
    batch: {
      nextBatchSize: (): number =>
        conversationsSeen === 0
          ? FIRST_BATCH
          : Math.max(1, Math.min(MAX_CONVERSATIONS_PER_QUERY, Math.floor(ROWS_PER_QUERY / Math.max(1, rowsSeen / conversationsSeen)))),
      readMany,
    },
    async read(conversation: ConversationRef, options: ReadOptions = {}): Promise<Read> {
      for await (const item of readMany([conversation], options)) {
        if ('error' in item) throw item.error;
        if ('missing' in item) throw messages.fail('NotInDataCloud', ExitCode.NotFound, [printable(conversation.conversationIdentifier ?? '')]);
        const latestMs = item.read.entries.reduce<number | undefined>((max, raw) => {
          const time = rowOrderKey(raw).time;
          return time !== undefined && (max === undefined || time > max) ? time : max;
        }, undefined);
        const latest = latestMs === undefined ? messages.text('info.noEntries') : new Date(latestMs).toISOString();
        return { ...item.read, warnings: [...item.read.warnings, messages.text('warning.Newest', [latest])] };
      }
      throw new Error('readMany handed over nothing');
    },
  };
}

type Grouped = { id: string; entries: RawEntry[] };

/** The conversations a query can ask for, by identifier (two sessions may share one), and the refs it can't. */
function partition(refs: readonly ConversationRef[]): { byIdentifier: Map<string, ConversationRef[]>; refused: BatchItem[] } {
  const byIdentifier = new Map<string, ConversationRef[]>();
  const refused: BatchItem[] = [];
  for (const ref of refs) {
    const id = ref.conversationIdentifier;
    const problem = id ? literalProblem(id) : undefined;
    if (!id) refused.push({ ref, error: bundle('org').fail('NoConversation', ExitCode.NotFound, [ref.recordId ?? '']) });
    // The user's own -c is bad input (exit 2); an identifier the org returned is the source's failure, for that one
    // conversation only.
    else if (problem) refused.push({ ref, error: messages.fail('DataCloudUnusableIdentifier', ref.recordId ? ExitCode.ApiFailed : ExitCode.InvalidInput, [printable(id), problem]) });
    else byIdentifier.set(id, [...(byIdentifier.get(id) ?? []), ref]);
  }
  return { byIdentifier, refused };
}

/** An entry inside the window (epoch ms, inclusive), by its time; an entry without one is kept. */
function inWindow(raw: RawEntry, { start, end }: ReadOptions): boolean {
  const time = rowOrderKey(raw).time;
  return time === undefined || ((start === undefined || time >= start) && (end === undefined || time <= end));
}
