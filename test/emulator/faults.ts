/*
 * Fault injection for the entries APIs: a FIFO of injected faults (checked first), then a seeded random
 * draw at `faultRate`. Also the error bodies for the HTTP-level faults.
 */
import type { Reply } from './http.js';
import { json } from './http.js';
import { mulberry32 } from './prng.js';

/**
 * Transient faults (drawn at random at faultRate, or injected) and hostile answers (injected only): `no-content` a 204
 * with no body, `redirect` a 302 with an empty body, `envelope` a 200 whose JSON holds the entries under a key no
 * client knows. A real API answering like that is a guess about what can go wrong, not about what Salesforce does.
 */
export type FaultKind = '429' | '503' | '500' | 'reset' | 'stall' | 'truncated' | 'no-content' | 'redirect' | 'envelope';

/** The kinds the random draw picks from by default: the transient ones a retry can get past. */
export const ALL_FAULTS: readonly FaultKind[] = ['429', '503', '500', 'reset', 'stall', 'truncated'];

const ENGAGEMENT_ENTRIES = /^\/platform\/engagement\/v\d+\.\d+\/conversation-entries\/?$/;
const CONNECT_ENTRIES = /^\/services\/data\/v\d+\.\d+\/connect\/conversation\/[^/]+\/entries\/?$/;

/** Both entries resources: the Conversation Data API and the Connect fallback. */
export function isEntriesPath(path: string): boolean {
  return ENGAGEMENT_ENTRIES.test(path) || CONNECT_ENTRIES.test(path);
}

type Injection = { kind: FaultKind; remaining: number; pathIncludes?: string };

export class FaultPlan {
  public rate: number;
  public kinds: FaultKind[];
  private queue: Injection[] = [];
  private random: () => number;

  public constructor(rate: number, kinds: FaultKind[], seed: number) {
    this.rate = rate;
    this.kinds = kinds;
    this.random = mulberry32(seed);
  }

  public reseed(seed: number): void {
    this.random = mulberry32(seed);
  }

  public inject(kind: FaultKind, count: number, pathIncludes?: string): void {
    if (count > 0) this.queue.push({ kind, remaining: count, pathIncludes });
  }

  /** Drops every injected fault not used yet (the random draw stays as configured). */
  public clear(): void {
    this.queue = [];
  }

  /**
   * The fault for this request, if any: the oldest matching injection first, then the random draw. An injection's
   * `pathIncludes` is matched against the path plus the query string (`target`, e.g.
   * `/platform/engagement/v1.0/conversation-entries?conversationIdentifier=…`), so one conversation can be targeted.
   */
  public draw(path: string, target: string = path): FaultKind | undefined {
    const injection = this.queue.find((i) => (i.pathIncludes === undefined ? isEntriesPath(path) : target.includes(i.pathIncludes)));
    if (injection) {
      injection.remaining -= 1;
      if (injection.remaining <= 0) this.queue.splice(this.queue.indexOf(injection), 1);
      return injection.kind;
    }
    if (this.rate <= 0 || this.kinds.length === 0 || !isEntriesPath(path)) return undefined;
    if (this.random() >= this.rate) return undefined;
    return this.kinds[Math.floor(this.random() * this.kinds.length)];
  }
}

/**
 * Bodies for the status faults. Paths under /services/ answer in the Salesforce REST array style; the
 * Conversation Data API answers with one object.
 * GUESS: every body and errorCode here; api.salesforce.com's error format is undocumented (api-notes §1.3),
 * and 503 is what Connect returns when its hourly limit is hit (api-notes §2).
 */
export function statusFault(kind: '429' | '503' | '500', path: string, retryAfterSeconds: number): Reply {
  const spec = {
    '429': { status: 429, errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'Rate limit exceeded. Retry after the interval in the Retry-After header.' },
    '503': { status: 503, errorCode: 'SERVICE_UNAVAILABLE', message: 'The service is temporarily unavailable. Try again later.' },
    '500': {
      status: 500,
      errorCode: 'UNKNOWN_EXCEPTION',
      message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 1577305213-95551 (-1520386532)',
    },
  }[kind];
  const headers: Record<string, string> = kind === '500' ? {} : { 'retry-after': String(retryAfterSeconds) };
  const body = { errorCode: spec.errorCode, message: spec.message };
  return json(spec.status, path.startsWith('/services/') ? [body] : body, headers);
}

/** The hostile answers (see FaultKind); `real` is the answer the request would have had. */
export function hostileAnswer(kind: 'no-content' | 'redirect' | 'envelope', real: Reply): Reply {
  if (kind === 'no-content') return { status: 204, headers: {}, body: '' };
  if (kind === 'redirect') return { status: 302, headers: { location: '/login?retry=1' }, body: '' };
  const parsed = JSON.parse(real.body) as Record<string, unknown>;
  const entries = Array.isArray(parsed.conversationEntries) ? parsed.conversationEntries : [];
  return json(200, { result: { conversationEntryList: entries } });
}
