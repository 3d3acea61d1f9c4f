/*
 * manifest.jsonl: one line per session exported into the directory (or tried). During a run it is a journal (a line
 * appended as each session ends, after its file is in place); at the end it is rewritten atomically, sorted by Id, with
 * this run's lines and an earlier run's for the sessions this one did not select, so a resumed run leaves the same file
 * as an uninterrupted one (apart from the timing fields `at` and `durationMs`), and a run with another selection into
 * the same directory never drops what an earlier one recorded.
 */
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { lstat, open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { MAX_CONVERSATION_ID_LENGTH, isRecordId } from '../input/ids.js';
import { SOURCE_NAMES, type SourceName } from '../input/access.js';
import { writeFileAtomically } from './output.js';

export const MANIFEST = 'manifest.jsonl';

export type ManifestLine = {
  /** The conversation's record Id: a MessagingSession's (0Mw…) or, for a voice call, the VoiceCall's (0LQ…). The file is named after it. */
  sessionId: string;
  conversationIdentifier: string | null;
  /**
   * `partial`: written, but the conversation's paging stopped short (reason says why); fetched again on resume.
   * `not-in-data-cloud`: --api data-cloud found no such conversation in Data Cloud (not ingested yet): not written,
   * fetched again on resume.
   */
  status: 'exported' | 'partial' | 'no-conversation' | 'not-in-data-cloud' | 'failed';
  /** The source that returned the entries (or was tried): conversation-data, connect, conversation-entry or data-cloud. */
  source?: SourceName;
  entryCount?: number;
  file?: string;
  sha256?: string;
  reason?: string;
  httpStatus?: number | null;
  /** For an html export's index page: the first entry's time (epoch ms), channel, duration and time to first reply. */
  index?: { start?: number; channel?: string; durationMs?: number; firstReplyMs?: number };
  /** Timing fields: when the session ended, and how long it took. */
  at: string;
  durationMs: number;
};

/** A journal line: a manifest line, marked when the session was skipped because an earlier run exported it. */
export type JournalLine = ManifestLine & { skipped?: boolean };

const STATUSES: ReadonlySet<string> = new Set<ManifestLine['status']>(['exported', 'partial', 'no-conversation', 'not-in-data-cloud', 'failed']);
const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const optional = (v: unknown, ok: (x: unknown) => boolean): boolean => v === undefined || ok(v);
const isString = (v: unknown): boolean => typeof v === 'string';

const isIndexFields = (value: unknown): boolean => {
  const i = value as Record<string, unknown> | null;
  return (
    Boolean(i) &&
    typeof i === 'object' &&
    !Array.isArray(i) &&
    optional(i?.start, isCount) &&
    optional(i?.channel, (c) => typeof c === 'string' && (c).length <= 80) &&
    optional(i?.durationMs, isCount) &&
    optional(i?.firstReplyMs, isCount)
  );
};

/** The status, and the source where a line has one. */
const isStatusAndSource = (l: Record<string, unknown>): boolean =>
  typeof l.status === 'string' && STATUSES.has(l.status) && optional(l.source, (v) => (SOURCE_NAMES as readonly unknown[]).includes(v));

/**
 * A line as this plugin writes it: the manifest is a file anyone with access to the directory can edit, and a resumed
 * run trusts what it says (skipped sessions are reported from it), so every field is checked. Anything else, such as
 * `"entryCount":"9999<script>"`, is not a line: its session counts as not exported and is fetched again.
 */
export function isManifestLine(value: unknown): value is JournalLine {
  const l = value as Record<string, unknown> | null;
  if (!l || typeof l !== 'object' || Array.isArray(l)) return false;
  return (
    typeof l.sessionId === 'string' &&
    isRecordId(l.sessionId) &&
    (l.conversationIdentifier === null || (typeof l.conversationIdentifier === 'string' && l.conversationIdentifier.length <= MAX_CONVERSATION_ID_LENGTH)) &&
    isStatusAndSource(l) &&
    optional(l.entryCount, isCount) &&
    optional(l.file, (f) => typeof f === 'string' && f.startsWith(`${l.sessionId as string}.`) && /^[A-Za-z0-9]+\.[a-z]+$/.test(f)) &&
    optional(l.sha256, (h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h)) &&
    optional(l.reason, isString) &&
    optional(l.httpStatus, (h) => h === null || (Number.isSafeInteger(h) && (h as number) >= 100 && (h as number) <= 599)) &&
    typeof l.at === 'string' &&
    !Number.isNaN(Date.parse(l.at)) &&
    isCount(l.durationMs) &&
    optional(l.skipped, (b) => typeof b === 'boolean') &&
    optional(l.index, isIndexFields)
  );
}

/**
 * A journal line, or undefined for an empty line or one a crash cut short. `checked`: only a line that passes
 * isManifestLine (what an earlier run recorded); otherwise any line with a session Id (what this run wrote, which may
 * name an unusable Id the org returned, recorded as failed).
 */
function parseLine(text: string, checked = false): JournalLine | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (checked) return isManifestLine(parsed) ? parsed : undefined;
    return typeof (parsed as JournalLine | null)?.sessionId === 'string' ? (parsed as JournalLine) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The last line per session of the file from byte `start` on, kept as text: a few hundred bytes a session, where
 * the parsed objects would take several times that. Read line by line, never as one string.
 */
async function lastLinePerSession(path: string, start = 0): Promise<Map<string, string>> {
  const lines = new Map<string, string>();
  const input = createReadStream(path, { start });
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      const sessionId = parseLine(text)?.sessionId;
      if (sessionId !== undefined) lines.set(sessionId, text);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return lines;
}

const withoutMark = (line: JournalLine): ManifestLine => {
  const copy = { ...line };
  delete copy.skipped;
  return copy;
};

/** What earlier runs recorded: the last line per session, parsed when asked for. */
export type PreviousRun = {
  readonly size: number;
  get(sessionId: string): ManifestLine | undefined;
  sessionIds(): IterableIterator<string>;
};

export type Journal = {
  /** The manifest's path. */
  path: string;
  /** What earlier runs recorded, per session (empty with force). */
  previous: PreviousRun;
  /** Journals one session's outcome; resolves once the line is in the file. */
  append(line: JournalLine): Promise<void>;
  /**
   * Rewrites the manifest, sorted by Id: this run's line for each session it selected, and an earlier run's line for
   * each session this run did not select (the manifest describes the directory: a run into it never drops what an
   * earlier one recorded). `each`, if given, gets this run's lines in that order, with their skipped mark; `kept` gets
   * the earlier runs' lines kept. Without them nothing per session is held once the file is written.
   */
  finish(each?: (line: JournalLine) => void, kept?: (line: ManifestLine) => void): Promise<void>;
  /** Closes the journal without finishing it (a run that stops on an error); safe after finish. */
  close(): Promise<void>;
};

/**
 * Opens manifest.jsonl as this run's journal. Nothing about this run's sessions is held in memory while it goes on
 * (an earlier run's lines are, as text, for resume): this run's lines start at the file's current end, and are read
 * back once, at the end.
 */
export async function openJournal(dir: string, force: boolean): Promise<Journal> {
  const path = join(dir, MANIFEST);
  // Read with --force too: a forced run fetches its sessions again, but keeps the others' lines.
  const earlier = await lastLinePerSession(path);
  const previous: PreviousRun = {
    size: force ? 0 : earlier.size,
    get(sessionId) {
      const text = force ? undefined : earlier.get(sessionId);
      // A line that doesn't pass the checks means the session was not exported.
      const line = text === undefined ? undefined : parseLine(text, true);
      return line && withoutMark(line);
    },
    sessionIds: () => (force ? new Map<string, string>() : earlier).keys(),
  };
  // Never through a symlink (O_NOFOLLOW): claimOutputDir refused one already; this closes the gap since.
  const handle = await open(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  const { size } = await handle.stat();
  // A line cut short by a kill would swallow the next one: end it first.
  if (size > 0) {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] !== 0x0a) await handle.write('\n');
  }
  const { size: start } = await handle.stat();
  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    closed ??= handle.close();
    await closed;
  };
  return {
    path,
    previous,
    append: async (line): Promise<void> => {
      // One write() on an O_APPEND descriptor: concurrent lines never interleave.
      await handle.write(`${JSON.stringify(line)}\n`);
    },
    async finish(each, kept): Promise<void> {
      await close();
      const ours = await lastLinePerSession(path, start);
      for (const sessionId of ours.keys()) earlier.delete(sessionId);
      // Default sort: by UTF-16 code unit, as the `<` comparison a reader would use.
      const sessionIds = [...ours.keys(), ...earlier.keys()].sort();
      function* sorted(): Generator<string> {
        for (const sessionId of sessionIds) {
          const text = ours.get(sessionId);
          if (text === undefined) {
            // An earlier run's line, kept only if it passes the checks (one that doesn't means "not exported").
            const line = parseLine(earlier.get(sessionId) ?? '', true);
            earlier.delete(sessionId);
            if (!line) continue;
            const plain = withoutMark(line);
            kept?.(plain);
            yield `${JSON.stringify(plain)}\n`;
            continue;
          }
          const line = parseLine(text) as JournalLine;
          ours.delete(sessionId);
          each?.(line);
          yield `${JSON.stringify(withoutMark(line))}\n`;
        }
      }
      await writeFileAtomically(path, sorted(), true);
    },
    close,
  };
}

/** The checksum of a plain file at `path` (not through a symlink), or undefined. */
export async function sha256OfFile(path: string): Promise<string | undefined> {
  if (!(await lstat(path).catch(() => undefined))?.isFile()) return undefined;
  const content = await readFile(path).catch(() => undefined);
  return content && createHash('sha256').update(content).digest('hex');
}

export function* hashing(chunks: Iterable<string>, hash: ReturnType<typeof createHash>): Generator<string> {
  for (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}
