/*
 * Reading one response of the entries API. The envelope is UNCONFIRMED (api-notes §1.3): third-party code reads
 * `conversationEntries` and an optional `nextPageToken`; Connect uses `conversationEntries` with no token.
 * Every field is treated as optional and the entries themselves are kept exactly as returned.
 */

export type ConversationEntry = Record<string, unknown>;

export type Page = {
  entries: ConversationEntry[];
  /** A continuation token, when the API pages that way. */
  nextPageToken?: string;
  /** A next-page link, when the API pages that way (resolved against the request URL by the caller). */
  nextPageUrl?: string;
  /** Set when the body held no recognisable list of entries: its top-level keys (at most 10). */
  unrecognised?: string[];
  /** Items of the list that were not JSON objects, so not entries: skipped, but counted for the page's size. */
  skipped?: number;
};

const ENTRY_LISTS = ['conversationEntries', 'entries', 'data', 'records', 'items'];
const TOKENS = ['nextPageToken', 'nextToken', 'continuationToken', 'pageToken', 'nextCursor', 'cursor'];
const LINKS = ['nextPageUrl', 'nextRecordsUrl', 'nextUrl', 'next'];
/** Keys that only say something about paging: a body with nothing else is an empty page, not an unknown envelope. */
const PAGING_ONLY = new Set([...TOKENS, ...LINKS, 'links', 'hasMore', 'isLastPage', 'done', 'totalSize', 'size', 'count']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const nonEmptyString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

export function readPage(body: unknown): Page {
  if (Array.isArray(body)) return withSkipped({ entries: body.filter(isObject) }, body.length);
  if (!isObject(body)) return { entries: [], unrecognised: [typeof body] };

  const listKey = ENTRY_LISTS.find((key) => Array.isArray(body[key]));
  const list = listKey ? (body[listKey] as unknown[]) : [];
  const entries = list.filter(isObject);
  // An explicit "no more" wins over a token that some servers keep sending on the last page.
  const more = body.hasMore === false || body.isLastPage === true || body.done === true ? false : undefined;
  const links = isObject(body.links) ? body.links : {};
  const page: Page = { entries };
  if (more !== false) {
    const token = TOKENS.map((key) => nonEmptyString(body[key])).find(Boolean);
    const link = [...LINKS.map((key) => body[key]), links.next].map(nonEmptyString).find(Boolean);
    if (token) page.nextPageToken = token;
    if (link) page.nextPageUrl = link;
  }
  const keys = Object.keys(body);
  if (!listKey && (keys.length === 0 || keys.some((key) => !PAGING_ONLY.has(key)))) page.unrecognised = keys.slice(0, 10);
  return withSkipped(page, list.length);
}

function withSkipped(page: Page, listed: number): Page {
  const skipped = listed - page.entries.length;
  return skipped > 0 ? { ...page, skipped } : page;
}

/** Nesting deeper than this is refused (ApiBadResponse): far beyond any real payload, far below the stack's limit. */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether a parsed JSON value nests arrays and objects more than `max` levels deep. The modules that walk entries
 * (normalize, redact, entryKey's JSON.stringify) recurse, so this is checked once, right after parsing, and
 * iteratively. A string that holds JSON (some payloads arrive that way, and are parsed again downstream) counts
 * with the nesting it holds, at the depth where it sits.
 */
export function jsonTooDeep(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { node, depth } = item;
    if (typeof node === 'string') {
      if (depth + nestingInText(node, max - depth + 1) > max) return true;
    } else if (node !== null && typeof node === 'object') {
      if (depth + 1 > max) return true;
      for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}

/**
 * How deep the brackets of a string that looks like JSON nest (0 for any other string), counting only brackets
 * outside string literals; stops counting once it passes `enough`.
 */
function nestingInText(text: string, enough: number): number {
  const start = text.search(/\S/);
  if (start < 0 || (text[start] !== '{' && text[start] !== '[')) return 0;
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = start; i < text.length && deepest <= enough; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

/** The identity used to de-duplicate entries across pages. */
export function entryKey(entry: ConversationEntry): string {
  return typeof entry.identifier === 'string' && entry.identifier ? `id:${entry.identifier}` : `json:${JSON.stringify(entry)}`;
}
