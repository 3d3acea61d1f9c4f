/*
 * manifest.jsonl: one line per selected session. During a run it is a journal (a line appended as each session
 * ends); at the end it is rewritten atomically, one line per session sorted by Id, so a resumed run leaves the same
 * file as an uninterrupted one, apart from the timing fields `at` and `durationMs`.
 */
import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
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

/** The last line per session of an earlier run's manifest; a line cut short by a crash is ignored. */
export async function readManifest(dir: string): Promise<Map<string, ManifestLine>> {
  const lines = new Map<string, ManifestLine>();
  const content = await readFile(join(dir, MANIFEST), 'utf8').catch(() => '');
  for (const line of content.split('\n')) {
    try {
      const parsed = JSON.parse(line) as ManifestLine;
      if (typeof parsed.sessionId === 'string') lines.set(parsed.sessionId, parsed);
    } catch {
      // an empty or partial line
    }
  }
  return lines;
}

export const appendManifest = (dir: string, line: ManifestLine): Promise<void> =>
  appendFile(join(dir, MANIFEST), `${JSON.stringify(line)}\n`, { mode: 0o600 });

export async function finishManifest(dir: string, lines: Iterable<ManifestLine>): Promise<void> {
  const sorted = [...lines].sort((a, b) => (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0));
  await writeFileAtomically(join(dir, MANIFEST), sorted.map((l) => `${JSON.stringify(l)}\n`), true);
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
