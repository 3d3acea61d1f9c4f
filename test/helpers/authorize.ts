/*
 * Child-process half of createSfHome (sfHome.ts). Run with HOME/USERPROFILE set to a throw-away
 * directory; reads its input as JSON on stdin (so no token appears in argv), creates and saves a real
 * @salesforce/core auth file for the emulator org, sets the alias and optionally target-org.
 * Prints {username, orgId, instanceUrl} as JSON. Never prints a token.
 */
import { homedir } from 'node:os';
import { AuthInfo, Config, OrgConfigProperties } from '@salesforce/core';
import { scrubSecrets } from './sfHome.js';

type Input = {
  home: string;
  url: string;
  accessToken: string;
  refreshToken: string;
  clientId: string;
  alias: string;
  refreshable: boolean;
  setDefault: boolean;
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const scrub = (text: string, input: Partial<Input>): string => scrubSecrets(text, [input.accessToken, input.refreshToken]);

let input: Partial<Input> = {};
try {
  input = JSON.parse(await readStdin()) as Input;
  // Refuse to touch anything but the throw-away home the parent created.
  if (!input.home || homedir() !== input.home) {
    throw new Error(`HOME is ${homedir()}, expected the isolated home ${String(input.home)}; refusing to write auth files`);
  }
  const { url, alias } = input as Input;
  const authInfo = input.refreshable
    ? // What a web login leaves behind: a refresh token the connection can use to get new access tokens.
      await AuthInfo.create({
        oauth2Options: { refreshToken: input.refreshToken, clientId: input.clientId, loginUrl: url, instanceUrl: url },
      })
    : // What `sf org login access-token` does.
      await AuthInfo.create({ accessTokenOptions: { accessToken: input.accessToken, instanceUrl: url, loginUrl: url } });
  await authInfo.save();
  await authInfo.setAlias(alias);
  if (input.setDefault) {
    // Global config (<home>/.sf/config.json): the child runs outside any sfdx project.
    const config = await Config.create({ isGlobal: true });
    config.set(OrgConfigProperties.TARGET_ORG, alias);
    await config.write();
  }
  const fields = authInfo.getFields();
  process.stdout.write(`${JSON.stringify({ username: fields.username, orgId: fields.orgId, instanceUrl: fields.instanceUrl })}\n`);
  process.exitCode = 0;
} catch (error) {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`authorize failed: ${scrub(message, input)}\n`);
  process.exitCode = 1;
}
// core may leave timers/handles (loggers, file locks) open; the work is done.
process.exit();
