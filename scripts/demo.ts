/*
 * npm run demo: a real transcript from the local org emulator, through the built command (bin/run.js).
 * The org is authorised in a throw-away sf home, so the user's own ~/.sf and ~/.sfdx are never touched.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../test/emulator/server.js';
import { SESSIONS } from '../test/emulator/seed.js';
import { createSfHome } from '../test/helpers/sfHome.js';

const runJs = fileURLToPath(new URL('../bin/run.js', import.meta.url));

const emulator = await startEmulator();
const home = await createSfHome(emulator, { alias: 'emulator-org' });
const args = ['conversation', 'entries', 'get', '--session-id', SESSIONS.short, '--target-org', 'emulator-org'];

process.stdout.write(
  [
    'Demo: this transcript comes from the LOCAL ORG EMULATOR (test/emulator), not from a Salesforce org.',
    `The emulator listens on ${emulator.url}; an org was authorised to it in a temporary sf home.`,
    `$ sf ${args.join(' ')}`,
    '',
  ].join('\n')
);

const code = await new Promise<number | null>((resolve) => {
  spawn(process.execPath, [runJs, ...args], { env: home.env, stdio: 'inherit' }).on('close', resolve);
});

await home.cleanup();
await emulator.stop();
process.stdout.write(`\nDemo finished (exit code ${code ?? 'unknown'}). The emulator was stopped and the temporary sf home removed.\n`);
process.exitCode = code ?? 1;
