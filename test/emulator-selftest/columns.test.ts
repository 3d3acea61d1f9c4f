/*
 * Self-test of the emulator's query column metadata: GET /services/data/vXX.X/query?q=<soql>&columns=true, which the
 * real `sf data query` requests after every query that returns records (see test/emulator/soqlColumns.ts).
 *   npx mocha test/emulator-selftest/columns.test.ts
 */
import { expect } from 'chai';
import { CONVERSATIONS, SESSIONS } from '../emulator/seed.js';
import { startEmulator } from '../emulator/server.js';
import type { Emulator } from '../emulator/server.js';
import type { Column, ColumnsBody } from '../emulator/soqlColumns.js';
import { send, type Res } from './http.js';

const get = (base: string, path: string, token?: string): Promise<Res> => send(`${base}${path}`, { token });

/** A plain (non-relationship) column as the emulator describes it; `overrides` for what differs from read-only text. */
function field(name: string, overrides: Partial<Column> = {}): Column {
  return {
    aggregate: false,
    apexType: 'String',
    booleanType: false,
    columnName: name,
    custom: false,
    displayName: name,
    foreignKeyName: null,
    insertable: false,
    joinColumns: [],
    numberType: false,
    textType: true,
    updatable: false,
    ...overrides,
  };
}

const idField = (name: string): Column => field(name, { apexType: 'Id', textType: false });

function conversation(joinColumns: Column[]): Column {
  return field('Conversation', { apexType: null, textType: false, foreignKeyName: 'ConversationId', joinColumns });
}

/** plugin-data's flattening of columnMetadata (retrieveColumns → recursivelyFindColumns) for non-aggregate columns. */
function sfColumnNames(columns: Column[]): string[] {
  return columns.flatMap((c) => (c.joinColumns.length ? sfColumnNames(c.joinColumns).map((sub) => `${c.columnName}.${sub}`) : [c.columnName]));
}

describe('org emulator self-test: query column metadata (columns=true)', function () {
  this.timeout(30_000);
  let emu: Emulator;
  const columnsOf = (q: string, options: { version?: string; resource?: string; token?: string | null; flag?: string } = {}): Promise<Res> =>
    get(
      emu.url,
      `/services/data/v${options.version ?? '66.0'}/${options.resource ?? 'query'}?q=${encodeURIComponent(q)}&columns=${options.flag ?? 'true'}`,
      options.token === null ? undefined : options.token ?? emu.accessToken
    );
  const body = async (q: string, options: Parameters<typeof columnsOf>[1] = {}): Promise<ColumnsBody> => {
    const res = await columnsOf(q, options);
    expect(res.status, res.body).to.equal(200);
    return JSON.parse(res.body) as ColumnsBody;
  };

  before(async () => {
    emu = await startEmulator();
  });

  after(async () => {
    await emu.stop();
  });

  it('answers the query `sf data query` sends with the column shape of Salesforce: the relationship nests its field in joinColumns', async () => {
    const q = `SELECT Conversation.ConversationIdentifier FROM MessagingSession WHERE Id = '${SESSIONS.short}'`;
    const res = await columnsOf(q);
    expect(res.status).to.equal(200);
    const parsed = JSON.parse(res.body) as ColumnsBody;
    expect(parsed).to.deep.equal({
      columnMetadata: [conversation([field('ConversationIdentifier')])],
      entityName: 'MessagingSession',
      groupBy: false,
      idSelected: false,
      keyPrefix: '0Mw',
    });
    // The keys in Salesforce's (alphabetical) order, as JSON text.
    expect(res.body).to.match(
      /^\{"columnMetadata":\[\{"aggregate":false,"apexType":null,"booleanType":false,"columnName":"Conversation","custom":false,"displayName":"Conversation","foreignKeyName":"ConversationId","insertable":false,"joinColumns":\[\{"aggregate":false,/
    );
    // What sf makes of it: the column names match the record's fields.
    expect(sfColumnNames(parsed.columnMetadata)).to.deep.equal(['Conversation.ConversationIdentifier']);
    // The query itself still answers with records (columns=false, or no columns parameter).
    const records = JSON.parse((await columnsOf(q, { flag: 'false' })).body) as { records: Array<{ Conversation: { ConversationIdentifier: string } }> };
    expect(records.records[0].Conversation.ConversationIdentifier).to.equal(CONVERSATIONS.short);
    expect(emu.requests.some((r) => r.path === '/services/data/v66.0/query' && r.query.columns === 'true' && r.status === 200)).to.equal(true);
  });

  it('uses canonical names, field types, and one relationship column for every path through it, where it is first selected', async () => {
    const got = await body('select id, conversation.ID, StartTime, ConversationId, Conversation.ConversationIdentifier, channeltype, Status FROM messagingsession LIMIT 1');
    expect(got).to.deep.equal({
      columnMetadata: [
        idField('Id'),
        conversation([idField('Id'), field('ConversationIdentifier')]),
        field('StartTime', { apexType: 'Datetime', textType: false }),
        idField('ConversationId'),
        field('ChannelType'),
        field('Status'),
      ],
      entityName: 'MessagingSession',
      groupBy: false,
      idSelected: true,
      keyPrefix: '0Mw',
    });
    expect(sfColumnNames(got.columnMetadata)).to.deep.equal(['Id', 'Conversation.Id', 'Conversation.ConversationIdentifier', 'StartTime', 'ConversationId', 'ChannelType', 'Status']);
  });

  it('answers for a query that matches no record, for /queryAll, and for Organization and User', async () => {
    const none = await body(`SELECT Id FROM MessagingSession WHERE Id = '${SESSIONS.unknown}'`);
    expect(none.columnMetadata).to.deep.equal([idField('Id')]);
    expect((await body('SELECT Id, Status FROM MessagingSession', { resource: 'queryAll' })).columnMetadata).to.deep.equal([idField('Id'), field('Status')]);
    expect(await body('SELECT Name, IsSandbox FROM Organization')).to.deep.equal({
      columnMetadata: [field('Name'), field('IsSandbox', { apexType: 'Boolean', booleanType: true, textType: false })],
      entityName: 'Organization',
      groupBy: false,
      idSelected: false,
      keyPrefix: '00D',
    });
    const user = await body(`SELECT Id, Username, Name, ProfileId FROM User WHERE Username = '${emu.username}'`);
    expect(user.columnMetadata).to.deep.equal([
      idField('Id'),
      field('Username', { insertable: true, updatable: true }),
      field('Name'),
      field('ProfileId', { apexType: 'Id', textType: false, insertable: true, updatable: true }),
    ]);
    expect(user).to.include({ entityName: 'User', idSelected: true, keyPrefix: '005' });
  });

  it('fails as the query would: bad fields, syntax, unknown objects, old API versions, SOQL faults and bad sessions', async () => {
    const error = async (q: string, options: Parameters<typeof columnsOf>[1] = {}): Promise<{ status: number; errorCode: string; message: string }> => {
      const res = await columnsOf(q, options);
      const [first] = JSON.parse(res.body) as Array<{ errorCode: string; message: string }>;
      return { status: res.status, ...first };
    };
    const unknown = await error('SELECT Id, Nope__c FROM MessagingSession');
    expect(unknown).to.include({ status: 400, errorCode: 'INVALID_FIELD' });
    expect(unknown.message).to.include("No such column 'Nope__c' on entity 'MessagingSession'");
    expect(await error("SELECT Id FROM MessagingSession WHERE StartTime >= '2025-01-10T11:20:00Z'")).to.include({ status: 400, errorCode: 'INVALID_FIELD' });
    expect(await error('SELECT Id FROM MessagingSession WHERE')).to.include({ status: 400, errorCode: 'MALFORMED_QUERY' });
    expect(await error('SELECT Id FROM ScratchOrgInfo')).to.include({ status: 400, errorCode: 'INVALID_TYPE' });
    expect(await error('SELECT Conversation.ConversationIdentifier FROM MessagingSession', { version: '54.0' })).to.include({ status: 400, errorCode: 'INVALID_FIELD' });
    expect((await columnsOf('SELECT Id FROM MessagingSession', { version: '19.0' })).status).to.equal(404);
    expect(await error('SELECT Id FROM MessagingSession', { token: null })).to.include({ status: 401, errorCode: 'INVALID_SESSION_ID' });
    expect(await error('SELECT Id FROM MessagingSession', { token: 'nope' })).to.include({ status: 401, errorCode: 'INVALID_SESSION_ID' });
    emu.setSoqlFault('INVALID_TYPE');
    try {
      expect(await error('SELECT Id FROM MessagingSession')).to.include({ status: 400, errorCode: 'INVALID_TYPE' });
    } finally {
      emu.setSoqlFault(undefined);
    }
    expect((await columnsOf('SELECT Id FROM MessagingSession')).status).to.equal(200);
  });
});
