import { expect } from 'chai';
import { getProxyForUrl } from 'proxy-from-env';
import { coreProxy, unreachableCause, unreachableError } from '../../src/org/network.js';
import { proxyConfigured } from '../../src/sources/api/proxy.js';

/** A socket error as node reports it. */
const sys = (code: string, extra: Record<string, unknown> = {}): Error => Object.assign(new Error(`${code} something`), { code, ...extra });
/** What @salesforce/core's Connection (jsforce on undici's fetch) throws when the request never got an answer. */
const fetchFailed = (cause: unknown): TypeError => new TypeError('fetch failed', { cause });

describe('unreachable hosts: recognised in every shape they arrive in', () => {
  it('finds the socket or DNS code behind "fetch failed", however deep, and says why', () => {
    const cases: Array<[unknown, string, string, string?]> = [
      [fetchFailed(sys('ECONNREFUSED', { syscall: 'connect', address: '127.0.0.1', port: 9 })), 'ECONNREFUSED', 'refused'],
      [fetchFailed(sys('ENOTFOUND', { syscall: 'getaddrinfo', hostname: 'x.invalid' })), 'ENOTFOUND', 'dns'],
      [fetchFailed(sys('EAI_AGAIN')), 'EAI_AGAIN', 'dns'],
      [fetchFailed(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET', cause: sys('ECONNRESET') })), 'ECONNRESET', 'reset'],
      [fetchFailed(Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' })), 'UND_ERR_CONNECT_TIMEOUT', 'timeout'],
      [fetchFailed(sys('EHOSTUNREACH')), 'EHOSTUNREACH', 'route'],
      [fetchFailed(sys('ENETUNREACH')), 'ENETUNREACH', 'route'],
      // Happy eyeballs: one error per address, wrapped in an AggregateError.
      [fetchFailed(new AggregateError([sys('ECONNREFUSED'), sys('ECONNREFUSED')], 'connect failed')), 'ECONNREFUSED', 'refused'],
      [fetchFailed(sys('CERT_HAS_EXPIRED')), 'CERT_HAS_EXPIRED', 'tls'],
      [fetchFailed(sys('UNABLE_TO_VERIFY_LEAF_SIGNATURE')), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls'],
      [fetchFailed(sys('SELF_SIGNED_CERT_IN_CHAIN')), 'SELF_SIGNED_CERT_IN_CHAIN', 'tls'],
      [fetchFailed(sys('ERR_TLS_CERT_ALTNAME_INVALID')), 'ERR_TLS_CERT_ALTNAME_INVALID', 'tls'],
      // undici's ProxyAgent when the proxy won't tunnel.
      [fetchFailed(Object.assign(new Error('Proxy response (407) !== 200 when HTTP Tunneling'), { code: 'UND_ERR_ABORTED' })), 'HTTP 407', 'proxy'],
      // core's own DNS check in Org.create.
      [Object.assign(new Error('The org cannot be found'), { name: 'DomainNotFoundError' }), 'ENOTFOUND', 'dns'],
      // got (the plugin's own requests): the code on the error itself; a timeout while connecting.
      [Object.assign(new Error('connect ECONNREFUSED'), { name: 'RequestError', code: 'ECONNREFUSED' }), 'ECONNREFUSED', 'refused'],
      [Object.assign(new Error('Timeout awaiting connect'), { name: 'TimeoutError', code: 'ETIMEDOUT', event: 'connect' }), 'ETIMEDOUT', 'timeout', 'connect'],
    ];
    for (const [error, code, reason, phase] of cases) expect(unreachableCause(error), `${code}/${reason}`).to.deep.equal({ code, reason, ...(phase ? { phase } : {}) });
  });

  it('leaves every other failure alone', () => {
    const cyclic = new Error('loop') as Error & { cause?: unknown };
    cyclic.cause = cyclic;
    const others: unknown[] = [
      undefined,
      null,
      'fetch failed',
      new TypeError('fetch failed'),
      new TypeError("Cannot read properties of undefined (reading 'x')"),
      Object.assign(new Error('Session expired or invalid'), { name: 'INVALID_SESSION_ID', errorCode: 'INVALID_SESSION_ID' }),
      Object.assign(new Error('HTTP 503'), { statusCode: 503 }),
      // The host answered, slowly: a read timeout is not "unreachable".
      Object.assign(new Error('Timeout awaiting request'), { name: 'TimeoutError', code: 'ETIMEDOUT', event: 'request' }),
      sys('ENOSPC'),
      cyclic,
    ];
    for (const error of others) expect(unreachableCause(error), String(error)).to.equal(undefined);
  });

  it('the named error (exit 9) names the host and the proxy, never a token, a query or credentials', () => {
    const instance = 'https://acme.my.salesforce.com/services/data/v62.0/query?q=SELECT+Id&sid=00D5g000004AbCd!AQsecrettoken';
    const error = unreachableError(fetchFailed(sys('ECONNREFUSED')), instance, 'http://proxyuser:proxysecret@proxy.acme.com:3128');
    expect(error?.name).to.equal('UnreachableError');
    expect(error?.exitCode).to.equal(9);
    expect(error?.message).to.include('acme.my.salesforce.com').and.include('ECONNREFUSED').and.include('http://proxy.acme.com:3128');
    const text = `${error?.message ?? ''}\n${(error?.actions ?? []).join('\n')}`;
    for (const secret of ['AQsecrettoken', '00D5g000004AbCd!', 'proxysecret', 'proxyuser', 'SELECT']) expect(text, secret).not.to.include(secret);
    // It says what to check: the network, the proxy variables, the instance URL.
    expect(text).to.include('HTTPS_PROXY').and.include('NO_PROXY').and.include('sf org display');
    expect(unreachableError(new Error('boom'), instance, undefined)).to.equal(undefined);
    expect(unreachableError(fetchFailed(sys('ENOTFOUND')), undefined, undefined)?.message).to.include('unknown host');
  });

  /* eslint-disable camelcase -- the lower-case proxy variables are part of what is tested */
  it("knows which proxy core's connection uses: the first of https_proxy, http_proxy, HTTPS_PROXY, HTTP_PROXY that is set", () => {
    expect(coreProxy({})).to.equal(undefined);
    expect(coreProxy({ HTTP_PROXY: 'http://d', HTTPS_PROXY: 'http://c', http_proxy: 'http://b', https_proxy: 'http://a' })).to.equal('http://a');
    expect(coreProxy({ HTTP_PROXY: 'http://d', HTTPS_PROXY: 'http://c' })).to.equal('http://c');
    expect(coreProxy({ HTTP_PROXY: 'http://d' })).to.equal('http://d');
    // NO_PROXY doesn't matter to it; an empty variable ends the search (no proxy).
    expect(coreProxy({ HTTPS_PROXY: 'http://c', NO_PROXY: '*' })).to.equal('http://c');
    expect(coreProxy({ https_proxy: '', HTTPS_PROXY: 'http://c' })).to.equal('');
  });
  /* eslint-enable camelcase */

  it('goes direct only when proxy-agent would: for every mix of proxy variables, a proxy is used whenever proxy-from-env would pick one', () => {
    const names = ['http_proxy', 'https_proxy', 'all_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY'];
    const values = [undefined, '', 'http://proxy.example:3128', 'proxy.example:8080'];
    const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]));
    const urls = ['https://api.salesforce.com/platform/engagement/v1.0/conversation-entries', 'http://127.0.0.1:8443/x', 'https://login.salesforce.com/services/oauth2/token'];
    // A seeded walk through the mixes (7 variables, 4 values each): every variable's every value, in many company.
    let seed = 7;
    const next = (n: number): number => Math.floor(((seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647) * n);
    try {
      for (let round = 0; round < 400; round++) {
        const env: NodeJS.ProcessEnv = {};
        for (const name of names) {
          const value = values[next(values.length)];
          if (value === undefined) delete process.env[name];
          else process.env[name] = env[name] = value;
        }
        const picked = urls.some((url) => getProxyForUrl(url) !== '');
        if (picked) expect(proxyConfigured(env), JSON.stringify(env)).to.equal(true);
        // And no proxy variable at all (or only empty ones, or only NO_PROXY): direct.
        if (!names.slice(0, 6).some((name) => env[name])) expect(proxyConfigured(env), JSON.stringify(env)).to.equal(false);
      }
    } finally {
      for (const name of names) {
        if (saved[name] === undefined) delete process.env[name];
        else process.env[name] = saved[name];
      }
    }
  });
});
