import { expect } from 'chai';
import { DEFAULT_RETRY_POLICY, RETRY_STATUS_CODES, retryDelay } from '../../src/sources/api/retry.js';
import { serverSaid } from '../../src/sources/api/client.js';

describe('retry decisions', () => {
  const policy = DEFAULT_RETRY_POLICY;

  it('honours Retry-After exactly, up to the maximum wait', () => {
    expect(retryDelay(1, 1000, policy)).to.equal(1000);
    expect(retryDelay(2, 0, policy)).to.equal(1);
    expect(retryDelay(1, policy.maxRetryAfterMs, policy)).to.equal(policy.maxRetryAfterMs);
    expect(retryDelay(1, policy.maxRetryAfterMs + 1, policy)).to.equal(0);
  });

  it('stops after the retry limit, Retry-After or not', () => {
    expect(retryDelay(policy.limit, undefined, policy)).to.be.greaterThan(0);
    expect(retryDelay(policy.limit + 1, undefined, policy)).to.equal(0);
    expect(retryDelay(policy.limit + 1, 1000, policy)).to.equal(0);
  });

  it('backs off exponentially with jitter inside [ceiling/2, ceiling], capped', () => {
    for (let attempt = 1; attempt <= policy.limit; attempt++) {
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      expect(retryDelay(attempt, undefined, policy, () => 0)).to.equal(ceiling / 2);
      expect(retryDelay(attempt, undefined, policy, () => 0.999_999)).to.be.within(ceiling - 1, ceiling);
    }
    const big = { ...policy, limit: 20 };
    expect(retryDelay(20, undefined, big, () => 1)).to.equal(policy.maxDelayMs);
  });

  it('retries 429 and transient 5xx, not other client errors or 501', () => {
    for (const status of [429, 500, 502, 503, 504]) expect(RETRY_STATUS_CODES).to.include(status);
    for (const status of [400, 401, 403, 404, 409, 501, 505]) expect(RETRY_STATUS_CODES).not.to.include(status);
  });
});

describe('server error text', () => {
  it('reads Salesforce arrays, objects and OAuth errors, and never repeats the token', () => {
    expect(serverSaid([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired' }], 'tok')).to.equal(
      ' The API said: INVALID_SESSION_ID: Session expired'
    );
    // eslint-disable-next-line camelcase -- the OAuth error field's own name
    expect(serverSaid({ error: 'invalid_grant', error_description: 'expired' }, 'tok')).to.equal(' The API said: invalid_grant: expired');
    expect(serverSaid({ message: 'bad token 00Dxx!SECRET here' }, '00Dxx!SECRET')).to.equal(' The API said: bad token [token] here');
    expect(serverSaid(undefined, 'tok')).to.equal('');
    expect(serverSaid('x'.repeat(1000), 'tok').length).to.be.lessThan(320);
  });
});
