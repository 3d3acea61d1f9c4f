/*
 * One writer per output directory. An export holds `.conversation-export.lock` in --output-dir while it runs: created
 * with O_EXCL (so exactly one run can create it) and holding the owner's pid, host and a random nonce. A second run
 * into the same directory is refused at once. A lock whose owner is a process on this host that no longer exists (a
 * run killed with kill -9, or a crash) is taken over, and the caller warns; a lock from another host can't be checked,
 * so it is refused with the owner named.
 */
import { randomBytes } from 'node:crypto';
import { constants, readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { bundle, ExitCode } from '../messages.js';
import { whileInterruptible } from './cleanup.js';

const messages = bundle('files');

export const LOCK_FILE = '.conversation-export.lock';

export type LockOwner = { pid: number; host: string; startedAt: string; nonce: string };

export type Lock = {
  /** The owner of a stale lock this run took over, if it did. */
  tookOverFrom?: LockOwner;
  /** Removes the lock, if it is still this run's. Safe to call twice. */
  release(): Promise<void>;
};

/** True when a process with this pid exists on this machine (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const isOwner = (value: unknown): value is LockOwner => {
  const o = value as Partial<LockOwner> | null;
  return Boolean(o) && Number.isSafeInteger(o?.pid) && typeof o?.host === 'string' && typeof o?.nonce === 'string';
};

function ownerFrom(text: string): LockOwner | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isOwner(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const readOwner = async (path: string): Promise<LockOwner | undefined> => ownerFrom(await readFile(path, 'utf8').catch(() => ''));

const sameOwner = (a: LockOwner | undefined, b: LockOwner | undefined): boolean => Boolean(a && b && a.nonce === b.nonce);

/** Creates the lock file with O_EXCL (never following a symlink); false when it already exists. */
async function create(path: string, owner: LockOwner): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(`${JSON.stringify(owner)}\n`);
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Moves a stale lock out of the way, atomically: rename it to a name of our own, then check that what we moved is the
 * stale lock we read (another run may have taken it over and created its own meanwhile). If it isn't, put it back.
 * True when the stale lock is gone and the path is free for an O_EXCL create.
 */
async function removeStale(path: string, stale: LockOwner): Promise<boolean> {
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true; // someone else removed it
    throw error;
  }
  const moved = await readOwner(aside);
  if (sameOwner(moved, stale) || moved === undefined) {
    await unlink(aside).catch(() => undefined);
    return true;
  }
  // A live lock was moved aside: put it back where its owner expects it (link fails if a third run created one).
  await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
  return false;
}

/** Another run holds the lock (alive on this host, or on another host), or its owner can't be read. */
function held(dir: string, path: string, owner: LockOwner | undefined): Error {
  if (!owner) return messages.fail('OutputDirLockedUnknown', ExitCode.InvalidInput, [dir, path], [path]);
  return messages.fail('OutputDirLocked', ExitCode.InvalidInput, [dir, String(owner.pid), owner.host, owner.startedAt], [path, owner.host]);
}

/** Takes the directory's lock, or throws OutputDirLocked (exit 2). The directory must exist. */
export async function acquireLock(dir: string): Promise<Lock> {
  const path = join(dir, LOCK_FILE);
  const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString(), nonce: randomBytes(12).toString('hex') };
  let tookOverFrom: LockOwner | undefined;
  if (!(await create(path, owner))) {
    const current = await readOwner(path);
    // An unreadable lock (empty, cut short by a crash right after O_EXCL) has no owner to ask: only a dead owner on
    // this host can be taken over, so an unreadable one is refused too, and its path named for the user to check.
    const stale = current !== undefined && current.host === owner.host && current.pid !== process.pid && !processAlive(current.pid);
    if (!stale || !(await removeStale(path, current)) || !(await create(path, owner))) {
      throw held(dir, path, (await readOwner(path)) ?? current);
    }
    tookOverFrom = current;
  }
  let released = false;
  // Interrupted (Ctrl-C): the lock goes with the process, if it is still ours.
  const settled = whileInterruptible(() => {
    if (sameOwner(ownerFrom(readFileSync(path, 'utf8')), owner)) unlinkSync(path);
  });
  return {
    tookOverFrom,
    async release(): Promise<void> {
      if (released) return;
      released = true;
      settled();
      // Only ever remove our own lock.
      if (sameOwner(await readOwner(path), owner)) await unlink(path).catch(() => undefined);
    },
  };
}
