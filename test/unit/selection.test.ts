import { expect } from 'chai';
import type { SfError } from '@salesforce/core';
import { conditions, idQueries } from '../../src/org/sessions.js';
import { checkSelection, parseSince, whereParenProblem } from '../../src/input/selection.js';
import { to18 } from '../../src/input/ids.js';
import { mulberry32 } from '../emulator/prng.js';

describe('export selection', () => {
  const now = Date.UTC(2026, 10, 24, 12);

  it('accepts channel types in any case and names them canonically in SOQL', async () => {
    const s = await checkSelection({ sessionIds: [], channels: ['whatsapp', 'TEXT'] }, now);
    expect(s.channels).to.deep.equal(['WhatsApp', 'Text']);
    expect(conditions(s)).to.deep.equal(["ChannelType IN ('WhatsApp', 'Text')"]);
  });

  it('reads relative times against now', () => {
    expect(parseSince('7d', now)).to.equal(now - 7 * 86_400_000);
    expect(parseSince('12h', now)).to.equal(now - 12 * 3_600_000);
    expect(parseSince('soon', now)).to.equal(undefined);
  });

  it('batches ids by 200 and ANDs the filters, the raw condition in parentheses', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => to18(`0Mw5g00001${String(i).padStart(5, '0')}`));
    const s = await checkSelection({ sessionIds: ids, channels: [], since: '2026-11-01', where: "Status = 'Ended'" }, now);
    const queries = idQueries(s);
    expect(queries).to.have.length(3);
    expect(queries[2]).to.match(/WHERE Id IN \((?:'0Mw\w{15}',?){50}\) AND StartTime >= 2026-11-01T00:00:00Z AND \(Status = 'Ended'\)$/);
  });

  it('needs at least one selector', async () => {
    let name = '';
    await checkSelection({ sessionIds: [], channels: [] }, now).catch((e: Error) => (name = e.name));
    expect(name).to.equal('NoSelectorError');
  });
});

describe('--where parentheses (checked before any request)', () => {
  const now = Date.UTC(2026, 10, 24, 12);
  const next = mulberry32(20_261_130);
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  /** A SOQL string literal with parentheses, escaped quotes and escaped backslashes in it. */
  const literal = (): string => `'${Array.from({ length: int(0, 6) }, () => pick(['(', ')', 'a', ' ', "\\'", '\\\\', '\\n', '%', '"'])).join('')}'`;
  const atom = (): string => pick([`Status = ${literal()}`, `Subject LIKE ${literal()}`, 'Id != null', `ChannelType IN (${literal()}, ${literal()})`, 'StartTime > LAST_N_DAYS:7']);
  /** A condition whose parentheses balance outside its literals, by construction. */
  const balanced = (depth = 0): string => {
    if (depth > 3 || next() < 0.35) return atom();
    if (next() < 0.4) return `${pick(['', 'NOT '])}(${balanced(depth + 1)})`;
    return `${balanced(depth + 1)} ${pick(['AND', 'OR'])} ${balanced(depth + 1)}`;
  };
  const refused = async (where: string): Promise<SfError> =>
    checkSelection({ sessionIds: [], channels: ['Text'], where }, now).then(
      () => {
        throw new Error(`accepted --where ${where}`);
      },
      (e: SfError) => e
    );

  it('accepts balanced conditions, with parentheses and escaped quotes inside literals, and wraps them whole', async () => {
    for (let i = 0; i < 200; i++) {
      const where = balanced();
      expect(whereParenProblem(where), where).to.equal(undefined);
      // eslint-disable-next-line no-await-in-loop
      const selection = await checkSelection({ sessionIds: [], channels: ['Text'], where }, now);
      expect(conditions(selection), where).to.deep.equal(["ChannelType IN ('Text')", `(${where})`]);
    }
  });

  it('refuses a ")" that would close the wrapper (exit 2), naming the value and the position', async () => {
    const reported = "Status = 'Ended') OR (Id != null";
    const error = await refused(reported);
    expect(error.name).to.equal('WhereUnbalancedError');
    expect(error.exitCode).to.equal(2);
    expect(error.message).to.include(`--where "${reported}"`).and.include('character 17');
    for (let i = 0; i < 200; i++) {
      const [before, after] = [balanced(), pick([balanced(), '', ' OR (Id != null', ` OR Name = ${literal()}`])];
      const lead = ' '.repeat(int(0, 2));
      const where = `${lead}${before})${after}`;
      expect(whereParenProblem(where), where).to.deep.equal({ problem: 'close', position: lead.length + before.length + 1 });
      // eslint-disable-next-line no-await-in-loop
      const e = await refused(where);
      expect(e.name, where).to.equal('WhereUnbalancedError');
      expect(e.exitCode, where).to.equal(2);
      expect(e.message, where).to.include(`character ${lead.length + before.length + 1},`);
    }
  });

  it('refuses a "(" never closed and a string never ended, at the character that opened it', async () => {
    for (let i = 0; i < 200; i++) {
      const before = next() < 0.3 ? '' : `${balanced()} AND `;
      const open = next() < 0.5;
      // After the opening: balanced text, or a literal's start with a ")" in it that must not count.
      const where = open ? `${before}(${balanced()}` : `${before}Subject = '${pick(['abc', 'a) OR (b', "it\\'s", "x\\\\\\'", '\\'])}`;
      const expected = { problem: open ? 'open' : 'literal', position: before.length + (open ? 1 : 'Subject = \''.length) };
      expect(whereParenProblem(where), where).to.deep.equal(expected);
      // eslint-disable-next-line no-await-in-loop
      const e = await refused(where);
      expect(e.name, where).to.equal('WhereUnbalancedError');
      expect(e.message, where).to.include(`character ${expected.position},`);
    }
  });
});
