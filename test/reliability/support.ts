/*
 * Shared by the reliability suite (not a test file): a Rig owns the emulators, the isolated sf homes, a temp root for
 * every output, and every CLI run of one test file. Every run gets SF_LOG_LEVEL=trace, its stdout/stderr is kept,
 * and the access tokens the emulators hand out are sampled while it runs, so the file's after-hook
 * (assertNoSecrets) can check that no token, refresh token or client secret ever reached an output, a log file or any
 * other file under a home or the temp root.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ManifestLine } from '../../src/files/manifest.js';
import { startEmulator, type Emulator, type EmulatorOptions, type LoggedRequest } from '../emulator/server.js';
import { CLIENT_APPS, SESSION_RECORDS } from '../emulator/seed.js';
import { startCli, type CliExit, type CliProcess, type CliOptions, type CliResult } from '../helpers/cli.js';
import { createSfHome, type SfHome, type SfHomeOptions } from '../helpers/sfHome.js';

export const ENTRIES_PATH = '/platform/engagement/v1.0/conversation-entries';
export const EXPORT = ['conversation', 'entries', 'export'];
export const GET = ['conversation', 'entries', 'get'];
export const DOCTOR = ['conversation', 'doctor'];
export const CLIENT_SECRET = CLIENT_APPS.clientCredentials.clientSecret as string;
export const CC_CLIENT_ID = CLIENT_APPS.clientCredentials.clientId;

/**
 * Node's on-disk compile cache for the CLI processes: it only makes module loading cheaper (the suite starts a few
 * hundred processes on 2 CPUs); behaviour is unchanged. Shared by every run, kept between runs like any cache.
 */
const COMPILE_CACHE = join(realpathSync(tmpdir()), 'plugin-conversation-test-compile-cache');

export const isEntries = (r: LoggedRequest): boolean => r.path === ENTRIES_PATH;
export const isTokenRequest = (r: LoggedRequest): boolean => r.method === 'POST' && r.path === '/services/oauth2/token';
export const conversationOf = (sessionId: string): string | null => SESSION_RECORDS.find((s) => s.id18 === sessionId)?.conversationIdentifier ?? null;
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** A run's output for failure messages: exit, signal (of a spawned run) and the start of stdout and stderr. */
export const show = (r: CliResult & { signal?: NodeJS.Signals | null }): string =>
  `exit ${String(r.code)}${r.signal ? ` (${r.signal})` : ''}\nstdout: ${r.stdout.slice(0, 1500)}\nstderr: ${r.stderr.slice(0, 1500)}`;

export type Leak = { where: string; what: string };

const JWT = /eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;
const OPAQUE = /00D[A-Za-z0-9]{12,15}![\w.]{16,}/g;
const REFRESH = /5Aep861[A-Za-z0-9]{30,}/g;

/** Whether a JWT-shaped string really is one: its first part decodes to a JSON header with `alg`. */
function isJwt(candidate: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(candidate.split('.')[0], 'base64url').toString('utf8')) as { alg?: unknown };
    return typeof header.alg === 'string';
  } catch {
    return false;
  }
}

/**
 * Secrets in `text`: any of `known` (exact), and anything shaped like one the emulator issues (a JWT, an opaque
 * `00D…!…` session id, a `5Aep861…` refresh token), known or not, so a token nobody sampled is caught too.
 */
export function findLeaks(text: string, known: Iterable<string>, where: string): Leak[] {
  const leaks: Leak[] = [];
  for (const secret of known) if (secret && text.includes(secret)) leaks.push({ where, what: `known secret ${secret.slice(0, 12)}…` });
  for (const m of text.match(JWT) ?? []) if (isJwt(m)) leaks.push({ where, what: `JWT ${m.slice(0, 16)}…` });
  for (const m of text.match(OPAQUE) ?? []) leaks.push({ where, what: `opaque token ${m.slice(0, 20)}…` });
  for (const m of text.match(REFRESH) ?? []) leaks.push({ where, what: `refresh token ${m.slice(0, 10)}…` });
  return leaks;
}

/** Secrets left in the runs' output, or in any file under `root` (read as latin1, so binary files are searched too). */
export async function leaksLeft(outputs: ReadonlyArray<{ stdout: string; stderr: string }>, root: string, known: Iterable<string>): Promise<Leak[]> {
  const secrets = [...known];
  const leaks = outputs.flatMap((r, i) => findLeaks(`${r.stdout}\n${r.stderr}`, secrets, `output of run ${i + 1}`));
  for (const file of await walk(root)) leaks.push(...findLeaks(await readFile(file, 'latin1'), secrets, file));
  return leaks;
}

/** Every file under `dir`, recursively (dot-files included). */
export async function walk(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    // eslint-disable-next-line no-await-in-loop
    if (entry.isDirectory()) found.push(...(await walk(path)));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

export type FileState = { bytes: Buffer; mode: number };
/** The files of an export directory: name → content and permission bits. */
export type DirSnapshot = Map<string, FileState>;

export async function snapshot(dir: string): Promise<DirSnapshot> {
  const out: DirSnapshot = new Map();
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    // eslint-disable-next-line no-await-in-loop
    const [bytes, info] = await Promise.all([readFile(path), stat(path)]);
    out.set(name, { bytes, mode: info.mode & 0o777 });
  }
  return out;
}

export const manifestLines = (bytes: Buffer | undefined): ManifestLine[] =>
  (bytes?.toString('utf8') ?? '')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ManifestLine);

/** Manifest lines without the timing fields (`at`, `durationMs`), the only ones allowed to differ between runs. */
export const untimed = (lines: ManifestLine[]): Array<Omit<ManifestLine, 'at' | 'durationMs'>> =>
  lines.map(({ at, durationMs, ...rest }) => {
    expect(Number.isNaN(Date.parse(at)), `manifest "at" ${at}`).to.equal(false);
    expect(durationMs, 'manifest durationMs').to.be.a('number').and.at.least(0);
    return rest;
  });

/**
 * How `actual` differs from `clean`: names (so a leftover temp file shows), bytes and modes of every file but the
 * manifest, and the manifest apart from its timing fields. Empty when they are the same.
 */
export function differences(actual: DirSnapshot, clean: DirSnapshot): string[] {
  const out: string[] = [];
  const a = [...actual.keys()].sort();
  const c = [...clean.keys()].sort();
  if (JSON.stringify(a) !== JSON.stringify(c)) {
    out.push(`names: extra ${JSON.stringify(a.filter((n) => !clean.has(n)))}, missing ${JSON.stringify(c.filter((n) => !actual.has(n)))}`);
  }
  for (const [name, want] of clean) {
    const got = actual.get(name);
    if (!got || name === 'manifest.jsonl') continue;
    if (!got.bytes.equals(want.bytes)) out.push(`${name}: content differs (${got.bytes.length} bytes, clean ${want.bytes.length})`);
    if (got.mode !== want.mode) out.push(`${name}: mode ${got.mode.toString(8)}, clean ${want.mode.toString(8)}`);
  }
  const gotManifest = JSON.stringify(untimed(manifestLines(actual.get('manifest.jsonl')?.bytes)));
  const wantManifest = JSON.stringify(untimed(manifestLines(clean.get('manifest.jsonl')?.bytes)));
  if (gotManifest !== wantManifest) out.push(`manifest.jsonl differs apart from timing fields:\n${gotManifest}\nclean:\n${wantManifest}`);
  return out;
}

type Output = { label: string; text: string };

export class Rig {
  /** Every run's stdout and stderr, for the secret check. */
  public readonly outputs: Output[] = [];
  /** Access tokens seen while runs were going (sampled from the emulators), plus any a test adds. */
  public readonly tokens = new Set<string>();
  private readonly emulators: Emulator[] = [];
  private readonly homes: SfHome[] = [];
  private readonly usedHomes = new Set<SfHome>();
  private active = 0;
  private sampler?: NodeJS.Timeout;
  private dirs = 0;

  private constructor(public readonly root: string) {}

  public static async create(label: string): Promise<Rig> {
    mkdirSync(COMPILE_CACHE, { recursive: true });
    return new Rig(await mkdtemp(join(realpathSync(tmpdir()), `reliability-${label}-`)));
  }

  public async emulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const emu = await startEmulator(options);
    this.emulators.push(emu);
    return emu;
  }

  /** An isolated sf home authorised to `emu` (refreshable by default, so a revoked token can be refreshed). */
  public async home(emu: Emulator, options: SfHomeOptions = {}): Promise<SfHome> {
    const home = await createSfHome(emu, { refreshable: true, ...options });
    this.homes.push(home);
    return home;
  }

  /** A path under the root that does not exist yet. */
  public newPath(prefix = 'out'): string {
    return join(this.root, `${prefix}-${++this.dirs}`);
  }

  /** The environment of a run: the home's, `extra`, then always trace logging and the compile cache. */
  public env(home: SfHome, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...home.env, ...extra, SF_LOG_LEVEL: 'trace', NODE_COMPILE_CACHE: COMPILE_CACHE };
  }

  /** Starts the built CLI against `home`; its working directory is the root, so stray relative writes are scanned. */
  public start(home: SfHome, args: string[], options: CliOptions & { env?: NodeJS.ProcessEnv; label?: string } = {}): CliProcess {
    this.usedHomes.add(home);
    this.sample();
    this.active++;
    this.sampler ??= setInterval(() => this.sample(), 5);
    const run = startCli(args, this.env(home, options.env), { input: options.input, cwd: options.cwd ?? this.root });
    const label = options.label ?? args.join(' ').slice(0, 200);
    const done = run.done.then((result) => {
      this.sample();
      this.outputs.push({ label: `stdout of ${label}`, text: result.stdout }, { label: `stderr of ${label}`, text: result.stderr });
      if (--this.active === 0 && this.sampler) {
        clearInterval(this.sampler);
        this.sampler = undefined;
      }
      return result;
    });
    return { child: run.child, done };
  }

  public run(home: SfHome, args: string[], options: CliOptions & { env?: NodeJS.ProcessEnv; label?: string } = {}): Promise<CliExit> {
    return this.start(home, args, options).done;
  }

  /** Every secret found anywhere a run could have left one; see the file comment. */
  public async leaks(): Promise<Leak[]> {
    this.sample();
    const known = new Set([...this.tokens, CLIENT_SECRET]);
    for (const emu of this.emulators) known.add(emu.refreshToken);
    const leaks: Leak[] = [];
    for (const o of this.outputs) leaks.push(...findLeaks(o.text, known, o.label));
    const files = [...(await walk(this.root))];
    for (const home of this.homes) files.push(...(await walk(home.home)));
    for (const file of files) {
      // eslint-disable-next-line no-await-in-loop
      leaks.push(...findLeaks(await readFile(file, 'latin1'), known, file));
    }
    return leaks;
  }

  /**
   * The after-hook check: no secret anywhere, and the check could have failed: every home a run used has a non-empty
   * sf log file with trace-level lines, and tokens were sampled.
   */
  public async assertNoSecrets(): Promise<void> {
    expect(this.outputs.length, 'runs checked').to.be.greaterThan(0);
    expect(this.tokens.size, 'access tokens sampled').to.be.greaterThan(0);
    for (const home of this.usedHomes) {
      // eslint-disable-next-line no-await-in-loop
      const logs = (await walk(join(home.home, '.sf'))).filter((f) => /[/\\]sf-[^/\\]*\.log$/.test(f));
      expect(logs.length, `sf log files in ${home.home}`).to.be.greaterThan(0);
      // eslint-disable-next-line no-await-in-loop
      const text = (await Promise.all(logs.map((f) => readFile(f, 'utf8')))).join('');
      expect(text.length, `sf log size in ${home.home}`).to.be.greaterThan(0);
      expect(text, 'the sf log has trace-level (10) lines').to.include('"level":10');
    }
    const leaks = await this.leaks();
    expect(leaks, 'secrets found in outputs or files').to.deep.equal([]);
  }

  public async cleanup(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    await Promise.all(this.homes.map((h) => h.cleanup()));
    await Promise.all(this.emulators.map((e) => e.stop()));
    await rm(this.root, { recursive: true, force: true });
  }

  private sample(): void {
    for (const emu of this.emulators) this.tokens.add(emu.accessToken);
  }
}

/** Registers the file's after-hook: the secret check, then cleanup (also when the check fails). */
export function afterCheckingSecrets(rig: () => Rig | undefined): void {
  after(async function () {
    this.timeout(120_000);
    const r = rig();
    if (!r) return;
    try {
      await r.assertNoSecrets();
    } finally {
      await r.cleanup();
    }
  });
}
