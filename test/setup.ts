/*
 * Loaded by mocha before any test file: tests never write to the real ~/.sf or ~/.sfdx.
 * Child processes get their own isolated homes (helpers/sfHome.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const home = mkdtempSync(join(tmpdir(), 'plugin-conversation-test-home-'));
process.env.HOME = home;
process.env.USERPROFILE = home;
process.env.SF_DISABLE_TELEMETRY = 'true';
// In-process tests authorise orgs in this home (helpers/inProcessOrg.ts): the file keychain, as CI machines have.
process.env.SF_USE_GENERIC_UNIX_KEYCHAIN = 'true';
process.env.SF_SKIP_NEW_VERSION_CHECK = 'true';
