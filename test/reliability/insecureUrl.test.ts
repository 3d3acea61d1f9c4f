/*
 * A bearer token is never sent over plain HTTP to a host that isn't loopback: SF_CONVERSATION_API_URL set to
 * http://example.invalid/ and generated variants (other hosts and addresses, look-alikes of loopback names, upper-case
 * schemes, ports, paths, user info and query strings) must be refused by get, export and doctor with
 * InsecureApiUrlError (exit 2, README "Troubleshooting"), before any entries request. With --client-id, not even the
 * token request is made, so the client secret goes nowhere. The commands run in-process (helpers/command.ts).
 */
import { existsSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { mulberry32 } from '../emulator/prng.js';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { SESSIONS } from '../emulator/seed.js';
import type { CliResult } from '../helpers/cli.js';
import { runCommand } from '../helpers/command.js';
import { authorizeInProcess } from '../helpers/inProcessOrg.js';
import { CC_CLIENT_ID, CLIENT_SECRET, DOCTOR, EXPORT, findLeaks, GET, isEntries, isTokenRequest, show, walk } from './support.js';

const URL_SEED = 0x15_ec_20_25;
const GENERATED = 6;

type Variant = { url: string; /** What the error must show (the host as URLs normalise it). */ host: string; /** Parts it must never show. */ hidden: string[] };

/** Plain-http URLs whose host is not loopback, from a seed. */
function insecureUrls(seed: number, count: number): Variant[] {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const label = (): string => Array.from({ length: int(3, 10) }, () => pick([...'abcdefghijklmnopqrstuvwxyz0123456789'])).join('');
  const hosts = [
    (): string => `${label()}.${pick(['invalid', 'example', 'test', 'com', 'net', 'salesforce.com'])}`,
    (): string => `api.${label()}.invalid`,
    (): string => `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`,
    (): string => `192.168.${int(0, 255)}.${int(1, 254)}`,
    (): string => `172.${int(16, 31)}.${int(0, 255)}.${int(1, 254)}`,
    (): string => pick(['8.8.8.8', '0.0.0.0', '169.254.169.254']),
    (): string => pick(['[::2]', '[fe80::1]', `[2001:db8::${int(1, 0xff_ff).toString(16)}]`]),
    // Look-alikes of loopback names that are other hosts.
    (): string => `127.0.0.1.${label()}.invalid`,
    (): string => `localhost.${label()}.test`,
    (): string => `${label()}-localhost.invalid`,
  ];
  return Array.from({ length: count }, () => {
    const host = pick(hosts)();
    const secret = `pw${label()}`;
    const token = `tk${label()}`;
    const userInfo = random() < 0.3 ? `user:${secret}@` : '';
    const port = random() < 0.4 ? `:${int(1, 65_535)}` : '';
    const path = pick(['', '/', `/${label()}`, `/${label()}/`]);
    const query = random() < 0.3 ? `?token=${token}` : '';
    const url = `${pick(['http://', 'HTTP://', 'Http://'])}${userInfo}${host}${port}${path}${query}`;
    return { url, host: new URL(url).host, hidden: [...(userInfo ? [secret] : []), ...(query ? [token] : [])] };
  });
}

type Command = 'get' | 'export' | 'doctor';
type Case = { command: Command; variant: Variant; clientCredentials: boolean };

describe('reliability: a bearer token is never sent to a plain-http, non-loopback API URL', function () {
  this.timeout(120_000);
  let emu: Emulator;
  let root: string;
  const outputs: CliResult[] = [];

  before(async () => {
    emu = await startEmulator({ username: 'insecure-url@conversation-emulator.example' });
    await authorizeInProcess(emu, 'insecure', { refreshable: true });
    root = await mkdtemp(join(realpathSync(tmpdir()), 'reliability-insecure-'));
  });
  after(async () => {
    // No token or client secret anywhere a run could have left one: its output, or a file under the root.
    const known = [emu.accessToken, emu.refreshToken, CLIENT_SECRET];
    const leaks = outputs.flatMap((r, i) => findLeaks(`${r.stdout}\n${r.stderr}`, known, `output of run ${i + 1}`));
    for (const file of await walk(root)) leaks.push(...findLeaks(await readFile(file, 'latin1'), known, file));
    await emu?.stop();
    if (root) await rm(root, { recursive: true, force: true });
    expect(leaks, 'secrets found in outputs or files').to.deep.equal([]);
  });

  const literal: Variant = { url: 'http://example.invalid/', host: 'example.invalid', hidden: [] };
  const variants = insecureUrls(URL_SEED, GENERATED);
  const commands: Command[] = ['get', 'export', 'doctor'];
  const cases: Case[] = [
    ...commands.map((command) => ({ command, variant: literal, clientCredentials: false })),
    ...variants.map((variant, i) => ({ command: commands[i % 3], variant, clientCredentials: commands[i % 3] !== 'export' && i % 2 === 0 })),
  ];

  it(`http://example.invalid/ and ${GENERATED} generated variants (seed ${URL_SEED}), through get, export and doctor: InsecureApiUrlError, exit 2, no entries request`, async () => {
    emu.clearLog();
    const outcomes: Array<{ c: Case; dir?: string; result: CliResult }> = [];
    for (const [i, c] of cases.entries()) {
      const dir = c.command === 'export' ? join(root, `export-${i}`) : undefined;
      const base = c.command === 'get' ? [...GET, '-s', SESSIONS.short] : c.command === 'export' ? [...EXPORT, '-s', SESSIONS.short, '-d', dir as string] : [...DOCTOR];
      const argv = [...base, '-o', 'insecure', ...(c.clientCredentials ? ['--client-id', CC_CLIENT_ID] : []), '--json'];
      const env = { SF_CONVERSATION_API_URL: c.variant.url, ...(c.clientCredentials ? { CONVERSATION_CLIENT_SECRET: CLIENT_SECRET } : {}) };
      // eslint-disable-next-line no-await-in-loop -- one run at a time, in-process
      const result = await runCommand(argv, { env, cwd: root });
      outputs.push(result);
      outcomes.push({ c, dir, result });
    }
    const failures: string[] = [];
    for (const { c, dir, result } of outcomes) {
      const label = `${c.command}${c.clientCredentials ? ' --client-id' : ''} with SF_CONVERSATION_API_URL=${c.variant.url}`;
      const message = result.json?.message ?? '';
      if (result.code !== 2 || result.json?.name !== 'InsecureApiUrlError' || result.json?.exitCode !== 2) failures.push(`${label}: ${show(result)}`);
      else if (!message.includes(c.variant.host) || !message.includes('SF_CONVERSATION_API_URL')) failures.push(`${label}: the message does not name ${c.variant.host}: ${message}`);
      for (const part of c.variant.hidden) if (`${result.stdout}${result.stderr}`.includes(part)) failures.push(`${label}: the output shows ${part}`);
      if (dir && existsSync(dir)) failures.push(`${label}: created ${dir}`);
    }
    expect(failures).to.deep.equal([]);
    expect(emu.requests.filter(isEntries), 'entries requests').to.deep.equal([]);
    // With --client-id, no token request either: the secret was never sent.
    expect(emu.requests.filter(isTokenRequest), 'token requests').to.deep.equal([]);
  });
});
