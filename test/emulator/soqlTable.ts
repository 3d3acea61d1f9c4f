/*
 * What soql.ts needs to know about a queryable sObject type, so one engine (soqlWhere.ts's parser, soql.ts's checks,
 * filters, ORDER BY and paging) serves every table: its fields (canonical name, type, getter, the API version they
 * appear in, whether they can be filtered and sorted, knobs that hide them), its relationships (for `Parent.Field`
 * paths, nested in the record as Salesforce nests them), its rows, and why it may refuse a query. The tables
 * themselves are in objects.ts. No runtime dependencies: soql.ts, objects.ts, rest.ts and soqlColumns.ts all read it.
 */
import type { SessionRecord } from './seed.js';
import type { ConversationEntryRecord } from './seedObjects.js';

/** How a field's values are compared and which literals it takes. */
export type FieldType = 'id' | 'datetime' | 'string' | 'int' | 'boolean';

/** The knobs (EmulatorOptions) that change the objects of objects.ts; see server.ts for what each does. */
export type ObjectKnobs = {
  seedObjects: boolean;
  conversationEntryAccess: 'granted' | 'INVALID_TYPE' | 'INSUFFICIENT_ACCESS_OR_READONLY';
  voiceCalls: 'available' | 'unavailable' | 'noConversationField';
  conversationEntryMessages: 'raw' | 'escaped';
  /** ConversationEntry records besides seedObjects.ts's (EmulatorOptions.extraEntryRecords), served with or without seedObjects. */
  extraEntryRecords: readonly ConversationEntryRecord[];
};

export const DEFAULT_OBJECT_KNOBS: Readonly<ObjectKnobs> = {
  seedObjects: false,
  conversationEntryAccess: 'granted',
  voiceCalls: 'available',
  conversationEntryMessages: 'raw',
  extraEntryRecords: [],
};

/** What a table's rows and getters may depend on. */
export type TableContext = {
  apiVersion: number;
  objects: ObjectKnobs;
  /** EmulatorOptions.extraSessions. */
  extraSessions: readonly SessionRecord[];
};

/** A field's describe entry (GET /sobjects/<Type>/describe). */
export type DescribeField = {
  name: string;
  type: string;
  label: string;
  nillable: boolean;
  filterable: boolean;
  sortable: boolean;
  referenceTo: string[];
  relationshipName: string | null;
  length: number;
};

export type FieldDef<T> = {
  /** Canonical path, as records spell it: 'Seq', 'Conversation.ConversationIdentifier'. */
  name: string;
  type: FieldType;
  /** The API version the field appears in; before it, the field is an unknown column. */
  since?: number;
  /** false: WHERE on it is refused (a long text area). */
  filterable?: boolean;
  /** false: ORDER BY on it is refused. */
  sortable?: boolean;
  /** Describe details besides name and type; relationship paths have none (they are not fields of the type). */
  describe?: Partial<Omit<DescribeField, 'name'>>;
  /** The field's value in a row (methods, not function properties, so any table fits AnyTable). */
  get(row: T, ctx: TableContext): unknown;
  /** Whether a knob removes the field (then it is an unknown column, and absent from the describe). */
  hidden?(objects: ObjectKnobs): boolean;
};

/** A lookup's relationship: `Conversation` through `ConversationId` to a Conversation record. */
export type Relationship = { name: string; idField: string; entity: string };

export type Table<T> = {
  entity: string;
  /** For the describe; the type's key prefix and label. */
  keyPrefix: string;
  label: string;
  /** The API version the type appears in; before it, the type is unknown (INVALID_TYPE). */
  since?: number;
  fields: ReadonlyArray<FieldDef<T>>;
  relationships?: readonly Relationship[];
  rows(ctx: TableContext): readonly T[];
  id(row: T): string;
  /** Why the running user's query is refused, if it is (a knob). */
  refuse?(objects: ObjectKnobs): 'INVALID_TYPE' | 'INSUFFICIENT_ACCESS_OR_READONLY' | undefined;
};

/** Any table, for code that does not care which (its getters are only ever called with its own rows). */
export type AnyTable = Table<unknown>;

type SfRecord = Record<string, unknown>;

const isNil = (value: unknown): value is null | undefined => value === null || value === undefined;

/** Whether a field is there for this request: its API version and the knobs. */
export function fieldAvailable<T>(field: FieldDef<T>, ctx: TableContext): boolean {
  return (field.since === undefined || ctx.apiVersion >= field.since) && !field.hidden?.(ctx.objects);
}

/**
 * A row as a REST record: attributes, then the selected fields in SELECT order; a relationship path nests under its
 * relationship (one object per relationship, made where it is first selected), which is null when the lookup is
 * (api-notes §6: never an empty object).
 */
export function buildRecord<T>(table: Table<T>, row: T, fields: ReadonlyArray<FieldDef<T>>, ctx: TableContext, v: string): SfRecord {
  const record: SfRecord = { attributes: { type: table.entity, url: `/services/data/v${v}/sobjects/${table.entity}/${table.id(row)}` } };
  for (const field of fields) {
    const dot = field.name.indexOf('.');
    if (dot < 0) {
      record[field.name] = field.get(row, ctx);
      continue;
    }
    const name = field.name.slice(0, dot);
    const relationship = table.relationships?.find((r) => r.name === name);
    const lookup = table.fields.find((f) => f.name === relationship?.idField);
    const parentId: unknown = lookup ? lookup.get(row, ctx) : null;
    if (!relationship || isNil(parentId)) {
      record[name] = null;
      continue;
    }
    const parent = (record[name] as SfRecord | undefined) ?? {
      attributes: { type: relationship.entity, url: `/services/data/v${v}/sobjects/${relationship.entity}/${String(parentId)}` },
    };
    parent[field.name.slice(dot + 1)] = field.get(row, ctx);
    record[name] = parent;
  }
  return record;
}
