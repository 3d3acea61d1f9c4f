/*
 * A seeded generator of bad inputs for `conversation entries get` and `export` (not a test file; see
 * badInput.test.ts). Every case is a whole command line (plus environment, stdin and files to create) that must be
 * refused before any request, with an error naming what was wrong.
 */
import { join } from 'node:path';
import { printable, to18 } from '../../src/input/ids.js';
import { mulberry32 } from '../emulator/prng.js';

export type BadCase = {
  /** Category, e.g. 'session-id/quote', for the report. */
  kind: string;
  command: 'get' | 'export';
  /** Arguments after the command words and `-o <alias>` (export: and `-d <fresh dir>`, unless outputDir is false). */
  args: string[];
  /** export only: pass `-d <a fresh directory>` (which must still not exist afterwards). Default true. */
  outputDir?: boolean;
  env?: Record<string, string>;
  input?: string;
  /** Run with --json (the error is read from the JSON) or without (from stderr). */
  json: boolean;
  /**
   * What the error must name: each inner list is a set of alternatives, one of which must appear (e.g. a value or
   * its escaped form), and every inner list must be satisfied. Matched against the error message only, unless
   * withActions (for a missing or conflicting flag, where the fix is named in the actions).
   */
  names: string[][];
  withActions?: boolean;
  /** Files to create before the run (the directories exist). */
  files?: Array<{ path: string; content: string }>;
  /** Directories to create before the run. */
  dirs?: string[];
};

export type BadInputContext = {
  /** Where the generated files go (exists). */
  root: string;
  /** A conversation identifier that exists in the org (for get's combination cases). */
  goodConversation: string;
};

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

type Rng = {
  next: () => number;
  int: (lo: number, hi: number) => number;
  pick: <T>(items: readonly T[]) => T;
  chance: (p: number) => boolean;
  alnum: (n: number) => string;
};

function rngFrom(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  return {
    next,
    int,
    pick,
    chance: (p: number): boolean => next() < p,
    alnum: (n: number): string => Array.from({ length: n }, () => pick([...ALNUM])).join(''),
  };
}

/** The value, or how the product prints it (escaped, cut at 80 characters): either counts as naming it. */
export const shown = (value: string): string[] => {
  const escaped = printable(value);
  return [...new Set([value, escaped.endsWith('…') ? escaped.slice(0, 60) : escaped])];
};

/** A flag with its value, as `--flag value` or `--flag=value` (the latter always when the value starts with '-'). */
function flag(r: Rng, name: string, value: string): string[] {
  return value.startsWith('-') || r.chance(0.3) ? [`${name}=${value}`] : [name, value];
}

const isBlank = (value: string): boolean => value.trim() === '';

/** What a bad value's error must name: the value, or for an empty or blank one, the flag. */
const naming = (flagName: string, value: string): string[][] => (isBlank(value) ? [[flagName]] : [shown(value)]);

// ---- session ids ------------------------------------------------------------------------------------------------

const SOQL_FRAGMENTS = [
  "' OR Id != '",
  "') OR (Id != null",
  "' OR '1'='1",
  "\\'; DELETE FROM MessagingSession",
  "' AND Name LIKE '%",
  "' UNION SELECT Id FROM User",
  "') LIMIT 1 OFFSET ('",
  '%',
  '_',
  '*',
  "' OR Conversation.ConversationIdentifier != null OR Id = '",
];
const UNICODE = ['é', 'ß', 'Ω', '中', '😀', 'М', 'О', '０', '\u200b', '\u00a0', 'ı', '\u212a', 'ｓ', '\u0301', '\u2028'];
const BAD_PREFIXES = ['001', '0mw', '0MW', '0Mv', '500', '0M0', 'OMw', 'aMw', '0Mx', '003'];
const BLANKS = ['', ' ', '   ', '\t', ' \t ', '\u3000', '\u00a0\u00a0'];

export type SessionIdKind = 'quote' | 'soql' | 'unicode' | 'length' | 'prefix' | 'checksum' | 'blank' | 'padded';

function validHead(r: Rng): string {
  // At least one letter after the prefix, so a case flip can break the checksum.
  return `0Mw${r.alnum(11)}${r.pick([...'ABCDEFGHJKLMNPQRSTUVWXYZ'])}`;
}

const replaceAt = (s: string, i: number, by: string): string => s.slice(0, i) + by + s.slice(i + 1);

/** One bad MessagingSession Id of the given kind. */
export function badSessionId(r: Rng, kind: SessionIdKind): string {
  const head = validHead(r);
  const id = r.chance(0.5) ? head : to18(head);
  switch (kind) {
    case 'quote': {
      const q = r.pick(["'", '"', '`', "''"]);
      const i = r.int(3, id.length - 1);
      return r.chance(0.5) ? replaceAt(id, i, q) : id.slice(0, i) + q + id.slice(i);
    }
    case 'soql': {
      const fragment = r.pick(SOQL_FRAGMENTS);
      const where = r.int(0, 2);
      return where === 0 ? `${id}${fragment}` : where === 1 ? `${fragment}${id}` : id.slice(0, 8) + fragment + id.slice(8);
    }
    case 'unicode': {
      let out = id;
      for (let n = r.int(1, 2); n > 0; n--) out = replaceAt(out, r.int(3, out.length - 1), r.pick(UNICODE));
      return out;
    }
    case 'length': {
      const length = r.pick([1, 2, 3, 5, 10, 14, 16, 17, 19, 20, 24, 30, 40]);
      return `0Mw${r.alnum(Math.max(0, length - 3))}`.slice(0, length);
    }
    case 'prefix': {
      const prefixed = r.pick(BAD_PREFIXES) + head.slice(3);
      return r.chance(0.5) ? prefixed : to18(prefixed);
    }
    case 'checksum': {
      const full = to18(head);
      const variant = r.int(0, 2);
      if (variant === 0) {
        let suffix = full.slice(15);
        while (suffix === full.slice(15)) suffix = Array.from({ length: 3 }, () => r.pick([...SUFFIX])).join('');
        return head + suffix;
      }
      if (variant === 1) {
        // A letter's case flipped in the first 15 (after the prefix): the suffix no longer matches.
        const letters = [...head].map((c, i) => (i >= 3 && /[A-Za-z]/.test(c) ? i : -1)).filter((i) => i >= 0);
        const i = r.pick(letters);
        const c = head[i];
        return replaceAt(head, i, c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + full.slice(15);
      }
      // Characters a suffix never has (lower case, 6-9).
      return head + r.pick(['aaa', 'AA9', 'z00', '666', 'Aa7']);
    }
    case 'blank':
      return r.pick(BLANKS);
    case 'padded':
      return `${r.pick([' ', '  ', '\t'])}${id}${r.pick(['', ' ', '\t'])}`;
    default:
      throw new Error(`unknown kind ${String(kind)}`);
  }
}

// ---- dates --------------------------------------------------------------------------------------------------------

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function badInstant(r: Rng, relativeAllowed: boolean): string {
  const y = r.int(2000, 2030);
  switch (r.int(0, 8)) {
    case 0:
      return r.pick(['yesterday', 'now', 'today', 'tomorrow', 'last week', 'soon', 'never', 'N/A', 'null', 'NaN', 'Infinity', 'undefined']);
    case 1:
      return `${y}-${pad(r.int(13, 99))}-${pad(r.int(1, 28))}`;
    case 2:
      return r.pick([`${y}-02-30`, `${y}-02-31`, `${y}-04-31`, `${y}-06-31`, `${y}-11-31`, `${y}-01-32`, `${y}-01-00`, `${y}-00-10`]);
    case 3:
      return `${y}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}T${pad(r.int(25, 99))}:${pad(r.int(0, 59))}:00Z`;
    case 4:
      return r.pick([`${y}/${pad(r.int(1, 12))}/${pad(r.int(1, 28))}`, `${pad(r.int(1, 28))}.${pad(r.int(1, 12))}.${y}`, `${pad(r.int(13, 28))}-${pad(r.int(1, 12))}-${y}`]);
    case 5:
      return relativeAllowed ? r.pick(['7y', '3s', '10x', '1.5d', '-1d', '1000000d', 'd7', '7 d', '+2w']) : r.pick(['7d', '12h', '-1d', '2w']);
    case 6:
      // A bare 10-digit epoch is ambiguous (seconds or milliseconds?) and refused.
      return r.chance(0.4) ? String(r.int(1_000_000_000, 9_999_999_999)) : r.pick(['99999999999999999', '9007199254740993', '1e12', '0x10', '1.5', '-5']);
    case 7:
      return r.pick([`${y}-01-10' OR Id != null`, `${y}-01-10T00:00:00Z OR Id != null`, `${y}-01-10) OR (Id != null`, `${y}-01-10; DELETE`]);
    default:
      return r.pick(['２０２５-01-10', `${y}-0１-10`, `${y}-01-10T10:00:00 Z`, `${y}-01-10TT10:00`, `${y}--01-10`, `${y}-1-10`]);
  }
}

function validInstant(r: Rng): string {
  return `${r.int(2020, 2026)}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}T${pad(r.int(0, 23))}:${pad(r.int(0, 59))}:00Z`;
}

// ---- the generator ------------------------------------------------------------------------------------------------

/** A fresh, unique file name under the root. */
function fileIn(ctx: BadInputContext, r: Rng, stem: string, ext: string): string {
  return join(ctx.root, `${stem}-${r.alnum(8)}.${ext}`);
}

/** Values that can sit on a line of a session file (no comma, quote, newline or comment mark; trimmed). */
const fitsLine = (v: string): boolean => v === v.trim() && v !== '' && !/[,"\n\r\u2028]/.test(v) && !v.startsWith('#');

/**
 * About `count` bad cases (never fewer), from `seed`. Same seed, same cases: the files they name live under
 * ctx.root, with names drawn from the same seed.
 */
export function generateBadInputs(seed: number, ctx: BadInputContext, count = 200): BadCase[] {
  const r = rngFrom(seed);
  const cases: BadCase[] = [];
  const json = (): boolean => r.chance(0.6);
  const goodId = (): string => to18(validHead(r));
  const sessionKinds: SessionIdKind[] = ['quote', 'soql', 'unicode', 'length', 'prefix', 'checksum', 'blank', 'padded'];
  const badLineId = (): string => {
    for (;;) {
      const v = badSessionId(r, r.pick(['quote', 'soql', 'unicode', 'length', 'prefix', 'checksum'] as const));
      if (fitsLine(v)) return v;
    }
  };

  // Combinations of flags, and flags that need another (variant: which one).
  const combo = (variant = r.int(0, 10)): BadCase => {
    switch (variant) {
      case 0: {
        const extra = r.pick([[], ['--concurrency', '2'], ['-r', 'csv'], ['--rate-limit', '10'], ['--force'], ['--dry-run'], ['--max-conversations', '5']]);
        return { kind: 'combo/no-selector', command: 'export', args: extra, json: json(), names: [['--session-id'], ['--since']], withActions: true };
      }
      case 1:
        return { kind: 'combo/no-output-dir', command: 'export', args: ['-s', goodId()], outputDir: false, json: json(), names: [['output-dir']] };
      case 2:
        return { kind: 'combo/session-and-conversation', command: 'get', args: ['-s', goodId(), '-c', ctx.goodConversation], json: json(), names: [['--session-id'], ['--conversation-id']] };
      case 3:
        return { kind: 'combo/no-id', command: 'get', args: r.pick([[], ['--limit', '5'], ['-r', 'csv']]), json: json(), names: [['--session-id'], ['--conversation-id']] };
      case 4:
        return { kind: 'combo/force-without-file', command: 'get', args: ['-s', goodId(), '--force'], json: json(), names: [['--output-file']] };
      case 5:
      case 6: {
        const path = fileIn(ctx, r, 'existing', r.pick(['txt', 'csv', 'md', 'jsonl']));
        return {
          kind: 'combo/output-file-exists',
          command: 'get',
          args: ['-s', goodId(), ...flag(r, '--output-file', path)],
          json: json(),
          names: [[path]],
          files: [{ path, content: `earlier transcript ${r.alnum(10)}\n` }],
        };
      }
      case 7: {
        const dir = fileIn(ctx, r, 'a-directory', 'd');
        return { kind: 'combo/output-file-directory', command: 'get', args: ['-s', goodId(), '--output-file', dir], json: json(), names: [[dir]], dirs: [dir] };
      }
      case 8: {
        const missing = join(fileIn(ctx, r, 'no-such-dir', 'd'), 'transcript.txt');
        return { kind: 'combo/output-dir-missing', command: 'get', args: ['-s', goodId(), '--output-file', missing], json: json(), names: [[missing]] };
      }
      case 9:
        return {
          kind: 'combo/client-id-with-connect',
          command: r.pick(['get', 'export'] as const),
          args: ['-s', goodId(), '--client-id', `3MVG9${r.alnum(20)}`, '--api', 'connect'],
          env: { CONVERSATION_CLIENT_SECRET: r.alnum(24) },
          json: json(),
          names: [['--client-id'], ['--api connect']],
        };
      default: {
        const value = r.pick(['', ' ', `3MVG9${r.alnum(20)}`]);
        // A client id without the secret, or an empty client id (secret set or not).
        return {
          kind: 'combo/client-id',
          command: r.pick(['get', 'export'] as const),
          args: ['-s', goodId(), ...flag(r, '--client-id', value)],
          env: { CONVERSATION_CLIENT_SECRET: isBlank(value) && r.chance(0.5) ? r.alnum(24) : '' },
          json: json(),
          names: [['--client-id']],
        };
      }
    }
  };

  // Session files (variant: which problem).
  const sessionFile = (kind = r.int(0, 9)): BadCase => {
    const flagged = (path: string): string[] => flag(r, '--session-file', path);
    if (kind === 0) {
      const path = fileIn(ctx, r, 'missing', r.pick(['txt', 'csv']));
      return { kind: 'session-file/missing', command: 'export', args: flagged(path), json: json(), names: [[path]] };
    }
    if (kind === 1) {
      const path = fileIn(ctx, r, 'no-id-column', 'csv');
      const header = `${r.pick(['SessionId', 'Session Id', 'Ids', 'ID_', 'Key', 'Name'])},${r.pick(['Name', 'Status', 'x'])}`;
      const rows = Array.from({ length: r.int(1, 5) }, () => `${goodId()},${r.alnum(5)}`);
      return { kind: 'session-file/no-id-column', command: 'export', args: flagged(path), json: json(), names: [[path]], files: [{ path, content: `${[header, ...rows].join('\n')}\n` }] };
    }
    if (kind === 2 || kind === 3) {
      // One Id per line, a bad one at a random line (comments and blank lines count).
      const path = fileIn(ctx, r, 'bad-line', 'txt');
      const lines = Array.from({ length: r.int(1, 6) }, () => r.pick([goodId(), goodId(), '# a comment', '']));
      const bad = badLineId();
      const at = r.int(0, lines.length);
      lines.splice(at, 0, bad);
      const line = lines.indexOf(bad) + 1;
      return {
        kind: 'session-file/bad-line',
        command: 'export',
        args: flagged(path),
        json: json(),
        names: [[`${path}:${line}`], shown(bad)],
        files: [{ path, content: `${lines.join(r.pick(['\n', '\r\n']))}\n` }],
      };
    }
    if (kind === 4) {
      // A CSV with an Id column and a bad Id in one row (the header is line 1).
      const path = fileIn(ctx, r, 'bad-csv-id', 'csv');
      const header = r.pick(['Id,Name', 'Name,Id', 'ID,Status', '"Id","Name"', 'Name,id,Status']);
      const cols = header.replace(/"/g, '').split(',');
      const idCol = cols.findIndex((c) => c.toLowerCase() === 'id');
      const rows = Array.from({ length: r.int(1, 5) }, () => cols.map((_, i) => (i === idCol ? goodId() : r.alnum(4))));
      const bad = badLineId();
      const at = r.int(0, rows.length);
      rows.splice(at, 0, cols.map((_, i) => (i === idCol ? bad : r.alnum(4))));
      return {
        kind: 'session-file/bad-csv-id',
        command: 'export',
        args: flagged(path),
        json: json(),
        names: [[`${path}:${at + 2}`], shown(bad)],
        files: [{ path, content: `${[header, ...rows.map((row) => row.join(','))].join('\n')}\n` }],
      };
    }
    if (kind === 5) {
      const path = fileIn(ctx, r, 'malformed', 'csv');
      const content = `Id,Name\n${goodId()},ok\n"${goodId()},${r.pick(['unterminated', 'broken "quote', 'x'])}\n${goodId()},y\n`;
      return { kind: 'session-file/malformed-csv', command: 'export', args: flagged(path), json: json(), names: [[path]], files: [{ path, content }] };
    }
    if (kind === 6) {
      const path = fileIn(ctx, r, 'empty', 'txt');
      const content = r.pick(['', '\n\n', '# only a comment\n', '\uFEFF', '  \n\t\n', 'Id\n']);
      return { kind: 'session-file/no-ids', command: 'export', args: flagged(path), json: json(), names: [[path]], files: [{ path, content }] };
    }
    if (kind === 7) {
      const dir = fileIn(ctx, r, 'session-dir', 'd');
      return { kind: 'session-file/directory', command: 'export', args: flagged(dir), json: json(), names: [[dir]], dirs: [dir] };
    }
    if (kind === 8) {
      const bad = badLineId();
      const lines = [goodId(), bad];
      return { kind: 'session-file/stdin', command: 'export', args: ['--session-file', '-'], input: `${lines.join('\n')}\n`, json: json(), names: [shown(bad)] };
    }
    const value = r.pick(BLANKS);
    const ids = r.chance(0.5) ? ['-s', goodId()] : [];
    return { kind: 'session-file/blank-path', command: 'export', args: [...ids, ...flagged(value)], json: json(), names: [['--session-file']] };
  };

  const exportNumber = (name: string, value: string): BadCase => ({
    kind: `number${name}`,
    command: 'export',
    args: ['-s', goodId(), ...flag(r, name, value)],
    json: json(),
    names: [[name], ...naming(name, value)],
  });

  const makers: Array<[weight: number, make: (variant?: number) => BadCase]> = [
    // Session ids through get.
    [
      20,
      (): BadCase => {
        const kind = r.pick(sessionKinds);
        const value = badSessionId(r, kind);
        return { kind: `session-id/${kind}`, command: 'get', args: flag(r, r.pick(['-s', '--session-id']), value), json: json(), names: naming('--session-id', value) };
      },
    ],
    // Session ids through export, alone or after good ones.
    [
      20,
      (): BadCase => {
        const kind = r.pick(sessionKinds);
        const value = badSessionId(r, kind);
        const before = r.chance(0.5) ? ['-s', goodId()] : [];
        return { kind: `session-id/${kind}`, command: 'export', args: [...before, ...flag(r, '--session-id', value)], json: json(), names: naming('--session-id', value) };
      },
    ],
    // Conversation identifiers (get).
    [
      4,
      (): BadCase => {
        const value = r.pick([
          r.pick(BLANKS),
          `has space ${r.alnum(4)}`,
          `tab\t${r.alnum(6)}`,
          `${r.alnum(8)}\n${r.alnum(4)}`,
          `bell\u0007${r.alnum(3)}`,
          r.alnum(r.int(256, 300)),
          `${r.alnum(8)}\u2028${r.alnum(4)}`,
        ]);
        return { kind: 'conversation-id', command: 'get', args: flag(r, '--conversation-id', value), json: json(), names: naming('--conversation-id', value) };
      },
    ],
    // Dates: get --start/--end.
    [
      8,
      (): BadCase => {
        const which = r.pick(['--start', '--end']);
        const value = r.chance(0.15) ? r.pick(BLANKS) : badInstant(r, false);
        return { kind: 'date/get', command: 'get', args: ['-s', goodId(), ...flag(r, which, value)], json: json(), names: [[which], ...naming(which, value)] };
      },
    ],
    // Dates: export --since/--until, as the only selector or with ids.
    [
      10,
      (): BadCase => {
        const which = r.pick(['--since', '--until']);
        const value = r.chance(0.15) ? r.pick(BLANKS) : badInstant(r, true);
        const ids = r.chance(0.5) ? ['-s', goodId()] : [];
        return { kind: 'date/export', command: 'export', args: [...ids, ...flag(r, which, value)], json: json(), names: [[which], ...naming(which, value)] };
      },
    ],
    // A window that ends before it starts.
    [
      4,
      (): BadCase => {
        const a = validInstant(r);
        let b = validInstant(r);
        while (b === a) b = validInstant(r);
        const [early, late] = a < b ? [a, b] : [b, a];
        const isGet = r.chance(0.5);
        const [from, to] = isGet ? ['--start', '--end'] : ['--since', '--until'];
        const selector = isGet ? ['-c', ctx.goodConversation] : r.chance(0.5) ? ['-s', goodId()] : [];
        return { kind: 'date/window', command: isGet ? 'get' : 'export', args: [...selector, from, late, to, early], json: json(), names: [[from], [to]] };
      },
    ],
    // Numeric flags of export.
    [
      14,
      (): BadCase => {
        const [name, values] = r.pick([
          ['--concurrency', ['0', '17', String(r.int(18, 999)), `-${r.int(1, 9)}`, 'abc', 'four', '2.5', '', '4x', '1e1', '0x4', ' 4']],
          ['--rate-limit', [`-${r.int(1, 1000)}`, String(r.int(100_001, 9_999_999)), 'fast', '1.5', '', 'none', '90/min']],
          ['--max-conversations', ['0', `-${r.int(1, 50)}`, String(r.int(1_000_001, 99_999_999)), 'lots', '', '10.0']],
        ] as const);
        return exportNumber(name, r.pick(values));
      },
    ],
    // get --limit.
    [
      4,
      (): BadCase => {
        const value = r.pick(['0', `-${r.int(1, 99)}`, 'ten', '2.5', '', '5x']);
        return { kind: 'number--limit', command: 'get', args: ['-s', goodId(), ...flag(r, '--limit', value)], json: json(), names: [['--limit'], ...naming('--limit', value)] };
      },
    ],
    // --result-format values outside each command's list.
    [
      7,
      (): BadCase => {
        const isGet = r.chance(0.5);
        // Option values match in any case (`-r CSV` is csv), so these are values no spelling of an option has.
        const value = isGet
          ? r.pick(['json', 'xml', 'HUMAN5', 'md', 'tsv', 'Csv2', 'text', 'JSON', ''])
          : r.pick(['human', 'xml', 'HUMAN', 'Jsonx', 'md', 'markdown2', 'txt', 'ndjson', '']);
        const selector = isGet ? ['-s', goodId()] : ['-s', goodId()];
        return {
          kind: 'result-format',
          command: isGet ? 'get' : 'export',
          args: [...selector, ...flag(r, r.pick(['-r', '--result-format']), value)],
          json: json(),
          names: [['--result-format'], ...naming('--result-format', value)],
        };
      },
    ],
    // --api and --api-version.
    [
      5,
      (): BadCase => {
        if (r.chance(0.35)) {
          const value = r.pick(['soap', 'rest', 'CONNECTX', 'conversation', '']);
          return { kind: 'api', command: r.pick(['get', 'export'] as const), args: ['-s', goodId(), ...flag(r, '--api', value)], json: json(), names: [['--api'], ...naming('--api', value)] };
        }
        const value = r.pick(['54.0', '50.0', '1.0', '31.0', 'abc', '66', 'v66.0', '']);
        const isGet = r.chance(0.5);
        return { kind: 'api-version', command: isGet ? 'get' : 'export', args: ['-s', goodId(), ...flag(r, '--api-version', value)], json: json(), names: naming('--api-version', value) };
      },
    ],
    // Export selectors: channels and --where.
    [
      7,
      (): BadCase => {
        if (r.chance(0.5)) {
          const value = r.pick(['Pigeon', 'SMS', 'whatsapp2', 'Web Chat', "Text') OR (Id != null", 'Téxt', r.alnum(6), '', ' ']);
          const more = r.chance(0.4) ? ['--channel', 'Text'] : [];
          return { kind: 'channel', command: 'export', args: [...more, ...flag(r, '--channel', value)], json: json(), names: naming('--channel', value) };
        }
        const value = r.pick([
          "Status = 'Ended'; DELETE FROM MessagingSession",
          "Status = 'Ended'\nOR Id != null",
          "Status = 'Ended'\rOR Id != null",
          "ChannelType = 'Text';",
          '',
          '   ',
          "Status = '\u0001'",
          // Parentheses that close the wrapper, or never close, outside string literals; a string never ended.
          "Status = 'Ended') OR (Id != null",
          "(Status = 'Ended' OR Subject = 'a)'",
          "Subject = 'it\\'s",
        ]);
        return { kind: 'where', command: 'export', args: flag(r, '--where', value), json: json(), names: [['--where'], ...(isBlank(value) ? [] : [shown(value)])] };
      },
    ],
    [12, combo],
    [14, sessionFile],
    // Environment: the HTTP timeout and the API URL.
    [
      5,
      (): BadCase => {
        const isGet = r.chance(0.5);
        const selector = isGet ? ['-s', goodId()] : ['-s', goodId()];
        if (r.chance(0.6)) {
          const value = r.pick(['soon', '0', '99', '600001', '-5', '1.5', 'abc', '30 s', '1e9']);
          return { kind: 'env/http-timeout', command: isGet ? 'get' : 'export', args: selector, env: { SF_CONVERSATION_HTTP_TIMEOUT: value }, json: json(), names: [['SF_CONVERSATION_HTTP_TIMEOUT'], [value]] };
        }
        const value = r.pick(['not a url', 'ftp://example.com', 'http//example.com', '://x', 'file:///etc/passwd']);
        return { kind: 'env/api-url', command: isGet ? 'get' : 'export', args: selector, env: { SF_CONVERSATION_API_URL: value }, json: json(), names: [['SF_CONVERSATION_API_URL'], [value]] };
      },
    ],
  ];

  // First every variant of the combination and session-file makers once, and the numbers the rules name, so each is
  // covered whatever the seed; then a weighted random mix.
  for (let variant = 0; variant <= 10; variant++) cases.push(combo(variant));
  for (let variant = 0; variant <= 9; variant++) cases.push(sessionFile(variant));
  for (const value of ['0', '17', 'abc']) cases.push(exportNumber('--concurrency', value));
  cases.push(exportNumber('--rate-limit', `-${r.int(1, 1000)}`));
  const total = makers.reduce((sum, [weight]) => sum + weight, 0);
  while (cases.length < count) {
    let roll = r.next() * total;
    const maker = makers.find(([weight]) => (roll -= weight) < 0) ?? makers[makers.length - 1];
    cases.push(maker[1]());
  }
  return cases;
}
