/*
 * Which sessions an export covers, as the user gave them, checked before the first request: explicit ids (flags or a
 * file), a time window, channels, and a raw --where condition. org/sessions.ts turns a checked selection into queries.
 */
import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { parse } from 'csv-parse/sync';
import { bundle, ExitCode } from '../messages.js';
import { checkCase, checkSessionId, checkVoiceCallId, printable, type CaseKey } from './ids.js';
import { checkInstant, parseInstant } from './time.js';

const messages = bundle('input');

/** MessagingSession.ChannelType values (api-notes §4). */
export const CHANNEL_TYPES = [
  'Alexa', 'AppleBusinessChat', 'EmbeddedMessaging', 'Facebook', 'GoogleHome', 'Line', 'Omega', 'Phone', 'Text', 'Voice', 'WeChat', 'WebChat', 'WhatsApp',
] as const;

const records = bundle('input.records');

export type Selection = {
  ids: string[];
  since?: number;
  until?: number;
  channels: string[];
  where?: string;
  /** VoiceCall Ids (18 characters). */
  voiceCallIds: string[];
  /** Cases by Id or CaseNumber: their sessions and calls. */
  cases: CaseKey[];
};

export type SelectionInput = {
  sessionIds: string[];
  sessionFile?: string;
  since?: string;
  until?: string;
  channels: string[];
  where?: string;
  voiceCallIds?: string[];
  cases?: string[];
};

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** ISO-8601, epoch ms, or relative to now: `30m`, `12h`, `7d`, `2w`. */
export function parseSince(value: string, now = Date.now()): number | undefined {
  const relative = /^(\d{1,6})([mhdw])$/.exec(value.trim());
  return relative ? now - Number(relative[1]) * UNITS[relative[2]] : parseInstant(value);
}

const checkId = (value: string, where: string): string => checkSessionId(value, where);

/** Ids from a file: one per line, or a CSV with an Id column. `-` reads stdin. */
export async function readSessionFile(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string[]> {
  let content: string;
  try {
    content = path === '-' ? await text(stdin) : await readFile(path, 'utf8');
  } catch (error) {
    throw messages.fail('SessionFileUnreadable', ExitCode.InvalidInput, [path, (error as NodeJS.ErrnoException).code ?? 'error']);
  }
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = lines.find((l) => l.trim())?.trim() ?? '';
  if (header.includes(',') || /^"?id"?$/i.test(header)) {
    let rows: Array<Record<string, string>>;
    try {
      // eslint-disable-next-line camelcase -- csv-parse's option name
      rows = parse(content, { columns: (h: string[]) => h.map((c) => c.trim().replace(/^\uFEFF/, '')), skip_empty_lines: true, bom: true });
    } catch (error) {
      throw messages.fail('SessionFileMalformed', ExitCode.InvalidInput, [path, (error as Error).message.split('\n')[0]]);
    }
    // A header and no rows selects nothing; without this check an export would run with no Id condition.
    if (!rows.length) throw messages.fail('SessionFileEmpty', ExitCode.InvalidInput, [path]);
    const column = Object.keys(rows[0]).find((c) => c.toLowerCase() === 'id');
    if (!column) throw messages.fail('SessionFileNoIdColumn', ExitCode.InvalidInput, [path]);
    // Line numbers count the header as line 1.
    return rows.map((row, i) => checkId((row[column] ?? '').trim(), `${path}:${i + 2}`));
  }
  const ids = lines.flatMap((line, i) => (line.trim() && !line.trim().startsWith('#') ? [checkId(line.trim(), `${path}:${i + 1}`)] : []));
  if (!ids.length) throw messages.fail('SessionFileEmpty', ExitCode.InvalidInput, [path]);
  return ids;
}

export async function checkSelection(input: SelectionInput, now = Date.now()): Promise<Selection> {
  const ids = input.sessionIds.map((id) => checkId(id, '--session-id'));
  // `!== undefined`: an empty --session-file value is an error (the file can't be read), never silently ignored.
  if (input.sessionFile !== undefined) ids.push(...(await readSessionFile(input.sessionFile)));
  const instant = (flag: string, value?: string): number | undefined => checkInstant(flag, value, (typed) => parseSince(typed, now));
  const since = instant('since', input.since);
  const until = instant('until', input.until);
  if (since !== undefined && until !== undefined && since > until) {
    throw messages.fail('EmptyWindow', ExitCode.InvalidInput, ['since', new Date(since).toISOString(), 'until', new Date(until).toISOString()]);
  }
  const channels = input.channels.map((c) => {
    const known = CHANNEL_TYPES.find((t) => t.toLowerCase() === c.trim().toLowerCase());
    if (!known) throw messages.fail('InvalidChannel', ExitCode.InvalidInput, [printable(c)], [CHANNEL_TYPES.join(', ')]);
    return known;
  });
  const where = input.where?.trim();
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (input.where !== undefined && (!where || /[\u0000-\u001f;]/.test(where))) {
    throw messages.fail('InvalidWhere', ExitCode.InvalidInput, [printable(input.where)]);
  }
  const unbalanced = input.where === undefined ? undefined : whereParenProblem(input.where);
  if (unbalanced) {
    const typed = input.where as string;
    const upTo = typed.slice(0, unbalanced.position);
    const excerpt = printable(upTo.length > 24 ? `…${upTo.slice(-24)}` : upTo);
    throw messages.fail('WhereUnbalanced', ExitCode.InvalidInput, [printable(typed), messages.text(`reason.where.${unbalanced.problem}`), unbalanced.position, excerpt]);
  }
  const filtered = since !== undefined || until !== undefined || channels.length > 0 || where !== undefined;
  const { voiceCallIds, cases } = checkRecords(input, filtered);
  if (!ids.length && !filtered && input.sessionFile === undefined && !voiceCallIds.length && !cases.length) {
    throw messages.fail('NoSelector', ExitCode.InvalidInput);
  }
  return { ids: [...new Set(ids)], since, until, channels, where, voiceCallIds, cases };
}

/** The calls and cases selected, each once. The filters are MessagingSession conditions: they can't narrow these. */
function checkRecords(input: SelectionInput, filtered: boolean): Pick<Selection, 'voiceCallIds' | 'cases'> {
  const voiceCallIds = (input.voiceCallIds ?? []).map((id) => checkVoiceCallId(id));
  const cases = (input.cases ?? []).map((value) => checkCase(value));
  if (filtered && (voiceCallIds.length || cases.length)) throw records.fail('FiltersWithRecords', ExitCode.InvalidInput);
  return { voiceCallIds: [...new Set(voiceCallIds)], cases: [...new Map(cases.map((c) => [c.caseId ?? `#${c.caseNumber}`, c])).values()] };
}

export type WhereProblem = {
  /** close: a ')' with no '(' before it; open: a '(' never closed; literal: a string literal never ended. */
  problem: 'close' | 'open' | 'literal';
  /** 1-based, in the value as typed: the ')' , the last unclosed '(' or the literal's opening quote. */
  position: number;
};

/**
 * What is wrong with a --where value's parentheses, or undefined when nothing is. The condition is wrapped in
 * parentheses and ANDed with the other selectors, so it must never close the wrapper: `Status = 'Ended') OR (Id != null`
 * would turn `… AND (…)` into `… AND (Status = 'Ended') OR (Id != null)`. Parentheses count only outside SOQL string
 * literals (single-quoted, backslash escapes); a literal left open would swallow the wrapper's ')'.
 */
export function whereParenProblem(where: string): WhereProblem | undefined {
  const opened: number[] = [];
  let literalAt: number | undefined;
  for (let i = 0; i < where.length; i++) {
    const c = where[i];
    if (literalAt !== undefined) {
      if (c === '\\') i++;
      else if (c === "'") literalAt = undefined;
    } else if (c === "'") literalAt = i;
    else if (c === '(') opened.push(i);
    else if (c === ')' && opened.pop() === undefined) return { problem: 'close', position: i + 1 };
  }
  if (literalAt !== undefined) return { problem: 'literal', position: literalAt + 1 };
  const unclosed = opened.pop();
  return unclosed === undefined ? undefined : { problem: 'open', position: unclosed + 1 };
}
