/*
 * Export progress as a user sees it: a line every few seconds off a terminal and nothing under --json (the command
 * in-process, helpers/command.ts, its stderr a pipe's), a progress bar on a terminal (the built command spawned under
 * util-linux `script`, which gives it a pseudo-terminal).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { BULK_SESSIONS } from '../emulator/seed.js';
import { RUN_JS } from '../helpers/cli.js';
import { runCommand } from '../helpers/command.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';
import { createSfHome, type SfHome } from '../helpers/sfHome.js';

const SESSIONS = 24;
// eslint-disable-next-line no-control-regex -- ANSI escapes are what this strips
const plain = (text: string): string => text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '\n');
const quote = (arg: string): string => `'${arg.replace(/'/g, "'\\''")}'`;

describe('conversation entries export: progress', () => {
  let emu: Emulator;
  let root: string;
  let ids: string;
  let dirs = 0;
  const args = (): string[] => ['conversation', 'entries', 'export', '-o', 'progress', '--session-file', ids, '-d', join(root, `out-${++dirs}`), '--concurrency', '2'];
  const run = (argv: string[]): ReturnType<typeof runCommand> => runCommand(argv, { env: { SF_CONVERSATION_API_URL: emu.url } });

  before(async () => {
    emu = await startEmulator({ latencyMs: 40, username: 'progress@conversation-emulator.example' });
    await authorizeInProcess(emu, 'progress');
    root = await mkdtemp(join(tmpdir(), 'export-progress-'));
    ids = join(root, 'ids.txt');
    await writeFile(ids, `${BULK_SESSIONS.slice(0, SESSIONS).join('\n')}\n`);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
    await emu.stop();
  });

  it('off a terminal: a first line, then lines at most every 5 s, and the last one says all done with the rate', async () => {
    const r = await run(args());
    expect(r.code, r.stderr).to.equal(0);
    const lines = r.stderr.split('\n').filter((l) => l.includes(' sessions done, '));
    expect(lines[0]).to.match(new RegExp(`^1 of ${SESSIONS} sessions done, 0 failed, \\d+/min, about \\d+ s left$`));
    expect(lines.at(-1)).to.match(new RegExp(`^${SESSIONS} of ${SESSIONS} sessions done, 0 failed, [1-9]\\d*/min, about 0 s left$`));
    expect(lines.length).to.be.below(SESSIONS); // throttled, not a line per session
    expect(r.stderr).not.to.include('\u001b['); // no escape codes in a log
  });

  it('under --json: nothing on stderr', async () => {
    const r = await run([...args(), '--json']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
  });

  it('on a terminal: a bar with done/total, the rate, the time left and the failures, and no line-per-update log', async () => {
    // A real process on a pseudo-terminal, in an isolated sf home of its own (authorised as the same alias).
    const home: SfHome = await createSfHome(emu, { alias: 'progress' });
    const command = [process.execPath, RUN_JS, ...args()].map(quote).join(' ');
    // -q: no "Script started" banner; -e: the command's exit code; -f: flush as written; output file: none.
    const child = spawn('script', ['-qefc', command, '/dev/null'], { env: { ...home.env, TERM: 'xterm-256color' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    await home.cleanup();
    expect(code, output).to.equal(0);
    const screen = plain(output);
    // The time left as a duration (`0 s left`, `3 min 20 s left`), as the lines off a terminal say it.
    expect(screen).to.match(new RegExp(`Exporting [█░]{20} ${SESSIONS}/${SESSIONS} \\| \\d+/min \\| 0 failed \\| \\d[\\w ]* left`));
    // Every bar line fits 80 columns.
    for (const line of screen.split('\n').filter((l) => l.startsWith('Exporting'))) expect(line.trimEnd().length, line).to.be.at.most(80);
    expect(screen).not.to.match(/Components|\{(rate|failed|eta_formatted)\}/);
    expect(screen).not.to.match(/ sessions done, /); // the bar replaces the log lines
    expect(screen).to.match(new RegExp(`Exported ${SESSIONS}|${SESSIONS} exported`)); // the summary still follows
  });
});
