/*
 * Loading the target org from the sf keychain, and the API version its queries use.
 */
import { AuthInfo, ConfigAggregator, matchesAccessToken, Org, OrgConfigProperties, StateAggregator, type Connection } from '@salesforce/core';
import { compareVersions, MIN_API_VERSION } from '../input/access.js';
import { bundle, ExitCode } from '../messages.js';
import { coreProxy, unreachableError } from './network.js';

const messages = bundle('org');


export async function loadOrg(targetOrg: string | undefined): Promise<Org> {
  try {
    return await Org.create({ aliasOrUsername: targetOrg });
  } catch (error) {
    // Org.create asks the org for its API versions (after a DNS check of its host) unless they are cached.
    const unreachable = unreachableError(error, await storedInstanceUrl(targetOrg), coreProxy());
    if (unreachable) throw unreachable;
    const e = error as Error;
    if (e.name === 'NoUsernameFoundError' || e.name === 'NoUsernameFound') {
      throw messages.fail('NoTargetOrg', ExitCode.Auth);
    }
    let detail = e.message ?? String(error);
    // A raw access token can be passed where a username is expected: never echo one (conventions, snag 12).
    if (targetOrg && matchesAccessToken(targetOrg)) detail = detail.split(targetOrg).join('[access token]');
    throw messages.fail('OrgNotFound', ExitCode.Auth, [detail]);
  }
}

/** The instance URL sf stored for the org (read from its auth file, no request), to name it in an error. */
async function storedInstanceUrl(targetOrg: string | undefined): Promise<string | undefined> {
  try {
    const aliasOrUsername = targetOrg ?? (await ConfigAggregator.create()).getPropertyValue<string>(OrgConfigProperties.TARGET_ORG);
    if (!aliasOrUsername) return undefined;
    const username = (await StateAggregator.getInstance()).aliases.resolveUsername(aliasOrUsername);
    return (await AuthInfo.create({ username })).getFields().instanceUrl;
  } catch {
    return undefined;
  }
}

/**
 * The org's connection at the requested API version (already checked to be 55.0 or later), or the org's own
 * version raised to 55.0 when it is older: then `raisedFrom` is the org's own version, and `warning` says so.
 */
export function connectionFor(org: Org, apiVersion?: string): { conn: Connection; raisedFrom?: string; warning?: string } {
  const conn = org.getConnection(apiVersion);
  const version = conn.getApiVersion();
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    conn.setApiVersion(MIN_API_VERSION);
    return { conn, raisedFrom: version, warning: messages.text('warning.ApiVersionRaised', [version]) };
  }
  return { conn };
}

/** True when an error from a Connection call means the org's authorization is no longer usable. */
export function isAuthFailure(error: unknown): boolean {
  const e = error as { name?: string; errorCode?: string; statusCode?: number };
  return (
    e?.errorCode === 'INVALID_SESSION_ID' ||
    e?.name === 'INVALID_SESSION_ID' ||
    e?.name === 'invalid_grant' ||
    e?.errorCode === 'invalid_grant' ||
    e?.name === 'RefreshTokenAuthError' ||
    e?.statusCode === 401
  );
}

/** Asks the org to check the token and refresh it if it expired. A refresh that fails means re-authorising. */
export async function refresh(org: Org, instanceUrl: string): Promise<void> {
  try {
    await org.refreshAuth();
  } catch (error) {
    if (isAuthFailure(error) || (error as Error).name === 'AuthInfoRefreshError') {
      throw messages.fail('SessionExpired', ExitCode.Auth, [org.getOrgId(), instanceUrl]);
    }
    throw unreachableError(error, instanceUrl, coreProxy()) ?? error;
  }
}
