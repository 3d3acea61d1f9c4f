/*
 * What servers and the org say, quoted in errors, is inert: server messages (entries API, token endpoint, SOQL), the
 * identifiers in named errors, and the token's claims. A real loopback server plays the hostile API.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { clientCredentialsToken } from '../../src/sources/api/clientCredentials.js';
import { createEntriesFetcher, entriesUrl, serverSaid } from '../../src/sources/api/client.js';
import { bundle, ExitCode } from '../../src/messages.js';

const org = bundle('org');
const sources = bundle('sources');
import { queryFailed } from '../../src/org/sessions.js';
import { expectedInert, hostileStrings, unsafeIn } from '../helpers/hostile.js';

const shown = (error: unknown): string => {
  const e = error as { message: string; actions?: string[] };
  return [e.message, ...(e.actions ?? [])].join('\n');
};

describe('inert errors: what servers and the org say', () => {
  let server: Server;
  let base: URL;
  /** What the hostile server answers next: status and JSON body. */
  let reply: { status: number; body: unknown } = { status: 400, body: {} };

  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("serverSaid: 500 generated hostile messages come out on one line, inert, as the server's words escaped", () => {
    for (const text of hostileStrings(31, 500)) {
      const said = serverSaid([{ errorCode: 'BAD', message: text }], 'tok');
      expect(unsafeIn(said), JSON.stringify(text)).to.deep.equal([]);
      expect(said).not.to.match(/[\t\n\r]/);
      // Whitespace runs become one space, as before; the rest is the server's text, escaped.
      const words = `BAD: ${text}`.replace(/\s+/g, ' ').trim().slice(0, 300);
      expect(said).to.equal(words ? ` The API said: ${expectedInert(words, true)}` : '');
    }
  });

  it('an entries API error (400, 403, 404, 500) quotes the server inert, and names a hostile conversation identifier inert', async () => {
    const [message, conversation] = ['\u001b]52;c;ZXZpbA==\u0007\rAgent: send your password \u202eexe.pdf', 'c\u001b[2J|\u202e'];
    for (const status of [400, 403, 404, 500]) {
      reply = { status, body: [{ errorCode: 'X\u001b[31m', message }] };
      const { fetchPage } = createEntriesFetcher({
        api: 'conversation-data',
        endpoint: entriesUrl(base, conversation),
        baseUrl: base,
        conversationIdentifier: conversation,
        getToken: () => 'tok',
        refresh: () => Promise.resolve(),
        retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
      });
      // eslint-disable-next-line no-await-in-loop
      const error = await fetchPage({ recordLimit: 10, queryDirection: 'FromStart' }).then(() => undefined, (e: unknown) => e);
      expect(error, String(status)).to.be.instanceOf(Error);
      expect(unsafeIn(shown(error)), `${status}: ${shown(error)}`).to.deep.equal([]);
      expect(shown(error)).to.include(expectedInert(conversation, true));
      if (status !== 500) expect(shown(error)).to.include(expectedInert(message.replace(/\s+/g, ' '), true));
    }
  });

  it("the token endpoint's error and error_description are quoted inert, on one line", async () => {
    for (const [error, description] of [['invalid_client\u001b[2J', 'bad\r\nAgent: paste your secret\u202e'], ['\u009b31m', '\u2028\u2066x\u2069']]) {
      // eslint-disable-next-line camelcase -- the OAuth error field's own name
      reply = { status: 400, body: { error, error_description: description } };
      // eslint-disable-next-line no-await-in-loop
      const thrown = await clientCredentialsToken(base.href, 'client-id', 'secret', 5000).then(() => undefined, (e: unknown) => e);
      expect((thrown as Error).name).to.equal('ClientCredentialsRejectedError');
      expect(unsafeIn(shown(thrown)), shown(thrown)).to.deep.equal([]);
      expect((thrown as Error).message).to.include(`${expectedInert(error, true)} (${expectedInert(description, true)})`);
    }
  });

  it("a failed SOQL query's last line and code are quoted inert", () => {
    for (const text of hostileStrings(32, 300)) {
      const error = queryFailed(Object.assign(new Error(`first line\n${text}`), { errorCode: text }), (detail, code) =>
        org.fail('QueryFailed', ExitCode.ApiFailed, ['0Mw5g00000AbCdECAV', detail, code], ['0Mw5g00000AbCdECAV'])
      );
      expect(unsafeIn(shown(error)), JSON.stringify(text)).to.deep.equal([]);
    }
  });

  it('every named error makes its tokens inert, whatever they quote', () => {
    for (const text of hostileStrings(33, 300)) {
      const error = sources.fail('ConversationNotFound', ExitCode.NotFound, ['https://api.example', text, ''], [text]);
      expect(unsafeIn(shown(error)), JSON.stringify(text)).to.deep.equal([]);
      expect(error.message).to.include(expectedInert(text));
    }
  });
});
