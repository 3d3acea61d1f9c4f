/*
 * `oclif manifest` for `npm run build`, without the oclif CLI's update check, which writes ~/.cache/oclif/version (and
 * asks the npm registry from a detached process) on every build: the build, and so `npm run demo`, must not touch the
 * developer's home directory.
 */
import { execute } from '@oclif/core';

process.env.OCLIF_SKIP_NEW_VERSION_CHECK = 'true';
await execute({ args: ['manifest'], dir: import.meta.resolve('oclif/package.json') });
