/*
 * Interrupted exports: `kill -9` at seeded points, each followed by a re-run of the same command, and an access token
 * revoked in the middle of an export. Both must end with the directory an uninterrupted run leaves (the manifest
 * apart from its timing fields), and no file under a final name may ever be seen partial.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ManifestLine } from '../../src/files/manifest.js';
import type { ExportResult } from '../../src/usecases/export.js';
import { mulberry32 } from '../emulator/prng.js';
import type { Emulator } from '../emulator/server.js';
import { BULK_SESSIONS, SESSIONS } from '../emulator/seed.js';
import type { CliProcess } from '../helpers/cli.js';
import type { SfHome } from '../helpers/sfHome.js';
import { afterCheckingSecrets, conversationOf, differences, EXPORT, isEntries, isTokenRequest, Rig, show, sleep, snapshot, type DirSnapshot } from './support.js';

const KILL_SEED = 0x6b_11_20_25;
const KILLS = 5;
/** Revoke the token once this many manifest lines (finished sessions) were written. */
const REVOKE_AFTER = 12;

/** A temp file of writeFileAtomically (src/transcript/output.ts): `.<name>.<pid>.<8 hex>.tmp`. */
const TEMP = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;
const LOCK = /^\.conversation-export\.lock(?:\.[0-9a-f]{12}\.stale)?$/;
/** A final name: `<18-char session id>.json`. */
const FINAL = /^0Mw[A-Za-z0-9]{15}\.json$/;

type KillPoint = { kind: 'entries' | 'manifest'; n: number; delayMs: number };

/** The kill points, from the emulator's PRNG: after the nth entries response was sent, or the nth manifest line. */
function killPoints(seed: number): KillPoint[] {
  const random = mulberry32(seed);
  return Array.from({ length: KILLS }, () => ({
    kind: random() < 0.5 ? 'entries' : 'manifest',
    n: 1 + Math.floor(random() * 7),
    delayMs: Math.floor(random() * 20),
  }));
}

/** Complete lines of the manifest journal (a line cut short by a kill has no newline yet). */
const completeLines = (text: string): number => text.split('\n').length - 1;

/** The sessions the journal says were exported, reading it as the command does (cut-short lines skipped). */
function journalledExported(text: string): Set<string> {
  const done = new Set<string>();
  for (const line of text.split('\n')) {
    try {
      const parsed = JSON.parse(line) as ManifestLine;
      if (parsed.status === 'exported') done.add(parsed.sessionId);
    } catch {
      // empty or cut short
    }
  }
  return done;
}

/**
 * Polls an export directory every 2 ms while runs go on: every file under a final name must be byte-identical
 * to the clean run's file whenever it is seen; anything else must be the manifest or a temp file. Also counts the
 * manifest's complete lines, for kill points.
 */
class DirWatcher {
  /** How many times a final-named file was seen (and checked). */
  public checked = 0;
  public manifestLines = 0;
  public readonly violations: string[] = [];
  private running = true;
  /** name → the stat of a version already compared (equal), so an unchanged file isn't read again. */
  private readonly verified = new Map<string, string>();

  public constructor(private readonly dir: string, private readonly clean: DirSnapshot) {}

  public async loop(): Promise<void> {
    while (this.running) {
      // eslint-disable-next-line no-await-in-loop
      await this.pass();
      // eslint-disable-next-line no-await-in-loop
      await sleep(2);
    }
  }

  public stop(): void {
    this.running = false;
  }

  public async pass(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.dir, name);
      if (name === 'manifest.jsonl') {
        // eslint-disable-next-line no-await-in-loop
        this.manifestLines = completeLines(await readFile(path, 'utf8').catch(() => ''));
        continue;
      }
      // Temp files, and the export's lock (with the names a stale one is moved aside to while taken over).
      if (TEMP.test(name) || LOCK.test(name)) continue;
      const want = this.clean.get(name);
      if (!FINAL.test(name) || !want) {
        this.violation(`unexpected file ${name}`);
        continue;
      }
      // eslint-disable-next-line no-await-in-loop
      const info = await stat(path).catch(() => undefined);
      if (!info) continue;
      const key = `${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
      this.checked++;
      if (this.verified.get(name) === key) continue;
      // eslint-disable-next-line no-await-in-loop
      const bytes = await readFile(path).catch(() => undefined);
      if (!bytes) continue;
      if (bytes.equals(want.bytes)) this.verified.set(name, key);
      else this.violation(`${name} seen with ${bytes.length} bytes that are not the clean run's ${want.bytes.length}`);
    }
  }

  /** Each distinct violation once (a partial file left by a kill is seen on every pass). */
  private violation(text: string): void {
    if (!this.violations.includes(text)) this.violations.push(text);
  }
}

describe('reliability: interrupted exports end as uninterrupted ones', function () {
  this.timeout(600_000);
  let rig: Rig | undefined;
  let emu: Emulator;
  let home: SfHome;
  let idFile: string;
  let clean: DirSnapshot;
  // 76 three-entry conversations, the 2,500-entry one (3 pages, a 2.2 MB file), two short ones, one without.
  const ids = [...BULK_SESSIONS.slice(600, 676), SESSIONS.long, SESSIONS.short, SESSIONS.pii, SESSIONS.noConversation];
  const conversations = ids.map(conversationOf).filter((c): c is string => c !== null);
  const args = (dir: string): string[] => [...EXPORT, '-o', 'interrupt', '-d', dir, '--session-file', idFile, '--concurrency', '3', '--rate-limit', '0', '--json'];

  before(async function () {
    this.timeout(180_000);
    rig = await Rig.create('interrupt');
    // Some latency, so a run lasts long enough to be interrupted at a chosen point.
    emu = await rig.emulator({ latencyMs: 25 });
    home = await rig.home(emu, { alias: 'interrupt' });
    idFile = join(rig.root, 'ids.txt');
    await writeFile(idFile, `${ids.join('\n')}\n`);
    const cleanDir = rig.newPath('clean');
    const r = await rig.run(home, args(cleanDir), { label: 'clean export' });
    expect(r.code, show(r)).to.equal(0);
    expect(r.json?.result).to.include({ exported: conversations.length, noConversation: 1, failed: 0 });
    clean = await snapshot(cleanDir);
    expect(clean.size).to.equal(conversations.length + 1);
  });
  afterCheckingSecrets(() => rig);

  /** Kills the run (SIGKILL) once it reached the point; returns at once if it ended first. */
  async function killAt(run: CliProcess, point: KillPoint, watcher: DirWatcher, linesAtStart: number): Promise<void> {
    let ended = false;
    void run.done.then(() => (ended = true));
    for (;;) {
      const progress = point.kind === 'entries' ? emu.requests.filter((q) => isEntries(q) && q.doneAt !== undefined).length : watcher.manifestLines - linesAtStart;
      if (ended || progress >= point.n) break;
      // eslint-disable-next-line no-await-in-loop
      await sleep(1);
    }
    if (point.delayMs) await sleep(point.delayMs);
    run.child.kill('SIGKILL');
  }

  const points = killPoints(KILL_SEED);
  const described = points.map((p) => `${p.kind === 'entries' ? `entries response ${p.n}` : `manifest line ${p.n}`} + ${p.delayMs} ms`).join('; ');

  it(`kill -9 at ${KILLS} seeded points (seed ${KILL_SEED}: ${described}), each run resuming the last: the final run leaves the clean run's directory, and no final-named file is ever partial`, async () => {
    const r = rig as Rig;
    const dir = r.newPath('killed');
    const watcher = new DirWatcher(dir, clean);
    const watching = watcher.loop();
    const exportedByKilledRuns = new Set<string>();
    try {
      for (const [i, point] of points.entries()) {
        // eslint-disable-next-line no-await-in-loop
        await watcher.pass();
        const linesAtStart = watcher.manifestLines;
        emu.clearLog();
        const run = r.start(home, args(dir), { label: `killed run ${i + 1}` });
        // eslint-disable-next-line no-await-in-loop
        await killAt(run, point, watcher, linesAtStart);
        // eslint-disable-next-line no-await-in-loop
        const killed = await run.done;
        expect(killed.signal, `run ${i + 1} was still going when killed at ${JSON.stringify(point)}; ${show(killed)}`).to.equal('SIGKILL');
        // eslint-disable-next-line no-await-in-loop
        for (const id of journalledExported(await readFile(join(dir, 'manifest.jsonl'), 'utf8').catch(() => ''))) exportedByKilledRuns.add(id);
      }
      expect(exportedByKilledRuns.size, 'sessions the killed runs finished').to.be.within(1, conversations.length - 1);

      emu.clearLog();
      const final = await r.run(home, args(dir), { label: 'the re-run after the last kill' });
      expect(final.code, show(final)).to.equal(0);
      const result = final.json?.result as ExportResult;
      expect(result).to.include({ exported: conversations.length - exportedByKilledRuns.size, skipped: exportedByKilledRuns.size, failed: 0 });
      // Only what was not journalled as exported was fetched again.
      const fetched = new Set(emu.requests.filter(isEntries).map((q) => q.query.conversationIdentifier));
      const expected = new Set(ids.filter((id) => !exportedByKilledRuns.has(id)).map(conversationOf).filter((c) => c !== null));
      expect(fetched).to.deep.equal(expected);
    } finally {
      watcher.stop();
      await watching;
    }
    await watcher.pass();
    expect(watcher.violations, 'files seen under final names while runs were killed and resumed').to.deep.equal([]);
    expect(watcher.checked, 'final-named files seen and checked while the runs went on').to.be.greaterThan(conversations.length);
    expect(differences(await snapshot(dir), clean), 'the resumed directory against the clean one').to.deep.equal([]);
  });

  it(`an access token revoked after ${REVOKE_AFTER} sessions were exported is refreshed: every session exported, exit 0, files identical to a clean run`, async () => {
    const r = rig as Rig;
    const dir = r.newPath('revoked');
    emu.clearLog();
    const run = r.start(home, args(dir), { label: 'export with a revocation' });
    let ended = false;
    void run.done.then(() => (ended = true));
    let revokedAt = 0;
    let linesAtRevocation = 0;
    while (!ended && !revokedAt) {
      // eslint-disable-next-line no-await-in-loop
      const lines = completeLines(await readFile(join(dir, 'manifest.jsonl'), 'utf8').catch(() => ''));
      if (lines >= REVOKE_AFTER) {
        r.tokens.add(emu.accessToken);
        emu.revokeAccessTokens();
        revokedAt = Date.now();
        linesAtRevocation = lines;
      } else {
        // eslint-disable-next-line no-await-in-loop
        await sleep(2);
      }
    }
    const done = await run.done;
    expect(revokedAt, 'revoked while the export was going').to.be.greaterThan(0);
    expect(linesAtRevocation, 'sessions finished before the revocation').to.be.within(REVOKE_AFTER, ids.length - 10);
    expect(done.code, show(done)).to.equal(0);
    expect(done.json?.result).to.include({ exported: conversations.length, skipped: 0, failed: 0, noConversation: 1 });

    const after = emu.requests.filter((q) => q.at >= revokedAt);
    expect(after.filter((q) => isEntries(q) && q.status === 401).length, 'entries requests refused after the revocation').to.be.greaterThan(0);
    expect(after.filter((q) => isTokenRequest(q) && q.status === 200).length, 'token refreshes after the revocation').to.be.at.least(1);
    expect(after.filter((q) => isEntries(q) && q.status === 200).length, 'entries answered after the refresh').to.be.greaterThan(10);
    expect(differences(await snapshot(dir), clean), 'the export with a revocation against the clean one').to.deep.equal([]);
  });
});
