/*
 * Running a Data Cloud query (src/sources/dataCloud/query.ts) against a scripted server: rows checked against
 * rowCount, a silently capped result completed by LIMIT/OFFSET queries of the same order, a result that can't be
 * completed ending as not complete (never as complete), long polls while the query runs, ResultsProduced looked at
 * again, a failed or timed-out query named and cancelled. Also Data Cloud's rows as transcript entries
 * (transcript/shapes/dataCloud.ts) and the bounded wait for asynchronous cleanups on Ctrl-C (files/cleanup.ts).
 */
import { expect } from 'chai';
import type { SfError } from '@salesforce/core';
import { cleanUpAll, whileInterruptible, whileInterruptibleAsync } from '../../src/files/cleanup.js';
import { DataCloudAnswer, type DataCloudHttp, type DataCloudRequest } from '../../src/sources/dataCloud/http.js';
import { streamQuery, type QueryOutcome, type Row } from '../../src/sources/dataCloud/query.js';
import type { Column } from '../../src/sources/source.js';
import { normalizeEntry, shapeOf } from '../../src/transcript/normalize.js';
import { orderEntries } from '../../src/transcript/order.js';
import { dateTimeMs } from '../../src/sources/dataCloud/row.js';
import { dataCloudShape } from '../../src/transcript/shapes/dataCloud.js';

type Script = {
  /** Rows the query has. */
  total: number;
  /** No query serves more than this (0: none). */
  cap?: number;
  /** LIMIT/OFFSET queries serve at most this many rows (0: none at all, a result that can't be completed). */
  pageCap?: number;
  /** Status polls that still say Running. */
  running?: number;
  done?: 'Finished' | 'ResultsProduced' | 'Failed';
  /** Rows the POST carries (when not running). */
  firstRows?: number;
  rowsResource?: boolean;
};

/** A scripted Data Cloud: `sql` LIMIT/OFFSET read from the text; rows are [index]. */
type Posted = { rows: number[]; polls: number; isPage: boolean };

function scripted(script: Script): { http: DataCloudHttp; log: string[] } {
  const log: string[] = [];
  const queries = new Map<string, Posted>();
  let n = 0;
  const statusOf = (id: string): Record<string, unknown> => {
    const q = queries.get(id) as Posted;
    if (q.polls > 0) return { queryId: id, completionStatus: 'Running' };
    return { queryId: id, completionStatus: script.done ?? 'Finished', rowCount: q.rows.length };
  };
  const serve = (id: string, from: number, limit: number): Row[] => {
    const q = queries.get(id) as Posted;
    const cap = q.isPage ? script.pageCap ?? Infinity : script.cap ?? Infinity;
    return q.rows.slice(from, Math.min(from + limit, cap)).map((i) => [i]);
  };
  const http: DataCloudHttp = {
    where: 'https://example.my.salesforce.com',
    apiVersion: '64.0',
    stats: { requests: 0, retries: 0, refreshes: 0 },
    // eslint-disable-next-line @typescript-eslint/require-await
    async request(request: DataCloudRequest): Promise<unknown> {
      const query = new URLSearchParams(Object.entries(request.query ?? {}).map(([k, v]) => [k, String(v)]));
      log.push(`${request.method} ${request.path}${query.size ? `?${query.toString()}` : ''}`);
      if (request.method === 'POST') {
        const sql = (request.body as { sql: string }).sql;
        const page = /LIMIT (\d+) OFFSET (\d+)$/.exec(sql);
        const all = Array.from({ length: script.total }, (_, i) => i);
        const rows = page ? all.slice(Number(page[2]), Number(page[2]) + Number(page[1])) : all;
        const id = `q${++n}`;
        queries.set(id, { rows, polls: script.running ?? 0, isPage: Boolean(page) });
        const status = statusOf(id);
        const data = status.completionStatus === 'Running' ? [] : serve(id, 0, script.firstRows ?? 0);
        return { status, data, returnedRows: data.length, metadata: [{ name: 'i', type: 'NUMBER' }] };
      }
      const m = /^query-sql\/([^/]+)(\/rows)?$/.exec(request.path) as RegExpExecArray;
      const q = queries.get(m[1]) as Posted;
      if (request.method === 'DELETE') return {};
      if (m[2]) {
        if (script.rowsResource === false) throw new DataCloudAnswer(404, 'NOT_FOUND', http.where);
        return { data: serve(m[1], Number(request.query?.offset), Number(request.query?.rowLimit)) };
      }
      if (q.polls > 0) q.polls--;
      return statusOf(m[1]);
    },
  };
  return { http, log };
}

const named = (answer: DataCloudAnswer): Error => new Error(`named: ${answer.said}`);

async function drain(http: DataCloudHttp, timeoutMs = 60_000): Promise<{ rows: number[]; columns: Column[][]; outcome: QueryOutcome }> {
  const stream = streamQuery(http, (page) => `SELECT …${page ? ` LIMIT ${page.limit} OFFSET ${page.offset}` : ''}`, { timeoutMs }, named);
  const rows: number[] = [];
  const columns: Column[][] = [];
  for (;;) {
    // eslint-disable-next-line no-await-in-loop
    const next = await stream.next();
    if (next.done) return { rows, columns, outcome: next.value };
    const value = next.value;
    if (Array.isArray(value[0])) rows.push(...(value as Row[]).map((r) => r[0] as number));
    else columns.push(value as Column[]);
  }
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('Data Cloud query: rows against rowCount', () => {
  it('pages by rows: one POST, one long poll, a page per 2,000 rows', async () => {
    const { http, log } = scripted({ total: 4500, running: 1 });
    const { rows, outcome } = await drain(http);
    expect(rows).to.deep.equal(range(4500));
    expect(outcome).to.deep.include({ complete: true, expected: 4500, received: 4500, queries: 1 });
    expect(log).to.deep.equal([
      'POST query-sql',
      'GET query-sql/q1?waitTimeMs=5000',
      'GET query-sql/q1/rows?offset=0&rowLimit=2000&omitSchema=false',
      'GET query-sql/q1/rows?offset=2000&rowLimit=2000&omitSchema=true',
      'GET query-sql/q1/rows?offset=4000&rowLimit=500&omitSchema=true',
    ]);
  });

  it('a silently capped result (1,400 of 5,000 served) is completed by LIMIT/OFFSET queries of the same order, each no bigger than what was served', async () => {
    const { http, log } = scripted({ total: 5000, cap: 1400, firstRows: 1000 });
    const { rows, outcome } = await drain(http);
    expect(rows).to.deep.equal(range(5000));
    expect(outcome.complete).to.equal(true);
    const posts = log.filter((l) => l.startsWith('POST'));
    expect(posts).to.have.length(1 + Math.ceil((5000 - 1400) / 1400));
    // The first page picks up right where the capped rows ended.
    expect(log).to.include('GET query-sql/q1/rows?offset=1000&rowLimit=2000&omitSchema=true');
    expect(log.filter((l) => l.startsWith('GET query-sql/q1/rows'))).to.have.length(2);
  });

  it('pages capped below their LIMIT get smaller LIMITs; a result that can\'t be completed ends as not complete, with what arrived', async () => {
    const smaller = scripted({ total: 5000, cap: 1400, pageCap: 500, firstRows: 1000 });
    const completed = await drain(smaller.http);
    expect(completed.rows).to.deep.equal(range(5000));
    expect(completed.outcome.complete).to.equal(true);
    expect(smaller.log.filter((l) => l.startsWith('POST'))).to.have.length(1 + 1 + Math.ceil((5000 - 1400 - 500) / 500));
    const { http } = scripted({ total: 5000, cap: 1400, pageCap: 0, firstRows: 1000 });
    const { rows, outcome } = await drain(http);
    expect(outcome.complete).to.equal(false);
    expect(rows).to.deep.equal(range(1400));
    expect(outcome).to.deep.include({ received: 1400, expected: 5000 });
  });

  it('ResultsProduced is looked at once more before its rowCount is trusted; a server without …/rows is paged by LIMIT/OFFSET', async () => {
    const a = scripted({ total: 10, done: 'ResultsProduced', firstRows: 10 });
    expect((await drain(a.http)).rows).to.deep.equal(range(10));
    expect(a.log).to.deep.equal(['POST query-sql', 'GET query-sql/q1']);
    const b = scripted({ total: 4500, rowsResource: false, firstRows: 2000 });
    const { rows, outcome } = await drain(b.http);
    expect(rows).to.deep.equal(range(4500));
    expect(outcome.complete).to.equal(true);
    expect(b.log.filter((l) => l.startsWith('POST'))).to.deep.equal(['POST query-sql', 'POST query-sql', 'POST query-sql']);
  });

  it('a failed query is named from what Data Cloud said; a query still running at its deadline is a named timeout, and is cancelled', async () => {
    const failed = scripted({ total: 1, done: 'Failed' });
    const error = await drain(failed.http).catch((e: Error) => e);
    expect((error as Error).message).to.match(/^named: .*Failed/);
    const slow = scripted({ total: 1, running: 1_000_000 });
    const timeout = (await drain(slow.http, 1).catch((e: SfError) => e)) as SfError;
    expect(timeout.name).to.equal('DataCloudQueryTimedOutError');
    expect(timeout.exitCode).to.equal(6);
    expect(slow.log.at(-1)).to.equal('DELETE query-sql/q1');
  });

  it('a reader that stops early cancels the query', async () => {
    const { http, log } = scripted({ total: 6000 });
    const stream = streamQuery(http, () => 'SELECT …', { timeoutMs: 60_000 }, named);
    await stream.next(); // columns
    await stream.next(); // the first page
    await stream.return(undefined as never);
    expect(log.at(-1)).to.equal('DELETE query-sql/q1');
  });
});

describe('Data Cloud rows as transcript entries', () => {
  const row = (fields: Record<string, unknown>, prefix = 'ssot__'): Record<string, unknown> =>
    Object.fromEntries([['conversation_identifier', 'c1'] as [string, unknown], ...Object.entries({ ConversationId: 'x', ...fields }).map(([k, v]): [string, unknown] => [`${prefix}${k}__c`, v])]);

  it('reads Data Cloud datetimes in the forms they come in (ISO, space and UTC, offsets, epoch s or ms), else none', () => {
    const ms = Date.UTC(2025, 0, 10, 11, 20, 0, 137);
    for (const text of ['2025-01-10T11:20:00.137Z', '2025-01-10 11:20:00.137 UTC', '2025-01-10T12:20:00.137+01:00', '2025-01-10 11:20:00.137', '2025-01-10T11:20:00.137456Z', ms, String(ms)]) {
      expect(dateTimeMs(text), String(text)).to.equal(ms);
    }
    expect(dateTimeMs(1_736_508_000)).to.equal(1_736_508_000_000);
    for (const bad of ['', 'soon', '2025-13-45T99:00:00Z', null, {}, -1, NaN]) expect(dateTimeMs(bad), String(bad)).to.equal(undefined);
  });

  it('a row becomes an entry: text decoded, or read from a payload as the API reads it; time, type, identifier; either spelling', () => {
    const plain = normalizeEntry(row({ Id: 'r1', ExternalRecordId: 'e1', ConversationEntryType: 'Message', PayloadText: 'I&#39;m here &amp; ready', TranscriptedDateTime: '2025-01-10T11:20:00.137Z', EngagementParticipantId: 'p1' }));
    expect(plain).to.deep.include({ text: "I'm here & ready", entryType: 'Message', identifier: 'e1', senderSubject: 'p1', time: Date.UTC(2025, 0, 10, 11, 20, 0, 137) });
    const menu = normalizeEntry(row({ Id: 'r2', ConversationEntryType: 'Message', PayloadText: JSON.stringify({ abstractMessage: { messageType: 'ChoicesMessage', choices: { text: 'Pick', optionItems: [{ titleItem: { title: 'A' } }] } } }) }, 'std__'));
    expect(menu).to.deep.include({ text: 'Pick [choices: A]', identifier: 'r2' });
    const event = normalizeEntry(row({ Id: 'r3', ConversationEntryType: 'RoutingWorkResult', PayloadText: '{"workType":"Accepted"}' }));
    expect(event.text).to.equal('[Routing work result] workType=Accepted');
    // A customer who types JSON into a message gets it shown as typed.
    expect(normalizeEntry(row({ Id: 'r4', ConversationEntryType: 'Message', PayloadText: '{"a": 1}' })).text).to.equal('{"a": 1}');
    expect(normalizeEntry(row({ Id: 'r5', ConversationEntryType: 'ParticipantChanged', PayloadText: null })).text).to.equal('[Participant changed]');
    expect(shapeOf(row({ PayloadText: 'x' }))).to.equal(dataCloudShape);
    expect(shapeOf({ identifier: 'x', messageText: 'hi', serverReceivedTimestamp: 1 })).to.not.equal(dataCloudShape);
  });

  it('orders rows by the server time, then the sequence number, then arrival (ClientDateTime when there is no server time)', () => {
    const rows = [
      row({ Id: 'c', PayloadText: 'c', TranscriptedDateTime: '2025-01-10T11:20:01.000Z', SequenceNumber: 3 }),
      row({ Id: 'b', PayloadText: 'b', TranscriptedDateTime: '2025-01-10T11:20:00.000Z', SequenceNumber: '2' }),
      row({ Id: 'a', PayloadText: 'a', TranscriptedDateTime: '2025-01-10T11:20:00.000Z', SequenceNumber: 1 }),
      row({ Id: 'z', PayloadText: 'z', ClientDateTime: '2025-01-10 11:19:59.000 UTC' }),
    ];
    expect(orderEntries(rows).map((r) => r.ssot__Id__c)).to.deep.equal(['z', 'a', 'b', 'c']);
  });
});

describe('Ctrl-C cleanups', () => {
  it('runs the synchronous cleanups, then the asynchronous ones together, and stops waiting for them after its time', async () => {
    const ran: string[] = [];
    whileInterruptible(() => ran.push('file'));
    whileInterruptibleAsync(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      ran.push('cancel');
    });
    whileInterruptibleAsync(() => new Promise<void>(() => ran.push('hangs')));
    const released = whileInterruptibleAsync(() => Promise.resolve(void ran.push('released')));
    released();
    await cleanUpAll(200);
    expect(ran).to.deep.equal(['file', 'hangs', 'cancel']);
    // Each ran once: nothing is left registered.
    await cleanUpAll(10);
    expect(ran).to.have.length(3);
  });
});
