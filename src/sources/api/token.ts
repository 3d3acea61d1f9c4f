/*
 * What kind of access token an org holds, read locally and never printed. The Conversation Data API wants a
 * JWT-based token with the sfap_api scope (api-notes §3); an opaque session id (`00D…!…`) is most likely refused.
 * A JWT is decoded without verifying it: only to read its scopes, expiry and tenant, which are not secret.
 */
import { accessTokenRegex, matchesJwtAccessToken, matchesOpaqueAccessToken } from '@salesforce/core';
import { bundle } from '../../messages.js';

const messages = bundle('sources');

export type TokenInfo =
  | { kind: 'opaque'; orgId?: string }
  | {
      kind: 'jwt';
      scopes: string[];
      /** Epoch ms, when the token says. */
      expiresAt?: number;
      /** The `tnk` tenant claim, e.g. core/prod/00D…, which routes the call on api.salesforce.com. */
      tenant?: string;
    }
  | { kind: 'unknown' };

export type TokenProblem = 'opaque' | 'no-sfap-scope' | 'expired' | 'unknown';

export const SFAP_SCOPE = 'sfap_api';

const decodePart = (part: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

const scopesOf = (claim: unknown): string[] => {
  if (Array.isArray(claim)) return claim.filter((s): s is string => typeof s === 'string');
  if (typeof claim === 'string') return claim.split(/[\s,]+/).filter(Boolean);
  return [];
};

export function classifyToken(token: string | undefined): TokenInfo {
  if (!token) return { kind: 'unknown' };
  // The shapes @salesforce/core itself recognises: an opaque session id `00D…!…`, or a JWT (header typ JWT).
  if (matchesOpaqueAccessToken(token)) return { kind: 'opaque', orgId: accessTokenRegex.exec(token)?.[1] };
  if (matchesJwtAccessToken(token)) {
    const parts = token.split('.');
    const header = decodePart(parts[0]);
    const payload = decodePart(parts[1]);
    if (payload) {
      const exp = typeof payload.exp === 'number' ? payload.exp : undefined;
      const tenant = [payload.tnk, header?.tnk].find((t): t is string => typeof t === 'string');
      return {
        kind: 'jwt',
        scopes: [...new Set([...scopesOf(payload.scp), ...scopesOf(payload.scope)])],
        expiresAt: exp === undefined ? undefined : exp * 1000,
        tenant,
      };
    }
  }
  return { kind: 'unknown' };
}

/** Why this token can't work on the Conversation Data API, or undefined when it looks right. */
export function tokenProblem(info: TokenInfo, now = Date.now()): TokenProblem | undefined {
  if (info.kind === 'opaque') return 'opaque';
  if (info.kind === 'unknown') return 'unknown';
  if (!info.scopes.includes(SFAP_SCOPE)) return 'no-sfap-scope';
  if (info.expiresAt !== undefined && info.expiresAt <= now) return 'expired';
  return undefined;
}

/** A description safe to print: the kind, scopes, expiry and tenant, never the token. */
export function describeToken(info: TokenInfo): string {
  if (info.kind !== 'jwt') return messages.text(`token.${info.kind}`);
  const scopes = info.scopes.length ? info.scopes.join(' ') : messages.text('token.noScopes');
  const exp = info.expiresAt === undefined ? messages.text('token.noExpiry') : messages.text('token.expires', [new Date(info.expiresAt).toISOString()]);
  return messages.text(info.tenant ? 'token.jwtWithTenant' : 'token.jwt', [scopes, exp, info.tenant ?? '']);
}
