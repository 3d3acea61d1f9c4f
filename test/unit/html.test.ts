/*
 * The HTML renderer's pure parts: who is drawn where, escaping (generated hostile strings), the page's shell and
 * policy, chips, counts and times, and the index's views. What a reader sees in a browser is in
 * test/integration/htmlBrowser.test.ts.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { decodeHTML } from 'entities';
import {
  escapeHtml,
  fileHref,
  formatDuration,
  htmlIndex,
  htmlTranscript,
  inert,
  INDEX_VIEW_IDS,
  sideOf,
  sortRows,
  summarize,
  type IndexRow,
} from '../../src/transcript/formats/html.js';
import type { TranscriptHeader } from '../../src/transcript/formats/index.js';
import { toTranscript } from '../../src/transcript/normalize.js';
import { CONVERSATIONS, ORG_ID, SESSIONS, entriesOf } from '../emulator/seed.js';
import { mulberry32 } from '../emulator/prng.js';

const header: TranscriptHeader = { sessionId: SESSIONS.short, conversationIdentifier: CONVERSATIONS.short, orgId: ORG_ID, entryCount: 10, complete: true, incompleteReason: null };
const page = (entries: unknown[], utc = true, h: TranscriptHeader = header): string =>
  [...htmlTranscript(toTranscript(entries as Array<Record<string, unknown>>), h, utc)].join('');

/** EndUser → EndUser, END_USER, enduser, end_user, end-user, ENDUSER, End User. */
function spellings(camel: string): string[] {
  const words = camel.split(/(?=[A-Z])/);
  return [
    camel,
    words.join('_').toUpperCase(),
    camel.toLowerCase(),
    words.join('_').toLowerCase(),
    words.join('-').toLowerCase(),
    camel.toUpperCase(),
    words.join(' '),
  ];
}

describe('html transcript: who is drawn where', () => {
  const cases: Array<[string, string | undefined, string]> = [
    ['EndUser', 'iamessage', 'customer'],
    ['Agent', 'agent', 'agent'],
    ['Supervisor', 'agent', 'agent'],
    ['Chatbot', 'chatbot', 'bot'],
    ['Bot', undefined, 'bot'],
    ['System', 'conversation', 'note'],
    ['Router', undefined, 'note'],
  ];
  for (const [role, appType, side] of cases) {
    it(`${role} in every spelling → ${side}`, () => {
      for (const r of spellings(role)) {
        for (const a of appType ? spellings(appType) : [undefined]) {
          expect(sideOf({ senderRole: r, senderAppType: a, entryType: 'Message' }), `${r}/${a}`).to.equal(side);
          expect(sideOf({ senderRole: r, senderAppType: a, entryType: undefined }), `${r}/${a}, no type`).to.equal(side);
        }
      }
    });
  }

  it('every non-message entry type is a note, whoever sent it', () => {
    const types = ['ParticipantChanged', 'RoutingResult', 'RoutingWorkResult', 'SessionStatusChanged', 'ModalityUpdate', 'MessageDeliveryFailed', 'FlagRaise', 'EndUserConsentUpdated'];
    for (const type of types) {
      for (const spelling of spellings(type)) {
        for (const role of ['EndUser', 'Agent', 'Chatbot', undefined]) {
          expect(sideOf({ senderRole: role, senderAppType: undefined, entryType: spelling }), `${spelling} from ${role}`).to.equal('note');
        }
      }
    }
    for (const type of spellings('Message')) expect(sideOf({ senderRole: 'EndUser', senderAppType: undefined, entryType: type })).to.equal('customer');
  });

  it('without a role, the app type decides; with neither, the sender is unknown (a centred bubble, not a guess)', () => {
    expect(sideOf({ senderRole: undefined, senderAppType: 'WHATSAPP', entryType: 'MESSAGE' })).to.equal('customer');
    expect(sideOf({ senderRole: undefined, senderAppType: 'CHATBOT', entryType: 'MESSAGE' })).to.equal('bot');
    expect(sideOf({ senderRole: 'Agent', senderAppType: 'chatbot', entryType: 'Message' })).to.equal('bot');
    expect(sideOf({ senderRole: undefined, senderAppType: undefined, entryType: 'Message' })).to.equal('other');
    expect(sideOf({ senderRole: 'Martian', senderAppType: 'telepathy', entryType: 'Message' })).to.equal('other');
  });
});

describe('html transcript: escaping', () => {
  // Everything that means something in HTML, control and direction characters, and ordinary text.
  const ALPHABET = ['<', '>', '&', '"', "'", '/', '=', '`', 'a', 'Z', ' ', '\n', '\t', '\r', '\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u202e', '\u2066', '\u2069', '\u2028', 'é', '中', '😀', 'script', 'onerror', '&amp;', '&#60;'];

  it('inert() of generated hostile strings holds no markup but its own code spans, and reads back as the text (500 cases)', () => {
    const next = mulberry32(20_260_101);
    for (let n = 0; n < 500; n++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 40) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
      const html = inert(text);
      const withoutSpans = html.replace(/<span class="esc" title="[^"<>]*">U\+[0-9A-F]{4}<\/span>/g, '');
      expect(withoutSpans, JSON.stringify(text)).not.to.match(/[<>"']/);
      // eslint-disable-next-line no-control-regex
      expect(html, JSON.stringify(text)).not.to.match(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u2028\u2029]/);
      const shown = decodeHTML(html.replace(/<span class="esc" title="[^"<>]*">(U\+[0-9A-F]{4})<\/span>/g, '$1'));
      const expected = text
        .replace(/\r\n/g, '\n')
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u2028\u2029]/g, (c) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
      expect(shown, JSON.stringify(text)).to.equal(expected);
    }
  });

  it('escapeHtml covers element content and both attribute quotes', () => {
    expect(escapeHtml('<a href="x" title=\'y\'>&amp;</a>')).to.equal('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('no org or API value becomes markup anywhere on the page: text, sender fields, entry type, header (generated)', () => {
    const next = mulberry32(7);
    const evil = (): string => `<img src=x onerror=alert(${Math.floor(next() * 1000)})>"'\u202e`;
    for (let n = 0; n < 50; n++) {
      const entries = [
        { entryType: 'Message', messageText: evil(), sender: { role: evil(), appType: evil(), name: evil() }, serverReceivedTimestamp: 1_736_508_000_000 },
        { entryType: evil(), entryPayload: { note: evil() }, sender: { role: 'System' }, serverReceivedTimestamp: 1_736_508_001_000 },
        { entryType: 'Message', entryPayload: { abstractMessage: { choices: { optionItems: [{ title: evil() }] }, staticContent: { attachments: [{ name: evil() }] } } }, sender: { role: 'Chatbot' } },
      ];
      const html = page(entries, true, { sessionId: evil(), conversationIdentifier: evil(), orgId: evil(), entryCount: 3, complete: true, incompleteReason: null, source: evil() });
      // Every tag is one the renderer writes, no tag carries an event handler, and no override character is left.
      expect(html).not.to.match(/<(?!\/?(?:!DOCTYPE|html|head|meta|title|style|body|main|header|h1|dl|dt|dd|code|ol|li|div|span|bdi|time)[\s>])/);
      expect(html).not.to.match(/<[^>]*\son[a-z]+=/i);
      expect(html).not.to.include('\u202e');
      expect(html).to.include('&lt;img src=x onerror=alert(');
    }
  });
});

describe('html transcript: the page', () => {
  const html = page(entriesOf(CONVERSATIONS.short));

  it('is one self-contained document: charset, then a CSP with no script, no base and no form target, and only its own stylesheet by hash', () => {
    expect(html).to.match(/^<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="([^"]+)">\n/);
    const csp = /Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1].replace(/&#39;/g, "'") ?? '';
    expect(csp.split('; ')).to.have.members([
      "default-src 'none'",
      `style-src 'sha256-${createHash('sha256').update(/<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '').digest('base64')}'`,
      "img-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ]);
    expect(html).not.to.match(/<script|<link|<img|<iframe|\ssrc=|\shref=|\sstyle=|url\(|@import/i);
    expect(html.match(/<style>/g)).to.have.length(1);
    expect(html).to.match(/@media \(prefers-color-scheme:dark\)/).and.match(/@media print/);
  });

  it('chips come only from real structure: a customer typing "[chose: Refund]" gets their text, not a chip', () => {
    const typed = page([
      {
        entryType: 'Message',
        sender: { role: 'EndUser' },
        entryPayload: { abstractMessage: { staticContent: { text: 'I [chose: Refund] and [attachment: proof.pdf]' } } },
      },
    ]);
    expect(typed).not.to.include('class="chips');
    expect(typed).to.include('I [chose: Refund] and [attachment: proof.pdf]');
    const real = page(entriesOf(CONVERSATIONS.short));
    expect(real.match(/class="chip choices"/g)).to.have.length(3);
    expect(real).to.include('<span class="chip chose" dir="auto">Talk to an agent</span>');
    expect(real).to.include('<span class="chip attachment" dir="auto">receipt-4471.pdf</span>');
  });

  it('shows local time with its offset, or UTC with --utc, and a divider per day', () => {
    const before = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Kolkata';
      const local = page(entriesOf(CONVERSATIONS.short), false);
      expect(local).to.include('<dt>Times</dt><dd>local time (UTC+05:30)</dd>');
      expect(local).to.include('title="2025-01-10 16:50:00+05:30">16:50:00</time>');
      expect(page(entriesOf(CONVERSATIONS.short), true)).to.include('title="2025-01-10 11:20:00Z">11:20:00</time>');
      const twoDays = page([
        { messageText: 'late', sender: { role: 'EndUser' }, serverReceivedTimestamp: Date.UTC(2025, 0, 10, 18, 0) },
        { messageText: 'next day', sender: { role: 'Agent' }, serverReceivedTimestamp: Date.UTC(2025, 0, 10, 19, 0) },
      ]);
      expect(twoDays.match(/class="day"/g)).to.have.length(1);
      expect(page([
        { messageText: 'late', sender: { role: 'EndUser' }, serverReceivedTimestamp: Date.UTC(2025, 0, 10, 18, 0) },
        { messageText: 'next day', sender: { role: 'Agent' }, serverReceivedTimestamp: Date.UTC(2025, 0, 10, 19, 0) },
      ], false).match(/class="day"/g)).to.have.length(2);
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  });

  it('streams: one small chunk per entry after the head', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ identifier: `e${i}`, messageText: `m${i}`, sender: { role: i % 2 ? 'Agent' : 'EndUser' }, serverReceivedTimestamp: 1_736_508_081_203 + i }));
    const chunks = [...htmlTranscript(toTranscript(many), header, true)];
    expect(chunks.length).to.be.at.least(10_000);
    expect(Math.max(...chunks.slice(3).map((c) => c.length))).to.be.lessThan(1000);
  });
});

describe('html transcript: counts and times', () => {
  it('summarize counts each side and times the first reply from the customer\'s first message', () => {
    const s = summarize(toTranscript(entriesOf(CONVERSATIONS.short)));
    expect(s).to.deep.include({ entries: 10, events: 3, durationMs: 60_000, firstReplyMs: 2000 });
    expect(s.messages).to.deep.equal({ customer: 4, agent: 1, bot: 2, other: 0 });
    const at = (ms: number, role: string): Record<string, unknown> => ({ messageText: 'x', sender: { role }, serverReceivedTimestamp: 1_736_508_000_000 + ms });
    // A bot greeting before the customer speaks is not a reply.
    expect(summarize(toTranscript([at(0, 'Chatbot'), at(5000, 'EndUser'), at(12_000, 'Agent')])).firstReplyMs).to.equal(7000);
    expect(summarize(toTranscript([at(0, 'EndUser'), at(1000, 'EndUser')])).firstReplyMs).to.equal(undefined);
    const none = summarize([]);
    expect([none.entries, none.start, none.durationMs, none.firstReplyMs]).to.deep.equal([0, undefined, undefined, undefined]);
  });

  it('formatDuration', () => {
    expect([0, 999, 41_000, 125_000, 3_600_000, 3_725_000, undefined, -1].map(formatDuration)).to.deep.equal(['0 s', '1 s', '41 s', '2 min 05 s', '1 h 00 min', '1 h 02 min', '—', '—']);
  });
});

describe('html index', () => {
  const next = mulberry32(42);
  const maybe = <T>(value: T): T | undefined => (next() < 0.2 ? undefined : value);
  const rows: IndexRow[] = Array.from({ length: 60 }, (_, i) => ({
    sessionId: `0Mw5g0000${String(i).padStart(6, '0')}AAA`,
    file: `0Mw5g0000${String(i).padStart(6, '0')}AAA.html`,
    start: maybe(1_736_508_000_000 + Math.floor(next() * 10) * 60_000),
    channel: maybe(['WhatsApp', 'SMS', 'EmbeddedMessaging'][Math.floor(next() * 3)]),
    entries: Math.floor(next() * 50),
    durationMs: maybe(Math.floor(next() * 5) * 1000),
    firstReplyMs: maybe(Math.floor(next() * 5) * 1000),
  }));

  it('every view holds every row once, in its order, unknown values last (generated rows)', () => {
    const keys: Record<string, (r: IndexRow) => number | string | undefined> = {
      'by-start': (r) => r.start,
      'by-start-desc': (r) => (r.start === undefined ? undefined : -r.start),
      'by-channel': (r) => r.channel?.toLowerCase(),
      'by-entries': (r) => -r.entries,
      'by-duration': (r) => (r.durationMs === undefined ? undefined : -r.durationMs),
      'by-first-reply': (r) => (r.firstReplyMs === undefined ? undefined : -r.firstReplyMs),
    };
    expect(INDEX_VIEW_IDS).to.have.members(Object.keys(keys));
    for (const [view, key] of Object.entries(keys)) {
      const sorted = sortRows(rows, view);
      expect(sorted.map((r) => r.sessionId).sort(), view).to.deep.equal(rows.map((r) => r.sessionId).sort());
      for (let i = 1; i < sorted.length; i++) {
        const [a, b] = [key(sorted[i - 1]), key(sorted[i])];
        if (b === undefined) continue;
        expect(a, `${view} row ${i}`).not.to.equal(undefined);
        expect(a! <= b, `${view} row ${i}: ${String(a)} before ${String(b)}`).to.equal(true);
      }
    }
  });

  it('the page lists each row once per view, the default view oldest first, each session linked to its file', () => {
    const html = [...htmlIndex(rows, { utc: true })].join('');
    const sections = html.split('<section').slice(1);
    expect(sections).to.have.length(INDEX_VIEW_IDS.length);
    const defaultView = sections[sections.length - 1];
    expect(defaultView).to.match(/^ class="view" id="by-start"/);
    const linked = [...defaultView.matchAll(/<a href="([^"]+)"><code>([^<]+)<\/code><\/a>/g)].map((m) => [m[1], m[2]]);
    expect(linked).to.deep.equal(sortRows(rows).map((r) => [r.file, r.sessionId]));
    expect(html).not.to.match(/<script|\sstyle=|\son\w+=/i);
    expect([...htmlIndex([], { utc: true })].join('')).to.include('No sessions were exported.');
  });

  it('a file name never becomes a scheme, a query or a fragment', () => {
    for (const file of ['javascript:alert(1)', 'a b?.html#x', 'data:text/html,<script>', '"><script>.html', 'dir/x y.html']) {
      const href = fileHref(file);
      expect(new URL(href, 'file:///export/index.html').protocol, file).to.equal('file:');
      expect(href, file).not.to.match(/[?#:"<> ]/);
    }
    expect(fileHref('dir/x y.html')).to.equal('dir/x%20y.html');
  });
});
