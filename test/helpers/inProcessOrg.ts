/*
 * An org authorised to an emulator inside the test process itself, for tests that call a use case or run a command
 * in-process. The test process's home is a throw-away directory (test/setup.ts), so this writes a real sf auth file
 * there, through @salesforce/core, the way `sf org login access-token` (or, refreshable, `sf org login web`) does.
 * sf keys auth files by username: start each emulator with its own `username` (EmulatorOptions.username).
 */
import { AuthInfo, Config, OrgConfigProperties } from '@salesforce/core';
import type { Emulator } from '../emulator/server.js';

export type InProcessOrgOptions = {
  /** The client app to authorise through (default 'jwt': JWT access tokens with sfap_api). */
  app?: 'opaque' | 'jwtNoSfap' | 'jwt';
  /** true: a refresh-token auth (what a web login leaves); false (default): an access-token auth. */
  refreshable?: boolean;
};

/** Authorises the emulator's org under `alias` in the test process's sf home. Returns the alias. */
export async function authorizeInProcess(emu: Emulator, alias: string, options: InProcessOrgOptions = {}): Promise<string> {
  const app = options.app ?? 'jwt';
  const credentials = emu.credentialsFor(app);
  const authInfo = options.refreshable
    ? await AuthInfo.create({
        oauth2Options: { refreshToken: credentials.refreshToken, clientId: credentials.clientId, loginUrl: emu.url, instanceUrl: emu.url },
      })
    : await AuthInfo.create({ accessTokenOptions: { accessToken: credentials.accessToken, instanceUrl: emu.url, loginUrl: emu.url } });
  await authInfo.save();
  await authInfo.setAlias(alias);
  return alias;
}

/**
 * Makes `alias` the default org (target-org in the global config of the test process's home), as `sf config set
 * target-org --global` does; returns what unsets it (the home is shared by the test files of one mocha process).
 */
export async function setDefaultOrg(alias: string): Promise<() => Promise<void>> {
  const config = await Config.create({ isGlobal: true });
  config.set(OrgConfigProperties.TARGET_ORG, alias);
  await config.write();
  return async () => {
    const current = await Config.create({ isGlobal: true });
    current.unset(OrgConfigProperties.TARGET_ORG);
    await current.write();
  };
}
