/*
 * The export manifest's journal: what a resumed run reads from an earlier (possibly killed) run, and what the final
 * rewrite keeps. Real files in a temp directory.
 */
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { to18 } from '../../src/input/ids.js';
import { MANIFEST, openJournal, type Journal, type JournalLine, type ManifestLine } from '../../src/files/manifest.js';

/** A valid 18-character session Id whose order follows `tag`'s (the manifest checks every Id it reads back). */
const S = (tag: string): string => to18(`0Mw5g00000${tag.padStart(5, '0')}`);
const line = (sessionId: string, status: ManifestLine['status'] = 'exported', at = '2026-01-01T00:00:00.000Z'): ManifestLine => ({
  sessionId,
  conversationIdentifier: status === 'no-conversation' ? null : `conv-${sessionId}`,
  status,
  ...(status === 'exported' ? { entryCount: 1, file: `${sessionId}.json`, sha256: 'a'.repeat(64) } : {}),
  at,
  durationMs: 5,
});
const jsonl = (lines: unknown[]): string => lines.map((l) => `${JSON.stringify(l)}\n`).join('');
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
    await Promise.all([S('c'), S('a'), S('b')].map((id) => journal.append(line(id))));
    expect((await stat(join(dir, MANIFEST))).mode & 0o777).to.equal(0o600);
    const ours = await finished(journal);
    expect(ours.map((l) => l.sessionId)).to.deep.equal([S('a'), S('b'), S('c')]);
    expect(await read()).to.equal(jsonl([line(S('a')), line(S('b')), line(S('c'))]));
  });

  it('resume: previous is the last line per session of the earlier journal; a partial last line is ignored and ended, so the next line survives', async () => {
    await writeFile(join(dir, MANIFEST), `${jsonl([line(S('a'), 'failed'), line(S('a')), line(S('b'))])}{"sessionId":"0Mwc","stat`);
    const journal = await openJournal(dir, false);
    expect([...journal.previous.sessionIds()]).to.deep.equal([S('a'), S('b')]);
    expect(journal.previous.get(S('a'))?.status).to.equal('exported');
    await journal.append(line(S('c')));
    expect((await read()).split('\n').at(-2)).to.equal(JSON.stringify(line(S('c'))));
    await journal.close();
  });

  it('the final manifest holds this run’s line per session, and an earlier run’s for the sessions this run did not select; only this run’s are handed back, without the skipped mark in the file', async () => {
    // y: an earlier line that fails the checks (means "not exported"), dropped rather than kept.
    await writeFile(join(dir, MANIFEST), jsonl([line(S('a')), line(S('c'), 'failed'), { ...line(S('y')), entryCount: '9<b>' }, line(S('z'))]));
    const journal = await openJournal(dir, false);
    const before = journal.previous.get(S('a'));
    expect(before).to.not.equal(undefined);
    await journal.append({ ...before!, skipped: true });
    await journal.append(line(S('b'), 'no-conversation'));
    await journal.append(line(S('c'), 'exported', '2026-02-02T00:00:00.000Z'));
    const kept: ManifestLine[] = [];
    const ours: JournalLine[] = [];
    await journal.finish((l) => ours.push(l), (l) => kept.push(l));
    expect(ours.map((l) => [l.sessionId, l.skipped])).to.deep.equal([
      [S('a'), true],
      [S('b'), undefined],
      [S('c'), undefined],
    ]);
    expect(kept).to.deep.equal([line(S('z'))]);
    expect(await read()).to.equal(jsonl([line(S('a')), line(S('b'), 'no-conversation'), line(S('c'), 'exported', '2026-02-02T00:00:00.000Z'), line(S('z'))]));
  });

  it('a killed resumed run left skipped marks in the journal: the next run reads them without the mark', async () => {
    await writeFile(join(dir, MANIFEST), jsonl([{ ...line(S('a')), skipped: true }]));
    const journal = await openJournal(dir, false);
    expect(journal.previous.get(S('a'))).to.deep.equal(line(S('a')));
    await journal.finish();
  });

  it('force: previous is empty, whatever the file holds', async () => {
    await writeFile(join(dir, MANIFEST), jsonl([line(S('a'))]));
    const journal = await openJournal(dir, true);
    expect(journal.previous.size).to.equal(0);
    await journal.append(line(S('b')));
    expect((await finished(journal)).map((l) => l.sessionId)).to.deep.equal([S('b')]);
    // Forced or not, a run keeps the lines of the sessions it did not select.
    expect(await read()).to.equal(jsonl([line(S('a')), line(S('b'))]));
  });

  it('finish without a callback writes the same sorted manifest as with one', async () => {
    const run = async (sub: string, withCallback: boolean): Promise<string> => {
      const where = join(dir, sub);
      await mkdir(where);
      await writeFile(join(where, MANIFEST), jsonl([line(S('z')), line(S('a'))]));
      const journal = await openJournal(where, false);
      await journal.append({ ...journal.previous.get(S('a'))!, skipped: true });
      await Promise.all([S('d'), S('c'), S('b')].map((id) => journal.append(line(id, id === S('c') ? 'failed' : 'exported'))));
      if (withCallback) await finished(journal);
      else await journal.finish();
      return readFile(join(where, MANIFEST), 'utf8');
    };
    const expected = jsonl([line(S('a')), line(S('b')), line(S('c'), 'failed'), line(S('d')), line(S('z'))]);
    expect(await run('with', true)).to.equal(expected);
    expect(await run('without', false)).to.equal(expected);
  });

  it('lines with multi-byte text across the 64 KB read chunks come back exactly, in an earlier run and in this one', async () => {
    const text = (i: number): string => `${'é€😀\u2028'.repeat(i % 40)} ${i}`;
    const earlier = Array.from({ length: 1500 }, (_, i) => ({ ...line(S(`a${String(i).padStart(4, '0')}`), 'failed'), reason: text(i) }));
    await writeFile(join(dir, MANIFEST), jsonl(earlier));
    expect((await stat(join(dir, MANIFEST))).size).to.be.above(3 * 65_536);
    const journal = await openJournal(dir, false);
    expect(journal.previous.size).to.equal(1500);
    for (const l of earlier) expect(journal.previous.get(l.sessionId)).to.deep.equal(l);
    const ours = earlier.map((l, i) => ({ ...l, sessionId: S(`b${String(i).padStart(4, '0')}`) }));
    for (const l of ours) await journal.append(l); // eslint-disable-line no-await-in-loop -- in order
    expect(await finished(journal)).to.deep.equal(ours);
    expect(await read()).to.equal(jsonl([...earlier, ...ours]));
  });

  it('many concurrent appends never interleave', async () => {
    const journal = await openJournal(dir, false);
    const ids = Array.from({ length: 500 }, (_, i) => S(String(i).padStart(4, '0')));
    // Lines of different lengths, up to a few KB.
    await Promise.all(ids.map((id, i) => journal.append({ ...line(id), reason: 'x'.repeat(i * 7) })));
    const lines = (await read()).split('\n').filter(Boolean);
    expect(lines).to.have.length(500);
    for (const l of lines) expect(() => JSON.parse(l) as unknown).to.not.throw();
    expect((await finished(journal)).map((l) => l.sessionId)).to.deep.equal(ids);
  });

  it('resume trusts only lines that pass every check: a hand-edited or foreign line means "not exported" (generated mutations)', async () => {
    const good = line(S('a'));
    const mutations: Array<[string, unknown]> = [
      ['sessionId', '../../x'], ['sessionId', 'not-an-id'], ['sessionId', 42], ['sessionId', `${S('a').slice(0, 17)}z`],
      ['conversationIdentifier', ''.padEnd(300, 'x')], ['conversationIdentifier', 'x'.repeat(256)], ['conversationIdentifier', 7],
      ['status', 'partially'], ['status', 'EXPORTED'], ['status', null],
      ['entryCount', '9999<script>'], ['entryCount', -1], ['entryCount', 1.5], ['entryCount', Number.MAX_SAFE_INTEGER + 2],
      ['file', '../escape.json'], ['file', `${S('b')}.json`], ['file', '/etc/passwd'], ['file', `${S('a')}.json/..`],
      ['sha256', 'A'.repeat(64)], ['sha256', 'a'.repeat(63)], ['sha256', 'z'.repeat(64)],
      ['reason', { html: '<b>' }], ['httpStatus', 999], ['httpStatus', '500'],
      ['at', 'yesterday'], ['at', 5], ['durationMs', -3], ['durationMs', '5'], ['skipped', 'yes'],
    ];
    const bad = mutations.map(([key, value], i) => ({ ...good, sessionId: S(`m${String(i).padStart(3, '0')}`), file: `${S(`m${String(i).padStart(3, '0')}`)}.json`, [key]: value }));
    await writeFile(join(dir, MANIFEST), jsonl([good, ...bad, ['an array'], 'a string', null, 12]));
    const journal = await openJournal(dir, false);
    expect(journal.previous.get(good.sessionId)).to.deep.equal(good);
    for (const [i, b] of bad.entries()) {
      const id = typeof b.sessionId === 'string' ? b.sessionId : '';
      expect(journal.previous.get(id), `mutation ${JSON.stringify(mutations[i])}`).to.equal(undefined);
    }
    await journal.close();
  });

  it('the manifest is never opened through a symlink', async () => {
    const target = join(dir, 'elsewhere.txt');
    await writeFile(target, 'not ours\n');
    await symlink(target, join(dir, MANIFEST));
    let error: NodeJS.ErrnoException | undefined;
    await openJournal(dir, false).catch((e: NodeJS.ErrnoException) => (error = e));
    expect(error?.code).to.equal('ELOOP');
    expect(await readFile(target, 'utf8')).to.equal('not ours\n');
  });
});
