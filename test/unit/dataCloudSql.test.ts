/*
 * The Data Cloud SQL the plugin sends (src/sources/dataCloud/sql.ts) and the DMOs it is built from (model.ts): every
 * conversation identifier a literal that reads back as itself, generated hostile identifiers included, and nothing
 * else; a backslash or NUL refused before any request; the DMO found in either spelling, or a named error that lists
 * what the org has.
 */
import { expect } from 'chai';
import type { SfError } from '@salesforce/core';
import { dmosOf, modelOf, type Dmo, type Model } from '../../src/sources/dataCloud/model.js';
import { entriesSql, literalProblem, sqlLiteral } from '../../src/sources/dataCloud/sql.js';
import { parse, tokenize } from '../emulator/dataCloudSql.js';
import { mulberry32 } from '../emulator/prng.js';

const dmo = (name: string, prefix: string, fields: string[]): Dmo => ({ name, fields: fields.map((f) => ({ name: `${prefix}${f}__c`, type: 'TEXT' })) });
const ENTRY = ['Id', 'ConversationId', 'PayloadText', 'ExternalRecordId', 'ConversationEntryType', 'TranscriptedDateTime', 'ClientDateTime', 'SequenceNumber', 'Language', 'CreatedDate'];
const CONV = ['Id', 'ExternalRecordId', 'StartDateTime'];
const ssot = [dmo('ssot__ConversationEntry__dlm', 'ssot__', ENTRY), dmo('ssot__Conversation__dlm', 'ssot__', CONV)];
const std = [dmo('std__ConversationEntryDmo__dlm', 'std__', ENTRY), dmo('std__ConversationDmo__dlm', 'std__', CONV)];
const failure = (run: () => unknown): SfError => {
  try {
    run();
  } catch (error) {
    return error as SfError;
  }
  throw new Error('expected a named error');
};

/** Strings a customer or a hostile org could put in an identifier: quotes, SQL syntax, controls, bidi, unicode. */
function hostileStrings(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const pieces = ["'", "''", '"', ';', '--', '/*', '*/', ' OR 1=1', ')', '(', ',', '\n', '\r', '\t', '\u001b[2J', '\u202e', '\u2028', '%', '_', '`', '$$', 'é', '😀', 'a', '0', ' ', '\u0007', 'UNION SELECT'];
  return Array.from({ length: count }, () => {
    const n = 1 + Math.floor(random() * 8);
    return Array.from({ length: n }, () => pieces[Math.floor(random() * pieces.length)]).join('');
  });
}

describe('Data Cloud SQL', () => {
  const model: Model = modelOf(ssot);

  it('a literal reads back as exactly the identifier, for 500 generated hostile identifiers (the ANSI reading: quotes doubled)', () => {
    for (const value of hostileStrings(500, 0x5e_ed)) {
      const tokens = tokenize(sqlLiteral(value));
      expect(tokens, JSON.stringify(value)).to.have.length(1);
      expect(tokens[0]).to.include({ kind: 'string', text: value });
    }
  });

  it('a query of hostile identifiers parses to exactly those values, with nothing added to the statement', () => {
    const values = hostileStrings(200, 0x0b_ad);
    const query = parse(entriesSql(model, values, { limit: 1500, offset: 3000 }));
    expect(query.where?.values).to.deep.equal(values);
    expect(query.from).to.deep.equal({ table: 'ssot__Conversation__dlm', alias: 'c' });
    expect(query.join?.table).to.equal('ssot__ConversationEntry__dlm');
    expect([query.limit, query.offset]).to.deep.equal([1500, 3000]);
    expect(query.orderBy.map((o) => o.ref.column)).to.deep.equal(['ssot__ExternalRecordId__c', 'ssot__TranscriptedDateTime__c', 'ssot__SequenceNumber__c', 'ssot__Id__c']);
  });

  it('a backslash, a NUL or an empty identifier is refused by name (exit 2): SQL dialects disagree on the backslash', () => {
    for (const value of ['a\\', "\\'; DROP", 'x\u0000y', '']) {
      expect(literalProblem(value), JSON.stringify(value)).to.be.a('string');
      const error = failure(() => sqlLiteral(value));
      expect(error.name).to.equal('DataCloudUnusableIdentifierError');
      expect(error.exitCode).to.equal(2);
      expect(error.message.includes('\u0000')).to.equal(false);
    }
  });

  it('selects the entry columns the org has, first the conversation identifier, and orders by ClientDateTime when TranscriptedDateTime is missing', () => {
    const lean = modelOf([dmo('ssot__ConversationEntry__dlm', 'ssot__', ['Id', 'ConversationId', 'PayloadText', 'ClientDateTime']), ssot[1]]);
    const query = parse(entriesSql(lean, ['a']));
    expect(query.select.map((s) => s.as ?? s.ref.column)).to.deep.equal(['conversation_identifier', 'ssot__Id__c', 'ssot__ConversationId__c', 'ssot__PayloadText__c', 'ssot__ClientDateTime__c']);
    expect(query.orderBy.map((o) => o.ref.column)).to.deep.equal(['ssot__ExternalRecordId__c', 'ssot__ClientDateTime__c', 'ssot__Id__c']);
    expect(query.limit).to.equal(undefined);
  });
});

describe('Data Cloud DMOs (model.ts)', () => {
  it('finds the ssot__ pair, the std__ pair, and prefers ssot__ when an org lists both', () => {
    expect(modelOf(ssot).entry.dmo).to.equal('ssot__ConversationEntry__dlm');
    const s = modelOf(std);
    expect(s.entry.dmo).to.equal('std__ConversationEntryDmo__dlm');
    expect(s.conversation).to.deep.equal({ dmo: 'std__ConversationDmo__dlm', id: 'std__Id__c', externalRecordId: 'std__ExternalRecordId__c' });
    expect(s.entry.columns.PayloadText).to.equal('std__PayloadText__c');
    expect(modelOf([...std, ...ssot]).entry.dmo).to.equal('ssot__ConversationEntry__dlm');
  });

  it('names and case of fields vary: any namespace, any case; names that are not plain SQL names are never used', () => {
    const odd = modelOf([
      { name: 'SSOT__CONVERSATIONENTRY__DLM', fields: ['ssot__id__c', 'SSOT__CONVERSATIONID__C', 'ssot__PayloadText__c', 'ssot__ClientDateTime__c', 'ssot__Language__c; DROP TABLE x', 'ssot__Modality__c'].map((name) => ({ name })) },
      ssot[1],
    ]);
    expect(odd.entry.dmo).to.equal('SSOT__CONVERSATIONENTRY__DLM');
    expect(odd.entry.columns).to.deep.equal({ Id: 'ssot__id__c', ConversationId: 'SSOT__CONVERSATIONID__C', PayloadText: 'ssot__PayloadText__c', ClientDateTime: 'ssot__ClientDateTime__c', Modality: 'ssot__Modality__c' });
  });

  it('neither spelling: DataCloudDmoNotFound (exit 5) names both and lists the conversation DMOs the org has', () => {
    const error = failure(() => modelOf([dmo('ssot__ConversationParticipant__dlm', 'ssot__', ['Id']), dmo('ssot__Individual__dlm', 'ssot__', ['Id'])]));
    expect(error.name).to.equal('DataCloudDmoNotFoundError');
    expect(error.exitCode).to.equal(5);
    expect(error.message).to.include('ssot__ConversationEntry__dlm').and.include('std__ConversationEntryDmo__dlm').and.include('ssot__ConversationParticipant__dlm').and.not.include('Individual');
    expect(error.actions?.join(' ')).to.match(/data-governance access/);
  });

  it('a DMO without a required field: DataCloudFieldsMissing lists what is missing and what is there', () => {
    const error = failure(() => modelOf([dmo('ssot__ConversationEntry__dlm', 'ssot__', ['Id', 'ConversationId', 'Language']), ssot[1]]));
    expect(error.name).to.equal('DataCloudFieldsMissingError');
    expect(error.message).to.include('PayloadText').and.include('TranscriptedDateTime or ClientDateTime').and.include('ssot__Language__c');
  });

  it('reads the metadata body public code reads ({metadata: [...]}), or a bare list; anything else is none', () => {
    const body = { metadata: [{ name: 'a__dlm', fields: [{ name: 'x__c', type: 'TEXT' }, { bad: 1 }] }, 'junk', { fields: [] }] };
    expect(dmosOf(body)).to.deep.equal([{ name: 'a__dlm', fields: [{ name: 'x__c', type: 'TEXT' }] }]);
    expect(dmosOf([{ name: 'b__dlm' }])).to.deep.equal([{ name: 'b__dlm', fields: [] }]);
    expect(dmosOf({ data: [] })).to.equal(undefined);
    expect(dmosOf('nope')).to.equal(undefined);
  });
});
