/*
 * The transcript as one self-contained HTML page (`--result-format html`), and the index page of an export.
 *
 * Both are generators of text chunks over plain data, like the other formats: no I/O, no clock, no script. Every page
 * is inert by construction: every string from the org or the API goes through inert() (HTML-escaped, control and
 * bidi-override characters shown as visible codes), the only markup is written here, the page has no <script> and no
 * link to anything outside itself, and a Content-Security-Policy meta tag allows nothing but its own stylesheet (by
 * hash), so even markup that slipped through could neither run nor fetch.
 */
import { createHash } from 'node:crypto';
import { bundle } from '../../messages.js';
import { eventPrefix, entryTypeLabel, isMessageType, participantOf } from '../labels.js';
import { obj, senderLabel, type TranscriptEntry } from '../normalize.js';
import { formatInstant } from '../time.js';
import type { Format, Rendering, TranscriptHeader } from './format.js';

/** Where an entry is drawn: a customer bubble (left), an agent or bot bubble (right), an unknown sender's bubble (centre), or a centred note. */
export type Side = 'customer' | 'agent' | 'bot' | 'other' | 'note';

const labels = bundle('transcript.html');
const t = (key: string, tokens: Array<string | number> = []): string => labels.text(key, tokens);

// ---- escaping -------------------------------------------------------------------------------------------------

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text that is only text in HTML, in element content and in double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * Characters a reader must see rather than have acted on: C0 and C1 controls (except tab and line feed; a lone
 * carriage return too), DEL, the bidi embeddings, overrides and isolates that can make text read backwards, the line
 * and paragraph separators, and the interlinear annotation marks.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const VISIBLE_CODES = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u2028\u2029\uFFF9-\uFFFB]/g;

const codeOf = (c: string): string => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Org or API text as inert HTML: escaped, with control and direction characters shown as their codes. */
export function inert(text: string): string {
  return escapeHtml(text.replace(/\r\n/g, '\n')).replace(VISIBLE_CODES, (c) => {
    const code = codeOf(c);
    return `<span class="esc" title="${escapeHtml(t('escape.title', [code]))}">${code}</span>`;
  });
}

// ---- who said it ----------------------------------------------------------------------------------------------

type Who = Pick<TranscriptEntry, 'senderRole' | 'senderAppType' | 'entryType'>;

/** Where an entry is drawn. Decided here only: the page, the counts and the index all ask this. */
export function sideOf(e: Who): Side {
  // Who sent it, and what is a message, are decided once for every format (transcript/labels.ts).
  if (e.entryType?.trim() && !isMessageType(e.entryType)) return 'note';
  const who = participantOf(e);
  if (who === 'system') return 'note';
  return who === 'unknown' ? 'other' : who;
}

const ALIGN: Record<Exclude<Side, 'note'>, string> = { customer: 'left', agent: 'right', bot: 'right', other: 'center' };

// ---- summary --------------------------------------------------------------------------------------------------

export type TranscriptSummary = {
  entries: number;
  /** Epoch ms of the first and last entry with a time. */
  start?: number;
  end?: number;
  durationMs?: number;
  /** From the customer's first message to the first agent or bot message after it. */
  firstReplyMs?: number;
  messages: Record<Exclude<Side, 'note'>, number>;
  events: number;
};

/** Counts and times of a transcript (in transcript order), for the page's header and the index's rows. */
export function summarize(entries: readonly TranscriptEntry[]): TranscriptSummary {
  const summary: TranscriptSummary = { entries: entries.length, messages: { customer: 0, agent: 0, bot: 0, other: 0 }, events: 0 };
  let asked: number | undefined;
  for (const e of entries) {
    const side = sideOf(e);
    if (side === 'note') summary.events++;
    else summary.messages[side]++;
    if (e.time === undefined) continue;
    summary.start = Math.min(summary.start ?? e.time, e.time);
    summary.end = Math.max(summary.end ?? e.time, e.time);
    if (side === 'customer') asked ??= e.time;
    else if ((side === 'agent' || side === 'bot') && asked !== undefined && summary.firstReplyMs === undefined && e.time >= asked) {
      summary.firstReplyMs = e.time - asked;
    }
  }
  if (summary.start !== undefined && summary.end !== undefined) summary.durationMs = summary.end - summary.start;
  return summary;
}

/** `41 s`, `2 min 05 s`, `1 h 02 min`; a dash when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return t('none');
  const s = Math.round(ms / 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  if (s < 60) return t('duration.seconds', [s]);
  if (s < 3600) return t('duration.minutes', [Math.floor(s / 60), two(s % 60)]);
  return t('duration.hours', [Math.floor(s / 3600), two(Math.floor((s % 3600) / 60))]);
}

// ---- page shell -----------------------------------------------------------------------------------------------

const BASE_CSS = `
:root{color-scheme:light dark;--bg:#f3f4f6;--fg:#1b1d21;--muted:#555c68;--card:#fff;--line:#d4d8de;--cust:#fff;--cust-fg:#1b1d21;
--agent:#0b5cab;--agent-fg:#fff;--bot:#e3f1e7;--bot-fg:#123a1f;--bot-line:#2e844a;--note:#e8eaee;--chip:#eef2f8;--chip-fg:#1b1d21;
--chose:#fff3cd;--chose-fg:#4d3800;--esc:#fde2e2;--esc-fg:#8a1111;--link:#0b5cab}
@media (prefers-color-scheme:dark){:root{--bg:#15171b;--fg:#e7e9ec;--muted:#a9b0bc;--card:#1f2328;--line:#3a4049;--cust:#2a2f37;
--cust-fg:#e7e9ec;--agent:#1c5fae;--agent-fg:#fff;--bot:#183424;--bot-fg:#d3f0dc;--bot-line:#58b978;--note:#252a31;--chip:#323945;
--chip-fg:#e7e9ec;--chose:#4a3b0b;--chose-fg:#ffe9a8;--esc:#4d1c1c;--esc-fg:#ffd4d4;--link:#8cc2ff}}
*{box-sizing:border-box}
html{background:var(--bg)}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Liberation Sans","DejaVu Sans",sans-serif}
main{max-width:880px;margin:0 auto;padding:24px 16px 48px}
h1{font-size:20px;margin:0 0 12px}
code,.esc{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace}
.esc{font-size:11px;background:var(--esc);color:var(--esc-fg);border-radius:3px;padding:0 3px;margin:0 1px;white-space:nowrap}
.meta{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:16px 20px;margin-bottom:20px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}
dt{color:var(--muted)}
dd{margin:0;overflow-wrap:anywhere}
bdi,.text,.detail{unicode-bidi:isolate}
@media print{:root{color-scheme:light;--bg:#fff;--fg:#000;--muted:#333;--card:#fff;--line:#999;--cust:#fff;--cust-fg:#000;--agent:#eaf1fb;
--agent-fg:#000;--bot:#eef7f0;--bot-fg:#000;--bot-line:#2e844a;--note:#fff;--chip:#fff;--chip-fg:#000;--chose:#fff;--chose-fg:#000;
--esc:#fff;--esc-fg:#8a1111;--link:#000}
body{font-size:10.5pt}main{max-width:none;padding:0}.meta{break-inside:avoid}}
`;

const TRANSCRIPT_CSS = `${BASE_CSS}
ol.chat{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;gap:10px}
.msg{display:flex;flex-direction:column;max-width:78%;break-inside:avoid;page-break-inside:avoid}
.msg[data-side=left]{align-self:flex-start;align-items:flex-start}
.msg[data-side=right]{align-self:flex-end;align-items:flex-end}
.msg[data-side=center]{align-self:center;align-items:center}
.who{font-size:12px;color:var(--muted);margin:0 8px 2px;display:flex;gap:8px;flex-wrap:wrap}
.who .name{font-weight:600}
.bubble{padding:8px 12px;border-radius:16px;overflow-wrap:anywhere;display:flex;flex-direction:column;gap:6px;border:1px solid transparent}
.text{white-space:pre-wrap}
.customer .bubble{background:var(--cust);color:var(--cust-fg);border-color:var(--line);border-bottom-left-radius:4px}
.agent .bubble{background:var(--agent);color:var(--agent-fg);border-bottom-right-radius:4px}
.bot .bubble{background:var(--bot);color:var(--bot-fg);border:1px dashed var(--bot-line);border-bottom-right-radius:4px}
.other .bubble{background:var(--card);border:1px dashed var(--muted)}
.chips{display:flex;flex-wrap:wrap;gap:4px;align-items:center}
.chip{display:inline-block;background:var(--chip);color:var(--chip-fg);border:1px solid var(--line);border-radius:999px;padding:1px 10px;font-size:13px;white-space:pre-wrap}
.chip.chose{background:var(--chose);color:var(--chose-fg);font-weight:600}
.kind{font-size:11px;text-transform:uppercase;letter-spacing:.04em;opacity:.85}
.note{align-self:center;max-width:90%;text-align:center;font-size:13px;color:var(--muted);background:var(--note);border:1px solid var(--line);border-radius:999px;padding:3px 14px;overflow-wrap:anywhere;break-inside:avoid}
.note .what{font-weight:600;margin-right:6px}
.note time{margin-left:8px}
.day{align-self:center;font-size:12px;color:var(--muted);padding:6px 0 0}
time{font-variant-numeric:tabular-nums}
section.conversation+section.conversation{margin-top:40px;padding-top:20px;border-top:2px solid var(--line)}
`;

const INDEX_CSS = `${BASE_CSS}
main{max-width:1100px}
nav{margin:0 0 12px;display:flex;flex-wrap:wrap;gap:4px 12px;align-items:baseline}
a{color:var(--link)}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);font-size:14px}
caption{text-align:left;color:var(--muted);padding:0 0 6px}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
th a{color:inherit}
th[aria-sort=ascending]::after{content:" \\25B2"}
th[aria-sort=descending]::after{content:" \\25BC"}
td{overflow-wrap:anywhere}
tr{break-inside:avoid}
.view{display:none}
.view:target,#by-start{display:block}
.view:target~#by-start{display:none}
@media print{nav,th a{text-decoration:none}}
`;

const hash = (css: string): string => `'sha256-${createHash('sha256').update(css).digest('base64')}'`;
const TRANSCRIPT_STYLE_HASH = hash(TRANSCRIPT_CSS);
const INDEX_STYLE_HASH = hash(INDEX_CSS);

/**
 * Nothing but the page's own stylesheet: no script of any kind, no image, font, frame or connection, no <base>, no
 * form submission. Links to other local files (the index's) are navigations, which the policy does not govern.
 */
export const contentSecurityPolicy = (styleHash: string): string =>
  `default-src 'none'; style-src ${styleHash}; img-src 'none'; base-uri 'none'; form-action 'none'`;

function head(title: string, css: string, styleHash: string): string {
  return (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(styleHash))}">\n` +
    '<meta name="referrer" content="no-referrer">\n<meta name="color-scheme" content="light dark">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${inert(title)}</title>\n<style>${css}</style>\n</head>\n`
  );
}

// ---- the transcript page --------------------------------------------------------------------------------------

type Chip = { kind: string; label: string; values: string[] };

// What normalize writes for structured payloads, and the payload key that must be there for it to be believed.
const CHIPS: Record<string, { label: string; keys: string[]; split?: string }> = {
  attachment: { label: 'chip.attachment', keys: ['attachments'] },
  template: { label: 'chip.template', keys: ['externalTemplate', 'templateName'] },
  choices: { label: 'chip.choices', keys: ['optionItems'], split: ' | ' },
  chose: { label: 'chip.chose', keys: ['selectedOptions'], split: ' | ' },
  form: { label: 'chip.form', keys: ['form', 'formMessage'] },
  'form response': { label: 'chip.formResponse', keys: ['formResponse'] },
};
const MARKER = /\[(attachment|template|choices|chose|form|form response): ([^\]\n]*)\]/g;

/** Every key of the entry's payload, JSON strings holding objects included (normalize reads those too). */
function payloadKeys(value: unknown, keys = new Set<string>(), depth = 0): Set<string> {
  if (depth > 8) return keys;
  if (Array.isArray(value)) value.forEach((item) => payloadKeys(item, keys, depth + 1));
  const o = obj(value);
  if (o) {
    for (const [k, v] of Object.entries(o)) {
      keys.add(k);
      payloadKeys(v, keys, depth + 1);
    }
  }
  return keys;
}

/**
 * The text, with the markers normalize writes for attachments, menus and forms (`[attachment: …]`, `[choices: a | b]`,
 * `[chose: …]`) taken out as chips. A marker counts only when the entry's payload really has that structure, so a
 * customer who types "[chose: Refund]" gets their text shown as typed, not a chip.
 */
function splitChips(e: TranscriptEntry): { text: string; chips: Chip[] } {
  if (!e.text.includes('[')) return { text: e.text, chips: [] };
  let keys: Set<string> | undefined;
  const chips: Chip[] = [];
  const text = e.text.replace(MARKER, (marker, kind: string, body: string) => {
    const chip = CHIPS[kind];
    keys ??= payloadKeys(e.raw?.entryPayload);
    if (!chip.keys.some((k) => keys?.has(k))) return marker;
    chips.push({ kind: kind.replace(' ', '-'), label: t(chip.label), values: chip.split ? body.split(chip.split) : [body] });
    return '';
  });
  return { text: chips.length ? text.replace(/[ \t]{2,}/g, ' ').trim() : text, chips };
}

function chipsHtml(chips: Chip[]): string {
  if (!chips.length) return '';
  const rows = chips.map(
    (c) =>
      `<div class="chips ${c.kind}"><span class="kind">${escapeHtml(c.label)}</span>${c.values
        .map((v) => `<span class="chip ${c.kind}" dir="auto">${inert(v)}</span>`)
        .join('')}</div>`
  );
  return rows.join('');
}

/** `2025-01-10 11:21:29+01:00` → day, clock, zone. */
const parts = (ms: number, utc: boolean): { day: string; clock: string; zone: string; full: string } => {
  const full = formatInstant(ms, utc);
  return { day: full.slice(0, 10), clock: full.slice(11, 19), zone: full.slice(19), full };
};

const timeHtml = (ms: number | undefined, utc: boolean): string => {
  if (ms === undefined) return `<span class="time">${escapeHtml(t('noTime'))}</span>`;
  const p = parts(ms, utc);
  return `<time datetime="${new Date(ms).toISOString()}" title="${escapeHtml(p.full)}">${p.clock}</time>`;
};

function entryHtml(e: TranscriptEntry, utc: boolean): string {
  const side = sideOf(e);
  if (side === 'note') {
    const type = e.entryType;
    // Events read "[Participant changed] operation=add …": the type's label becomes the note's label.
    const prefix = type ? eventPrefix(type) : undefined;
    const detail = prefix && e.text.startsWith(prefix) ? e.text.slice(prefix.length).trim() : e.text;
    const what = type && !isMessageType(type) ? entryTypeLabel(type) ?? type : senderLabel(e);
    return `<li class="note"><bdi class="what">${inert(what)}</bdi><span class="detail" dir="auto">${inert(detail)}</span>${timeHtml(e.time, utc)}</li>\n`;
  }
  const { text, chips } = splitChips(e);
  const label = (e.senderRole ?? e.senderName ?? e.senderAppType) === undefined ? t('unknownSender') : senderLabel(e);
  return (
    `<li class="msg ${side}" data-side="${ALIGN[side]}"><div class="who"><bdi class="name">${inert(label)}</bdi>${timeHtml(e.time, utc)}</div>` +
    `<div class="bubble">${text ? `<div class="text" dir="auto">${inert(text)}</div>` : ''}${chipsHtml(chips)}</div></li>\n`
  );
}

function headerHtml(header: TranscriptHeader, summary: TranscriptSummary, utc: boolean): string {
  const row = (key: string, value: string): string => `<dt>${escapeHtml(t(key))}</dt><dd>${value}</dd>\n`;
  const code = (value: string): string => `<code>${inert(value)}</code>`;
  const { start, end } = summary;
  const zone = start === undefined ? '' : parts(start, utc).zone;
  let html = `<header class="meta">\n<h1>${escapeHtml(t('transcript.heading'))}</h1>\n<dl>\n`;
  if (header.sessionId) html += row('field.session', code(header.sessionId));
  if (header.voiceCallId) html += row('field.voiceCall', code(header.voiceCallId));
  if (header.conversationIdentifier) html += row('field.conversation', code(header.conversationIdentifier));
  if (header.orgId) html += row('field.org', code(header.orgId));
  if (header.startTime !== undefined) html += row('field.started', escapeHtml(formatInstant(header.startTime, utc)));
  if (header.channel) html += row('field.channel', inert(header.channel));
  if (header.source) html += row('field.source', inert(header.source));
  if (header.note) html += row('field.note', inert(header.note));
  html += row(
    'field.timeRange',
    start === undefined || end === undefined ? escapeHtml(t('none')) : `${escapeHtml(formatInstant(start, utc))} – ${escapeHtml(formatInstant(end, utc))}`
  );
  html += row('field.duration', escapeHtml(formatDuration(summary.durationMs)));
  html += row('field.timeZone', escapeHtml(utc ? t('timeZone.utc') : zone ? t('timeZone.local', [zone]) : t('timeZone.localUnknown')));
  html += row('field.entries', String(header.entryCount));
  const m = summary.messages;
  const split = m.other ? t('counts.messagesWithOthers', [m.customer, m.agent, m.bot, m.other]) : t('counts.messages', [m.customer, m.agent, m.bot]);
  html += row('field.messages', `${m.customer + m.agent + m.bot + m.other} (${escapeHtml(split)})`);
  html += row('field.events', String(summary.events));
  return `${html}</dl>\n</header>\n`;
}

/** One conversation: its header, then its messages and events, with a divider at each new day. */
function* conversationHtml(entries: readonly TranscriptEntry[], header: TranscriptHeader, utc: boolean): Generator<string> {
  yield headerHtml(header, summarize(entries), utc);
  yield `<ol class="chat" aria-label="${escapeHtml(t('transcript.chatLabel'))}">\n`;
  let day: string | undefined;
  for (const e of entries) {
    if (e.time !== undefined) {
      const today = parts(e.time, utc).day;
      if (today !== day) yield `<li class="day" role="separator"><time datetime="${today}">${today}</time></li>\n`;
      day = today;
    }
    yield entryHtml(e, utc);
  }
  yield '</ol>\n';
}

/**
 * The transcript as one self-contained HTML page: a header (session, conversation, org, source, time range,
 * counts), then one bubble per message (customer left; agent and bot right, styled apart; an unknown sender
 * centred) and a centred note per event, with a divider at each new day. Times are local, or UTC when `utc`.
 */
export function* htmlTranscript(entries: readonly TranscriptEntry[], header: TranscriptHeader, utc: boolean): Generator<string> {
  yield head(t('transcript.title', [header.sessionId ?? header.voiceCallId ?? header.conversationIdentifier ?? '']), TRANSCRIPT_CSS, TRANSCRIPT_STYLE_HASH);
  yield '<body>\n<main>\n';
  yield* conversationHtml(entries, header, utc);
  yield '</main>\n</body>\n</html>\n';
}

/** Several conversations (get --case) on one page, each under its own header, in the order given. */
export function* htmlTranscripts(renderings: readonly Rendering[]): Generator<string> {
  yield head(t('transcripts.title', [renderings.length]), TRANSCRIPT_CSS, TRANSCRIPT_STYLE_HASH);
  yield '<body>\n<main>\n';
  for (const { entries, header, utc } of renderings) {
    yield '<section class="conversation">\n';
    yield* conversationHtml(entries, header, utc);
    yield '</section>\n';
  }
  yield '</main>\n</body>\n</html>\n';
}

export const htmlFormat: Format = {
  extension: 'html',
  render: ({ entries, header, utc }) => htmlTranscript(entries, header, utc),
  renderMany: htmlTranscripts,
};

// ---- the export's index page ----------------------------------------------------------------------------------

/** One exported session, as the index lists it. */
export type IndexRow = {
  sessionId: string;
  /** The session's transcript file, relative to index.html (e.g. `0Mw….html`). */
  file: string;
  /** Epoch ms of the session's first entry (or the session's start time). */
  start?: number;
  /** The session's channel (MessagingSession.ChannelType or the channel's name). */
  channel?: string;
  entries: number;
  durationMs?: number;
  /** From the customer's first message to the first agent or bot reply. */
  firstReplyMs?: number;
};

/** The index row of a transcript: its times and counts come from summarize(). */
export function indexRow(session: { sessionId: string; file: string; channel?: string }, entries: readonly TranscriptEntry[]): IndexRow {
  const s = summarize(entries);
  return { ...session, start: s.start, entries: s.entries, durationMs: s.durationMs, firstReplyMs: s.firstReplyMs };
}

/** A relative link to a file name: each path segment percent-encoded, so no name can become a scheme or a query. */
export function fileHref(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

type Column = 'start' | 'channel' | 'entries' | 'duration' | 'firstReply';
type View = { id: string; label: string; column: Column; order: 'ascending' | 'descending'; key: (r: IndexRow) => number | string | undefined };

// The default view (oldest first) comes last: CSS shows it unless an earlier view is the :target.
const VIEWS: View[] = [
  { id: 'by-start-desc', label: 'index.view.startDesc', column: 'start', order: 'descending', key: (r) => r.start },
  { id: 'by-channel', label: 'index.view.channel', column: 'channel', order: 'ascending', key: (r) => r.channel?.toLowerCase() },
  { id: 'by-entries', label: 'index.view.entries', column: 'entries', order: 'descending', key: (r) => r.entries },
  { id: 'by-duration', label: 'index.view.duration', column: 'duration', order: 'descending', key: (r) => r.durationMs },
  { id: 'by-first-reply', label: 'index.view.firstReply', column: 'firstReply', order: 'descending', key: (r) => r.firstReplyMs },
  { id: 'by-start', label: 'index.view.start', column: 'start', order: 'ascending', key: (r) => r.start },
];
const DEFAULT_VIEW = VIEWS[VIEWS.length - 1];

/** The view a column's heading links to: its own, or for Start, the other direction. */
const HEADING_TARGET: Record<Column, (current: View) => string> = {
  start: (current) => (current.id === 'by-start' ? 'by-start-desc' : 'by-start'),
  channel: () => 'by-channel',
  entries: () => 'by-entries',
  duration: () => 'by-duration',
  firstReply: () => 'by-first-reply',
};

const compareKeys = (a: number | string | undefined, b: number | string | undefined, descending: boolean): number => {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1; // unknown last, either way
  const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  return descending ? -c : c;
};

/** The rows in a view's order; ties by start time, then session Id, so every view is deterministic. */
export function sortRows(rows: readonly IndexRow[], viewId = DEFAULT_VIEW.id): IndexRow[] {
  const view = VIEWS.find((v) => v.id === viewId) ?? DEFAULT_VIEW;
  return [...rows].sort(
    (a, b) =>
      compareKeys(view.key(a), view.key(b), view.order === 'descending') ||
      compareKeys(a.start, b.start, false) ||
      (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0)
  );
}

export const INDEX_VIEW_IDS = VIEWS.map((v) => v.id);

function tableHtml(rows: readonly IndexRow[], view: View, utc: boolean): string {
  const th = (column: Column, key: string, numeric = false): string =>
    `<th scope="col"${numeric ? ' class="n"' : ''}${view.column === column ? ` aria-sort="${view.order}"` : ''}><a href="#${HEADING_TARGET[column](view)}">${escapeHtml(t(key))}</a></th>`;
  let html =
    `<section class="view" id="${view.id}">\n<table>\n<caption>${escapeHtml(t('index.caption', [t(view.label)]))}</caption>\n<thead><tr>` +
    `${th('start', 'index.column.start')}<th scope="col">${escapeHtml(t('index.column.session'))}</th>${th('channel', 'index.column.channel')}` +
    `${th('entries', 'index.column.entries', true)}${th('duration', 'index.column.duration', true)}${th('firstReply', 'index.column.firstReply', true)}` +
    '</tr></thead>\n<tbody>\n';
  for (const r of sortRows(rows, view.id)) {
    const start = r.start === undefined ? escapeHtml(t('none')) : `<time datetime="${new Date(r.start).toISOString()}">${escapeHtml(formatInstant(r.start, utc))}</time>`;
    html +=
      `<tr><td>${start}</td><td><a href="${escapeHtml(fileHref(r.file))}"><code>${inert(r.sessionId)}</code></a></td>` +
      `<td dir="auto">${r.channel ? inert(r.channel) : escapeHtml(t('none'))}</td><td class="n">${r.entries}</td>` +
      `<td class="n">${escapeHtml(formatDuration(r.durationMs))}</td><td class="n">${escapeHtml(formatDuration(r.firstReplyMs))}</td></tr>\n`;
  }
  return `${html}</tbody>\n</table>\n</section>\n`;
}

/**
 * The export's index.html: one row per session (start, session linked to its file, channel, entries, duration, time
 * to first reply), oldest first. Sortable without script: the page holds one pre-sorted table per view, and the
 * column headings and the sort links switch between them with URL fragments (CSS :target).
 */
export function* htmlIndex(rows: readonly IndexRow[], options: { utc: boolean }): Generator<string> {
  yield head(t('index.title'), INDEX_CSS, INDEX_STYLE_HASH);
  yield `<body>\n<main>\n<h1>${escapeHtml(t('index.heading'))}</h1>\n`;
  yield `<p>${escapeHtml(t('index.summary', [rows.length, options.utc ? t('timeZone.utc') : t('timeZone.localUnknown')]))}</p>\n`;
  if (!rows.length) {
    yield `<p>${escapeHtml(t('index.empty'))}</p>\n</main>\n</body>\n</html>\n`;
    return;
  }
  const links = [DEFAULT_VIEW, ...VIEWS.slice(0, -1)].map((v) => `<a href="#${v.id}">${escapeHtml(t(v.label))}</a>`);
  yield `<nav>${escapeHtml(t('index.sortBy'))} ${links.join(' ')}</nav>\n<div class="views">\n`;
  for (const view of VIEWS) yield tableHtml(rows, view, options.utc);
  yield '</div>\n</main>\n</body>\n</html>\n';
}
