/*
 * The in-process command runner (test/helpers/command.ts) that the integration tests rely on: it must see what a
 * spawned run would (exit code, stdout, stderr, --json) and leave the test process as it found it. Bad input is used,
 * so no org or network is needed.
 */
import { expect } from 'chai';
import { runCommand } from '../helpers/command.js';
import { DEFAULT_RETRY_POLICY } from '../../src/sources/api/retry.js';

describe('in-process command runner (test/helpers/command.ts)', () => {
  it('a refused run: exit 2, the error on stderr as sf prints it, nothing on stdout', async () => {
    const r = await runCommand(['conversation', 'entries', 'get', '-s', 'nope']);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.match(/^Error \(InvalidSessionIdError\): --session-id "nope" is not a valid MessagingSession Id/);
    expect(r.stderr).to.include('Try this:');
    expect(r.error?.name).to.equal('InvalidSessionIdError');
  });

  it('--json: the document on stdout, parsed, and nothing on stderr', async () => {
    const r = await runCommand(['conversation', 'entries', 'export', '-s', 'nope', '-d', 'out', '--json']);
    expect(r.code).to.equal(2);
    expect(r.json).to.include({ status: 2, exitCode: 2 });
    expect(r.json?.name).to.match(/^InvalidSessionId/);
    expect(r.stdout).to.equal(`${JSON.stringify(r.json, null, 2)}\n`);
    expect(r.stderr).to.equal('');
  });

  it("a parse error is the parser's, exit 2 (as bin/run.js exits with it)", async () => {
    const r = await runCommand(['conversation', 'entries', 'get', '-s', '0Mw5g00000AbCdE', '--limit', 'ten', '--json']);
    expect(r.code).to.equal(2);
    expect(r.json?.message).to.include('--limit').and.include('ten');
  });

  it('puts back what it changed: the environment, stdin, the streams, process.exitCode, the retry policy, the directory', async () => {
    process.env.HARNESS_KEPT = 'before';
    delete process.env.HARNESS_ADDED;
    const writes = (): unknown[] => [process.stdout, process.stderr].map((stream) => Object.getOwnPropertyDescriptor(stream, 'write'));
    const writesBefore = writes();
    const stdin = process.stdin;
    const cwd = process.cwd();
    const policy = { ...DEFAULT_RETRY_POLICY };
    const exitCode = process.exitCode;
    try {
      const r = await runCommand(['conversation', 'entries', 'export', '-d', 'out', '--session-file', '-', '--json'], {
        env: { HARNESS_KEPT: 'during', HARNESS_ADDED: 'during' },
        input: 'not-an-id\n',
        cwd: '/',
        retry: { limit: 0, baseDelayMs: 1, maxDelayMs: 1, maxRetryAfterMs: 1 },
      });
      // The ids came from the given stdin.
      expect(r.code).to.equal(2);
      expect(r.json?.message).to.include('not-an-id');
      expect(process.env.HARNESS_KEPT).to.equal('before');
      expect(process.env).not.to.have.property('HARNESS_ADDED');
      expect(writes()).to.deep.equal(writesBefore);
      expect(process.stdin).to.equal(stdin);
      expect(process.cwd()).to.equal(cwd);
      expect(DEFAULT_RETRY_POLICY).to.deep.equal(policy);
      expect(process.exitCode).to.equal(exitCode);
    } finally {
      delete process.env.HARNESS_KEPT;
    }
  });

  it('runs one at a time: two started together each get their own output', async () => {
    const [a, b] = await Promise.all([
      runCommand(['conversation', 'entries', 'get', '-s', 'first-bad', '--json']),
      runCommand(['conversation', 'entries', 'get', '-s', 'second-bad', '--json']),
    ]);
    expect(a.json?.message).to.include('first-bad').and.not.include('second-bad');
    expect(b.json?.message).to.include('second-bad').and.not.include('first-bad');
  });
});
