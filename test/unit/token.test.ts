import { expect } from 'chai';
import { classifyToken, describeToken, tokenProblem } from '../../src/sources/api/token.js';

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
/** A JWT as Salesforce issues them (header typ JWT, as @salesforce/core's matchesJwtAccessToken requires). */
const jwt = (payload: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', tnk: 'core/prod/00D5g000004AbCdEAK' }): string =>
  `${b64({ typ: 'JWT', ...header })}.${b64(payload)}.c2lnbmF0dXJl`;

describe('token diagnosis', () => {
  const future = Math.floor(Date.now() / 1000) + 3600;

  it('recognises an opaque session token without exposing it', () => {
    const token = '00D5g000004AbCd!AQ0AQAbCdEf.GhIjKl_mnop';
    const info = classifyToken(token);
    expect(info).to.deep.equal({ kind: 'opaque', orgId: '00D5g000004AbCd' });
    expect(tokenProblem(info)).to.equal('opaque');
    expect(describeToken(info)).not.to.include('AQ0AQ');
  });

  it('reads scopes from scp (array) or scope (string), expiry and tenant', () => {
    const a = classifyToken(jwt({ scp: ['sfap_api', 'api'], exp: future }));
    expect(a).to.deep.include({ kind: 'jwt', scopes: ['sfap_api', 'api'], expiresAt: future * 1000, tenant: 'core/prod/00D5g000004AbCdEAK' });
    expect(tokenProblem(a)).to.equal(undefined);
    const b = classifyToken(jwt({ scope: 'api refresh_token sfap_api', exp: future }, { alg: 'RS256' }));
    expect(b).to.deep.include({ kind: 'jwt', scopes: ['api', 'refresh_token', 'sfap_api'] });
    expect(tokenProblem(b)).to.equal(undefined);
  });

  it('finds the missing scope and the expired token', () => {
    expect(tokenProblem(classifyToken(jwt({ scp: ['api'], exp: future })))).to.equal('no-sfap-scope');
    expect(tokenProblem(classifyToken(jwt({ scp: ['sfap_api'], exp: 1000 })))).to.equal('expired');
    expect(tokenProblem(classifyToken(jwt({ scp: ['sfap_api'] })))).to.equal(undefined);
  });

  it('never throws on garbage, and calls it unknown', () => {
    for (const bad of [undefined, '', 'x', 'a.b.c', '...', `${b64('x')}.${b64(1)}.z`, 'Bearer abc', '00X!nope']) {
      const info = classifyToken(bad);
      expect(info.kind, String(bad)).to.equal('unknown');
      expect(tokenProblem(info)).to.equal('unknown');
    }
  });

  it('describes a JWT by scopes, expiry and tenant only', () => {
    const text = describeToken(classifyToken(jwt({ scp: ['api'], exp: 1_900_000_000, sub: 'secret-user@example.com' })));
    expect(text).to.equal('a JWT (scopes: api; expires 2030-03-17T17:46:40.000Z; tenant core/prod/00D5g000004AbCdEAK)');
  });
});
