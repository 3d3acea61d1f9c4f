/*
 * Column metadata of a query, the answer to GET /services/data/vXX.X/query?q=<soql>&columns=true (soql.ts
 * queryColumns). The real `sf data query` (plugin-data's retrieveColumns) requests it after every query that returns
 * records and reads `columnMetadata` only: a JSON array of column objects, each with columnName, aggregate and
 * joinColumns (it fails with "Value is not a JsonArray" without the array).
 *
 * The column objects have the keys, in the order, of the ones plugin-data records in its tests
 * (test/test-files/queryFields.exemplars.ts, from real orgs): aggregate, apexType, booleanType, columnName, custom,
 * displayName, foreignKeyName, insertable, joinColumns, numberType, textType, updatable. As there:
 * - a field is one column: columnName and displayName are its name, apexType its Apex type ('Id' for Id and for lookup
 *   fields, 'String' for text), joinColumns [], foreignKeyName null; Id is neither insertable nor updatable; the other
 *   fields are insertable / updatable as their describe says createable / updateable.
 * - a relationship path (Conversation.ConversationIdentifier) is one column for the relationship: columnName and
 *   displayName the relationship name, apexType null, foreignKeyName its lookup field (ConversationId), not
 *   insertable or updatable, and joinColumns the columns of the selected parent fields (ConversationIdentifier).
 * Names are canonical (as the records spell them), whatever case the query used. No aggregates, aliases or subqueries:
 * the emulator's SOQL has none (aggregate is always false). Fields of objects.ts's tables missing from FIELDS below
 * take their Apex type from the table's field type (numberType for int fields), read-only.
 */
import { keyPrefixOf } from './rest.js';
import { tableFieldType, tableRelationship } from './objects.js';
import type { FieldType } from './soqlTable.js';

export type Column = {
  aggregate: boolean;
  apexType: string | null;
  booleanType: boolean;
  columnName: string;
  custom: boolean;
  displayName: string;
  foreignKeyName: string | null;
  insertable: boolean;
  joinColumns: Column[];
  numberType: boolean;
  textType: boolean;
  updatable: boolean;
};

export type ColumnsBody = {
  columnMetadata: Column[];
  entityName: string;
  groupBy: boolean;
  idSelected: boolean;
  keyPrefix: string | null;
};

// GUESS: 'Datetime' / 'Integer' (the Apex types' names) for dateTime / int fields; the recorded exemplars only show
// 'Id' and 'String'.
type ApexType = 'Id' | 'String' | 'Boolean' | 'Datetime' | 'Integer';

/** A field's Apex type and describe createable / updateable (both false unless given). */
type FieldInfo = { apexType: ApexType; insertable?: true; updatable?: true };

const ID: FieldInfo = { apexType: 'Id' };
const TEXT: FieldInfo = { apexType: 'String' };
const EDITABLE_TEXT: FieldInfo = { apexType: 'String', insertable: true, updatable: true };

/*
 * GUESS: insertable / updatable. MessagingSession and Conversation records are made by the messaging channel, not by
 * API clients, so their fields are taken as neither; Organization's as neither (no API creates an organization); the
 * User fields as the standard User describe has them as far as we know (Name and UserType are computed). Picklists
 * (ChannelType, Status, OrganizationType, LanguageLocaleKey, TimeZoneSidKey) as String with textType true: GUESS.
 */
const FIELDS: Record<string, Record<string, FieldInfo>> = {
  MessagingSession: { Id: ID, ConversationId: ID, StartTime: { apexType: 'Datetime' }, ChannelType: TEXT, Status: TEXT },
  Conversation: { Id: ID, ConversationIdentifier: TEXT },
  Organization: {
    Id: ID,
    Name: TEXT,
    InstanceName: TEXT,
    IsSandbox: { apexType: 'Boolean' },
    TrialExpirationDate: { apexType: 'Datetime' },
    NamespacePrefix: TEXT,
    OrganizationType: TEXT,
  },
  User: {
    Id: ID,
    Username: EDITABLE_TEXT,
    Name: TEXT,
    Email: EDITABLE_TEXT,
    IsActive: { apexType: 'Boolean', insertable: true, updatable: true },
    ProfileId: { apexType: 'Id', insertable: true, updatable: true },
    UserType: TEXT,
    LanguageLocaleKey: EDITABLE_TEXT,
    TimeZoneSidKey: EDITABLE_TEXT,
  },
};

const APEX_TYPES: Record<FieldType, ApexType> = { id: 'Id', datetime: 'Datetime', string: 'String', int: 'Integer', boolean: 'Boolean' };

/** Relationship name → its lookup field and the parent entity, per entity (objects.ts's tables add theirs). */
const RELATIONSHIPS: Record<string, Record<string, { foreignKeyName: string; entity: string }>> = {
  MessagingSession: { Conversation: { foreignKeyName: 'ConversationId', entity: 'Conversation' } },
};

function fieldColumn(entity: string, name: string): Column {
  // GUESS: a field soql.ts accepts but this table lacks (a singleton field added to auth.ts later) is read-only text.
  const tableType = tableFieldType(entity, name);
  const info = FIELDS[entity]?.[name] ?? (tableType ? { apexType: APEX_TYPES[tableType] } : TEXT);
  return {
    aggregate: false,
    apexType: info.apexType,
    booleanType: info.apexType === 'Boolean',
    columnName: name,
    custom: false,
    displayName: name,
    foreignKeyName: null,
    insertable: info.insertable ?? false,
    joinColumns: [],
    numberType: info.apexType === 'Integer',
    textType: info.apexType === 'String',
    updatable: info.updatable ?? false,
  };
}

function relationshipColumn(name: string, foreignKeyName: string): Column {
  return {
    aggregate: false,
    apexType: null,
    booleanType: false,
    columnName: name,
    custom: false,
    displayName: name,
    foreignKeyName,
    insertable: false,
    joinColumns: [],
    numberType: false,
    textType: false,
    updatable: false,
  };
}

/**
 * Adds the column of one field path to `level`. Paths through the same relationship share its column, placed where
 * the relationship is first selected, as the records nest them under one object (GUESS: the real server groups them
 * the same way and in that order).
 */
function addColumn(level: Column[], entity: string, path: string[]): void {
  const [head, ...rest] = path;
  if (rest.length === 0) {
    level.push(fieldColumn(entity, head));
    return;
  }
  // soql.ts only accepts the relationships listed above; the fallback keeps this total.
  const fromTable = tableRelationship(entity, head);
  const relationship = RELATIONSHIPS[entity]?.[head] ??
    (fromTable ? { foreignKeyName: fromTable.idField, entity: fromTable.entity } : { foreignKeyName: `${head}Id`, entity: head });
  let column = level.find((c) => c.foreignKeyName !== null && c.columnName === head);
  if (!column) {
    column = relationshipColumn(head, relationship.foreignKeyName);
    level.push(column);
  }
  addColumn(column.joinColumns, relationship.entity, rest);
}

/** The column metadata of the selected fields (canonical paths, in SELECT order). */
export function columnMetadata(entity: string, fields: readonly string[]): Column[] {
  const columns: Column[] = [];
  for (const field of fields) addColumn(columns, entity, field.split('.'));
  return columns;
}

/**
 * The whole columns=true body. Only columnMetadata is read by sf; the other keys are those the query editor of the
 * Developer Console gets from the same request (GUESS: recalled, not from a document): the entity, whether the query
 * groups (never, here), whether Id is selected at the top level, and the entity's key prefix.
 */
export function columnsBody(entity: string, fields: readonly string[]): ColumnsBody {
  return {
    columnMetadata: columnMetadata(entity, fields),
    entityName: entity,
    groupBy: false,
    idSelected: fields.includes('Id'),
    keyPrefix: keyPrefixOf(entity) ?? null,
  };
}
