import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { checkOutputFile, writeFileAtomically } from '../../src/transcript/output.js';

describe('atomic output files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'output-test-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('writes all chunks with mode 0600 and leaves no temp file', async () => {
    const file = join(dir, 't.txt');
    const chunks = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(50)}\n`);
    await writeFileAtomically(file, chunks, false);
    expect(await readFile(file, 'utf8')).to.equal(chunks.join(''));
    expect((await stat(file)).mode & 0o777).to.equal(0o600);
    expect(await readdir(dir)).to.deep.equal(['t.txt']);
  });

  it('never replaces a file that appeared after the check, unless forced', async () => {
    const file = join(dir, 't.txt');
    await checkOutputFile(file, false);
    await writeFile(file, 'someone else');
    let error: Error | undefined;
    await writeFileAtomically(file, ['mine'], false).catch((e: Error) => (error = e));
    expect(error?.name).to.equal('OutputFileExistsError');
    expect(await readFile(file, 'utf8')).to.equal('someone else');
    expect(await readdir(dir)).to.deep.equal(['t.txt']);
    await writeFileAtomically(file, ['mine'], true);
    expect(await readFile(file, 'utf8')).to.equal('mine');
  });

  it('leaves nothing behind when rendering fails half way', async () => {
    const file = join(dir, 't.txt');
    function* failing(): Generator<string> {
      yield 'x'.repeat(200_000);
      throw new Error('render failed');
    }
    let error: Error | undefined;
    await writeFileAtomically(file, failing(), false).catch((e: Error) => (error = e));
    expect(error?.message).to.equal('render failed');
    expect(await readdir(dir)).to.deep.equal([]);
  });

  it('checks the path before anything is fetched', async () => {
    await writeFile(join(dir, 'exists'), '');
    const names = async (path: string, force = false): Promise<string | undefined> =>
      checkOutputFile(path, force).then(
        () => undefined,
        (e: Error) => e.name
      );
    expect(await names(join(dir, 'exists'))).to.equal('OutputFileExistsError');
    expect(await names(join(dir, 'exists'), true)).to.equal(undefined);
    expect(await names(dir)).to.equal('OutputFileIsDirectoryError');
    expect(await names(join(dir, 'missing', 'x'))).to.equal('OutputDirMissingError');
    expect(await names(join(dir, 'new.csv'))).to.equal(undefined);
  });
});

describe('stale temp files', () => {
  it('removes only our temp files whose writer is gone', async () => {
    const { removeStaleTempFiles } = await import('../../src/transcript/output.js');
    const dir = await mkdtemp(join(tmpdir(), 'stale-test-'));
    try {
      const dead = 2 ** 22 + 12_345; // above the default pid_max: no such process
      await writeFile(join(dir, `.a.json.${dead}.0a1b2c3d.tmp`), 'partial');
      await writeFile(join(dir, `.b.json.${process.pid}.0a1b2c3d.tmp`), 'mine, in progress');
      await writeFile(join(dir, 'notes.tmp'), 'not ours');
      await writeFile(join(dir, 'a.json'), 'done');
      expect(await removeStaleTempFiles(dir)).to.equal(1);
      expect((await readdir(dir)).sort()).to.deep.equal([`.b.json.${process.pid}.0a1b2c3d.tmp`, 'a.json', 'notes.tmp']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
