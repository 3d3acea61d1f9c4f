/*
 * A small, strict evaluator for the one SQL shape the plugin sends to Data Cloud's Query SQL API:
 *
 *   SELECT a.col [AS name], b.col, … FROM <table> a [LEFT JOIN <table> b ON b.col = a.col]
 *   [WHERE a.col IN ('…', …)] [ORDER BY x.col [ASC|DESC], …] [LIMIT n [OFFSET m]]
 *
 * Anything else is refused with a syntax error, the way Data Cloud refuses SQL it can't parse (GUESS: its error body
 * and wording; Data Cloud's dialect is far larger than this, the point is that the emulator runs nothing the plugin
 * doesn't send). String literals are ANSI: single quotes, a quote doubled; a backslash is a plain character (GUESS:
 * Data Cloud's SQL follows the ANSI rule). Tables come from the caller (dataCloudData.ts), which evaluates the IN
 * lookup and the join itself, so no table is ever scanned whole.
 */

export type SqlValue = string | number | boolean | null;
export type SqlRow = Record<string, SqlValue>;
export type SqlColumnType = 'TEXT' | 'NUMBER' | 'DATETIME' | 'BOOLEAN';
export type SqlColumn = { name: string; type: SqlColumnType };

/** A table the evaluator can read: its columns, the rows whose `column` is one of `values`, and the rows joining one. */
export type SqlTable = {
  name: string;
  columns: readonly SqlColumn[];
  /** Rows whose `column` equals one of `values`; undefined when this table can't be looked up by that column. */
  lookup(column: string, values: readonly string[]): SqlRow[] | undefined;
  /** Rows whose `column` equals `value` (the other side's row given too); undefined when it can't be joined on that column. */
  join(column: string, value: SqlValue, other: SqlRow): SqlRow[] | undefined;
};

/** Why a query can't run: GUESS: `code` and the wording of Data Cloud's errors. */
export class SqlError extends Error {
  public constructor(public readonly code: 'SYNTAX' | 'UNKNOWN_TABLE' | 'UNKNOWN_COLUMN' | 'UNSUPPORTED', message: string) {
    super(message);
  }
}

type Token = { kind: 'word' | 'string' | 'number' | 'punct'; text: string; at: number };

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'word', text: m[0], at: i });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+/.exec(sql.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', text: m[0], at: i });
      i += m[0].length;
    } else if (c === "'") {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new SqlError('SYNTAX', `Syntax error: unterminated string literal at position ${i}`);
        if (sql[j] === "'") {
          if (sql[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += sql[j++];
      }
      tokens.push({ kind: 'string', text, at: i });
      i = j + 1;
    } else if (',.()='.includes(c)) {
      tokens.push({ kind: 'punct', text: c, at: i });
      i++;
    } else {
      throw new SqlError('SYNTAX', `Syntax error at or near "${c}" at position ${i}`);
    }
  }
  return tokens;
}

type ColumnRef = { alias: string; column: string };
export type Query = {
  select: Array<{ ref: ColumnRef; as?: string }>;
  from: { table: string; alias: string };
  join?: { table: string; alias: string; left: ColumnRef; right: ColumnRef };
  where?: { ref: ColumnRef; values: string[] };
  orderBy: Array<{ ref: ColumnRef; desc: boolean }>;
  limit?: number;
  offset?: number;
};

const KEYWORDS = new Set(['SELECT', 'FROM', 'LEFT', 'JOIN', 'ON', 'WHERE', 'IN', 'ORDER', 'BY', 'ASC', 'DESC', 'LIMIT', 'OFFSET', 'AS']);

/** Parses the one shape; a SqlError for anything else. */
export function parse(sql: string): Query {
  const tokens = tokenize(sql);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const near = (): string => (peek() ? `"${peek()?.text ?? ''}" at position ${peek()?.at ?? 0}` : 'end of input');
  const fail = (): never => {
    throw new SqlError('SYNTAX', `Syntax error at or near ${near()}`);
  };
  const isKeyword = (word: string): boolean => peek()?.kind === 'word' && peek()?.text.toUpperCase() === word;
  const keyword = (word: string): void => {
    if (!isKeyword(word)) fail();
    i++;
  };
  const punct = (p: string): void => {
    if (peek()?.kind !== 'punct' || peek()?.text !== p) fail();
    i++;
  };
  const name = (): string => {
    const t = peek();
    if (t?.kind !== 'word' || KEYWORDS.has(t.text.toUpperCase())) return fail();
    i++;
    return t.text;
  };
  const ref = (): ColumnRef => {
    const alias = name();
    punct('.');
    return { alias, column: name() };
  };
  const integer = (): number => {
    const t = peek();
    if (t?.kind !== 'number' || t.text.length > 9) return fail();
    i++;
    return Number(t.text);
  };

  const list = <T>(item: () => T): T[] => {
    const items = [item()];
    while (peek()?.kind === 'punct' && peek()?.text === ',') {
      i++;
      items.push(item());
    }
    return items;
  };
  const selectItem = (): Query['select'][number] => {
    const r = ref();
    if (!isKeyword('AS')) return { ref: r };
    i++;
    return { ref: r, as: name() };
  };
  const joinClause = (from: Query['from']): Query['join'] => {
    if (!isKeyword('LEFT')) return undefined;
    i++;
    keyword('JOIN');
    const table = name();
    const alias = name();
    keyword('ON');
    const a = ref();
    punct('=');
    const b = ref();
    // Either side may be written first; `left` is the FROM table's column.
    const [left, right] = a.alias === from.alias ? [a, b] : [b, a];
    if (left.alias !== from.alias || right.alias !== alias) fail();
    return { table, alias, left, right };
  };
  const literal = (): string => {
    const t = peek();
    if (t?.kind !== 'string') return fail();
    i++;
    return t.text;
  };
  const whereClause = (): Query['where'] => {
    if (!isKeyword('WHERE')) return undefined;
    i++;
    const r = ref();
    keyword('IN');
    punct('(');
    const values = list(literal);
    punct(')');
    return { ref: r, values };
  };
  const orderItem = (): Query['orderBy'][number] => {
    const r = ref();
    const direction = isKeyword('ASC') || isKeyword('DESC') ? tokens[i++].text.toUpperCase() : 'ASC';
    return { ref: r, desc: direction === 'DESC' };
  };
  const orderClause = (): Query['orderBy'] => {
    if (!isKeyword('ORDER')) return [];
    i++;
    keyword('BY');
    return list(orderItem);
  };
  const limitClause = (): { limit?: number; offset?: number } => {
    if (!isKeyword('LIMIT')) return {};
    i++;
    const limit = integer();
    if (!isKeyword('OFFSET')) return { limit };
    i++;
    return { limit, offset: integer() };
  };

  keyword('SELECT');
  const select = list(selectItem);
  keyword('FROM');
  const from = { table: name(), alias: name() };
  const join = joinClause(from);
  const where = whereClause();
  const orderBy = orderClause();
  const { limit, offset } = limitClause();
  if (i !== tokens.length) fail();
  return { select, from, ...(join ? { join } : {}), ...(where ? { where } : {}), orderBy, ...(limit === undefined ? {} : { limit }), ...(offset === undefined ? {} : { offset }) };
}

/** GUESS: Data Cloud sorts NULLs last in ascending order (as PostgreSQL and Hyper do), strings by code unit. */
function compare(a: SqlValue, b: SqlValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : 1;
}

export type Result = { columns: SqlColumn[]; rows: SqlValue[][] };

/** Runs a parsed query against the tables `tableOf` gives (undefined: no such table). */
export function evaluate(query: Query, tableOf: (name: string) => SqlTable | undefined): Result {
  const tables = new Map<string, SqlTable>();
  for (const { table, alias } of [query.from, ...(query.join ? [query.join] : [])]) {
    const t = tableOf(table);
    if (!t) throw new SqlError('UNKNOWN_TABLE', `DataModelEntity not found: ${table}`);
    if (tables.has(alias)) throw new SqlError('SYNTAX', `Syntax error: table alias "${alias}" specified more than once`);
    tables.set(alias, t);
  }
  const columnOf = (r: ColumnRef): SqlColumn => {
    const t = tables.get(r.alias);
    if (!t) throw new SqlError('UNKNOWN_COLUMN', `Column reference "${r.alias}.${r.column}" names no table`);
    const c = t.columns.find((col) => col.name === r.column);
    if (!c) throw new SqlError('UNKNOWN_COLUMN', `Column "${r.column}" not found in ${t.name}`);
    return c;
  };
  const refs = [...query.select.map((s) => s.ref), ...query.orderBy.map((o) => o.ref), ...(query.where ? [query.where.ref] : []), ...(query.join ? [query.join.left, query.join.right] : [])];
  refs.forEach(columnOf);
  if (!query.where || query.where.ref.alias !== query.from.alias) {
    // The emulator never scans a table whole: the plugin always names its conversations.
    throw new SqlError('UNSUPPORTED', 'The emulator only evaluates queries that select the FROM table by WHERE … IN (…)');
  }
  const from = tables.get(query.from.alias) as SqlTable;
  const leftRows = from.lookup(query.where.ref.column, query.where.values);
  if (!leftRows) throw new SqlError('UNSUPPORTED', `The emulator can't look ${from.name} up by ${query.where.ref.column}`);
  type Joined = Record<string, SqlRow | null>;
  const joined: Joined[] = [];
  for (const left of leftRows) {
    if (!query.join) {
      joined.push({ [query.from.alias]: left });
      continue;
    }
    const right = tables.get(query.join.alias) as SqlTable;
    const matches = right.join(query.join.right.column, left[query.join.left.column] ?? null, left);
    if (!matches) throw new SqlError('UNSUPPORTED', `The emulator can't join ${right.name} on ${query.join.right.column}`);
    if (!matches.length) joined.push({ [query.from.alias]: left, [query.join.alias]: null });
    for (const row of matches) joined.push({ [query.from.alias]: left, [query.join.alias]: row });
  }
  const value = (row: Joined, r: ColumnRef): SqlValue => row[r.alias]?.[r.column] ?? null;
  if (query.orderBy.length) {
    joined.sort((a, b) => {
      for (const { ref, desc } of query.orderBy) {
        const d = compare(value(a, ref), value(b, ref));
        if (d) return desc ? -d : d;
      }
      return 0;
    });
  }
  const start = query.offset ?? 0;
  const page = joined.slice(start, query.limit === undefined ? undefined : start + query.limit);
  return {
    columns: query.select.map((s) => ({ name: s.as ?? s.ref.column, type: columnOf(s.ref).type })),
    rows: page.map((row) => query.select.map((s) => value(row, s.ref))),
  };
}
