/*
 * Claiming --output-dir for one export before any request: create it if needed (mode 0700), warn when others may
 * write into it, refuse a manifest that isn't a plain file, and take the directory's lock (lock.ts). Every file name
 * an export writes is checked here to stay inside the directory.
 */
import { lstat, mkdir, rmdir } from 'node:fs/promises';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import { bundle, ExitCode } from '../messages.js';
import { acquireLock } from './lock.js';
import { writeFailed } from './output.js';
import { MANIFEST } from './manifest.js';

const messages = bundle('files');

export type ClaimedDir = {
  /** Releases the lock; with `nothingWritten`, also removes the directory if this run created it (and it is empty). */
  release(nothingWritten: boolean): Promise<void>;
};

/** Group- or world-writable: someone else could plant a file or symlink under a name the export will write. */
const writableByOthers = (mode: number): boolean => (mode & 0o022) !== 0;

export async function claimOutputDir(dir: string, warn: (message: string) => void): Promise<ClaimedDir> {
  const existed = await lstat(dir).catch(() => undefined);
  if (!existed) {
    await mkdir(dir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      throw writeFailed(error, dir) ?? error;
    });
  }
  else if (writableByOthers(existed.mode)) warn(messages.text('warning.OutputDirWritableByOthers', [dir, (existed.mode & 0o777).toString(8)]));
  const created = !existed;
  const removeIfCreated = async (): Promise<void> => {
    if (created) await rmdir(dir).catch(() => undefined);
  };
  const manifest = await lstat(join(dir, MANIFEST)).catch(() => undefined);
  if (manifest && !manifest.isFile()) {
    await removeIfCreated();
    throw messages.fail('ManifestNotAFile', ExitCode.InvalidInput, [join(dir, MANIFEST)]);
  }
  let lock;
  try {
    lock = await acquireLock(dir);
  } catch (error) {
    await removeIfCreated();
    throw writeFailed(error, dir) ?? error;
  }
  if (lock.tookOverFrom) warn(messages.text('warning.LockTakenOver', [String(lock.tookOverFrom.pid), lock.tookOverFrom.startedAt]));
  return {
    async release(nothingWritten): Promise<void> {
      await lock.release();
      if (nothingWritten) await removeIfCreated();
    },
  };
}

/** `name` joined to `dir`, refused unless it is a plain file name that stays inside `dir`. */
export function pathInside(dir: string, name: string): string | undefined {
  if (!name || name !== name.trim() || name.includes('/') || name.includes('\\') || name === '.' || name === '..') return undefined;
  const path = resolve(dir, name);
  const rel = relative(resolve(dir), path);
  return rel && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel) ? join(dir, name) : undefined;
}
