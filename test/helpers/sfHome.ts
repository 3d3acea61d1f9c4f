/*
 * An isolated sf home authorised against the local emulator. The auth file is created by
 * @salesforce/core itself, in a child process (core caches home-dir state per process), with
 * HOME/USERPROFILE pointing at a fresh temp directory, so the user's real ~/.sf and ~/.sfdx are never touched.
 * The org is authorised through one of the emulator's client apps (default `jwt`: JWT access tokens with sfap_api).
 */
import { realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { accessTokenRegex, jwtTokenRegex } from '@salesforce/core';
import type { AppCredentials } from '../emulator/server.js';
import { runProcess, type ProcessRun } from './process.js';

export type SfHome = { home: string; alias: string; env: NodeJS.ProcessEnv; cleanup(): Promise<void> };

/** The client apps a sf home can be authorised through (the client-credentials app has no refresh token or user login). */
export type SfHomeApp = 'opaque' | 'jwtNoSfap' | 'jwt';

/** What createSfHome needs of the emulator (an Emulator fits). */
export type EmulatorCredentials = { url: string; credentialsFor(app: SfHomeApp): AppCredentials };

export type SfHomeOptions = {
  alias?: string;
  /** true: a refresh-token auth (what `sf org login web` leaves); false (default): an access-token auth. */
  refreshable?: boolean;
  /** Also set target-org in the home's global config. */
  setDefault?: boolean;
  /**
   * The client app to authorise through (default 'jwt'). The access-token auth stores that app's current token
   * (Emulator.tokenFor); the refresh-token auth stores its client id and refresh token, and core then gets an
   * access token of that app's kind from the token endpoint.
   */
  app?: SfHomeApp;
};

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN_DIR = join(REPO, 'node_modules', '.bin');
/** The directory of the Node 22 binary installed from npm (node_modules/node/bin). */
export const NODE22_DIR = dirname(realpathSync(join(BIN_DIR, 'node')));
export const TSX = join(BIN_DIR, 'tsx');
const AUTHORIZE = join(REPO, 'test', 'helpers', 'authorize.ts');
const HOME_PREFIX = 'sfhome-';

/** Inherited variables that would point a CLI at some other org or token; dropped from the isolated env. */
const LEAKY = /^(SF|SFDX)_(TARGET_ORG|TARGET_DEV_HUB|DEFAULTUSERNAME|DEFAULTDEVHUBUSERNAME|ACCESS_TOKEN|ORG_INSTANCE_URL|INSTANCE_URL|ORG_API_VERSION|API_VERSION|LOGIN_URL|SFDC_LOGIN_URL|DOMAIN_RETRY|USE_PROGRESS_BAR)$/;

/** A client secret in the developer's own environment must not reach a test that didn't set one. */
const SECRETS = new Set(['CONVERSATION_CLIENT_SECRET', 'SF_CONVERSATION_CLIENT_SECRET']);

/** Environment for running a CLI (or any core-using child) against the isolated home. */
export function isolatedEnv(home: string, emulatorUrl: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!LEAKY.test(key) && !SECRETS.has(key)) env[key] = value;
  return {
    ...env,
    HOME: home,
    USERPROFILE: home,
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_CONVERSATION_API_URL: emulatorUrl,
    PATH: [NODE22_DIR, BIN_DIR, process.env.PATH ?? ''].join(delimiter),
  };
}

const OPAQUE_TOKENS = new RegExp(accessTokenRegex.source, 'g');
const JWT_TOKENS = new RegExp(jwtTokenRegex.source, 'g');

/** Replaces anything token-shaped (core's own token shapes) and the given secrets, so error text can be shown safely. */
export function scrubSecrets(text: string, secrets: Array<string | undefined> = []): string {
  let out = text.replace(OPAQUE_TOKENS, '<redacted token>').replace(JWT_TOKENS, '<redacted token>');
  for (const secret of secrets) if (secret) out = out.split(secret).join('<redacted token>');
  return out;
}

/** Runs `tsx <script> ...args` with the given env, feeding `stdin`; kills it after `timeoutMs` (default 60 s). */
export function runTsx(script: string, args: string[], env: NodeJS.ProcessEnv, options: { cwd: string; stdin?: string; timeoutMs?: number }): Promise<ProcessRun> {
  return runProcess(TSX, [script, ...args], { env, cwd: options.cwd, input: options.stdin ?? '', timeoutMs: options.timeoutMs ?? 60_000 });
}

export async function createSfHome(emulator: EmulatorCredentials, options: SfHomeOptions = {}): Promise<SfHome> {
  const alias = options.alias ?? 'emu';
  const credentials = emulator.credentialsFor(options.app ?? 'jwt');
  const home = await mkdtemp(join(realpathSync(tmpdir()), HOME_PREFIX));
  const env = isolatedEnv(home, emulator.url);
  const cleanup = async (): Promise<void> => {
    // Only ever delete a directory this helper created.
    if (dirname(home) === realpathSync(tmpdir()) && home.split(sep).at(-1)?.startsWith(HOME_PREFIX)) {
      await rm(home, { recursive: true, force: true });
    }
  };
  const input = {
    home,
    url: emulator.url,
    accessToken: credentials.accessToken,
    refreshToken: credentials.refreshToken,
    clientId: credentials.clientId,
    alias,
    refreshable: options.refreshable ?? false,
    setDefault: options.setDefault ?? false,
  };
  let result: ProcessRun;
  try {
    result = await runTsx(AUTHORIZE, [], env, { cwd: home, stdin: JSON.stringify(input) });
  } catch (error) {
    await cleanup();
    throw error;
  }
  if (result.code !== 0) {
    await cleanup();
    const detail = scrubSecrets(`${result.stderr}\n${result.stdout}`.trim(), [credentials.accessToken, credentials.refreshToken]);
    throw new Error(`createSfHome: authorising the emulator org failed (exit ${String(result.code)}): ${detail}`);
  }
  return { home, alias, env, cleanup };
}
