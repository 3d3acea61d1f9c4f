/*
 * Salesforce record ids and conversation identifiers: validation and 15→18 normalisation.
 * Pure functions, no I/O, so bad input can be refused before any request is made.
 */
import { bundle, ExitCode } from '../messages.js';
import { sanitizeLine } from '../sanitize.js';

const messages = bundle('input');

/** Key prefix of MessagingSession records (seen in Connect `relatedRecords`; see api-notes §4). */
export const MESSAGING_SESSION_PREFIX = '0Mw';
/** Key prefix of VoiceCall records (api-notes §8.2). */
export const VOICE_CALL_PREFIX = '0LQ';
/** Key prefix of Case records. */
export const CASE_PREFIX = '500';
/** Case.CaseNumber's length (an autonumber, usually 8 digits). */
export const MAX_CASE_NUMBER_LENGTH = 30;

const records = bundle('input.records');

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_15 = /^[a-zA-Z0-9]{15}$/;
const ID_18 = /^[a-zA-Z0-9]{15}[A-Z0-5]{3}$/;

export type IdProblem = 'length' | 'characters' | 'prefix' | 'checksum';

export type IdCheck = { ok: true; id18: string } | { ok: false; problem: IdProblem };

/** The 3-character case-safe suffix of a 15-character id. */
export function checksumSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

/** Turns a 15-character id into its 18-character form. The input must already be 15 alphanumerics. */
export function to18(id15: string): string {
  return id15 + checksumSuffix(id15);
}

/**
 * Checks a record id: 15 or 18 alphanumerics, the expected key prefix (case-sensitive),
 * and for 18 characters a suffix that matches the case of the first 15.
 */
export function checkRecordId(value: string, prefix: string): IdCheck {
  if (value.length !== 15 && value.length !== 18) return { ok: false, problem: 'length' };
  if (value.length === 15 ? !ID_15.test(value) : !/^[a-zA-Z0-9]{18}$/.test(value)) {
    return { ok: false, problem: 'characters' };
  }
  if (!value.startsWith(prefix)) return { ok: false, problem: 'prefix' };
  const head = value.slice(0, 15);
  if (value.length === 18 && (!ID_18.test(value) || value.slice(15) !== checksumSuffix(head))) {
    return { ok: false, problem: 'checksum' };
  }
  return { ok: true, id18: to18(head) };
}

/** Any record Id, 15 or 18 characters with a valid case checksum: what the org returns as a record's Id. */
export const isRecordId = (value: string): boolean => checkRecordId(value, '').ok;

export const MAX_CONVERSATION_ID_LENGTH = 255;

export type ConversationIdProblem = 'empty' | 'length' | 'characters';

/**
 * A ConversationIdentifier is a string of up to 255 characters (Conversation.ConversationIdentifier).
 * In practice it is a UUID, but only the documented limits are enforced, plus no whitespace or
 * control characters, which would never survive a query string intact.
 */
export function checkConversationId(value: string): ConversationIdProblem | undefined {
  if (value.length === 0) return 'empty';
  if (value.length > MAX_CONVERSATION_ID_LENGTH) return 'length';
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/u.test(value)) return 'characters';
  return undefined;
}

/**
 * A short, printable rendering of user input for an error message: escaped as in a JSON string, and what JSON leaves
 * as it is (DEL, C1 controls, bidi controls, line separators) escaped as sanitize.ts does; length capped.
 */
export function printable(value: string, max = 80): string {
  const escaped = sanitizeLine(JSON.stringify(value).slice(1, -1));
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

/** A valid MessagingSession Id in its 18-character form; `where` names its source (a file and line) in the error. */
export function checkSessionId(value: string, where?: string): string {
  const check = checkRecordId(value, MESSAGING_SESSION_PREFIX);
  if (check.ok) return check.id18;
  const tokens = check.problem === 'length' ? [value.length] : check.problem === 'checksum' ? [to18(value.slice(0, 15))] : [];
  const reason = messages.text(`reason.${check.problem}`, tokens.map(String));
  if (where) throw messages.fail('InvalidSessionIdIn', ExitCode.InvalidInput, [printable(value), where, reason]);
  throw messages.fail('InvalidSessionId', ExitCode.InvalidInput, [printable(value), reason]);
}

const CONVERSATION_ID_REASONS = { empty: 'reason.empty', length: 'reason.tooLong', characters: 'reason.whitespace' };

export function checkConversationIdentifier(value: string): string {
  const problem = checkConversationId(value);
  if (!problem) return value;
  const reason = messages.text(CONVERSATION_ID_REASONS[problem], problem === 'length' ? [String(value.length)] : []);
  throw messages.fail('InvalidConversationId', ExitCode.InvalidInput, [printable(value), reason]);
}

/** The reason an id check failed, in words (shared by every kind of record Id). */
function idReason(value: string, problem: IdProblem, prefixReason: string): string {
  if (problem === 'prefix') return prefixReason;
  const tokens = problem === 'length' ? [value.length] : problem === 'checksum' ? [to18(value.slice(0, 15))] : [];
  return messages.text(`reason.${problem}`, tokens.map(String));
}

/** A valid VoiceCall Id (0LQ…) in its 18-character form; `where` names its source (a file and line) in the error. */
export function checkVoiceCallId(value: string, where = '--voice-call-id'): string {
  const check = checkRecordId(value, VOICE_CALL_PREFIX);
  if (check.ok) return check.id18;
  throw records.fail('InvalidVoiceCallId', ExitCode.InvalidInput, [printable(value), where, idReason(value, check.problem, records.text('reason.prefix.voiceCall'))]);
}

/** A case as the user named it: by its record Id, or by its CaseNumber. */
export type CaseKey = { caseId: string; caseNumber?: undefined } | { caseNumber: string; caseId?: undefined };

/**
 * A --case value: a Case Id (15 or 18 characters, 500…, with a valid checksum) becomes an Id; anything else that could
 * be a CaseNumber (at most 30 printable characters) is one. Only a valid Id is ever compared with an Id field (the
 * org refuses a malformed Id literal), so a CaseNumber is never put in an Id comparison. The Id of another kind of
 * record is refused.
 */
export function checkCase(value: string, where = '--case'): CaseKey {
  const typed = value.trim();
  const check = checkRecordId(typed, '');
  if (check.ok && typed.startsWith(CASE_PREFIX)) return { caseId: check.id18 };
  if (check.ok && !/^\d+$/.test(typed)) throw records.fail('CaseIsOtherRecord', ExitCode.InvalidInput, [printable(value), where]);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (!typed || typed.length > MAX_CASE_NUMBER_LENGTH || /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]/.test(typed)) {
    throw records.fail('InvalidCase', ExitCode.InvalidInput, [printable(value), where]);
  }
  return { caseNumber: typed };
}

/** A string literal for SOQL: backslashes and single quotes escaped (the value must already be checked). */
export const soqlString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The records a conversation belongs to. */
export type RecordKind = 'MessagingSession' | 'VoiceCall';
