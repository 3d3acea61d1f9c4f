/*
 * Child script for the emulator self-test: how @salesforce/core treats the emulator's tokens. Run with HOME set to
 * an isolated sf home (sfHome.ts). Reads its input as JSON on stdin (so no token appears in argv):
 *   {mode: 'raw', token, sessionId}
 *       Org.create({aliasOrUsername: <raw access token>}) with SF_ORG_INSTANCE_URL set, then a query: what
 *       `sf ... -o <token>` does.
 *   {mode: 'jwt-bearer', url, username, clientId, alias, sessionId}
 *       What `sf org login jwt` does: AuthInfo.create with a private key file (a fresh RSA key; the emulator does not
 *       verify the assertion's signature), save, alias; then Org.create, refreshAuth, a query.
 * Prints JSON {ok, errorName?, error?, tokenKind?, totalSize?, identifier?, username? | usernameIsToken?}; never a token
 * (with a raw token, core uses the token itself as the org's username, so the username is not printed then).
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { AuthInfo, matchesJwtAccessToken, matchesOpaqueAccessToken, Org } from '@salesforce/core';
import { scrubSecrets } from './sfHome.js';

type Input = {
  mode: 'raw' | 'jwt-bearer';
  token?: string;
  url?: string;
  username?: string;
  clientId?: string;
  alias?: string;
  sessionId: string;
};
type Row = { Id: string; Conversation: { ConversationIdentifier: string } | null };

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const kindOf = (token: string | undefined): string =>
  !token ? 'none' : matchesOpaqueAccessToken(token) ? 'opaque' : matchesJwtAccessToken(token) ? 'jwt' : 'other';

const scrub = (text: string, secrets: Array<string | undefined>): string => scrubSecrets(text, secrets);

async function queryThrough(org: Org, sessionId: string, token?: string): Promise<Record<string, unknown>> {
  const conn = org.getConnection();
  const result = await conn.query<Row>(`SELECT Id, Conversation.ConversationIdentifier FROM MessagingSession WHERE Id = '${sessionId}'`);
  const username = org.getUsername();
  return {
    ...(token ? { usernameIsToken: username === token } : { username }),
    tokenKind: kindOf(conn.accessToken ?? undefined),
    totalSize: result.totalSize,
    identifier: result.records[0]?.Conversation?.ConversationIdentifier ?? null,
  };
}

let input: Partial<Input> = {};
try {
  input = JSON.parse(await readStdin()) as Input;
  if (!homedir().includes('sfhome-')) throw new Error(`HOME is ${homedir()}, not an isolated sf home; refusing to run`);
  let out: Record<string, unknown>;
  if (input.mode === 'raw') {
    const org = await Org.create({ aliasOrUsername: input.token });
    out = await queryThrough(org, input.sessionId as string, input.token);
  } else {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = join(homedir(), 'server.key');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const authInfo = await AuthInfo.create({
      username: input.username,
      oauth2Options: { clientId: input.clientId, privateKeyFile: keyFile, loginUrl: input.url },
    });
    await authInfo.save();
    await authInfo.setAlias(input.alias as string);
    const org = await Org.create({ aliasOrUsername: input.alias });
    await org.refreshAuth();
    out = { ...(await queryThrough(org, input.sessionId as string)), isJwtAuth: authInfo.isJwt() };
  }
  process.stdout.write(`${JSON.stringify({ ok: true, ...out })}\n`);
  process.exitCode = 0;
} catch (error) {
  const e = error as Error;
  process.stdout.write(`${JSON.stringify({ ok: false, errorName: e.name, error: scrub(e.message ?? String(error), [input.token]) })}\n`);
  process.exitCode = 1;
}
process.exit();
