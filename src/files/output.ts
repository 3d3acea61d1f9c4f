/*
 * Where a transcript goes: stdout, or a file written atomically (a temp file in the same directory, mode 0600,
 * renamed into place), because transcripts hold personal data and a half-written file must never be visible.
 */
import { once } from 'node:events';
import { createWriteStream, unlinkSync, type WriteStream } from 'node:fs';
import { link, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SfError } from '@salesforce/core';
import { printable } from '../input/ids.js';
import { bundle, ExitCode } from '../messages.js';
import { whileInterruptible } from './cleanup.js';
import { processAlive } from './lock.js';

const messages = bundle('files');

const CHUNK = 64 * 1024;

/** Writes `chunks` to `out` in ~64 KB writes, waiting for the stream to drain; never holds the whole output. */
export async function writeChunks(chunks: Iterable<string>, out: NodeJS.WritableStream): Promise<void> {
  let buffer = '';
  const flush = async (): Promise<void> => {
    if (!buffer) return;
    const ok = out.write(buffer);
    buffer = '';
    if (!ok) await once(out, 'drain');
  };
  for (const chunk of chunks) {
    buffer += chunk;
    // eslint-disable-next-line no-await-in-loop -- backpressure: wait for the stream before producing more
    if (buffer.length >= CHUNK) await flush();
  }
  await flush();
}

/** A path that is empty or only spaces (or ends in a name that is) is a mistake, not a file name. */
function checkNotBlank(path: string, flag: string, kind: string, example: string): void {
  if (!path.trim() || !basename(path).trim()) throw messages.fail('OutputPathBlank', ExitCode.InvalidInput, [flag, printable(path), kind], [kind, example]);
}

/** The flag a file to write was given with, as its errors name it: get's --output-file, doctor's --report. */
export type FileFlag = { flag: string; example: string; stdout: boolean };
const OUTPUT_FILE: FileFlag = { flag: '--output-file', example: 'transcript.csv', stdout: true };

/** Before any request: the file must not exist (unless --force), and its directory must. */
export async function checkOutputFile(path: string, force: boolean, as: FileFlag = OUTPUT_FILE): Promise<void> {
  checkNotBlank(path, as.flag, 'file', as.example);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw messages.fail('OutputFileIsDirectory', ExitCode.InvalidInput, [path, as.flag], [path, as.example]);
  if (existing && !force) throw messages.fail('OutputFileExists', ExitCode.InvalidInput, [path, as.flag], [as.flag]);
  const dir = await stat(dirname(path)).catch(() => undefined);
  if (!dir?.isDirectory()) throw messages.fail('OutputDirMissing', ExitCode.InvalidInput, [dirname(path), path], [as.flag]);
  await checkWritable(dirname(path), path, as);
}

/**
 * Before any request: a file can be created in `dir` (a read-only file system, no permission, or a pseudo-file system
 * such as /proc would otherwise fail only after the conversation was fetched, and marked active). Creates and removes
 * a probe file named like this process's temp files, so a kill in between leaves nothing another run won't tidy.
 */
async function checkWritable(dir: string, path: string, as: FileFlag): Promise<void> {
  const probe = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(probe, 'wx', 0o600);
    await handle.close();
    await unlink(probe);
  } catch (error) {
    const orStdout = as.stdout ? messages.text('hint.orStdout', [as.flag]) : '';
    throw writeFailed(error, path) ?? messages.fail('OutputNotWritable', ExitCode.InvalidInput, [as.flag, printable(path), (error as NodeJS.ErrnoException).code ?? 'error'], [orStdout]);
  }
}

/** Before any request: the export directory may be missing (it is created), but must not be a file. */
export async function checkOutputDir(path: string): Promise<void> {
  checkNotBlank(path, '--output-dir', 'directory', 'conversations');
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw messages.fail('OutputDirIsFile', ExitCode.InvalidInput, [path]);
}

/** Errors of the file system that mean the output can't be written there (a full disk, a read-only one, no permission). */
const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'full',
  EDQUOT: 'quota',
  EFBIG: 'tooBig',
  EROFS: 'readOnly',
  EACCES: 'denied',
  EPERM: 'denied',
  EIO: 'io',
};

/**
 * The named error (WriteFailed, exit 11) for an error writing `path` that the user must fix on their side (a full
 * disk, a read-only one, no permission), else undefined. `path` is what the user asked for, not the temp file.
 */
export function writeFailed(error: unknown, path: string): SfError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (!code || !(code in WRITE_FAILURES)) return undefined;
  return messages.fail('WriteFailed', ExitCode.WriteFailed, [printable(path), messages.text(`write.${WRITE_FAILURES[code]}`), code]);
}

/** writeFailed for standard output (`> file` on a full disk). */
export const stdoutWriteFailed = (error: unknown): SfError | undefined => writeFailed(error, messages.text('write.stdout'));

/**
 * Writes `chunks` to `path` atomically with mode 0600. Without `force`, never replaces a file that appeared meanwhile.
 * A full disk, a read-only one or no permission is a WriteFailed error naming `path`; no temp file is left.
 */
export async function writeFileAtomically(path: string, chunks: Iterable<string>, force: boolean, as: FileFlag = OUTPUT_FILE): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  // 'wx': a fresh file, never someone else's; flush: fsync before close, so the rename never exposes a partial file.
  const stream: WriteStream = createWriteStream(temp, { flags: 'wx', mode: 0o600, flush: true });
  // Interrupted while writing (Ctrl-C): the temp file goes, and nothing half-written is left under any name.
  const settled = whileInterruptible(() => unlinkSync(temp));
  try {
    await once(stream, 'open');
    await writeChunks(chunks, stream);
    stream.end();
    await once(stream, 'close');
    if (force) {
      await rename(temp, path);
    } else {
      // link() fails if the name exists, so a file created since the check is never overwritten.
      await link(temp, path).catch((error: NodeJS.ErrnoException) => {
        throw error.code === 'EEXIST' ? messages.fail('OutputFileExists', ExitCode.InvalidInput, [path, as.flag], [as.flag]) : error;
      });
      await unlink(temp);
    }
  } catch (error) {
    stream.destroy();
    await unlink(temp).catch(() => undefined);
    throw writeFailed(error, path) ?? error;
  } finally {
    settled();
  }
}

const TEMP = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;
/** What follows `.<file name>.` in the name of that file's temp file. */
const TEMP_OF_FILE = /^(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes temp files a killed run left in `dir` (only ours, and only if the process that wrote them is gone); with
 * `file`, only the temp files of that file name (get, whose directory may be anyone's).
 */
export async function removeStaleTempFiles(dir: string, file?: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((name) => {
    const prefix = file === undefined ? '' : `.${file}.`;
    if (!name.startsWith(prefix)) return false;
    const pid = (file === undefined ? TEMP : TEMP_OF_FILE).exec(name.slice(prefix.length))?.[1];
    return pid !== undefined && Number(pid) !== process.pid && !processAlive(Number(pid));
  });
  await Promise.all(stale.map((name) => unlink(join(dir, name)).catch(() => undefined)));
  return stale.length;
}
