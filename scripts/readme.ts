/*
 * npm run readme: the README's generated parts, from the code. The exit-code table comes from the one table
 * (src/exitCodes.ts), each code's meaning from messages/exitCodes.md and which command ends with it from
 * src/cli/errorCodes.ts; the command reference comes from `oclif readme` (the built manifest: `npm run build` first).
 * `npm run readme:check` (CI) fails when the README differs from what the code says.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMAND_EXIT_CODES, exitCodeMeaning } from '../src/cli/errorCodes.js';
import { ExitCode, type ExitName } from '../src/exitCodes.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = join(ROOT, 'README.md');
const check = process.argv.includes('--check');

/** The exit codes as a Markdown table: code, name, meaning, and which commands end with it. */
function exitCodeTable(): string {
  const rows = (Object.keys(ExitCode) as ExitName[]).map((name) => {
    const commands = Object.entries(COMMAND_EXIT_CODES)
      .filter(([, names]) => (names as readonly string[]).includes(name))
      .map(([command]) => command);
    // One meaning, or each command's own where they differ (`get: …; export: …`).
    const meanings = new Map<string, string[]>();
    for (const command of commands) meanings.set(exitCodeMeaning(command, name), [...(meanings.get(exitCodeMeaning(command, name)) ?? []), command]);
    const meaning = meanings.size === 1 ? [...meanings.keys()][0] : [...meanings].map(([text, those]) => `${those.join(', ')}: ${text}`).join(' ');
    return `| ${ExitCode[name]} | ${name} | ${commands.join(', ')} | ${meaning.replace(/\|/g, '\\|')} |`;
  });
  return ['| Code | Name | Commands | When |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function replaceBetween(text: string, marker: string, body: string): string {
  const start = `<!-- ${marker} -->`;
  const stop = `<!-- ${marker}stop -->`;
  const [a, b] = [text.indexOf(start), text.indexOf(stop)];
  if (a < 0 || b < a) throw new Error(`README.md has no ${start} … ${stop} section`);
  return `${text.slice(0, a + start.length)}\n${body}\n${text.slice(b)}`;
}

/** The README with its generated sections brought up to date, written to `path`. */
function generate(path: string): void {
  writeFileSync(path, replaceBetween(readFileSync(path, 'utf8'), 'exit-codes', exitCodeTable()));
  const oclif = join(dirname(createRequire(import.meta.url).resolve('oclif/package.json')), 'bin', 'run.js');
  // The oclif CLI's update check would write ~/.cache/oclif and ask the registry: off.
  execFileSync(process.execPath, [oclif, 'readme', '--readme-path', path, '--no-aliases'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, OCLIF_SKIP_NEW_VERSION_CHECK: 'true' },
  });
}

if (check) {
  const dir = mkdtempSync(join(tmpdir(), 'readme-check-'));
  try {
    const copy = join(dir, 'README.md');
    copyFileSync(README, copy);
    generate(copy);
    if (readFileSync(copy, 'utf8') !== readFileSync(README, 'utf8')) {
      process.stderr.write('README.md is out of date with the code (exit codes or command reference): run `npm run readme` and commit it.\n');
      process.exitCode = 1;
    } else process.stdout.write('README.md: the exit-code table and the command reference match the code.\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  generate(README);
  process.stdout.write('README.md: exit-code table and command reference regenerated.\n');
}
