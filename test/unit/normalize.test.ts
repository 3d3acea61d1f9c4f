import { expect } from 'chai';
import { normalizeEntry, senderLabel, toTranscript } from '../../src/transcript/normalize.js';
import { compactSummary, entryText } from '../../src/transcript/shapes/api.js';

describe('normalisation', () => {
  const ts = Date.UTC(2025, 0, 10, 11, 21, 29);

  it('takes messageText first and decodes HTML entities', () => {
    expect(entryText({ messageText: 'I&#39;m here &amp; ready &lt;3' })).to.equal("I'm here & ready <3");
  });

  it('falls back to payload text, attachments, choices offered and chosen, forms and templates', () => {
    const msg = (abstractMessage: Record<string, unknown>) => ({ entryPayload: { abstractMessage } });
    expect(entryText(msg({ staticContent: { text: 'from payload' } }))).to.equal('from payload');
    expect(entryText(msg({ staticContent: { attachments: [{ name: 'receipt.pdf' }, { name: 'photo.png' }] } }))).to.equal(
      '[attachment: receipt.pdf, photo.png]'
    );
    expect(
      entryText(msg({ choices: { text: 'Pick one', optionItems: [{ titleItem: { title: 'A' } }, { title: 'B' }] } }))
    ).to.equal('Pick one [choices: A | B]');
    expect(entryText(msg({ choicesResponse: { selectedOptions: [{ title: 'B' }] } }))).to.equal('[chose: B]');
    expect(entryText(msg({ formResponse: { title: 'Survey' } }))).to.equal('[form response: Survey]');
    expect(entryText(msg({ staticContent: { externalTemplate: { name: 'order_update' } } }))).to.equal('[template: order_update]');
  });

  it('reads a payload given as a JSON string', () => {
    const payload = JSON.stringify({ abstractMessage: { staticContent: { text: 'stringified &amp; decoded' } } });
    expect(entryText({ entryPayload: payload })).to.equal('stringified & decoded');
  });

  it("renders events as their type's label plus a compact summary, without ids", () => {
    expect(
      entryText({ entryType: 'SessionStatusChanged', entryPayload: { sessionId: '0Mw', previousStatus: 'Active', newStatus: 'Ended' } })
    ).to.equal('[Session status changed] previousStatus=Active newStatus=Ended');
    expect(entryText({ entryType: 'SESSION_STATUS_CHANGED' })).to.equal('[Session status changed]');
    expect(entryText({ entryType: 'SomethingNew' })).to.equal('[Something new]');
    expect(entryText({})).to.equal('[non-text entry]');
    expect(compactSummary({ a: { b: [{ c: 1 }, { d: true }] }, e: 'x'.repeat(100) }).length).to.be.lessThan(100);
  });

  it('never crashes on odd shapes', () => {
    const odd: Array<Record<string, unknown>> = [
      { entryPayload: '{broken' },
      { entryPayload: 42, sender: 'x', messageText: 7 },
      { entryPayload: { abstractMessage: null }, sender: null },
      { entryPayload: { abstractMessage: { choices: { optionItems: 'nope' } } } },
      { entryPayload: [1, 2, 3], entryType: 'Arr' },
      { serverReceivedTimestamp: 'soon', clientTimestamp: -1 },
    ];
    for (const raw of odd) {
      const e = normalizeEntry(raw);
      expect(e.text, JSON.stringify(raw)).to.be.a('string').and.not.equal('');
      expect(e.raw).to.equal(raw);
    }
  });

  it('names senders and normalises seconds to ms', () => {
    const e = normalizeEntry({ sender: { role: 'Agent', appType: 'agent', subject: '005x', name: 'Ann' }, clientTimestamp: ts / 1000 });
    expect(e.time).to.equal(ts);
    expect(e).to.include({ senderRole: 'Agent', senderAppType: 'agent', senderSubject: '005x', senderName: 'Ann' });
    expect(senderLabel(e)).to.equal('Agent (Ann)');
    expect(senderLabel(normalizeEntry({}))).to.equal('Unknown');
  });

  it('keeps the order it is given: the order is decided once, by sortOldestFirst, not again by the displayed time', () => {
    // b was received first but transcripted later; a carries no transcripted time. By transcripted time they'd swap.
    const given = [
      { identifier: 'b', serverReceivedTimestamp: ts, transcriptedTimestamp: ts + 5000 },
      { identifier: 'a', serverReceivedTimestamp: ts + 1000 },
      { identifier: 'c' },
      { identifier: 'd', clientTimestamp: ts - 99_000 },
    ];
    const transcript = toTranscript(given);
    expect(transcript.map((e) => e.identifier)).to.deep.equal(['b', 'a', 'c', 'd']);
    expect(transcript.map((e) => e.raw)).to.deep.equal(given);
    // The time shown is the clock the order follows, so shown times never run backwards.
    expect(transcript.slice(0, 2).map((e) => e.time)).to.deep.equal([ts, ts + 1000]);
  });
});
