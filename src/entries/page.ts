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
  /** Set when the body held no recognisable list of entries. */
  unrecognised?: string[];
};

const ENTRY_LISTS = ['conversationEntries', 'entries', 'data', 'records', 'items'];
const TOKENS = ['nextPageToken', 'nextToken', 'continuationToken', 'pageToken', 'nextCursor', 'cursor'];
const LINKS = ['nextPageUrl', 'nextRecordsUrl', 'nextUrl', 'next'];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const nonEmptyString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

export function readPage(body: unknown): Page {
  if (Array.isArray(body)) return { entries: body.filter(isObject) };
  if (!isObject(body)) return { entries: [], unrecognised: [typeof body] };

  const listKey = ENTRY_LISTS.find((key) => Array.isArray(body[key]));
  const entries = listKey ? (body[listKey] as unknown[]).filter(isObject) : [];
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
  if (!listKey) page.unrecognised = Object.keys(body).slice(0, 10);
  return page;
}

/** The identity used to de-duplicate entries across pages. */
export function entryKey(entry: ConversationEntry): string {
  return typeof entry.identifier === 'string' && entry.identifier ? `id:${entry.identifier}` : `json:${JSON.stringify(entry)}`;
}
