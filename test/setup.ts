/*
 * Loaded by mocha before any test file: tests never write to the real ~/.sf or ~/.sfdx.
 * Child processes get their own isolated homes (helpers/sfHome.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LEAKY, SECRETS } from './helpers/sfHome.js';

const home = mkdtempSync(join(tmpdir(), 'plugin-conversation-test-home-'));
process.env.HOME = home;
process.env.USERPROFILE = home;
process.env.SF_DISABLE_TELEMETRY = 'true';
// In-process tests authorise orgs in this home (helpers/inProcessOrg.ts): the file keychain, as CI machines have.
process.env.SF_USE_GENERIC_UNIX_KEYCHAIN = 'true';
process.env.SF_SKIP_NEW_VERSION_CHECK = 'true';

// In-process command runs (helpers/command.ts) see this process's environment: nothing of the developer's own sf
// setup (a target org, a token, a client secret) may reach them, as isolatedEnv keeps it from spawned runs.
for (const key of Object.keys(process.env)) if (LEAKY.test(key) || SECRETS.has(key)) delete process.env[key];
// In-process runs print as a spawned one does into a pipe: no colours, and oclif's simple spinner (chosen when
// @oclif/core is loaded, from stderr being a terminal), so a developer's terminal gives the same output as CI.
process.env.FORCE_COLOR = '0';
for (const stream of [process.stdout, process.stderr]) stream.isTTY = false;

// @salesforce/core warns once per process for each org at an http:// URL; the emulator is one on loopback by design.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]): void => {
  if (String(warning).startsWith('Using insecure protocol: http: on url: http://127.0.0.1:')) return;
  (emitWarning as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
