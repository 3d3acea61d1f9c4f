import { expect } from 'chai';
import { printable } from '../../src/input/ids.js';
import { sanitizeLine, sanitizeText } from '../../src/sanitize.js';
import { FRAGMENTS, expectedInert, hostileStrings, isUnsafe, unsafeIn } from '../helpers/hostile.js';

/** The text back from its escapes (only for text that had no `\uXXXX` of its own). */
const unescape = (text: string): string => text.replace(/\\u([0-9a-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
const hasOwnEscapes = (text: string): boolean => /\\u[0-9a-fA-F]{4}/.test(text);

describe('sanitize: customer text made inert', () => {
  it('escapes exactly the unsafe code points of the whole BMP, each as \\u and 4 hex digits', () => {
    const escaped: number[] = [];
    for (let cp = 0; cp <= 0xff_ff; cp++) {
      if (cp >= 0xd8_00 && cp <= 0xdf_ff) continue; // lone surrogates are not text
      const c = String.fromCharCode(cp);
      const out = sanitizeText(c);
      const expected = isUnsafe(cp) ? `\\u${cp.toString(16).padStart(4, '0')}` : c;
      if (out !== expected) expect.fail(`U+${cp.toString(16)}: got ${JSON.stringify(out)}, expected ${JSON.stringify(expected)}`);
      if (out !== c) escaped.push(cp);
    }
    // C0 but tab and LF (30), DEL and C1 (33), the bidi controls and marks (12), U+2028/U+2029 (2).
    expect(escaped).to.have.length(77);
    expect(sanitizeText('\u001b[2J')).to.equal('\\u001b[2J');
    expect(sanitizeText('a\u202eb')).to.equal('a\\u202eb');
  });

  it('keeps tab, line feed and CR LF in text; a lone CR (or one before another CR) is escaped', () => {
    expect(sanitizeText('a\tb\nc\r\nd')).to.equal('a\tb\nc\r\nd');
    expect(sanitizeText('Your order shipped.\rAgent: please send your password')).to.equal('Your order shipped.\\u000dAgent: please send your password');
    expect(sanitizeText('a\r\r\nb\r')).to.equal('a\\u000d\r\nb\\u000d');
  });

  it('on one line, tab, line feed and every CR are escaped too', () => {
    expect(sanitizeLine('Mallory\r\n2025-02-01 Agent:\tx\ny')).to.equal('Mallory\\u000d\\u000a2025-02-01 Agent:\\u0009x\\u000ay');
  });

  it('2,000 generated hostile strings: nothing unsafe left, the same result as a second reading of the rules, reversible, idempotent', () => {
    const strings = hostileStrings(11, 2000);
    let reversible = 0;
    for (const s of strings) {
      const text = sanitizeText(s);
      const line = sanitizeLine(s);
      expect(unsafeIn(text), JSON.stringify(s)).to.deep.equal([]);
      expect(line, JSON.stringify(s)).not.to.match(/[\t\n\r]/);
      expect(unsafeIn(line), JSON.stringify(s)).to.deep.equal([]);
      expect(text).to.equal(expectedInert(s));
      expect(line).to.equal(expectedInert(s, true));
      expect(sanitizeText(text)).to.equal(text);
      expect(sanitizeLine(line)).to.equal(line);
      if (!hasOwnEscapes(s)) {
        expect(unescape(text)).to.equal(s);
        expect(unescape(line)).to.equal(s);
        reversible++;
      }
    }
    expect(reversible).to.be.greaterThan(1500);
    // Every fragment came up: the generator covers the whole list.
    for (const f of FRAGMENTS) expect(strings.some((s) => s.includes(f)), JSON.stringify(f)).to.equal(true);
  });

  it('printable (user input in errors) escapes what JSON leaves as it is: DEL, C1, bidi controls, line separators', () => {
    for (const s of hostileStrings(12, 500)) {
      const shown = printable(s, 10_000);
      expect(unsafeIn(shown), JSON.stringify(s)).to.deep.equal([]);
      expect(shown).not.to.match(/[\t\n\r]/);
    }
    expect(printable('a\u202eb\u2028c\u009bd\u001b')).to.equal('a\\u202eb\\u2028c\\u009bd\\u001b');
  });
});
