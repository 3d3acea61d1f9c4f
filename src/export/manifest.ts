/*
 * manifest.jsonl: one line per selected session. During a run it is a journal (a line appended as each session
 * ends, after its file is in place); at the end it is rewritten atomically with this run's lines, sorted by Id, so a
 * resumed run leaves the same file as an uninterrupted one, apart from the timing fields `at` and `durationMs`.
 */
import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../transcript/output.js';

export const MANIFEST = 'manifest.jsonl';

export type ManifestLine = {
  sessionId: string;
  conversationIdentifier: string | null;
  status: 'exported' | 'no-conversation' | 'failed';
  entryCount?: number;
  file?: string;
  sha256?: string;
  reason?: string;
  httpStatus?: number | null;
  /** Timing fields: when the session ended, and how long it took. */
  at: string;
  durationMs: number;
};

/** A journal line: a manifest line, marked when the session was skipped because an earlier run exported it. */
export type JournalLine = ManifestLine & { skipped?: boolean };

/** The last line per session; a line cut short by a crash is ignored. */
function lastLinePerSession(content: string): Map<string, JournalLine> {
  const lines = new Map<string, JournalLine>();
  for (const line of content.split('\n')) {
    try {
      const parsed = JSON.parse(line) as JournalLine;
      if (typeof parsed.sessionId === 'string') lines.set(parsed.sessionId, parsed);
    } catch {
      // an empty or partial line
    }
  }
  return lines;
}

const withoutMark = (line: JournalLine): ManifestLine => {
  const copy = { ...line };
  delete copy.skipped;
  return copy;
};
const byId = (a: ManifestLine, b: ManifestLine): number => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0);

export type Journal = {
  /** What earlier runs recorded, per session (empty with force). */
  previous: Map<string, ManifestLine>;
  /** Journals one session's outcome; resolves once the line is in the file. */
  append(line: JournalLine): Promise<void>;
  /** Rewrites the manifest with this run's lines only, sorted by Id, and returns them. */
  finish(): Promise<JournalLine[]>;
  /** Closes the journal without finishing it (a run that stops on an error); safe after finish. */
  close(): Promise<void>;
};

/**
 * Opens manifest.jsonl as this run's journal. Nothing about the sessions is held in memory while the run goes on
 * (apart from an earlier run's lines, for resume): this run's lines start at the file's current end, and are read
 * back once, at the end.
 */
export async function openJournal(dir: string, force: boolean): Promise<Journal> {
  const path = join(dir, MANIFEST);
  const content = await readFile(path, 'utf8').catch(() => '');
  const previous = force ? new Map<string, ManifestLine>() : new Map([...lastLinePerSession(content)].map(([id, line]) => [id, withoutMark(line)]));
  const handle = await open(path, 'a', 0o600);
  // A line cut short by a kill would swallow the next one: end it first.
  if (content && !content.endsWith('\n')) await handle.write('\n');
  const { size: start } = await handle.stat();
  let closed: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    closed ??= handle.close();
    await closed;
  };
  return {
    previous,
    append: async (line): Promise<void> => {
      // One write() on an O_APPEND descriptor: concurrent lines never interleave.
      await handle.write(`${JSON.stringify(line)}\n`);
    },
    async finish(): Promise<JournalLine[]> {
      await close();
      const ours = [...lastLinePerSession((await readFile(path)).subarray(start).toString('utf8')).values()].sort(byId);
      await writeFileAtomically(path, ours.map((l) => `${JSON.stringify(withoutMark(l))}\n`), true);
      return ours;
    },
    close,
  };
}

export async function sha256OfFile(path: string): Promise<string | undefined> {
  const content = await readFile(path).catch(() => undefined);
  return content && createHash('sha256').update(content).digest('hex');
}

export function* hashing(chunks: Iterable<string>, hash: ReturnType<typeof createHash>): Generator<string> {
  for (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
}
