/*
 * Self-test of the emulator's Data Cloud (test/emulator/dataCloud*.ts): the metadata endpoint in either DMO spelling,
 * the Query SQL API's async status, row paging, the silent row cap, cancel, the "cdp tenant id" answer, the strict
 * evaluator (it runs the plugin's one shape and refuses the rest), and the volume generator. Real HTTP (fetch), no
 * plugin code.
 *   npx mocha test/emulator-selftest/dataCloud.test.ts
 */
import { expect } from 'chai';
import { parse, tokenize, SqlError } from '../emulator/dataCloudSql.js';
import { columnName, volumeIdentifier, volumeSessions } from '../emulator/dataCloudData.js';
import { CONVERSATIONS, entriesOf, LONG_ENTRY_COUNT } from '../emulator/seed.js';
import { startEmulator, type DataCloudKnobs, type Emulator } from '../emulator/server.js';

type Json = Record<string, unknown>;
type Status = { queryId: string; completionStatus: string; rowCount?: number };
type Answer = { status: Status; data: unknown[][]; metadata?: Array<{ name: string; type: string }>; returnedRows: number };

const C = (field: string, spelling: 'ssot' | 'std' = 'ssot'): string => columnName(spelling, field);

/** The plugin's shape, written out by hand (the emulator must evaluate it; it knows nothing of src/). */
function shape(identifiers: string[], spelling: 'ssot' | 'std' = 'ssot', tail = ''): string {
  const [conv, entry] = spelling === 'ssot' ? ['ssot__Conversation__dlm', 'ssot__ConversationEntry__dlm'] : ['std__ConversationDmo__dlm', 'std__ConversationEntryDmo__dlm'];
  const literals = identifiers.map((id) => `'${id.replace(/'/g, "''")}'`).join(', ');
  const e = (f: string): string => `e.${C(f, spelling)}`;
  return (
    `SELECT c.${C('ExternalRecordId', spelling)} AS conversation_identifier, ${e('Id')}, ${e('PayloadText')}, ${e('TranscriptedDateTime')}, ${e('SequenceNumber')} ` +
    `FROM ${conv} c LEFT JOIN ${entry} e ON ${e('ConversationId')} = c.${C('Id', spelling)} ` +
    `WHERE c.${C('ExternalRecordId', spelling)} IN (${literals}) ORDER BY c.${C('ExternalRecordId', spelling)}, ${e('TranscriptedDateTime')}, ${e('SequenceNumber')}, ${e('Id')}${tail}`
  );
}

describe('emulator: Data Cloud', function () {
  this.timeout(30_000);
  let emu: Emulator;
  let base: string;
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${emu.accessToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const knobs = (k: Partial<DataCloudKnobs>): void => emu.set({ dataCloud: k });
  /** Posts, waits for the status, and reads every row by pages of `pageSize`. */
  async function run(sql: string, pageSize = 1000): Promise<{ status: Status; rows: unknown[][]; metadata?: Answer['metadata']; requests: number }> {
    let requests = 1;
    const posted = await call('POST', '/services/data/v64.0/ssot/query-sql', { sql });
    expect(posted.status, JSON.stringify(posted.json)).to.equal(201);
    const first = posted.json as Answer;
    let status = first.status;
    const rows = [...first.data];
    while (status.completionStatus === 'Running') {
      requests++;
      // eslint-disable-next-line no-await-in-loop
      status = (await call('GET', `/services/data/v64.0/ssot/query-sql/${status.queryId}?waitTimeMs=5000`)).json as Status;
    }
    for (;;) {
      requests++;
      // eslint-disable-next-line no-await-in-loop
      const page = (await call('GET', `/services/data/v64.0/ssot/query-sql/${status.queryId}/rows?offset=${rows.length}&rowLimit=${pageSize}&omitSchema=true`)).json as Answer;
      if (!page.data.length) break;
      rows.push(...page.data);
    }
    return { status, rows, metadata: first.metadata, requests };
  }

  before(async () => {
    emu = await startEmulator();
    base = emu.url;
  });
  beforeEach(() => {
    knobs({});
    emu.clearLog();
  });
  after(() => emu?.stop());

  it('lists the conversation DMOs in the spelling the knob says (ssot__, std__, or neither), with their fields', async () => {
    const names = async (): Promise<string[]> => ((await call('GET', '/services/data/v64.0/ssot/metadata?entityType=DataModelObject')).json as { metadata: Json[] }).metadata.map((d) => d.name as string);
    expect(await names()).to.include.members(['ssot__Conversation__dlm', 'ssot__ConversationEntry__dlm']);
    knobs({ dmo: 'std' });
    expect(await names()).to.include.members(['std__ConversationDmo__dlm', 'std__ConversationEntryDmo__dlm']).and.not.include('ssot__ConversationEntry__dlm');
    knobs({ dmo: 'none' });
    expect((await names()).filter((n) => n.includes('ConversationEntry'))).to.deep.equal([]);
    knobs({});
    const { metadata } = (await call('GET', '/services/data/v64.0/ssot/metadata?entityType=DataModelObject')).json as { metadata: Array<{ name: string; fields: Json[] }> };
    const entry = metadata.find((d) => d.name === 'ssot__ConversationEntry__dlm');
    expect(entry?.fields.map((f) => f.name)).to.include.members([C('PayloadText'), C('ConversationId'), C('TranscriptedDateTime'), C('ClientDateTime'), C('SequenceNumber')]);
  });

  it('a query runs (Running, then Finished with rowCount after a long poll), pages its rows, and returns a conversation\'s entries in order', async () => {
    knobs({ queryMs: 50 });
    const { status, rows, requests } = await run(shape([CONVERSATIONS.short, CONVERSATIONS.long]));
    expect(status.completionStatus).to.equal('Finished');
    expect(status.rowCount).to.equal(entriesOf(CONVERSATIONS.short).length + LONG_ENTRY_COUNT);
    expect(rows).to.have.length(status.rowCount as number);
    // Each conversation's rows together, in seed order (the API's order).
    const long = rows.filter((r) => r[0] === CONVERSATIONS.long);
    expect(long.map((r) => r[2])).to.deep.equal(entriesOf(CONVERSATIONS.long).map((e) => e.messageText));
    expect(requests).to.equal(1 + 1 + Math.ceil(rows.length / 1000) + 1);
    const posts = emu.requests.filter((r) => r.method === 'POST');
    expect(posts).to.have.length(1);
    const statusPoll = emu.requests.find((r) => r.query.waitTimeMs);
    expect(statusPoll?.status).to.equal(200);
  });

  it('a query done at once carries its first rows and the column metadata in the POST; ResultsProduced when the knob says so', async () => {
    knobs({ queryMs: 0, doneStatus: 'ResultsProduced' });
    const posted = (await call('POST', '/services/data/v64.0/ssot/query-sql', { sql: shape([CONVERSATIONS.short]) })).json as Answer;
    expect(posted.status.completionStatus).to.equal('ResultsProduced');
    expect(posted.data).to.have.length(entriesOf(CONVERSATIONS.short).length);
    expect(posted.metadata?.map((m) => m.name)).to.deep.equal(['conversation_identifier', C('Id'), C('PayloadText'), C('TranscriptedDateTime'), C('SequenceNumber')]);
    expect(posted.data[0][3]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('the silent cap serves at most rowCap rows of any query while rowCount says how many it has; LIMIT/OFFSET pages get the rest', async () => {
    knobs({ queryMs: 0, rowCap: 700 });
    const { status, rows } = await run(shape([CONVERSATIONS.long]), 500);
    expect(status.rowCount).to.equal(LONG_ENTRY_COUNT);
    expect(rows).to.have.length(700);
    const rest = await run(shape([CONVERSATIONS.long], 'ssot', ' LIMIT 600 OFFSET 700'));
    expect(rest.rows.map((r) => r[1])).to.have.length(600);
    const whole = await (async (): Promise<unknown[][]> => {
      knobs({ queryMs: 0 });
      return (await run(shape([CONVERSATIONS.long]))).rows;
    })();
    expect(rest.rows).to.deep.equal(whole.slice(700, 1300));
  });

  it('a conversation not ingested has no row; one without entries has one row of nulls; the std__ spelling answers alike', async () => {
    knobs({ queryMs: 0, missing: [CONVERSATIONS.pii], withoutEntries: [CONVERSATIONS.short], dmo: 'std' });
    const { rows } = await run(shape([CONVERSATIONS.short, CONVERSATIONS.pii, 'no-such-conversation'], 'std'));
    expect(rows).to.deep.equal([[CONVERSATIONS.short, null, null, null, null]]);
  });

  it('DELETE cancels a running query (logged), and its status says Cancelled', async () => {
    knobs({ queryMs: 60_000 });
    const posted = (await call('POST', '/services/data/v64.0/ssot/query-sql', { sql: shape([CONVERSATIONS.short]) })).json as Answer;
    expect(posted.status.completionStatus).to.equal('Running');
    const deleted = await call('DELETE', `/services/data/v64.0/ssot/query-sql/${posted.status.queryId}`);
    expect(deleted.status).to.equal(200);
    expect(((await call('GET', `/services/data/v64.0/ssot/query-sql/${posted.status.queryId}`)).json as Status).completionStatus).to.equal('Cancelled');
    expect(emu.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).to.deep.equal([`/services/data/v64.0/ssot/query-sql/${posted.status.queryId}`]);
    expect((await call('DELETE', '/services/data/v64.0/ssot/query-sql/unknown')).status).to.equal(404);
  });

  it('an org without Data Cloud answers every ssot resource with the "cdp tenant id" error; a denied DMO is a 403', async () => {
    knobs({ enabled: 'noTenant' });
    for (const [method, path] of [['GET', '/services/data/v64.0/ssot/metadata?entityType=DataModelObject'], ['POST', '/services/data/v64.0/ssot/query-sql']]) {
      // eslint-disable-next-line no-await-in-loop
      const res = await call(method, path, method === 'POST' ? { sql: shape(['x']) } : undefined);
      expect(res.status).to.equal(500);
      expect(JSON.stringify(res.json)).to.match(/cdp tenant id/i);
    }
    knobs({ access: 'denied' });
    const denied = await call('POST', '/services/data/v64.0/ssot/query-sql', { sql: shape(['x']) });
    expect(denied.status).to.equal(403);
  });

  it('the evaluator refuses any SQL but the shape (generated variants), and reads literals the ANSI way', async () => {
    const good = shape([CONVERSATIONS.short]);
    const bad = [
      'SELECT * FROM ssot__Conversation__dlm c',
      `${good};`,
      `${good} -- comment`,
      `${good} /* x */`,
      good.replace(' WHERE ', ' WHERE 1=1 AND '),
      good.replace('LEFT JOIN', 'JOIN'),
      good.replace(/WHERE .* ORDER/, 'ORDER'),
      good.replace('SELECT ', 'SELECT COUNT(c.ssot__Id__c), '),
      good.replace('ssot__ConversationEntry__dlm', 'ssot__Nothing__dlm'),
      good.replace('e.ssot__PayloadText__c', 'e.ssot__Nothing__c'),
      `${good} LIMIT x`,
      `${good} UNION SELECT c.ssot__Id__c FROM ssot__Conversation__dlm c WHERE c.ssot__Id__c IN ('a')`,
      good.replace(`'${CONVERSATIONS.short}'`, `'${CONVERSATIONS.short}`),
      good.replace(`'${CONVERSATIONS.short}'`, '(SELECT c.ssot__Id__c FROM ssot__Conversation__dlm c)'),
    ];
    for (const sql of bad) {
      // eslint-disable-next-line no-await-in-loop
      const res = await call('POST', '/services/data/v64.0/ssot/query-sql', { sql });
      expect(res.status, sql).to.equal(400);
    }
    expect(() => parse('SELECT a.b FROM t a WHERE a.b IN (\'x\') LIMIT 1 OFFSET')).to.throw(SqlError);
    const hostile = ["it's", "'; DROP TABLE x; --", 'back\\slash', 'c0ffee00-|`x`|-\u001b]0;pwned\u0007-\u202eevil', "''", '%_*'];
    const tokens = tokenize(`(${hostile.map((h) => `'${h.replace(/'/g, "''")}'`).join(', ')})`).filter((t) => t.kind === 'string');
    expect(tokens.map((t) => t.text)).to.deep.equal(hostile);
  });

  it('the volume generator makes its conversations when asked (N sessions × M entries), with MessagingSessions to select them by', async () => {
    knobs({ queryMs: 0, volume: { conversations: 100_000, entries: 20 } });
    const ids = [0, 1, 99_999].map(volumeIdentifier);
    const { rows } = await run(shape([...ids, volumeIdentifier(100_000)]));
    expect(rows).to.have.length(60);
    expect(new Set(rows.map((r) => r[0]))).to.deep.equal(new Set(ids));
    const sessions = volumeSessions(3);
    expect(sessions.map((s) => s.conversationIdentifier)).to.deep.equal([0, 1, 2].map(volumeIdentifier));
    expect(sessions.every((s) => /^0Mw5g00002[0-9A-Za-z]{8}$/.test(s.id18))).to.equal(true);
  });
});
