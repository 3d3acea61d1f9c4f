/*
 * The HTML transcript and the export's index page, opened in a real headless Chromium: what a reader sees (bubbles,
 * sides, order, chips, notes, dark mode, print), that hostile text stays text (no script runs, nothing is fetched,
 * nothing is injected), and that the index links every file and sorts without script. Rendering is in-process; one
 * run goes through the command (in-process too, helpers/command.ts) against the emulator to show the wiring.
 *
 * Chromium comes from Debian's package: scripts/ensure-chromium.sh installs it when missing (as root, as CI runs).
 * Screenshots are kept in test-artifacts/ (git-ignored).
 */
// The callbacks passed to page.$$eval and page.evaluate run in the browser, on its DOM.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { htmlIndex, htmlTranscript, indexRow, type IndexRow } from '../../src/transcript/formats/html.js';
import type { TranscriptHeader } from '../../src/transcript/formats/index.js';
import { toTranscript, type TranscriptEntry } from '../../src/transcript/normalize.js';
import { orderTime } from '../../src/sources/api/entryTime.js';
import { BULK_SESSIONS, CONVERSATIONS, ORG_ID, SESSIONS, SESSION_RECORDS, entriesOf } from '../emulator/seed.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { runCommand } from '../helpers/command.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';
import { ensureChromium, launchBrowser, type Browser } from '../helpers/browser.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

type Bubble = { side: string; geometry: 'left' | 'right' | 'center'; kind: string; label: string; time: string; text: string; chips: string[] };

/** Every bubble as a reader sees it: which side it is drawn on (measured, not read from a class), its label, time, text and chips. */
const bubbles = (page: Page): Promise<Bubble[]> =>
  page.$$eval('ol.chat > li.msg', (items) => {
    const list = (items[0]?.parentElement as HTMLElement).getBoundingClientRect();
    return items.map((li) => {
      const box = (li.querySelector('.bubble') as HTMLElement).getBoundingClientRect();
      const left = box.left - list.left;
      const right = list.right - box.right;
      const geometry = Math.abs(left - right) < 4 ? 'center' : left < right ? 'left' : 'right';
      return {
        side: li.getAttribute('data-side') ?? '',
        geometry,
        kind: li.classList[1],
        label: li.querySelector('.name')?.textContent ?? '',
        time: li.querySelector('.who time, .who .time')?.textContent ?? '',
        text: li.querySelector('.text')?.textContent ?? '',
        chips: [...li.querySelectorAll('.chips')].map((c) => [...c.children].map((x) => x.textContent).join(' ')),
      } as const;
    });
  });

const notes = (page: Page): Promise<Array<{ what: string; detail: string; centred: boolean }>> =>
  page.$$eval('ol.chat > li.note', (items) => {
    const list = (items[0]?.parentElement as HTMLElement).getBoundingClientRect();
    return items.map((li) => {
      const box = li.getBoundingClientRect();
      return {
        what: li.querySelector('.what')?.textContent ?? '',
        detail: li.querySelector('.detail')?.textContent ?? '',
        centred: Math.abs(box.left - list.left - (list.right - box.right)) < 4,
      };
    });
  });

/** WCAG relative luminance (0 black … 1 white) of a computed CSS colour (`rgb(…)`, opaque). */
function luminance(css: string): number {
  const [r, g, b] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.039_28 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two computed CSS colours. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Text colour against background of each bubble's text and each label, as the page is drawn now. */
const contrasts = (page: Page): Promise<Array<{ fg: string; bg: string; where: string }>> =>
  page.$$eval('li.msg, li.note', (items) =>
    items.flatMap((li) => {
      const bubble = li.querySelector('.bubble') ?? li;
      const text = li.querySelector('.text, .detail');
      const label = li.querySelector('.name');
      const pageBg = getComputedStyle(document.body).backgroundColor;
      const out = [];
      if (text) out.push({ fg: getComputedStyle(text).color, bg: getComputedStyle(bubble).backgroundColor, where: `${li.className} text` });
      if (label) out.push({ fg: getComputedStyle(label).color, bg: pageBg, where: `${li.className} label` });
      return out;
    })
  );

describe('HTML transcript and index in a real browser (Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let dir: string;

  const header = (over: Partial<TranscriptHeader> = {}): TranscriptHeader => ({
    sessionId: SESSIONS.short,
    conversationIdentifier: CONVERSATIONS.short,
    orgId: ORG_ID,
    entryCount: entriesOf(CONVERSATIONS.short).length,
    complete: true,
    incompleteReason: null,
    source: 'Conversation Data API',
    ...over,
  });

  const writePage = async (name: string, chunks: Iterable<string>): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, [...chunks].join(''));
    return pathToFileURL(path).href;
  };

  /** Opens a page, failing on any console error (a CSP violation is one) and on any request but the allowed files. */
  const open = async (url: string, allowed: string[] = []): Promise<{ page: Page; errors: string[] }> => {
    const errors: string[] = [];
    browser.context.once('page', (p) => {
      p.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      p.on('pageerror', (e) => errors.push(e.message));
    });
    const page = await browser.open(url, allowed);
    return { page, errors };
  };

  before(async function () {
    this.timeout(900_000); // the first install of chromium downloads ~100 MB of packages
    browser = await launchBrowser(await ensureChromium());
    dir = await mkdtemp(join(tmpdir(), 'html-transcripts-'));
    await mkdir(ARTIFACTS, { recursive: true });
  });
  beforeEach(() => {
    browser.requests.length = 0;
    browser.refused.length = 0;
  });
  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the demo conversation: one bubble per message in order, the customer left, bot and agent right and styled apart, events as centred notes, chips, header', async () => {
    const entries = toTranscript(entriesOf(CONVERSATIONS.short));
    const url = await writePage('short.html', htmlTranscript(entries, header(), true));
    const { page, errors } = await open(url);

    expect(await bubbles(page)).to.deep.equal([
      { side: 'left', geometry: 'left', kind: 'customer', label: 'Customer (In-App and Web)', time: '11:20:00', text: 'Hi, I need help with my order', chips: [] },
      { side: 'right', geometry: 'right', kind: 'bot', label: 'Bot', time: '11:20:02', text: "I'm here & ready to help.", chips: [] },
      {
        side: 'right',
        geometry: 'right',
        kind: 'bot',
        label: 'Bot',
        time: '11:20:03',
        text: 'What can I help you with?',
        chips: ['Options Billing Delivery Talk to an agent'],
      },
      { side: 'left', geometry: 'left', kind: 'customer', label: 'Customer (In-App and Web)', time: '11:20:09', text: '', chips: ['Chose Talk to an agent'] },
      { side: 'left', geometry: 'left', kind: 'customer', label: 'Customer (In-App and Web)', time: '11:20:15', text: '', chips: ['Attachment receipt-4471.pdf'] },
      {
        side: 'right',
        geometry: 'right',
        kind: 'agent',
        label: 'Agent',
        time: '11:20:30',
        text: 'Thanks, I can see the receipt. Your refund is on its way <3 "soon"',
        chips: [],
      },
      { side: 'left', geometry: 'left', kind: 'customer', label: 'Customer (In-App and Web)', time: '11:20:41', text: 'Great, thank you!', chips: [] },
    ]);
    expect(await notes(page)).to.deep.equal([
      { what: 'Routing work result', detail: 'workType=Accepted routingType=Omni', centred: true },
      { what: 'Participant changed', detail: 'operation=add appType=agent role=Agent displayName=Alex Agent', centred: true },
      { what: 'Session status changed', detail: 'previousStatus=Active newStatus=Ended', centred: true },
    ]);
    // Messages and events interleave as they happened.
    expect(await page.$$eval('ol.chat > li:not(.day)', (items) => items.map((li) => li.classList[0]))).to.deep.equal(
      ['msg', 'msg', 'msg', 'msg', 'msg', 'note', 'note', 'msg', 'msg', 'note']
    );

    // Bot and agent are on the same side but look different.
    const look = (selector: string): Promise<string> =>
      page.$eval(selector, (el) => {
        const s = getComputedStyle(el);
        return `${s.backgroundColor} ${s.borderStyle}`;
      });
    expect(await look('.bot .bubble')).not.to.equal(await look('.agent .bubble'));

    const fields = await page.$$eval('.meta dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])));
    expect(fields).to.include({
      MessagingSession: SESSIONS.short,
      Conversation: CONVERSATIONS.short,
      Org: ORG_ID,
      Source: 'Conversation Data API',
      'Time range': '2025-01-10 11:20:00Z – 2025-01-10 11:21:00Z',
      Times: 'UTC',
      Entries: '10',
      Messages: '7 (4 from the customer, 1 from agents, 2 from bots)',
      Events: '3',
    });

    await page.screenshot({ path: join(ARTIFACTS, 'transcript.png'), fullPage: true });
    expect(browser.requests).to.deep.equal([url]);
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it('reads well in light and dark mode, and prints with no dark background and no bubble split across pages', async () => {
    const entries = toTranscript(entriesOf(CONVERSATIONS.short));
    const url = await writePage('modes.html', htmlTranscript(entries, header(), true));
    const { page, errors } = await open(url);
    const bodyBg = (): Promise<string> => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

    for (const colorScheme of ['light', 'dark'] as const) {
      // eslint-disable-next-line no-await-in-loop
      await page.emulateMedia({ media: 'screen', colorScheme });
      // eslint-disable-next-line no-await-in-loop
      const bg = luminance(await bodyBg());
      expect(colorScheme === 'dark' ? bg < 0.05 : bg > 0.8, `${colorScheme} background`).to.equal(true);
      // eslint-disable-next-line no-await-in-loop
      for (const c of await contrasts(page)) expect(contrast(c.fg, c.bg), `${colorScheme}: ${c.where}`).to.be.at.least(4.5);
    }
    await page.screenshot({ path: join(ARTIFACTS, 'transcript-dark.png'), fullPage: true });

    // Printing from a dark-mode browser still gives white paper and readable ink.
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    expect(await bodyBg()).to.equal('rgb(255, 255, 255)');
    for (const c of await contrasts(page)) {
      expect(luminance(c.bg), `print background of ${c.where}`).to.be.greaterThan(0.8);
      expect(contrast(c.fg, c.bg), `print: ${c.where}`).to.be.at.least(4.5);
    }
    const breaks = await page.$$eval('li.msg, li.note', (items) => [...new Set(items.map((li) => getComputedStyle(li).breakInside))]);
    expect(breaks).to.deep.equal(['avoid']);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    expect(browser.requests).to.deep.equal([url]);
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it('hostile text, names, entry types and header values stay inert text: no script runs, nothing is fetched or injected', async () => {
    const cases: Array<{ text: string; shown: string }> = [
      { text: '<script>window.pwned = "script"</script>', shown: '<script>window.pwned = "script"</script>' },
      { text: '<img src=x onerror="window.pwned = \'onerror\'">', shown: '<img src=x onerror="window.pwned = \'onerror\'">' },
      { text: '<a href="javascript:window.pwned = \'link\'">click me</a>', shown: '<a href="javascript:window.pwned = \'link\'">click me</a>' },
      { text: '</div></div></li></ol><div id="injected">out</div>', shown: '</div></div></li></ol><div id="injected">out</div>' },
      { text: '<svg onload="window.pwned = \'svg\'"></svg><iframe src="https://example.invalid/"></iframe>', shown: '<svg onload="window.pwned = \'svg\'"></svg><iframe src="https://example.invalid/"></iframe>' },
      { text: '<style>body{display:none}</style><link rel="stylesheet" href="https://example.invalid/x.css">', shown: '<style>body{display:none}</style><link rel="stylesheet" href="https://example.invalid/x.css">' },
      { text: '<meta http-equiv="refresh" content="0;url=https://example.invalid/"><base href="https://example.invalid/">', shown: '<meta http-equiv="refresh" content="0;url=https://example.invalid/"><base href="https://example.invalid/">' },
      { text: '"><img src=x onerror=window.pwned=1>', shown: '"><img src=x onerror=window.pwned=1>' },
      // messageText is entity-decoded like the API's, so an escaped tag arrives as a tag and must still be text.
      { text: '&lt;script&gt;window.pwned=2&lt;/script&gt;', shown: '<script>window.pwned=2</script>' },
      { text: 'bell\u0007 esc\u001b[31mred\u001b[0m nul\u0000 cr\rend', shown: 'bellU+0007 escU+001B[31mredU+001B[0m nulU+0000 crU+000Dend' },
      { text: 'invoice_\u202Egnp.exe \u2066isolated\u2069 \u2028next', shown: 'invoice_U+202Egnp.exe U+2066isolatedU+2069 U+2028next' },
      { text: 'javascript:alert(document.domain)', shown: 'javascript:alert(document.domain)' },
    ];
    const raw = cases.map((c, i) => ({
      identifier: `hostile-${i}`,
      entryType: 'Message',
      messageText: c.text,
      sender: i % 2 ? { role: 'Agent', appType: 'agent', name: '<img src=x onerror="window.pwned=\'name\'">Eve' } : { role: 'EndUser', appType: 'whatsapp' },
      serverReceivedTimestamp: 1_736_508_000_000 + i * 1000,
    }));
    raw.push(
      {
        identifier: 'hostile-role',
        entryType: 'Message',
        messageText: 'who am I',
        sender: { role: '<script>window.pwned="role"</script>', appType: '\u202Etoba' },
        serverReceivedTimestamp: 1_736_508_100_000,
      },
      {
        identifier: 'hostile-type',
        entryType: '<img src=x onerror="window.pwned=\'type\'">',
        messageText: '',
        sender: { role: 'System', appType: 'conversation' },
        serverReceivedTimestamp: 1_736_508_200_000,
      }
    );
    const entries: TranscriptEntry[] = toTranscript(raw);
    const url = await writePage(
      'hostile.html',
      htmlTranscript(entries, header({ sessionId: '<script>window.pwned="sid"</script>', conversationIdentifier: '</code></dd><img src=x onerror=window.pwned=3>', source: '<b onmouseover=x>API</b>', entryCount: raw.length }), true)
    );
    const { page, errors } = await open(url);

    const shown = await bubbles(page);
    expect(shown.map((b) => b.text)).to.deep.equal([...cases.map((c) => c.shown), 'who am I']);
    expect(shown.map((b) => b.geometry)).to.deep.equal([...cases.map((_, i) => (i % 2 ? 'right' : 'left')), 'center']);
    expect(shown[1].label).to.equal('Agent (<img src=x onerror="window.pwned=\'name\'">Eve)');
    expect(shown[shown.length - 1].label).to.equal('<script>window.pwned="role"</script> (U+202Etoba)');
    expect((await notes(page)).map((n) => n.what)).to.deep.equal(['<img src=x onerror="window.pwned=\'type\'">']);
    expect(await page.textContent('.meta')).to.include('<script>window.pwned="sid"</script>').and.include('</code></dd><img src=x onerror=window.pwned=3>');

    // Nothing ran, nothing was added to the page, nothing acts on input.
    expect(await page.evaluate(() => (window as unknown as { pwned?: unknown }).pwned)).to.equal(undefined);
    const elements = await page.evaluate(() =>
      [...document.querySelectorAll('*')].map((el) => el.tagName.toLowerCase()).filter((tag, i, all) => all.indexOf(tag) === i).sort()
    );
    expect(elements).to.deep.equal(['bdi', 'body', 'code', 'dd', 'div', 'dl', 'dt', 'h1', 'head', 'header', 'html', 'li', 'main', 'meta', 'ol', 'span', 'style', 'time', 'title']);
    expect(await page.$$eval('*', (all) => all.flatMap((el) => el.getAttributeNames().filter((n) => n.startsWith('on'))))).to.deep.equal([]);
    expect(await page.$$eval('meta', (metas) => metas.map((m) => m.getAttribute('http-equiv')).filter(Boolean))).to.deep.equal(['Content-Security-Policy']);
    expect(await page.$$('#injected')).to.have.length(0);
    expect(await page.evaluate(() => document.styleSheets.length)).to.equal(1);
    // Control and direction characters are shown as codes, never present as themselves.
    // eslint-disable-next-line no-control-regex
    expect(await page.evaluate(() => document.body.textContent)).not.to.match(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u2028\u2029]/);
    expect(await page.isVisible('body')).to.equal(true);

    // The CSP meta tag comes right after the charset, allows no script, and is enforced: an image added now is refused by it.
    const head = await page.$$eval('head > *', (els) => els.slice(0, 2).map((el) => el.outerHTML));
    expect(head[0]).to.equal('<meta charset="utf-8">');
    const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.getAttribute('content') ?? '');
    expect(head[1]).to.include('Content-Security-Policy');
    expect(csp).to.include("default-src 'none'").and.include("base-uri 'none'").and.include("form-action 'none'").and.not.include('script-src');
    const violated = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true });
          const img = document.createElement('img');
          img.src = 'https://example.invalid/probe.png';
          document.body.append(img);
        })
    );
    expect(violated).to.equal('img-src');

    await page.screenshot({ path: join(ARTIFACTS, 'transcript-hostile.png'), fullPage: true });
    // The probe was stopped by the policy before the network: the browser's request router never saw it.
    expect(browser.requests).to.deep.equal([url, 'https://example.invalid/probe.png']);
    expect(browser.refused).to.deep.equal([]);
    expect(errors.filter((e) => !e.includes('https://example.invalid/probe.png'))).to.deep.equal([]);
    await page.close();
  });

  it('index.html links every transcript, lists sessions oldest first, and sorts by another column without script', async () => {
    const channelOf = new Map(SESSION_RECORDS.map((r) => [r.id18, r.channelType]));
    const bulk = SESSION_RECORDS.filter((r) => BULK_SESSIONS.slice(0, 3).includes(r.id18));
    const sessions = [
      { sessionId: SESSIONS.long, conversation: CONVERSATIONS.long },
      ...bulk.map((r) => ({ sessionId: r.id18, conversation: r.conversationIdentifier as string })),
      { sessionId: SESSIONS.short, conversation: CONVERSATIONS.short },
      { sessionId: SESSIONS.pii, conversation: CONVERSATIONS.pii },
    ];
    const rows: IndexRow[] = [];
    for (const s of sessions) {
      const raw = entriesOf(s.conversation);
      const entries = toTranscript(raw);
      const file = `${s.sessionId}.html`;
      // eslint-disable-next-line no-await-in-loop
      await writePage(file, htmlTranscript(entries, header({ sessionId: s.sessionId, conversationIdentifier: s.conversation, entryCount: raw.length }), true));
      rows.push(indexRow({ sessionId: s.sessionId, file, channel: channelOf.get(s.sessionId) }, entries));
    }
    const files = rows.map((r) => pathToFileURL(join(dir, r.file)).href);
    const url = await writePage('index.html', htmlIndex(rows, { utc: true }));
    const { page, errors } = await open(url, files);

    const visibleRows = (): Promise<Array<{ session: string; href: string; cells: string[] }>> =>
      page.$$eval('section.view', (views) => {
        const shown = views.filter((v) => getComputedStyle(v).display !== 'none');
        if (shown.length !== 1) throw new Error(`${shown.length} views shown`);
        return [...shown[0].querySelectorAll('tbody tr')].map((tr) => ({
          session: tr.querySelector('a')?.textContent ?? '',
          href: (tr.querySelector('a') as HTMLAnchorElement).href,
          cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
        }));
      });

    // Oldest first, by each conversation's first entry.
    const firstTime = (conversation: string): number => Math.min(...entriesOf(conversation).map((e) => orderTime(e) ?? Infinity));
    const byStart = [...sessions].sort((a, b) => firstTime(a.conversation) - firstTime(b.conversation)).map((s) => s.sessionId);
    const shown = await visibleRows();
    expect(shown.map((r) => r.session)).to.deep.equal(byStart);
    expect(shown.find((r) => r.session === SESSIONS.short)?.cells).to.deep.equal([
      '2025-01-10 11:20:00Z',
      SESSIONS.short,
      'WhatsApp',
      '10',
      '1 min 00 s',
      '2 s',
    ]);
    // Every file is linked, and every link leads to a file that is there.
    expect(shown.map((r) => r.href).sort()).to.deep.equal([...files].sort());
    const written = new Set((await readdir(dir)).map((f) => pathToFileURL(join(dir, f)).href));
    for (const r of shown) expect(written.has(r.href), r.href).to.equal(true);

    // Sorting without script: the Duration heading switches to the table sorted longest first.
    await page.click('#by-start th:nth-child(5) a');
    expect(new URL(page.url()).hash).to.equal('#by-duration');
    const byDuration = [...rows].sort((a, b) => (b.durationMs ?? -1) - (a.durationMs ?? -1)).map((r) => r.sessionId);
    expect((await visibleRows()).map((r) => r.session)).to.deep.equal(byDuration);
    await page.click('nav a[href="#by-start-desc"]');
    expect((await visibleRows()).map((r) => r.session)).to.deep.equal([...byStart].reverse());
    await page.screenshot({ path: join(ARTIFACTS, 'index.png'), fullPage: true });

    // A session's link opens its transcript.
    await Promise.all([page.waitForURL(/\.html$/), page.click(`#by-start-desc a[href="${SESSIONS.short}.html"]`)]);
    expect(await page.title()).to.include(SESSIONS.short);
    expect(await page.$$('li.msg')).to.have.length(7);

    expect(await page.$$('script')).to.have.length(0);
    expect(browser.refused).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
    await page.close();
  });
});

describe('conversation entries get -r html through the command (integration)', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let browser: Browser;
  let dir: string;

  before(async function () {
    this.timeout(900_000);
    browser = await launchBrowser(await ensureChromium());
    emu = await startEmulator({ username: 'html@conversation-emulator.example' });
    await authorizeInProcess(emu, 'html');
    dir = await mkdtemp(join(tmpdir(), 'html-cli-'));
  });
  after(async () => {
    await browser?.close();
    await emu?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the page to stdout, and with --redact --output-file to a 0600 file with personal data masked', async () => {
    const env = { SF_CONVERSATION_API_URL: emu.url };
    const out = await runCommand(['conversation', 'entries', 'get', '-o', 'html', '-s', SESSIONS.short, '-r', 'html', '--utc'], { env });
    expect(out.code, out.stderr).to.equal(0);
    expect(out.stdout).to.match(/^<!DOCTYPE html>\n/);
    const file = join(dir, 'short.html');
    await writeFile(file, out.stdout);
    const page = await browser.open(pathToFileURL(file).href);
    expect(await page.$$eval('li.msg', (items) => items.map((li) => li.getAttribute('data-side')))).to.deep.equal(['left', 'right', 'right', 'left', 'left', 'right', 'left']);
    expect(await page.$$('li.note')).to.have.length(3);
    expect(browser.refused).to.deep.equal([]);
    await page.close();

    const redacted = join(dir, 'pii.html');
    const pii = await runCommand(['conversation', 'entries', 'get', '-o', 'html', '-s', SESSIONS.pii, '-r', 'html', '--redact', '--output-file', redacted], { env });
    expect(pii.code, pii.stderr).to.equal(0);
    expect(pii.stderr).to.match(/masked/);
    expect((await stat(redacted)).mode & 0o777).to.equal(0o600);
    const html = await readFile(redacted, 'utf8');
    for (const secret of ['jane.doe+orders@example.co.uk', '+44 20 7946 0958', '4111 1111 1111 1111', 'GB82 WEST 1234 5698 7654 32', '+14155552671']) {
      expect(html, secret).not.to.include(secret);
    }
    expect(html).to.include('[email]').and.include('[card]');
  });
});
