/*
 * The export manifest's journal: what a resumed run reads from an earlier (possibly killed) run, and what the final
 * rewrite keeps. Real files in a temp directory.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { MANIFEST, openJournal, type Journal, type JournalLine, type ManifestLine } from '../../src/export/manifest.js';

const line = (sessionId: string, status: ManifestLine['status'] = 'exported', at = '2026-01-01T00:00:00.000Z'): ManifestLine => ({
  sessionId,
  conversationIdentifier: status === 'no-conversation' ? null : `conv-${sessionId}`,
  status,
  ...(status === 'exported' ? { entryCount: 1, file: `${sessionId}.json`, sha256: 'a'.repeat(64) } : {}),
  at,
  durationMs: 5,
});
const jsonl = (lines: object[]): string => lines.map((l) => `${JSON.stringify(l)}\n`).join('');
/** Finishes the journal, and returns the lines finish handed over, in its order. */
async function finished(journal: Journal): Promise<JournalLine[]> {
  const lines: JournalLine[] = [];
  await journal.finish((l) => lines.push(l));
  return lines;
}

describe('export manifest journal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'manifest-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const read = (): Promise<string> => readFile(join(dir, MANIFEST), 'utf8');

  it('a new directory: an empty previous, a 0600 file, and the final manifest holds this run’s lines sorted by Id', async () => {
    const journal = await openJournal(dir, false);
    expect(journal.previous.size).to.equal(0);
    await Promise.all(['0Mwc', '0Mwa', '0Mwb'].map((id) => journal.append(line(id))));
    expect((await stat(join(dir, MANIFEST))).mode & 0o777).to.equal(0o600);
    const ours = await finished(journal);
    expect(ours.map((l) => l.sessionId)).to.deep.equal(['0Mwa', '0Mwb', '0Mwc']);
    expect(await read()).to.equal(jsonl([line('0Mwa'), line('0Mwb'), line('0Mwc')]));
  });

  it('resume: previous is the last line per session of the earlier journal; a partial last line is ignored and ended, so the next line survives', async () => {
    await writeFile(join(dir, MANIFEST), `${jsonl([line('0Mwa', 'failed'), line('0Mwa'), line('0Mwb')])}{"sessionId":"0Mwc","stat`);
    const journal = await openJournal(dir, false);
    expect([...journal.previous.sessionIds()]).to.deep.equal(['0Mwa', '0Mwb']);
    expect(journal.previous.get('0Mwa')?.status).to.equal('exported');
    await journal.append(line('0Mwc'));
    expect((await read()).split('\n').at(-2)).to.equal(JSON.stringify(line('0Mwc')));
    await journal.close();
  });

  it('the final manifest keeps only this run’s lines (not an earlier run’s), drops the skipped mark, and returns it', async () => {
    await writeFile(join(dir, MANIFEST), jsonl([line('0Mwa'), line('0Mwz')]));
    const journal = await openJournal(dir, false);
    const before = journal.previous.get('0Mwa');
    expect(before).to.not.equal(undefined);
    await journal.append({ ...before!, skipped: true });
    await journal.append(line('0Mwb', 'no-conversation'));
    const ours = await finished(journal);
    expect(ours.map((l) => [l.sessionId, l.skipped])).to.deep.equal([
      ['0Mwa', true],
      ['0Mwb', undefined],
    ]);
    expect(await read()).to.equal(jsonl([line('0Mwa'), line('0Mwb', 'no-conversation')]));
  });

  it('a killed resumed run left skipped marks in the journal: the next run reads them without the mark', async () => {
    await writeFile(join(dir, MANIFEST), jsonl([{ ...line('0Mwa'), skipped: true }]));
    const journal = await openJournal(dir, false);
    expect(journal.previous.get('0Mwa')).to.deep.equal(line('0Mwa'));
    await journal.finish();
  });

  it('force: previous is empty, whatever the file holds', async () => {
    await writeFile(join(dir, MANIFEST), jsonl([line('0Mwa')]));
    const journal = await openJournal(dir, true);
    expect(journal.previous.size).to.equal(0);
    await journal.append(line('0Mwb'));
    expect((await finished(journal)).map((l) => l.sessionId)).to.deep.equal(['0Mwb']);
  });

  it('finish without a callback writes the same sorted manifest as with one', async () => {
    const run = async (sub: string, withCallback: boolean): Promise<string> => {
      const where = join(dir, sub);
      await mkdir(where);
      await writeFile(join(where, MANIFEST), jsonl([line('0Mwz'), line('0Mwa')]));
      const journal = await openJournal(where, false);
      await journal.append({ ...journal.previous.get('0Mwa')!, skipped: true });
      await Promise.all(['0Mwd', '0Mwc', '0Mwb'].map((id) => journal.append(line(id, id === '0Mwc' ? 'failed' : 'exported'))));
      if (withCallback) await finished(journal);
      else await journal.finish();
      return readFile(join(where, MANIFEST), 'utf8');
    };
    const expected = jsonl([line('0Mwa'), line('0Mwb'), line('0Mwc', 'failed'), line('0Mwd')]);
    expect(await run('with', true)).to.equal(expected);
    expect(await run('without', false)).to.equal(expected);
  });

  it('lines with multi-byte text across the 64 KB read chunks come back exactly, in an earlier run and in this one', async () => {
    const text = (i: number): string => `${'é€😀\u2028'.repeat(i % 40)} ${i}`;
    const earlier = Array.from({ length: 1500 }, (_, i) => ({ ...line(`0Mwa${String(i).padStart(4, '0')}`, 'failed'), reason: text(i) }));
    await writeFile(join(dir, MANIFEST), jsonl(earlier));
    expect((await stat(join(dir, MANIFEST))).size).to.be.above(3 * 65_536);
    const journal = await openJournal(dir, false);
    expect(journal.previous.size).to.equal(1500);
    for (const l of earlier) expect(journal.previous.get(l.sessionId)).to.deep.equal(l);
    const ours = earlier.map((l, i) => ({ ...l, sessionId: `0Mwb${String(i).padStart(4, '0')}` }));
    for (const l of ours) await journal.append(l); // eslint-disable-line no-await-in-loop -- in order
    expect(await finished(journal)).to.deep.equal(ours);
    expect(await read()).to.equal(jsonl(ours));
  });

  it('many concurrent appends never interleave', async () => {
    const journal = await openJournal(dir, false);
    const ids = Array.from({ length: 500 }, (_, i) => `0Mw${String(i).padStart(4, '0')}`);
    await Promise.all(ids.map((id) => journal.append({ ...line(id), reason: 'x'.repeat(reasonLength(id)) })));
    const lines = (await read()).split('\n').filter(Boolean);
    expect(lines).to.have.length(500);
    for (const l of lines) expect(() => JSON.parse(l) as unknown).to.not.throw();
    expect((await finished(journal)).map((l) => l.sessionId)).to.deep.equal(ids);
  });
});

/** Lines of different lengths, up to a few KB. */
function reasonLength(id: string): number {
  return Number(id.slice(3)) * 7;
}
