import { expect } from 'chai';
import { decodeHTML } from 'entities';
import type { ConversationEntry } from '../../src/sources/api/page.js';
import { GET_FORMATS, formatOf } from '../../src/transcript/formats/index.js';
import { redactConversation } from '../../src/transcript/redaction.js';

const header = { sessionId: null, conversationIdentifier: 'c-1', orgId: '00D5g000004AbCdEAA', entryCount: 0, complete: true, incompleteReason: null };
const at = Date.UTC(2025, 0, 10, 11, 20);

/** A message as the API may send it: text HTML-escaped in messageText, and (sometimes) in the payload too. */
function message(n: number, messageText: string | undefined, payloadText: string, subject = 'v2/iamessage/UNAUTH/NA/uid:1'): ConversationEntry {
  return {
    identifier: `e-${n}`,
    entryType: 'Message',
    ...(messageText === undefined ? {} : { messageText }),
    entryPayload: { abstractMessage: { messageType: 'StaticContentMessage', staticContent: { formatType: 'Text', text: payloadText } } },
    sender: { role: 'EndUser', appType: 'whatsapp', subject },
    serverReceivedTimestamp: at + n * 1000,
  };
}

describe('redactConversation', () => {
  it('masks the decoded text in the transcript; a raw value is decoded where something was masked, else kept as it came', () => {
    const { entries, transcript, counts } = redactConversation([
      message(1, 'I&#39;m jane&#64;example.com &amp; my card is 4111&#32;1111&#32;1111&#32;1111', 'I&#39;m jane&commat;example&period;com'),
      message(2, 'Tom &amp; Jerry&#39;s order 4111&#32;1111&#32;1111&#32;1112', 'Tom &amp; Jerry'),
    ]);
    expect(transcript.map((e) => e.text)).to.deep.equal(["I'm [email] & my card is [card]", "Tom & Jerry's order 4111 1111 1111 1112"]);
    expect(entries[0].messageText).to.equal("I'm [email] & my card is [card]");
    expect(entries[0].entryPayload).to.deep.equal({
      abstractMessage: { messageType: 'StaticContentMessage', staticContent: { formatType: 'Text', text: "I'm [email]" } },
    });
    expect(entries[1]).to.deep.equal(message(2, 'Tom &amp; Jerry&#39;s order 4111&#32;1111&#32;1111&#32;1112', 'Tom &amp; Jerry'));
    // The transcript's raw entries are the redacted ones (JSON Lines `raw`).
    expect(transcript.map((e) => e.raw)).to.deep.equal(entries);
    // One email and one card in messageText, one email in the payload: the transcript line adds nothing.
    expect(counts).to.deep.equal({ email: 2, phone: 0, card: 1, iban: 0 });
  });

  it('counts an item once, not again for the transcript line made from it', () => {
    for (const text of ['jane&#64;example.com', 'jane@example.com', 'jane&amp;#64;example.com']) {
      const { transcript, counts } = redactConversation([message(1, text, 'see above')]);
      expect(transcript[0].text, text).to.equal('[email]');
      expect(counts, text).to.deep.equal({ email: 1, phone: 0, card: 0, iban: 0 });
    }
    const subject = redactConversation([message(1, undefined, 'hi', 'whatsapp:&#43;14155552671'), message(2, undefined, 'hi', 'whatsapp:+14155552671')]);
    expect(subject.transcript.map((e) => e.senderSubject)).to.deep.equal(['whatsapp:[phone]', 'whatsapp:[phone]']);
    expect(subject.counts).to.deep.equal({ email: 0, phone: 2, card: 0, iban: 0 });
  });

  it('masks and counts what only the joined transcript line shows (a phone word in the text, the number in a choice)', () => {
    const entry: ConversationEntry = {
      identifier: 'e-1',
      entryType: 'Message',
      entryPayload: {
        abstractMessage: {
          messageType: 'ChoicesMessage',
          choices: { text: 'Which number should we call?', optionItems: [{ titleItem: { title: '4155550123' } }] },
        },
      },
      sender: { role: 'Chatbot', appType: 'chatbot', subject: 'bot' },
      serverReceivedTimestamp: at,
    };
    const { transcript, counts } = redactConversation([entry]);
    expect(transcript[0].text).to.equal('Which number should we call? [choices: [phone]]');
    expect(counts).to.deep.equal({ email: 0, phone: 1, card: 0, iban: 0 });
  });

  it('masks the sender name a format shows', () => {
    const entry = { ...message(1, 'hello', 'hello'), sender: { role: 'EndUser', appType: 'whatsapp', subject: 'x', name: 'jane&#64;example.com' } };
    const { transcript, counts } = redactConversation([entry]);
    expect(transcript[0].senderName).to.equal('[email]');
    expect(counts.email).to.equal(1);
  });

  it('leaves no email, card number or IBAN, decoded or encoded, in any format or in the raw entries', () => {
    const leaks = [
      'jane@example.com',
      'jane&#64;example.com',
      'jöhn.müller@example.de',
      '4111',
      '4242',
      'DE89',
      '3704',
    ];
    const { entries, transcript } = redactConversation([
      message(1, 'Mail jane&#64;example.com or jöhn.müller&#x40;example.de', 'Mail jane&#64;example.com or jöhn.müller@example.de'),
      message(2, 'Card 4111&nbsp;1111&nbsp;1111&nbsp;1111 or 4242.4242.4242.4242', 'Card 4111&#32;1111&#32;1111&#32;1111 or 4242.4242.4242.4242'),
      message(3, 'IBAN DE89&#45;3704&#45;0044&#45;0532&#45;0130&#45;00', 'IBAN DE89-3704-0044-0532-0130-00'),
    ]);
    const outputs: Record<string, string> = { json: JSON.stringify(entries) };
    for (const format of GET_FORMATS) outputs[format] = [...formatOf(format).render({ entries: transcript, utc: true, header })].join('');
    for (const [format, output] of Object.entries(outputs)) {
      for (const leak of leaks) {
        expect(output, `${format}: ${leak}`).not.to.include(leak);
        expect(decodeHTML(output), `${format} decoded: ${leak}`).not.to.include(leak);
      }
    }
  });
});
