/*
 * The plain REST resources of the emulated instance: the version list (GET /services/data, what
 * Connection.retrieveMaxApiVersion reads), the per-version resource map (GET /services/data/vXX.X, what
 * Connection.refreshAuth GETs), and a few sObject describes (ConversationEntry, VoiceCall and Case from their
 * objects.ts tables, as the API version and the knobs leave them).
 */
import type { Reply } from './http.js';
import { json, NOT_FOUND } from './http.js';
import { ORG_ID, USER_ID } from './seed.js';
import { userRecord } from './auth.js';
import { objectDescribes, tableKeyPrefix } from './objects.js';
import type { ObjectDescribe } from './objects.js';
import { DEFAULT_OBJECT_KNOBS } from './soqlTable.js';
import type { ObjectKnobs } from './soqlTable.js';

export const MIN_API_VERSION = 20;
export const MAX_API_VERSION = 66;

/** '66.0' → 66; undefined when the emulated org does not serve that version. */
export function supportedVersion(text: string): number | undefined {
  const n = Number(text);
  return /^\d+\.0$/.test(text) && n >= MIN_API_VERSION && n <= MAX_API_VERSION ? n : undefined;
}

/** Release label, e.g. 66.0 → "Spring '26" (three releases a year since 20.0 = Winter '11). */
function label(version: number): string {
  const i = version - MIN_API_VERSION;
  return `${['Winter', 'Spring', 'Summer'][i % 3]} '${11 + Math.floor(i / 3)}`;
}

export function versionList(): Reply {
  const list = [];
  for (let v = MIN_API_VERSION; v <= MAX_API_VERSION; v++) {
    list.push({ label: label(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return json(200, list);
}

export function resourceMap(v: string, baseUrl: string): Reply {
  const names = [
    'tooling', 'metadata', 'eclair', 'folders', 'prechatForms', 'chatter', 'tabs', 'appMenu', 'quickActions',
    'queryAll', 'commerce', 'wave', 'iot', 'analytics', 'search', 'identity', 'composite', 'parameterizedSearch',
    'fingerprint', 'theme', 'nouns', 'domino', 'event', 'serviceTemplates', 'recent', 'connect', 'licensing',
    'limits', 'process', 'dedupe', 'async-queries', 'query', 'jsonxform', 'match', 'emailConnect', 'compactLayouts',
    'knowledgeManagement', 'sobjects', 'actions', 'support',
  ];
  const map: Record<string, string> = {};
  for (const name of names) map[name] = name === 'identity' ? `${baseUrl}/id/${ORG_ID}/${USER_ID}` : `/services/data/v${v}/${name}`;
  return json(200, map);
}

const DESCRIBES: Record<string, { keyPrefix: string; label: string; fields: string[] }> = {
  MessagingSession: {
    keyPrefix: '0Mw',
    label: 'Messaging Session',
    fields: ['Id', 'ConversationId', 'StartTime', 'EndTime', 'ChannelType', 'Status', 'Name', 'CaseId'],
  },
  // GUESS: '0dw' as Conversation's key prefix (not in a Salesforce list we could read).
  Conversation: { keyPrefix: '0dw', label: 'Conversation', fields: ['Id', 'ConversationIdentifier', 'StartTime', 'EndTime', 'Name'] },
  Organization: { keyPrefix: '00D', label: 'Organization', fields: ['Id', 'Name', 'InstanceName', 'IsSandbox', 'OrganizationType'] },
  User: { keyPrefix: '005', label: 'User', fields: ['Id', 'Username', 'Name', 'Email'] },
};

/** The key prefix of an emulated sObject type (exact name), e.g. 'MessagingSession' → '0Mw'; undefined for others. */
export function keyPrefixOf(entity: string): string | undefined {
  return Object.hasOwn(DESCRIBES, entity) ? DESCRIBES[entity].keyPrefix : tableKeyPrefix(entity);
}

/** GET /services/data/vXX.X/sobjects[/<type>[/describe | /<id>]]; minimal bodies. */
export function sobjects(rest: string, v: string, username?: string, objects: ObjectKnobs = DEFAULT_OBJECT_KNOBS): Reply {
  const described: Record<string, ObjectDescribe | (typeof DESCRIBES)[string]> = { ...DESCRIBES, ...objectDescribes(Number(v), objects) };
  if (rest === '') {
    return json(200, {
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: Object.entries(described).map(([name, d]) => ({
        name,
        label: d.label,
        keyPrefix: d.keyPrefix,
        queryable: true,
        urls: { sobject: `/services/data/v${v}/sobjects/${name}`, describe: `/services/data/v${v}/sobjects/${name}/describe` },
      })),
    });
  }
  const [type, tail] = rest.split('/');
  const describe = Object.entries(described).find(([name]) => name.toLowerCase() === type.toLowerCase());
  if (!describe) return json(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  const [name, d] = describe;
  if (tail === 'describe' || tail === undefined) {
    return json(200, {
      name,
      label: d.label,
      keyPrefix: d.keyPrefix,
      queryable: true,
      fields: d.fields.map((f) => (typeof f === 'string' ? { name: f, type: f === 'Id' ? 'id' : 'string' } : f)),
    });
  }
  if (name === 'User' && tail.slice(0, 15) === USER_ID.slice(0, 15)) return json(200, userRecord(v, username));
  return NOT_FOUND();
}
