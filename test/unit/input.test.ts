import { expect } from 'chai';
import type { SfError } from '@salesforce/core';
import { checkGetInput, type GetInput } from '../../src/usecases/get.js';
import { readSettings } from '../../src/input/settings.js';
import { to18 } from '../../src/input/ids.js';
import { checkSelection } from '../../src/input/selection.js';
import { mulberry32 } from '../emulator/prng.js';

const LOOPBACK_ENV = { SF_CONVERSATION_API_URL: 'http://127.0.0.1:1' };

/** get's checks, as getTranscript runs them before any request. */
const checkInput = (input: GetInput): ReturnType<typeof checkGetInput> => checkGetInput(input);

async function rejects(input: GetInput): Promise<SfError> {
  try {
    await checkInput({ env: LOOPBACK_ENV, ...input });
  } catch (error) {
    return error as SfError;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('input checks (before any request)', () => {
  it('normalises a good 15-char session id and accepts an 18-char one', async () => {
    expect((await checkInput({ sessionId: '0Mw5g00000AbCdE', env: LOOPBACK_ENV })).sessionId18).to.equal(to18('0Mw5g00000AbCdE'));
  });

  it('rejects generated bad session ids with exit code 2, naming the value and the reason', async () => {
    const good = to18('0Mw5g00000AbCdE');
    const bad = [
      '',
      ' ',
      good.slice(0, 14),
      good + 'A',
      good.slice(0, 17) + (good[17] === 'A' ? 'B' : 'A'),
      "0Mw5g00000AbC'E",
      '0Mw5g00000AbCd\u00e9',
      '001' + good.slice(3),
      good.toLowerCase(),
      "' OR Id != '",
    ];
    for (const value of bad) {
      const error = await rejects({ sessionId: value });
      expect(error.name, value).to.equal('InvalidSessionIdError');
      expect(error.exitCode).to.equal(2);
      expect(error.message).to.include(JSON.stringify(value).slice(1, -1).slice(0, 40));
      expect(error.actions?.length).to.be.greaterThan(0);
    }
    expect((await rejects({ sessionId: good.slice(0, 17) + 'Z' })).message).to.include(good);
  });

  it('rejects bad conversation ids, dates, windows, limits, API versions and timeouts', async () => {
    expect((await rejects({ conversationId: '' })).name).to.equal('InvalidConversationIdError');
    expect((await rejects({ conversationId: 'a b' })).name).to.equal('InvalidConversationIdError');
    expect((await rejects({ conversationId: 'x'.repeat(256) })).message).to.include('256');
    expect((await rejects({ conversationId: 'c', start: 'yesterday' })).message).to.include('--start "yesterday"');
    expect((await rejects({ conversationId: 'c', end: '2026-02-30' })).name).to.equal('InvalidInstantError');
    expect((await rejects({ conversationId: 'c', start: '2026-11-25', end: '2026-11-24' })).name).to.equal('EmptyWindowError');
    for (const limit of [0, -1, 1.5]) expect((await rejects({ conversationId: 'c', limit })).name).to.equal('InvalidLimitError');
    expect((await rejects({ conversationId: 'c', apiVersion: '54.0' })).name).to.equal('ApiVersionTooLowError');
    expect((await rejects({ conversationId: 'c', env: { ...LOOPBACK_ENV, SF_CONVERSATION_HTTP_TIMEOUT: 'soon' } })).name).to.equal('InvalidTimeoutError');
  });

  it('reads SF_CONVERSATION_MAX_RESPONSE_MB (default 64) and rejects generated bad values with exit 2', async () => {
    expect((await checkInput({ conversationId: 'c', env: LOOPBACK_ENV })).access.settings.maxResponseBytes).to.equal(64 * 1024 * 1024);
    for (const [raw, mb] of [['1', 1], [' 128 ', 128], ['512', 512], ['', 64]] as const) {
      const env = { ...LOOPBACK_ENV, SF_CONVERSATION_MAX_RESPONSE_MB: raw };
      expect((await checkInput({ conversationId: 'c', env })).access.settings.maxResponseBytes, raw).to.equal(mb * 1024 * 1024);
    }
    for (const bad of ['0', '-1', '513', '1.5', '64MB', 'lots', '1e3', '0x40', '99999999999999999999', '\u001b[31m9']) {
      const error = await rejects({ conversationId: 'c', env: { ...LOOPBACK_ENV, SF_CONVERSATION_MAX_RESPONSE_MB: bad } });
      expect(error.name, bad).to.equal('InvalidMaxResponseError');
      expect(error.exitCode, bad).to.equal(2);
      expect(error.message, bad).to.include(JSON.stringify(bad.trim()).slice(1, -1));
      expect(error.message).not.to.include('\u001b');
      expect(error.actions?.[0]).to.include('default of 64');
    }
  });

  it('refuses to send the token over plain HTTP except to loopback', async () => {
    expect(readSettings({}).baseUrl.href).to.equal('https://api.salesforce.com/');
    expect(readSettings({ SF_CONVERSATION_API_URL: 'https://gw.example.com/sfapi/' }).baseUrl.href).to.equal('https://gw.example.com/sfapi');
    for (const ok of ['http://127.0.0.1:8080', 'http://localhost:1', 'http://[::1]:9', 'http://127.3.4.5']) {
      expect(readSettings({ SF_CONVERSATION_API_URL: ok }).baseUrl.protocol).to.equal('http:');
    }
    for (const bad of ['http://api.salesforce.com', 'http://10.0.0.1', 'http://localhost.evil.com', 'http://127.0.0.1.nip.io']) {
      expect(() => readSettings({ SF_CONVERSATION_API_URL: bad }).baseUrl, bad).to.throw(/Refusing to send/);
    }
    expect(() => readSettings({ SF_CONVERSATION_API_URL: 'ftp://x' }).baseUrl).to.throw(/not a valid http/);
    // Another scheme is named as typed, minus any user info.
    for (const [typed, shown] of [['mailto:x@y', 'mailto:x@y'], ['ftp://user:secret@host/p', 'ftp://host/p'], ['file:///etc/passwd', 'file:///etc/passwd'], ['data:text/plain,hi', 'data:text/plain,hi']]) {
      expect(() => readSettings({ SF_CONVERSATION_API_URL: typed }).baseUrl, typed).to.throw(`"${shown}" (from SF_CONVERSATION_API_URL) is not a valid http(s) URL`);
    }
    expect(() => readSettings({ SF_CONVERSATION_API_URL: 'https://user:secret@' }).baseUrl).to.throw(/not a valid/);
    expect(() => readSettings({ SF_CONVERSATION_API_URL: 'http://user:secret@example.com/' }))
      .to.throw(/Refusing to send/)
      .with.property('message')
      .that.does.not.include('secret');
  });
});

describe('API URL from the environment', () => {
  it('treats an empty or blank SF_CONVERSATION_API_URL as unset', async () => {
    expect(readSettings({ SF_CONVERSATION_API_URL: '' }).baseUrl.href).to.equal('https://api.salesforce.com/');
    expect(readSettings({ SF_CONVERSATION_API_URL: '  ' }).baseUrl.href).to.equal('https://api.salesforce.com/');
  });
});

describe('client secret from the environment (--client-id)', () => {
  const NEW = 'CONVERSATION_CLIENT_SECRET';
  const OLD = 'SF_CONVERSATION_CLIENT_SECRET';
  const values = { unset: undefined, empty: '', set: 'x' } as const;

  it('CONVERSATION_CLIENT_SECRET first; the old SF_ name still works with a warning; neither → MissingClientSecret (2)', async () => {
    for (const [newKind, newValue] of Object.entries(values)) {
      for (const [oldKind, oldValue] of Object.entries(values)) {
        const label = `new ${newKind}, old ${oldKind}`;
        const env: NodeJS.ProcessEnv = { ...LOOPBACK_ENV };
        if (newValue !== undefined) env[NEW] = newValue && 'new-secret-value';
        if (oldValue !== undefined) env[OLD] = oldValue && 'old-secret-value';
        const expected = newValue ? 'new-secret-value' : oldValue ? 'old-secret-value' : undefined;
        if (!expected) {
          const error = await rejects({ conversationId: 'c', clientId: 'key', env });
          expect(error.name, label).to.equal('MissingClientSecretError');
          expect(error.exitCode, label).to.equal(2);
          expect(error.message, label).to.include(NEW);
          continue;
        }
        const checked = (await checkInput({ conversationId: 'c', clientId: 'key', env })).access.settings;
        expect(checked.clientSecret, label).to.equal(expected);
        if (!oldValue) {
          expect(checked.warnings, label).to.deep.equal([]);
          continue;
        }
        expect(checked.warnings, label).to.have.length(1);
        const [warning] = checked.warnings;
        // Says which variable to use instead, why (sf logs SF_* variables), and never shows the secret.
        expect(warning, label).to.include(OLD).and.include(` ${NEW}`).and.include('log file');
        expect(warning, label).not.to.include('secret-value');
        expect(warning, label).to.include(newValue ? 'ignored' : 'deprecated');
      }
    }
  });

  it('without --client-id neither variable is read and nothing is said', async () => {
    const checked = (await checkInput({ conversationId: 'c', env: { ...LOOPBACK_ENV, [OLD]: 'old-secret-value' } })).access.settings;
    expect(checked.clientSecret).to.equal(undefined);
    expect(checked.warnings).to.deep.equal([]);
  });
});

describe('ambiguous instants: a bare 10-digit epoch (get --start/--end, export --since/--until)', () => {
  const next = mulberry32(20_261_130);
  const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(next() * 10)).join('');
  const tenDigits = [
    '1767780000', // the reported case: 2026-01-07T10:00:00Z as seconds
    '0000000001',
    '9999999999',
    ...Array.from({ length: 40 }, () => digits(10)),
  ];
  const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

  const expectAmbiguous = (error: SfError, flag: string, value: string): void => {
    const n = Number(value.trim());
    expect(error.name, value).to.equal('AmbiguousInstantError');
    expect(error.exitCode, value).to.equal(2);
    // Names the flag and the value, and shows both readings.
    expect(error.message, value).to.include(`--${flag} "${value}"`).and.include(iso(n * 1000)).and.include(iso(n));
    // Says how to write each unambiguously: ISO-8601 for either, or 13-digit milliseconds for the seconds reading.
    const actions = (error.actions ?? []).join('\n');
    expect(actions, value).to.include(`--${flag} ${iso(n * 1000)}`).and.include(`--${flag} ${n * 1000}`).and.include(`--${flag} ${iso(n)}`);
    // Every action line got its tokens (a line left without one makes core log a warning into ~/.sf).
    expect(error.actions, value).to.have.length(3);
    expect(error.actions?.[2], value).to.include(`given to --${flag} `);
  };

  it('get refuses it, with both readings and both ways to write it', async () => {
    for (const value of tenDigits) {
      for (const flag of ['start', 'end'] as const) {
        const typed = next() < 0.2 ? ` ${value} ` : value;
        expectAmbiguous(await rejects({ conversationId: 'c', [flag]: typed }), flag, typed);
      }
    }
  });

  it('export refuses it for --since and --until', async () => {
    for (const value of tenDigits) {
      for (const flag of ['since', 'until'] as const) {
        // eslint-disable-next-line no-await-in-loop
        const error = await checkSelection({ sessionIds: [], channels: [], [flag]: value }).then(
          () => {
            throw new Error(`accepted --${flag} ${value}`);
          },
          (e: SfError) => e
        );
        expectAmbiguous(error, flag, value);
      }
    }
  });

  it('other lengths of digits are still epoch milliseconds, and ISO-8601 is never ambiguous', async () => {
    for (const length of [1, 5, 9, 11, 12, 13, 14, 16]) {
      const value = String(1 + Math.floor(next() * 8)) + digits(length - 1);
      expect((await checkInput({ conversationId: 'c', start: value, env: LOOPBACK_ENV })).window.start, value).to.equal(Number(value));
      // eslint-disable-next-line no-await-in-loop
      expect((await checkSelection({ sessionIds: [], channels: [], since: value })).since, value).to.equal(Number(value));
    }
    expect((await checkInput({ conversationId: 'c', start: '2026-01-07T10:00:00Z', env: LOOPBACK_ENV })).window.start).to.equal(1_767_780_000_000);
    expect((await checkInput({ conversationId: 'c', start: '1767780000000', env: LOOPBACK_ENV })).window.start).to.equal(1_767_780_000_000);
  });
});
