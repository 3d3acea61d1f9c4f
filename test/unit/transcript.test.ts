import { expect } from 'chai';
import { entryText, senderLabel, transcriptLine, writeTranscript } from '../../src/transcript.js';

describe('transcript', () => {
  const ts = Date.UTC(2025, 0, 10, 11, 21, 29);

  it('renders one line per entry: time, sender with app type, decoded text', () => {
    const line = transcriptLine(
      { serverReceivedTimestamp: ts, sender: { role: 'Chatbot', appType: 'chatbot' }, messageText: 'I&#39;m here &amp; ready' },
      true
    );
    expect(line).to.equal("2025-01-10 11:21:29Z  Chatbot (chatbot): I'm here & ready");
  });

  it('falls back to the payload text (object or JSON string), then to the entry type', () => {
    const payload = { abstractMessage: { staticContent: { text: 'from payload' } } };
    expect(entryText({ entryPayload: payload })).to.equal('from payload');
    expect(entryText({ entryPayload: JSON.stringify(payload) })).to.equal('from payload');
    expect(entryText({ entryType: 'ParticipantChanged' })).to.equal('[ParticipantChanged]');
    expect(entryText({ entryPayload: '{not json' })).to.equal('[entry]');
  });

  it('names the sender by role and app type or name, or Unknown', () => {
    expect(senderLabel({ sender: { role: 'Agent', name: 'Ann' } })).to.equal('Agent (Ann)');
    expect(senderLabel({ sender: { role: 'EndUser' } })).to.equal('EndUser');
    expect(senderLabel({})).to.equal('Unknown');
    expect(senderLabel({ sender: 'garbage' })).to.equal('Unknown');
  });

  it('keeps a multi-line message under its entry, and survives entries without time', () => {
    const lines: string[] = [];
    writeTranscript([{ messageText: 'a\nb', sender: { role: 'Agent' } }, { serverReceivedTimestamp: ts }], (l) => lines.push(l), true);
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^\(no time\)\s+Agent: a\n {4}b$/);
    expect(lines[1]).to.equal('2025-01-10 11:21:29Z  Unknown: [entry]');
  });
});
