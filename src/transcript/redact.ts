/*
 * Redaction of personal data for `--redact`: email addresses, phone numbers, payment card numbers and IBANs
 * become typed placeholders. Pure string and JSON functions; the caller prints the warning with the counts.
 *
 * The rules match the text a reader sees, not its HTML escaping (the API escapes message text):
 *
 * - **Entities are decoded first**: numeric (`&#64;`, `&#x40;`, with or without the `;`) and named (`&commat;`,
 *   `&period;`, `&nbsp;`, `&amp;`…), so `jane&#64;example.com` and `4111&#32;1111&#32;1111&#32;1111` are an email
 *   and a card. Decoding is repeated while it changes anything (at most 4 times), so text escaped twice
 *   (`jane&amp;#64;example.com`) is read too.
 * - **Spaces a reader can't tell from a space** (no-break, figure, thin, hair, narrow no-break…) count as spaces.
 * - **What comes back**: a string in which something was masked is returned decoded, with its placeholders
 *   (`I&#39;m jane&#64;example.com` → `I'm [email]`); a string in which nothing was masked is returned exactly as
 *   given, entities and all.
 *
 * The documented pattern list (rules applied in this order; each match becomes the placeholder shown):
 *
 * - **IBAN → `[iban]`**: a country code that issues IBANs, 2 check digits, then 11–30 letters/digits, written
 *   without spaces or in groups of 4 (the last group may be shorter) separated by single spaces or by single
 *   dashes (`DE89-3704-0044-0532-0130-00`), passing the ISO 13616 mod-97 check. Letters all upper case or all
 *   lower case (`gb82 west 1234 5698 7654 32` counts; mixed case, as in a Salesforce Id, does not). Not preceded
 *   or followed by a letter or digit.
 * - **Card → `[card]`**: 13–19 digits, unseparated, or in groups of 3+ digits joined by one or two spaces or
 *   dashes (`4111  1111  1111  1111`), or by dots with at least 3 groups (`4111.1111.1111.1111`; one dot is a
 *   decimal number), not starting with 0, passing the Luhn check (so a Luhn-invalid order number survives).
 *   Groups of exactly 3 digits are thousands separators (`123.456.789.012.347`), not a card. Never part of a
 *   longer number or token: not preceded by a letter, digit, `+`, or a letter/digit and a separator (or a digit
 *   and two spaces); not followed by a letter, digit, `@`, or a separator and a digit (a space and an expiry date
 *   such as `12/27` may follow). Not after `ISBN`, `EAN`, `GTIN`, `UPC` or `barcode`.
 * - **Email → `[email]`**: a local part of letters (any script, with their accents), digits and `._%+-`, where an
 *   apostrophe may join two runs (`jöhn.müller`, `o'brien`), then `@`, a domain of such letters and digits with at
 *   least one dot, and a top-level domain of 2+ letters. Letters of scripts written without spaces (Chinese,
 *   Japanese, Korean, Thai…) are never part of an address, so `メールはjane@example.comまで` keeps its words.
 *   `user@localhost`, `@mention` and `a@b` survive.
 * - **Phone → `[phone]`**, never starting or ending inside a longer token or number (tracking numbers, UUIDs,
 *   Salesforce Ids), and never followed by a separator and a digit (an extension such as `x123` may follow):
 *   - *international*: `+` then 8–15 digits, groups joined by single spaces, dots or dashes, with at most one
 *     parenthesised group (`+44 (0)20 7946 0958`, `+1 (415) 555-2671`, `whatsapp:+14155552671`);
 *   - *national, grouped*: 9–13 digits (8–15 after a leading `00` international prefix) in 3+ groups of 2–4
 *     digits joined by spaces, dots or dashes, with an optional parenthesised area code, `(0)` or North
 *     American `1 ` in front (`(415) 555-2671`, `020 7946 0958`, `06 12 34 56 78`, `1-800-555-0199`,
 *     `0044 20 7946 0958`; the first group may also be `0` + 4 digits: `07700 900 123`); or a trunk-prefixed
 *     area code and one block of 5–8 digits (`030 12345678`, `06-12345678`, `0170/1234567`, `07700 900123`).
 *     Not when it starts with a date (YYYY-MM-DD, DD.MM.YYYY, DD/MM/YYYY, with or without a time), is an IP
 *     address, has thousands separators (`12 345 678 901`), has a currency sign or code next to it, or when
 *     the nearest keyword ending within 25 characters before it is an order/reference word: order, ref,
 *     reference, invoice, ticket, case (not "in case"), tracking, booking, confirmation, parcel, shipment,
 *     serial, sku, `#`, `no.`, `nr` (`order number`, `tracking no.` etc. count as one order word);
 *   - *bare*: an unseparated run of 9–13 digits, only when the nearest keyword ending within 25 characters
 *     before it is a phone word: phone, tel, telephone, call, mobile, mob, cell, ph, fax, whatsapp, sms,
 *     text me, number.
 * - Prices (`$1,299.00`, `€ 49.90`, `1.299,00`), times (`12:30`), date-times (`2025-01-10T11:20:00Z`), version
 *   numbers (`v66.0`, `1.2.3`), postcodes and plain counts are never masked.
 * - Idempotent: placeholders contain no digit and no `@`, and the rules are repeated until nothing changes, so
 *   redacting redacted text changes nothing and counts nothing.
 * - In raw entries (`--json`, JSON Lines `raw`), each string value is redacted on its own, as above (decoded
 *   where something was masked, exactly as it came where nothing was); values under identifier and enumeration
 *   keys are kept (see redactEntry), and a string holding a JSON object or array is redacted as JSON.
 *
 * Known limits: a phone number written without separators and without a phone word shortly before it is kept
 * (it can't be told from an order or tracking number); a card number followed by a space and another number
 * (`... 1111 123`) is kept, so that a longer number is never partly masked; a mixed-case IBAN is kept; a
 * Luhn-valid 13–19 digit number that is not a card (a barcode without its keyword) is masked as `[card]`;
 * invisible characters inside a value (a zero-width space, a soft hyphen) and digits of other scripts
 * (fullwidth `４１１１`) are not read through, and text escaped more than 4 times is not decoded completely.
 */

import { decodeHTML } from 'entities';

export type RedactionKind = 'email' | 'phone' | 'card' | 'iban';
export type RedactionCounts = Record<RedactionKind, number>;

export const REDACTION_KINDS: readonly RedactionKind[] = Object.freeze(['email', 'phone', 'card', 'iban'] as const);

export function emptyCounts(): RedactionCounts {
  return { email: 0, phone: 0, card: 0, iban: 0 };
}

/**
 * The text being redacted, twice: `shown` is what the output keeps; `view` is what the rules match, the same text
 * with every space a reader can't tell from a space (no-break, thin, narrow no-break…) as a plain space. Both have
 * the same length at every step, so a match in the view masks the same characters in the shown text.
 */
type Text = { shown: string; view: string };

/** Decides whether a candidate match (in the view) is masked: the end index of the masked text, or undefined to keep it. */
type Accept = (match: RegExpExecArray, view: string) => number | undefined;

/** Replaces every accepted match of `pattern` (which must have the g flag) with the placeholder of `kind`. */
function mask(text: Text, pattern: RegExp, kind: RedactionKind, counts: RedactionCounts, accept: Accept): Text {
  const re = new RegExp(pattern.source, pattern.flags);
  const { shown, view } = text;
  let outShown = '';
  let outView = '';
  let last = 0;
  for (let m = re.exec(view); m !== null; m = re.exec(view)) {
    const end = accept(m, view);
    if (end === undefined || end <= m.index) {
      // Later starts inside a rejected candidate are excluded by each pattern's look-behind.
      re.lastIndex = m.index + 1;
      continue;
    }
    outShown += shown.slice(last, m.index) + `[${kind}]`;
    outView += view.slice(last, m.index) + `[${kind}]`;
    // eslint-disable-next-line no-param-reassign -- adding to the caller's counts is this module's contract
    counts[kind]++;
    last = end;
    re.lastIndex = end;
  }
  return last === 0 ? text : { shown: outShown + shown.slice(last), view: outView + view.slice(last) };
}

/**
 * What may not follow a number: a letter, digit or `_` (part of a longer token), `@` (an email's local part,
 * masked by the email rule), a separator and a letter/digit (`-x`, `.5`, `/12`), or a space and a digit
 * (the number would go on).
 */
const BAD_AFTER_NUMBER = /^(?:[A-Za-z0-9_@]|[-._/:,+][A-Za-z0-9]| \d)/;

// ---------------------------------------------------------------------------------------------------------------
// IBAN

/** Countries (and territories) that issue IBANs: the SWIFT registry plus the widely used experimental ones. */
const IBAN_COUNTRIES = new Set(
  (
    'AD AE AL AT AZ BA BE BG BH BI BR BY CH CR CY CZ DE DJ DK DO EE EG ES FI FK FO FR GB GE GI GL GR GT HN HR ' +
    'HU IE IL IQ IS IT JO KW KZ LB LC LI LT LU LV LY MC MD ME MK MN MR MT MU NI NL NO OM PK PL PS PT QA RO RS ' +
    'RU SA SC SD SE SI SK SM SO ST SV TL TN TR UA VA VG XK YE ' +
    // Experimental/partial IBAN countries (used by some banks, not in the SWIFT registry).
    'AO BF BJ CF CG CI CM CV DZ GA GQ GW IR KM MA MG ML MZ NE SN TD TG'
  ).split(' ')
);

/**
 * A candidate: country code and check digits, then letter/digit chunks separated by single spaces or by single
 * dashes (one or the other throughout). Which leading chunks form the IBAN (if any) is decided by ibanEnd; trailing
 * words are simply not taken.
 */
const IBAN_CANDIDATE = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}[A-Za-z0-9]*(?:([ -])[A-Za-z0-9]+(?:\1[A-Za-z0-9]+){0,8})?/g;

/** ISO 13616 / ISO 7064 mod-97-10 check of an upper-case IBAN without spaces. */
function ibanChecksumOk(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const value = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** A compact IBAN (or one with spaces removed) is valid: known country, 15–34 characters, one case, mod-97. */
function ibanValid(compact: string): boolean {
  if (compact.length < 15 || compact.length > 34) return false;
  // One case throughout: mixed case is an identifier (e.g. a Salesforce Id), not a typed IBAN.
  if (compact !== compact.toUpperCase() && compact !== compact.toLowerCase()) return false;
  const upper = compact.toUpperCase();
  return IBAN_COUNTRIES.has(upper.slice(0, 2)) && /^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(upper) && ibanChecksumOk(upper);
}

/** The longest valid IBAN at the start of a candidate: compact, or groups of 4 with a last group of 1–4. */
const ibanEnd: Accept = (m, text) => {
  const chunks = m[0].split(/[ -]/);
  let end: number | undefined;
  if (ibanValid(chunks[0])) end = m.index + chunks[0].length;
  else if (chunks[0].length === 4) {
    let length = 4;
    for (let k = 1; k < chunks.length && chunks[k].length <= 4; k++) {
      length += 1 + chunks[k].length;
      if (ibanValid(chunks.slice(0, k + 1).join(''))) end = m.index + length;
      if (chunks[k].length < 4) break; // only the last group may be short
    }
  }
  if (end === undefined || /^(?:[@]|[-._/][A-Za-z0-9])/.test(text.slice(end))) return undefined;
  return end;
};

// ---------------------------------------------------------------------------------------------------------------
// Payment card

/**
 * Digits in groups of 3+ joined by one or two spaces or a dash, or by dots (then 3+ groups, so a decimal number is
 * never one). Not preceded by a letter, digit, `_` or `+`, nor by a letter/digit and a separator (so it never starts
 * inside a longer number or token).
 */
const CARD_CANDIDATE =
  /(?<![A-Za-z0-9_+]|[A-Za-z0-9_][-._/]|\d[ ,:]|\d {2})(?:\d{3,}(?:\.\d{3,}){2,}|\d{3,}(?:(?: {1,2}|-)\d{3,})*)/g;

/** An expiry date may follow a card number after a space: ` 12/27`, ` 03/2029`. */
const EXPIRY_AFTER = /^ (?:0?[1-9]|1[0-2])\/(?:\d{2}|\d{4})(?!\d)/;

function luhnOk(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** A barcode or book number (EAN-13, GTIN, UPC, ISBN) can pass the Luhn check; after these words it is kept. */
const BARCODE_BEFORE = /\b(?:ISBN(?:-1[03])?|EAN(?:-13)?|GTIN(?:-1[34])?|UPC|barcode)\b[\s:#]*$/i;

const cardEnd: Accept = (m, text) => {
  const digits = m[0].replace(/[ .-]/g, '');
  // Groups of exactly 3 digits are thousands separators (`123.456.789.012.345`): an amount, not a card.
  if (/^\d{3}(?:[ .-]+\d{3})+$/.test(m[0])) return undefined;
  // Card numbers never start with 0 (ISO/IEC 7812 industry 0 is not used for cards; `0000 ...` is a placeholder).
  if (digits.length < 13 || digits.length > 19 || digits.startsWith('0') || !luhnOk(digits)) return undefined;
  const end = m.index + m[0].length;
  const after = text.slice(end);
  if (BAD_AFTER_NUMBER.test(after) && !EXPIRY_AFTER.test(after)) return undefined;
  if (BARCODE_BEFORE.test(text.slice(Math.max(0, m.index - 20), m.index))) return undefined;
  return end;
};

// ---------------------------------------------------------------------------------------------------------------
// Email

/**
 * Scripts written without spaces between words: an address in Japanese or Chinese text runs straight into the
 * words around it (`メールはjane@example.comまで`), so their letters never count as part of an address.
 */
const UNSPACED_SCRIPTS = String.raw`\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}`;
/** A letter (with its combining marks) or digit of any script but those. */
const WORD_CHAR = String.raw`(?:(?![${UNSPACED_SCRIPTS}])[\p{L}\p{M}\p{N}])`;
/** A character of a local part other than the apostrophe (which only joins two runs: `o'brien`). */
const LOCAL_CHAR = String.raw`(?:${WORD_CHAR}|[._%+-])`;

/**
 * local@domain.tld, in any script (`jöhn.müller@example.de`, `anna@müller.de`); the domain has at least one dot and
 * a 2+ letter TLD, and the match ends at the TLD.
 */
const EMAIL = new RegExp(
  String.raw`(?<!${LOCAL_CHAR})${LOCAL_CHAR}+(?:'${LOCAL_CHAR}+)*@` + // local part, not continuing one
    String.raw`(?:${WORD_CHAR}(?:(?:${WORD_CHAR}|-){0,61}${WORD_CHAR})?\.)+` + // domain labels, each followed by a dot
    String.raw`(?:(?![${UNSPACED_SCRIPTS}])[\p{L}\p{M}]){2,}(?!${WORD_CHAR}|-|\.${WORD_CHAR})`, // the TLD, ending the domain
  'gu'
);

const emailEnd: Accept = (m) => m.index + m[0].length;

// ---------------------------------------------------------------------------------------------------------------
// Phone

/** Phone numbers never start inside a token or a longer number (same rule as cards). */
const PHONE_BEFORE = String.raw`(?<![A-Za-z0-9_+]|[A-Za-z0-9_][-._/]|\d[ ,:])`;

/** (a) International: `+`, digit groups joined by one space/dot/dash, optionally one parenthesised group. */
const PHONE_INTERNATIONAL = /(?<![A-Za-z0-9_+])\+\d+(?:(?:[ .-]|[ .-]?\(\d{1,4}\)[ .-]?)\d+)*/g;

/**
 * (b) National, grouped: an optional `1 ` (North American long distance) before a 3-digit area code or `(0)`, then
 * either a parenthesised area code or a first group of 2–4 digits (or 0 + 4 digits), then 2+ groups of 2–4;
 * or a trunk-prefixed area code (`0` + 1–4 digits, parenthesised or followed by a separator) and 5–8 digits.
 */
const PHONE_NATIONAL = new RegExp(
  PHONE_BEFORE +
    String.raw`(?:(?:1[ .-](?=\(?\d{3}[) .-])|\(0\) ?)?` + // optional `1 ` or `(0)`
    String.raw`(?:\(\d{2,5}\)[ .-]?|(?:0\d{4}|\d{2,4})[ .-])` + // area code or first group
    String.raw`(?:\d{2,4}[ .-])+\d{2,4}` + // 2+ more groups
    String.raw`|(?:\(0\d{1,4}\)[ ./-]?|0\d{1,4}[ ./-])\d{5,8})`,
  'g'
);

/** (c) Bare: an unseparated run of digits (9–13 are accepted, and only after a phone word). */
const PHONE_BARE = new RegExp(PHONE_BEFORE + String.raw`\d{9,}`, 'g');

/**
 * Keywords before a number. Order/reference words (with a following `number`/`no.`/`#`/`id` as one word, so
 * `order number` is not taken for the phone word `number`) and phone words. `#`, `no.` and `nr` are reference
 * markers. Phone words inside a placeholder (`[phone]`) do not count.
 */
const KEYWORD = new RegExp(
  String.raw`(?<order>\b(?:orders?|ordered|ref|refs|reference|invoices?|tickets?|(?<!\bin |\bjust in )cases?|` +
    String.raw`tracking|booking|confirmation|parcel|shipment|serial|sku)\b` +
    String.raw`(?:\s*(?:number|no\.?|nr\.?|#|id)(?![A-Za-z]))?` + // `order number`, `ticket #`: one order word
    String.raw`|#|\bno\.|\bnr\b\.?)` +
    String.raw`|(?<phone>(?<!\[)\b(?:tel(?:ephone)?|phones?|phoned|call(?:s|ed|ing)?|mobile|mob|cell(?:phone)?|` +
    String.raw`ph|fax|whats ?app|sms|text me|numbers?)\b)`,
  'gi'
);

/** How far before a number its keyword may end. */
const KEYWORD_REACH = 25;

/** The kind of the nearest keyword ending within KEYWORD_REACH characters before `start`, if any. */
function keywordBefore(text: string, start: number): 'order' | 'phone' | undefined {
  let from = Math.max(0, start - KEYWORD_REACH - 40);
  while (from > 0 && /\S/.test(text[from - 1])) from--; // don't cut a word in half
  const window = text.slice(from, start);
  let nearest: RegExpExecArray | undefined;
  const re = new RegExp(KEYWORD.source, KEYWORD.flags);
  for (let m = re.exec(window); m !== null; m = re.exec(window)) nearest = m;
  if (!nearest || from + nearest.index + nearest[0].length < start - KEYWORD_REACH) return undefined;
  return nearest.groups?.order ? 'order' : 'phone';
}

const countDigits = (s: string): number => s.replace(/\D/g, '').length;

/** What may not follow a phone number: as for any number, except an extension (`x123`), which is kept. */
const badAfterPhone = (after: string): boolean =>
  BAD_AFTER_NUMBER.test(after) && !/^x\d{1,5}(?![A-Za-z0-9])/.test(after);

const phoneInternationalEnd: Accept = (m, text) => {
  const n = countDigits(m[0]);
  const end = m.index + m[0].length;
  if (n < 8 || n > 15 || m[0].split('(').length > 2 || badAfterPhone(text.slice(end))) return undefined;
  return end;
};

/** YYYY-MM-DD or DD.MM.YYYY / MM/DD/YYYY (any of - . / as separator) at the start. */
function startsWithDate(s: string): boolean {
  const ymd = /^\d{4}[-./](\d{1,2})[-./](\d{1,2})(?!\d)/.exec(s);
  if (ymd) return Number(ymd[1]) >= 1 && Number(ymd[1]) <= 12 && Number(ymd[2]) >= 1 && Number(ymd[2]) <= 31;
  const dmy = /^(\d{1,2})[-./](\d{1,2})[-./]\d{4}(?!\d)/.exec(s);
  if (!dmy) return false;
  const [a, b] = [Number(dmy[1]), Number(dmy[2])];
  return a >= 1 && b >= 1 && ((a <= 31 && b <= 12) || (a <= 12 && b <= 31));
}

const CURRENCY_BEFORE = /(?:[$€£¥₹]|\b(?:USD|EUR|GBP|CHF|JPY|INR|AUD|CAD|SEK|NOK|DKK|PLN)\b)\s?$/i;
const CURRENCY_AFTER = /^\s?(?:[$€£¥₹]|(?:USD|EUR|GBP|CHF|JPY|INR|AUD|CAD|SEK|NOK|DKK|PLN)\b)/i;

const phoneNationalEnd: Accept = (m, text) => {
  const s = m[0];
  const end = m.index + s.length;
  // `00` is the international call prefix (`0044 20 7946 0958`): then 8–15 digits follow it, as after a `+`.
  const [min, max, n] = /^00[1-9]/.test(s) ? [8, 15, countDigits(s) - 2] : [9, 13, countDigits(s)];
  if (n < min || n > max || badAfterPhone(text.slice(end))) return undefined;
  if (startsWithDate(s)) return undefined;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(s)) return undefined; // IP address
  if (/^\d{1,3}([ .])\d{3}(?:\1\d{3}){2,}$/.test(s)) return undefined; // thousands separators: an amount
  if (CURRENCY_BEFORE.test(text.slice(Math.max(0, m.index - 5), m.index)) || CURRENCY_AFTER.test(text.slice(end))) {
    return undefined;
  }
  return keywordBefore(text, m.index) === 'order' ? undefined : end;
};

const phoneBareEnd: Accept = (m, text) => {
  const end = m.index + m[0].length;
  if (m[0].length > 13 || badAfterPhone(text.slice(end))) return undefined;
  return keywordBefore(text, m.index) === 'phone' ? end : undefined;
};

// ---------------------------------------------------------------------------------------------------------------

/** One pass of every rule, in the documented order. */
function redactOnce(text: Text, counts: RedactionCounts): Text {
  let out = mask(text, IBAN_CANDIDATE, 'iban', counts, ibanEnd);
  out = mask(out, CARD_CANDIDATE, 'card', counts, cardEnd);
  out = mask(out, EMAIL, 'email', counts, emailEnd);
  out = mask(out, PHONE_INTERNATIONAL, 'phone', counts, phoneInternationalEnd);
  out = mask(out, PHONE_NATIONAL, 'phone', counts, phoneNationalEnd);
  return mask(out, PHONE_BARE, 'phone', counts, phoneBareEnd);
}

/** How many times entities are decoded at most: text escaped twice or three times is still read as a reader would. */
const DECODE_ROUNDS = 4;

/**
 * The text as a reader sees it: HTML entities decoded (`&#64;`, `&#x40;`, `&commat;` → `@`; `&#32;`, `&nbsp;` → a
 * space), and decoded again while that still changes it (`&amp;#64;`), at most DECODE_ROUNDS times.
 */
function readerText(text: string): string {
  let current = text;
  for (let round = 0; round < DECODE_ROUNDS && current.includes('&'); round++) {
    const next = decodeHTML(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

/** Spaces a reader can't tell from a space: no-break, en/em/thin/hair and other fixed-width spaces, narrow no-break. */
const SPACE_LIKE = /[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g;

/**
 * Masks every match in the text a reader sees (see readerText), adding to `counts`. When something was masked, the
 * result is the decoded text with its placeholders; when nothing was, it is `text` exactly as given.
 */
export function redactText(text: string, counts: RedactionCounts): string {
  const shown = readerText(text);
  // Repeat until stable (a later rule's placeholder can free a neighbour), so the result is idempotent.
  // Terminates: every replacement removes at least one digit or `@`, and placeholders contain neither.
  let current: Text = { shown, view: shown.replace(SPACE_LIKE, ' ') };
  let masked = false;
  for (;;) {
    const next = redactOnce(current, counts);
    if (next === current) return masked ? current.shown : text;
    masked = true;
    current = next;
  }
}

/** Keys whose values are identifiers or enumerations and can't hold personal data. */
const EXEMPT_KEYS = new Set([
  'identifier',
  'conversationIdentifier',
  'relatedRecords',
  'entryType',
  'messageType',
  'formatType',
  'role',
  'appType',
  'optionIdentifier',
  'id',
]);

/** Data Cloud's columns are `ns__Name__c`: `ssot__ExternalRecordId__c` is exempt as `ExternalRecordId` would be. */
const isExemptKey = (key: string): boolean => {
  const name = key.replace(/__c$/, '');
  return EXEMPT_KEYS.has(key) || key === 'conversation_identifier' || name.endsWith('Id') || name.endsWith('Identifier');
};

function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copy(v)]));
  }
  return value;
}

function redactValue(value: unknown, counts: RedactionCounts): unknown {
  if (typeof value === 'string') return redactString(value, counts);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, counts));
  if (value !== null && typeof value === 'object') {
    // Object.fromEntries defines own properties, so even a `__proto__` key stays a plain key.
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, isExemptKey(k) ? copy(v) : redactValue(v, counts)])
    );
  }
  return value;
}

/**
 * A string holding a JSON object or array (some payloads arrive that way) is redacted as JSON, so its
 * identifier keys stay exempt; it is re-serialised only when something was masked.
 */
function redactString(value: string, counts: RedactionCounts): string {
  const trimmed = value.trim();
  if ((trimmed.startsWith('{') && trimmed.endsWith('}')) || (trimmed.startsWith('[') && trimmed.endsWith(']'))) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      return redactText(value, counts);
    }
    const local = emptyCounts();
    const redacted = redactValue(parsed, local);
    // eslint-disable-next-line no-param-reassign -- adding to the caller's counts is this module's contract
    for (const kind of REDACTION_KINDS) counts[kind] += local[kind];
    return REDACTION_KINDS.some((kind) => local[kind] > 0) ? JSON.stringify(redacted) : value;
  }
  return redactText(value, counts);
}

/**
 * A deep copy of a raw API entry (any JSON value) with every string value redacted, except values under keys that
 * are identifiers or enumerations and can't hold personal data: identifier, conversationIdentifier, relatedRecords,
 * entryType, messageType, formatType, role, appType, optionIdentifier, and any key ending in 'Id' or 'Identifier'
 * (case-sensitive) or named 'id'. Numbers, booleans and null are copied unchanged. Keys are never changed.
 * NOTE: sender.subject is NOT exempt: on SMS/WhatsApp channels it can be the end user's phone number.
 */
export function redactEntry<T>(entry: T, counts: RedactionCounts): T {
  return redactValue(entry, counts) as T;
}
