import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { decodeHTML } from 'entities';
import {
  REDACTION_KINDS,
  emptyCounts,
  redactEntry,
  redactText,
  type RedactionCounts,
  type RedactionKind,
} from '../../src/transcript/redact.js';

type Cases = { positives: Array<{ text: string; expected: string }>; negatives: string[] };

const cases = JSON.parse(readFileSync(new URL('../fixtures/redaction-cases.json', import.meta.url), 'utf8')) as Cases;

/** The counts a redacted text implies: one per placeholder. */
function placeholderCounts(redacted: string): RedactionCounts {
  const counts = emptyCounts();
  for (const m of redacted.matchAll(/\[(email|phone|card|iban)\]/g)) counts[m[1] as RedactionKind]++;
  return counts;
}

function redact(text: string): { out: string; counts: RedactionCounts } {
  const counts = emptyCounts();
  return { out: redactText(text, counts), counts };
}

describe('redact', () => {
  describe('API', () => {
    it('lists the four kinds and starts every count at zero, in a fresh object each time', () => {
      expect([...REDACTION_KINDS]).to.deep.equal(['email', 'phone', 'card', 'iban']);
      expect(emptyCounts()).to.deep.equal({ email: 0, phone: 0, card: 0, iban: 0 });
      expect(emptyCounts()).to.not.equal(emptyCounts());
    });

    it('adds to the counts it is given', () => {
      const counts = emptyCounts();
      redactText('mail jane@example.com', counts);
      redactText('mail bob@example.com, call +1 415 555 2671', counts);
      expect(counts).to.deep.equal({ email: 2, phone: 1, card: 0, iban: 0 });
    });
  });

  describe('fixture (test/fixtures/redaction-cases.json)', () => {
    it('has at least 55 positives and 55 negatives', () => {
      expect(cases.positives.length).to.be.at.least(55);
      expect(cases.negatives.length).to.be.at.least(55);
    });

    it('covers every kind many times among the positives', () => {
      const total = emptyCounts();
      for (const { expected } of cases.positives) {
        const c = placeholderCounts(expected);
        for (const kind of REDACTION_KINDS) total[kind] += c[kind];
      }
      for (const kind of REDACTION_KINDS) expect(total[kind], kind).to.be.at.least(10);
    });
  });

  describe('positives', () => {
    for (const { text, expected } of cases.positives) {
      it(`masks ${JSON.stringify(text)}`, () => {
        const { out, counts } = redact(text);
        expect(out).to.equal(expected);
        expect(counts).to.deep.equal(placeholderCounts(expected));
      });
    }

    it('is idempotent on every positive: redacting the output changes nothing and counts nothing', () => {
      for (const { text } of cases.positives) {
        const once = redact(text).out;
        const twice = redact(once);
        expect(twice.out, text).to.equal(once);
        expect(twice.counts, text).to.deep.equal(emptyCounts());
      }
    });

    it('returns every masked positive decoded: decoding it again (as the transcript does) changes nothing', () => {
      for (const { text } of cases.positives) {
        const once = redact(text).out;
        expect(decodeHTML(once), text).to.equal(once);
      }
    });
  });

  describe('negatives', () => {
    for (const text of cases.negatives) {
      it(`keeps ${JSON.stringify(text)}`, () => {
        const { out, counts } = redact(text);
        expect(out).to.equal(text);
        expect(counts).to.deep.equal(emptyCounts());
      });
    }
  });

  describe('redactEntry', () => {
    const entry = {
      identifier: 'c0a8012e-4f1b-4b7e-9d2a-5e6f7a8b9c0d',
      entryType: 'Message',
      messageText: 'My number is +44 20 7946 0958 and my email is sam.lee@example.org',
      entryPayload: {
        id: '7f3e2a10-0b4c-4d5e-8f90-123456789012',
        abstractMessage: {
          id: '4155552671',
          messageType: 'StaticContentMessage',
          staticContent: { formatType: 'Text', text: 'Card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32' },
          choices: {
            formatType: 'Buttons',
            optionItems: [
              { optionIdentifier: 'opt-4155552671', titleItem: { itemType: 'TitleItem', title: 'Call 415-555-0132' } },
              { optionIdentifier: 'opt-email', titleItem: { itemType: 'TitleItem', title: 'Email help@example.com' } },
            ],
          },
        },
        attachmentCount: 0,
        urgent: false,
        note: null,
      },
      sender: { role: 'EndUser', appType: 'custom', subject: 'whatsapp:+14155552671' },
      clientTimestamp: 1_736_508_000_000,
      serverReceivedTimestamp: 1_736_508_000_047,
      transcriptedTimestamp: 1_736_508_000_059,
      relatedRecords: ['0Mw5g00000AbCdEAAV'],
      routingRecordId: '0Mw5g00000AbCdE',
      conversationIdentifier: 'b8d1e3f0-4155-5526-7100-000000000001',
      clientDuration: 0,
    };

    it('masks the text fields, including sender.subject, and keeps identifiers, enumerations, numbers and keys', () => {
      const before = structuredClone(entry);
      const counts = emptyCounts();
      const out = redactEntry(entry, counts);

      expect(out.messageText).to.equal('My number is [phone] and my email is [email]');
      expect(out.entryPayload.abstractMessage.staticContent.text).to.equal('Card [card], IBAN [iban]');
      expect(out.entryPayload.abstractMessage.choices.optionItems.map((o) => o.titleItem.title)).to.deep.equal([
        'Call [phone]',
        'Email [email]',
      ]);
      expect(out.sender.subject).to.equal('whatsapp:[phone]');
      expect(counts).to.deep.equal({ email: 2, phone: 3, card: 1, iban: 1 });

      // Everything else is as it was.
      const expected = structuredClone(before);
      expected.messageText = out.messageText;
      expected.entryPayload.abstractMessage.staticContent.text = out.entryPayload.abstractMessage.staticContent.text;
      expected.entryPayload.abstractMessage.choices.optionItems[0].titleItem.title = 'Call [phone]';
      expected.entryPayload.abstractMessage.choices.optionItems[1].titleItem.title = 'Email [email]';
      expected.sender.subject = out.sender.subject;
      expect(out).to.deep.equal(expected);
      expect(JSON.stringify(Object.keys(out))).to.equal(JSON.stringify(Object.keys(before)));

      // The input is not mutated, and nothing is shared with it.
      expect(entry).to.deep.equal(before);
      expect(out).to.not.equal(entry);
      expect(out.entryPayload).to.not.equal(entry.entryPayload);
      expect(out.relatedRecords).to.not.equal(entry.relatedRecords);
      expect(out.entryPayload.abstractMessage.choices.optionItems).to.not.equal(
        entry.entryPayload.abstractMessage.choices.optionItems
      );
    });

    it('exempts keys ending in Id or Identifier (case-sensitive) and "id", but not look-alikes', () => {
      const phone = '+1 415 555 2671';
      const counts = emptyCounts();
      const out = redactEntry(
        { Id: phone, parentId: phone, fooIdentifier: phone, id: phone, paid: phone, ID: phone, identifiers: phone },
        counts
      );
      expect(out).to.deep.equal({
        Id: phone,
        parentId: phone,
        fooIdentifier: phone,
        id: phone,
        paid: '[phone]',
        ID: '[phone]',
        identifiers: '[phone]',
      });
      expect(counts.phone).to.equal(3);
    });

    it('accepts any JSON value: strings, arrays, scalars and null', () => {
      const counts = emptyCounts();
      expect(redactEntry('jane@example.com', counts)).to.equal('[email]');
      expect(redactEntry(['jane@example.com', 4, true, null], counts)).to.deep.equal(['[email]', 4, true, null]);
      expect(redactEntry(4_111_111_111_111_111, counts)).to.equal(4_111_111_111_111_111);
      expect(redactEntry(null, counts)).to.equal(null);
      expect(counts.email).to.equal(2);
    });

    it('redacts a payload held as a JSON string structurally, keeping its identifiers', () => {
      const counts = emptyCounts();
      const raw = JSON.stringify({ identifier: '4155550132', text: 'call 415-555-0132' });
      expect(JSON.parse(redactEntry(raw, counts)) as unknown).to.deep.equal({
        identifier: '4155550132',
        text: 'call [phone]',
      });
      expect(counts.phone).to.equal(1);
      const untouched = '{ "identifier": "abc", "text": "hello" }';
      expect(redactEntry(untouched, counts)).to.equal(untouched);
    });

    it('reads entity-encoded values: a masked string comes back decoded, an unmasked one exactly as it came', () => {
      const counts = emptyCounts();
      const encoded = {
        identifier: 'jane&#64;example.com',
        messageText: 'I&#39;m jane&#64;example.com, card 4111&#32;1111&#32;1111&#32;1111',
        entryPayload: {
          abstractMessage: {
            staticContent: { text: 'I&#39;m jane&commat;example&period;com &amp; more' },
            choices: { text: 'Tom &amp; Jerry&#39;s order 4111&#32;1111&#32;1111&#32;1112' },
          },
        },
        sender: { subject: 'whatsapp:&#43;14155552671', name: 'Jane &amp; Co' },
      };
      const out = redactEntry(encoded, counts);
      expect(out).to.deep.equal({
        identifier: 'jane&#64;example.com',
        messageText: "I'm [email], card [card]",
        entryPayload: {
          abstractMessage: {
            staticContent: { text: "I'm [email] & more" },
            choices: { text: 'Tom &amp; Jerry&#39;s order 4111&#32;1111&#32;1111&#32;1112' },
          },
        },
        sender: { subject: 'whatsapp:[phone]', name: 'Jane &amp; Co' },
      });
      expect(counts).to.deep.equal({ email: 2, phone: 1, card: 1, iban: 0 });
    });

    it('reads entity-encoded values inside a payload held as a JSON string', () => {
      const counts = emptyCounts();
      const raw = JSON.stringify({ identifier: 'x', text: 'mail jane&#64;example.com', note: 'R&amp;D' });
      expect(JSON.parse(redactEntry(raw, counts)) as unknown).to.deep.equal({
        identifier: 'x',
        text: 'mail [email]',
        note: 'R&amp;D',
      });
      expect(counts.email).to.equal(1);
    });

    it('keeps a __proto__ key as a plain key', () => {
      const parsed = JSON.parse('{"__proto__": {"text": "jane@example.com"}}') as Record<string, unknown>;
      const out = redactEntry(parsed, emptyCounts());
      expect(Object.getPrototypeOf(out)).to.equal(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).to.deep.equal({ text: '[email]' });
    });
  });
});
