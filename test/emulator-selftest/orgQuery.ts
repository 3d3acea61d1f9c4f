/*
 * Child script for the self-test, run inside an isolated sf home:
 *   tsx orgQuery.ts <alias|-> <sessionId> [all]
 * Org.create (alias, or target-org when '-'), org.refreshAuth(), then the plugin's MessagingSession query;
 * with 'all', also an autoFetchQuery of every session (follows nextRecordsUrl).
 * Prints JSON: {username, apiVersion, tokenChanged, totalSize, identifier, allSessions?}; never the token itself.
 */
import { Org } from '@salesforce/core';

type Row = { Id: string; Conversation: { ConversationIdentifier: string } | null };

const [alias, sessionId, mode] = process.argv.slice(2);
try {
  const org = await Org.create(alias === '-' ? {} : { aliasOrUsername: alias });
  const conn = org.getConnection();
  const before = conn.accessToken;
  await org.refreshAuth();
  const tokenChanged = conn.accessToken !== before;
  const result = await conn.query<Row>(`SELECT Id, Conversation.ConversationIdentifier FROM MessagingSession WHERE Id = '${sessionId}'`);
  const allSessions = mode === 'all' ? (await conn.autoFetchQuery('SELECT Id FROM MessagingSession', { maxFetch: 10_000 })).records.length : undefined;
  process.stdout.write(
    `${JSON.stringify({
      allSessions,
      username: org.getUsername(),
      apiVersion: conn.getApiVersion(),
      tokenChanged,
      totalSize: result.totalSize,
      identifier: result.records[0]?.Conversation?.ConversationIdentifier ?? null,
    })}\n`
  );
  process.exitCode = 0;
} catch (error) {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stdout.write(`${JSON.stringify({ error: text.replace(/00D\w{12,15}![.\w]+/g, '<redacted token>') })}\n`);
  process.exitCode = 1;
}
process.exit();
