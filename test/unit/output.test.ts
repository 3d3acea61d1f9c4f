import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import type { SfError } from '@salesforce/core';
import { checkOutputFile, writeFailed, writeFileAtomically } from '../../src/files/output.js';
import { writeToStdout } from '../../src/cli/stdout.js';

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
    const { removeStaleTempFiles } = await import('../../src/files/output.js');
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

  it('with a file name, removes only that file’s stale temp files (get, in a directory that may be anyone’s)', async () => {
    const { removeStaleTempFiles } = await import('../../src/files/output.js');
    const dir = await mkdtemp(join(tmpdir(), 'stale-test-'));
    try {
      const dead = 2 ** 22 + 12_345;
      const names = [
        `.t.md.${dead}.0a1b2c3d.tmp`, // t.md's, writer gone: removed
        `.t.md.${process.pid}.0a1b2c3d.tmp`, // t.md's, writer alive
        `.other.md.${dead}.0a1b2c3d.tmp`, // another file's
        `.xt.md.${dead}.0a1b2c3d.tmp`, // another file whose name ends like it
        `.t.md.x.${dead}.0a1b2c3d.tmp`, // another file whose name starts like it
        't.md',
      ];
      for (const name of names) await writeFile(join(dir, name), 'x');
      expect(await removeStaleTempFiles(dir, 't.md')).to.equal(1);
      expect((await readdir(dir)).sort()).to.deep.equal(names.slice(1).sort());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('output that can’t be written: WriteFailed (exit 11) naming the path', () => {
  it('maps each file-system refusal to WriteFailed, and leaves every other error alone', () => {
    const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: failed, write`), { code });
    for (const [code, says] of [
      ['ENOSPC', 'disk is full'],
      ['EDQUOT', 'quota'],
      ['EFBIG', 'larger'],
      ['EROFS', 'read-only'],
      ['EACCES', 'permission denied'],
      ['EPERM', 'permission denied'],
      ['EIO', 'I/O error'],
    ]) {
      const error = writeFailed(errno(code), '/data/out/t\u001b[31m.md');
      expect(error?.name, code).to.equal('WriteFailedError');
      expect(error?.exitCode, code).to.equal(11);
      // The path as the user gave it (control characters made visible), the reason and the code.
      expect(error?.message, code).to.include('/data/out/t\\u001b[31m.md').and.include(says).and.include(code);
      expect(error?.message, code).not.to.include('\u001b');
    }
    for (const other of [errno('EEXIST'), errno('ENOENT'), new Error('render failed'), undefined]) expect(writeFailed(other, '/x')).to.equal(undefined);
  });

  it('a directory that can’t be written (a real EACCES or EROFS): WriteFailed naming the file', async function () {
    // A 0500 directory refuses anyone but root; /sys refuses root too (EACCES, or EROFS when mounted read-only).
    const dir = await mkdtemp(join(tmpdir(), 'unwritable-'));
    await chmod(dir, 0o500);
    const candidates = [dir, '/sys'];
    let target: string | undefined;
    for (const candidate of candidates) {
      // eslint-disable-next-line no-await-in-loop
      const refused = await writeFile(join(candidate, '.probe'), '', { flag: 'wx' }).then(
        () => false,
        () => true
      );
      if (refused) {
        target = candidate;
        break;
      }
      // eslint-disable-next-line no-await-in-loop
      await rm(join(candidate, '.probe'), { force: true });
    }
    try {
      if (!target) this.skip();
      const file = join(target, 'transcript.md');
      const error = await writeFileAtomically(file, ['x'], false).then(
        () => undefined,
        (e: SfError) => e
      );
      expect(error?.name).to.equal('WriteFailedError');
      expect(error?.exitCode).to.equal(11);
      expect(error?.message).to.include(file).and.match(/EACCES|EROFS|EPERM/);
    } finally {
      await chmod(dir, 0o700);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a disk that fills up half way: WriteFailed, and no temp file is left', async () => {
    function* filling(): Generator<string> {
      yield 'x'.repeat(200_000);
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    }
    const dir = await mkdtemp(join(tmpdir(), 'enospc-'));
    try {
      const file = join(dir, 't.md');
      const error = await writeFileAtomically(file, filling(), false).then(
        () => undefined,
        (e: SfError) => e
      );
      expect(error?.name).to.equal('WriteFailedError');
      expect(error?.message).to.include(file).and.include('ENOSPC');
      expect(await readdir(dir)).to.deep.equal([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('standard output on /dev/full (a real ENOSPC): WriteFailed naming standard output; the stream’s own listeners are back afterwards', async function () {
    if (!existsSync('/dev/full')) this.skip();
    const out = createWriteStream('/dev/full') as unknown as NodeJS.WriteStream;
    await once(out, 'open');
    const theirs = (): void => undefined;
    out.on('error', theirs);
    const error = await writeToStdout(['x'.repeat(100_000)], out).then(
      () => undefined,
      (e: SfError) => e
    );
    expect(error?.name).to.equal('WriteFailedError');
    expect(error?.exitCode).to.equal(11);
    expect(error?.message).to.include('standard output').and.include('ENOSPC');
    expect(out.listeners('error')).to.deep.equal([theirs]);
  });

  it('a reader that went away (EPIPE, `| head`) ends the output quietly', async () => {
    const out = new Writable({
      write(_chunk, _encoding, callback): void {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    }) as unknown as NodeJS.WriteStream;
    await writeToStdout(['a'.repeat(100_000), 'b'], out);
  });
});
