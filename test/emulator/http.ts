/*
 * Reply values and the few helpers every route shares. Handlers return a Reply; server.ts writes it
 * (or truncates it, for the 'truncated' fault).
 */

export type Reply = { status: number; headers: Record<string, string>; body: string };

export const JSON_TYPE = 'application/json;charset=UTF-8';

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

/** Salesforce REST error body: a JSON array of {message, errorCode} (api-notes §6). */
export function sfErrors(status: number, errorCode: string, message: string, extra: Record<string, unknown> = {}): Reply {
  return json(status, [{ message, errorCode, ...extra }]);
}

export const NOT_FOUND = (): Reply => sfErrors(404, 'NOT_FOUND', 'The requested resource does not exist');

export const SESSION_INVALID = (): Reply => sfErrors(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
