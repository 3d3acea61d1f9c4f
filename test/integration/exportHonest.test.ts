/*
 * Export records only a transcript as exported: in-process, the export use case against the emulator over loopback
 * HTTP, with the emulator answering some conversations the way a broken or hostile API might (a 204, a redirect with
 * no body, an envelope no client knows), and an API host that can't be reached at all.
 */
import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { SfError } from '@salesforce/core';
import type { ManifestLine } from '../../src/files/manifest.js';
import { runExport, UNREACHABLE_STOP_AFTER, type ExportInput, type ExportResult } from '../../src/usecases/export.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { BULK_SESSIONS, SESSION_RECORDS } from '../emulator/seed.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';
import { exportInput } from '../helpers/exportInput.js';

const ENTRIES_PATH = '/platform/engagement/v1.0/conversation-entries';
/** Retries without real waiting: the tests assert what is retried, not how long it waits. */
const QUICK_RETRY = { limit: 2, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 10 };

const conversationOf = (id: string): string => SESSION_RECORDS.find((r) => r.id18 === id)?.conversationIdentifier as string;

async function manifest(dir: string): Promise<ManifestLine[]> {
  return (await readFile(join(dir, 'manifest.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as ManifestLine);
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('export: only a transcript counts as exported (in-process)', function () {
  this.timeout(60_000);
  let emu: Emulator;
  let root: string;
  let n = 0;
  const ids = BULK_SESSIONS.slice(1500, 1506);
  const exportTo = (dir: string, extra: Partial<ExportInput> = {}): Promise<ExportResult> =>
    runExport(exportInput('honest', dir, { sessionIds: ids, retry: QUICK_RETRY, env: { SF_CONVERSATION_API_URL: emu.url }, ...extra }), { warn: () => undefined });

  before(async () => {
    emu = await startEmulator({ username: 'honest@conversation-emulator.example' });
    await authorizeInProcess(emu, 'honest');
    root = await mkdtemp(join(realpathSync(tmpdir()), 'export-honest-'));
  });
  beforeEach(() => {
    emu.clearFaults();
    emu.clearLog();
  });
  after(async () => {
    await emu?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('a 204 or an empty redirect is a failed session (never exported); an unknown envelope is partial (written, exit 7); a resume fetches all three again', async () => {
    const dir = join(root, `out-${++n}`);
    const [noContent, redirect, envelope] = ids;
    emu.injectFaults('no-content', 10, conversationOf(noContent));
    emu.injectFaults('redirect', 10, conversationOf(redirect));
    emu.injectFaults('envelope', 10, conversationOf(envelope));
    const first = await exportTo(dir);
    expect(first).to.include({ exported: 3, partial: 1, failed: 2 });
    const lines = await manifest(dir);
    const status = (id: string): ManifestLine | undefined => lines.find((l) => l.sessionId === id);
    expect(status(noContent)).to.include({ status: 'failed' });
    expect(status(noContent)?.reason).to.match(/^ApiBadResponseError/);
    expect(status(redirect)).to.include({ status: 'failed', httpStatus: 302 });
    expect(status(envelope)).to.include({ status: 'partial', entryCount: 0 });
    expect(status(envelope)?.reason).to.match(/^unrecognised-envelope: /);
    const written = JSON.parse(await readFile(join(dir, status(envelope)?.file as string), 'utf8')) as Record<string, unknown>;
    expect(written).to.include({ complete: false, incompleteReason: 'unrecognised-envelope' });
    expect((await readdir(dir)).filter((f) => f.startsWith(noContent) || f.startsWith(redirect))).to.deep.equal([]);

    // The API answers properly now: a resume fetches exactly the three that were not exported, and skips the rest.
    emu.clearFaults();
    emu.clearLog();
    const second = await exportTo(dir);
    expect(second).to.include({ exported: 3, skipped: 3, partial: 0, failed: 0 });
    const fetched = emu.requests.filter((r) => r.path === ENTRIES_PATH).map((r) => r.query.conversationIdentifier).sort();
    expect(fetched).to.deep.equal([noContent, redirect, envelope].map(conversationOf).sort());
  });

  it(`an API host that can't be reached at all stops the run after ${UNREACHABLE_STOP_AFTER} sessions in a row: one named error (exit 9) with a resume hint, the rest not tried`, async () => {
    const dir = join(root, `out-${++n}`);
    const port = await closedPort();
    const many = BULK_SESSIONS.slice(1600, 1640);
    const error = await exportTo(dir, { sessionIds: many, concurrency: 1, env: { SF_CONVERSATION_API_URL: `http://127.0.0.1:${port}` } }).then(
      () => undefined,
      (e: SfError) => e
    );
    expect(error?.name).to.equal('ExportStoppedUnreachableError');
    expect(error?.exitCode).to.equal(9);
    expect(error?.actions?.join(' ')).to.include('run the same command again');
    const lines = await manifest(dir).catch(() => [] as ManifestLine[]);
    // The journal holds the sessions tried (each failed as unreachable), not the 37 never tried.
    expect(lines.length, JSON.stringify(lines, null, 1)).to.equal(UNREACHABLE_STOP_AFTER);
    for (const line of lines) expect(line.reason).to.match(/^ApiUnreachableError/);
  });
});
