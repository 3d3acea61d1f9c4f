import { expect } from 'chai';
import { checkConversationId, checkRecordId, checksumSuffix, printable, to18 } from '../../src/input/ids.js';

describe('ids', () => {
  // Published vectors (api-notes §4).
  const vectors: Array<[string, string]> = [
    ['a0RE000000IJmcN', 'MAT'],
    ['001M000000qfPyS', 'IAU'],
    ['AbCdEfGhIjKlMnO', 'VKV'],
    ['aBcDEfgHIJKLMNO', '025'],
    ['a0D30000001n7Pi', 'EAI'],
  ];
  for (const [id15, suffix] of vectors) {
    it(`computes the checksum of ${id15} as ${suffix}`, () => {
      expect(checksumSuffix(id15)).to.equal(suffix);
      expect(to18(id15)).to.equal(id15 + suffix);
    });
  }

  it('accepts a 15-char MessagingSession id and normalises it to 18', () => {
    expect(checkRecordId('0Mw5g00000AbCdE', '0Mw')).to.deep.equal({ ok: true, id18: to18('0Mw5g00000AbCdE') });
  });

  it('accepts an 18-char id with the right checksum, unchanged', () => {
    const id18 = to18('0Mw5g00000AbCdE');
    expect(checkRecordId(id18, '0Mw')).to.deep.equal({ ok: true, id18 });
  });

  it('rejects every single-character case flip of an 18-char id (the checksum catches it)', () => {
    const id18 = to18('0Mw5g00000AbCdE');
    let flips = 0;
    for (let i = 3; i < 15; i++) {
      const c = id18[i];
      const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      if (flipped === c) continue;
      flips++;
      const bad = id18.slice(0, i) + flipped + id18.slice(i + 1);
      expect(checkRecordId(bad, '0Mw'), bad).to.deep.equal({ ok: false, problem: 'checksum' });
    }
    expect(flips).to.be.greaterThan(5);
  });

  it('rejects a lower-case or out-of-alphabet checksum', () => {
    const id18 = to18('0Mw5g00000AbCdE');
    expect(checkRecordId(id18.slice(0, 15) + id18.slice(15).toLowerCase(), '0Mw')).to.deep.equal({ ok: false, problem: 'checksum' });
    expect(checkRecordId(id18.slice(0, 15) + '999', '0Mw')).to.deep.equal({ ok: false, problem: 'checksum' });
  });

  it('classifies generated bad ids by problem', () => {
    const good = '0Mw5g00000AbCdE';
    const cases: Array<[string, string]> = [];
    for (let n = 0; n <= 20; n++) if (n !== 15 && n !== 18) cases.push(['0Mw'.concat('a'.repeat(20)).slice(0, n), 'length']);
    for (const ch of ["'", '"', ' ', ';', '-', '_', '%', 'é', '\n', '\u0000', ')', '*']) {
      cases.push([good.slice(0, 14) + ch, 'characters']);
      cases.push([to18(good).slice(0, 17) + ch, 'characters']);
    }
    for (const prefix of ['0MW', '0mw', '001', '500', 'Mw0']) cases.push([prefix + good.slice(3), 'prefix']);
    for (const [value, problem] of cases) {
      expect(checkRecordId(value, '0Mw'), JSON.stringify(value)).to.deep.equal({ ok: false, problem });
    }
    expect(cases.length).to.be.greaterThan(40);
  });

  it('rejects SOQL fragments whatever their length', () => {
    for (const value of ["0Mw5g00000AbC'E", "0Mw' OR Id != '", "0Mw5g00000AbCdE' OR ''='"]) {
      expect(checkRecordId(value, '0Mw').ok, value).to.equal(false);
    }
  });

  it('checks conversation identifiers', () => {
    expect(checkConversationId('9b2f6c1e-3d4a-4f0e-9a7b-2c1d0e5f6a7b')).to.equal(undefined);
    expect(checkConversationId('x'.repeat(255))).to.equal(undefined);
    expect(checkConversationId('')).to.equal('empty');
    expect(checkConversationId('x'.repeat(256))).to.equal('length');
    for (const bad of ['a b', 'a\tb', 'a\nb', 'a\u0000b', 'a\u007fb', ' a', 'a\u2028b', 'a\u00a0b']) {
      expect(checkConversationId(bad), JSON.stringify(bad)).to.equal('characters');
    }
  });

  it('prints user input safely: escaped and capped', () => {
    expect(printable('a\nb')).to.equal('a\\nb');
    expect(printable('x'.repeat(100))).to.have.length(81);
  });
});
