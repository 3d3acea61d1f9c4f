/*
 * A small SOQL tail parser for the emulator: everything after `FROM <object>`, i.e.
 *   [WHERE <condition>] [ORDER BY <field> [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]
 * Conditions: `field op value` (= != <> < <= > >=), `field [NOT] IN (v, ...)`, `field LIKE 'x%'`, NOT, and AND / OR
 * groups in parentheses. As in real SOQL, AND and OR cannot be mixed at one level without parentheses.
 * Values: 'strings' (backslash escapes), dateTime literals (2025-01-10T11:20:00Z, optional .sss, Z or ±hh:mm),
 * date literals (2025-01-10), numbers, true / false, null.
 * Only syntax here; field names, types and values are checked by the caller (soql.ts), which knows the entity.
 */

export type Literal =
  | { kind: 'string'; value: string; text: string; pos: number }
  | { kind: 'datetime'; ms: number; text: string; pos: number }
  | { kind: 'date'; text: string; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'boolean'; value: boolean; text: string; pos: number }
  | { kind: 'null'; text: string; pos: number };

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'NOT IN' | 'LIKE';

export type Condition = { type: 'cond'; field: string; fieldPos: number; op: Operator; values: Literal[] };
export type Expr = Condition | { type: 'and' | 'or'; parts: Expr[] } | { type: 'not'; expr: Expr };
export type OrderItem = { field: string; fieldPos: number; desc: boolean; nullsLast: boolean };
export type Tail = { where?: Expr; orderBy: OrderItem[]; limit?: number; offset?: number };

/** A syntax error at `pos` (an offset into the parsed text) on `token`. */
export class SoqlSyntaxError extends Error {
  public constructor(public readonly token: string, public readonly pos: number, detail?: string) {
    super(detail ?? `unexpected token: '${token}'`);
  }
}

type Token = {
  kind: 'ident' | 'string' | 'datetime' | 'date' | 'number' | 'op' | 'punct' | 'eof';
  text: string;
  pos: number;
  value?: string;
};

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})?(?![\w:.])/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\w:.])/;
const NUMBER = /^-?\d+(?:\.\d+)?(?![\w.])/;
const IDENT = /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*/;
const OPERATOR = /^(?:!=|<>|<=|>=|=|<|>)/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

/** The string literal that starts at text[start] (a quote), with its backslash escapes decoded. */
function stringLiteral(text: string, start: number): Token {
  let value = '';
  let j = start + 1;
  for (;;) {
    if (j >= text.length) throw new SoqlSyntaxError(text.slice(start, start + 20), start, 'unterminated string literal');
    const c = text[j];
    if (c === "'") break;
    if (c === '\\') {
      const next = text[j + 1];
      // GUESS: \% and \_ keep their backslash (they only mean something to LIKE); other unknown escapes are errors.
      if (next === '%' || next === '_') value += `\\${next}`;
      else if (next !== undefined && next in ESCAPES) value += ESCAPES[next];
      else throw new SoqlSyntaxError(`\\${next ?? ''}`, j, `Invalid string literal '${text.slice(start, j + 2)}'. Illegal character sequence '\\${next ?? ''}' in string literal.`);
      j += 2;
      continue;
    }
    value += c;
    j++;
  }
  return { kind: 'string', text: text.slice(start, j + 1), pos: start, value };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    if (rest.startsWith("'")) {
      const literal = stringLiteral(text, i);
      tokens.push(literal);
      i += literal.text.length;
      continue;
    }
    const datetime = DATETIME.exec(rest);
    if (datetime) {
      // GUESS: a dateTime literal without a zone (no Z or ±hh:mm) is refused, as the SOQL docs list only zoned forms.
      if (!datetime[8]) throw new SoqlSyntaxError(datetime[0], i);
      tokens.push({ kind: 'datetime', text: datetime[0], pos: i });
      i += datetime[0].length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date) {
      tokens.push({ kind: 'date', text: date[0], pos: i });
      i += date[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', text: number[0], pos: i });
      i += number[0].length;
      continue;
    }
    const ident = IDENT.exec(rest);
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], pos: i });
      i += ident[0].length;
      continue;
    }
    const op = OPERATOR.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', text: op[0], pos: i });
      i += op[0].length;
      continue;
    }
    if (rest.startsWith('(') || rest.startsWith(')') || rest.startsWith(',')) {
      tokens.push({ kind: 'punct', text: rest[0], pos: i });
      i += 1;
      continue;
    }
    throw new SoqlSyntaxError(rest[0], i);
  }
  tokens.push({ kind: 'eof', text: '<EOF>', pos: text.length });
  return tokens;
}

/** Milliseconds of a (zoned) SOQL dateTime literal; undefined for an impossible date or time. */
export function dateTimeMs(text: string): number | undefined {
  const m = DATETIME.exec(text);
  if (!m?.[8]) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
  const millis = m[7] ? Math.round(Number(`0${m[7]}`) * 1000) : 0;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, millis);
  const check = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  if (m[8] === 'Z') return utc;
  const sign = m[8].startsWith('-') ? -1 : 1;
  const [oh, om] = m[8].slice(1).split(':').map(Number);
  return utc - sign * (oh * 60 + om) * 60_000;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'WHERE', 'ORDER', 'BY', 'LIMIT', 'OFFSET', 'ASC', 'DESC', 'NULLS', 'FIRST', 'LAST', 'NULL', 'TRUE', 'FALSE', 'GROUP', 'HAVING', 'INCLUDES', 'EXCLUDES']);

class Parser {
  private index = 0;
  public constructor(private readonly tokens: Token[]) {}

  public tail(): Tail {
    const tail: Tail = { orderBy: [] };
    if (this.keyword('WHERE')) {
      this.next();
      tail.where = this.expression();
    }
    if (this.keyword('ORDER')) {
      this.next();
      this.expectKeyword('BY');
      do {
        tail.orderBy.push(this.orderItem());
      } while (this.punct(',') && this.next());
    }
    if (this.keyword('LIMIT')) {
      this.next();
      tail.limit = this.count();
    }
    if (this.keyword('OFFSET')) {
      this.next();
      tail.offset = this.count();
    }
    const end = this.peek();
    if (end.kind !== 'eof') throw new SoqlSyntaxError(end.text, end.pos);
    return tail;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private keyword(word: string): boolean {
    const token = this.peek();
    return token.kind === 'ident' && token.text.toUpperCase() === word;
  }

  private punct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  private fail(): never {
    const token = this.peek();
    throw new SoqlSyntaxError(token.text, token.pos);
  }

  private expectKeyword(word: string): void {
    if (!this.keyword(word)) this.fail();
    this.next();
  }

  private expectPunct(text: string): void {
    if (!this.punct(text)) this.fail();
    this.next();
  }

  private count(): number {
    const token = this.peek();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) this.fail();
    this.next();
    return Number(token.text);
  }

  private orderItem(): OrderItem {
    const field = this.field();
    let desc = false;
    if (this.keyword('ASC') || this.keyword('DESC')) desc = this.next().text.toUpperCase() === 'DESC';
    let nullsLast = desc; // SOQL: ASC NULLS FIRST, DESC NULLS LAST by default
    if (this.keyword('NULLS')) {
      this.next();
      if (!this.keyword('FIRST') && !this.keyword('LAST')) this.fail();
      nullsLast = this.next().text.toUpperCase() === 'LAST';
    }
    return { field: field.text, fieldPos: field.pos, desc, nullsLast };
  }

  private field(): Token {
    const token = this.peek();
    if (token.kind !== 'ident' || KEYWORDS.has(token.text.toUpperCase())) this.fail();
    return this.next();
  }

  /** unary ((AND unary)* | (OR unary)*): mixing AND and OR at one level is a syntax error, as in SOQL. */
  private expression(): Expr {
    const parts = [this.unary()];
    let connector: 'AND' | 'OR' | undefined;
    while (this.keyword('AND') || this.keyword('OR')) {
      const word = this.peek().text.toUpperCase() as 'AND' | 'OR';
      if (connector && word !== connector) this.fail(); // GUESS: the error names the second connector
      connector = word;
      this.next();
      parts.push(this.unary());
    }
    if (!connector) return parts[0];
    return { type: connector === 'AND' ? 'and' : 'or', parts };
  }

  private unary(): Expr {
    if (this.keyword('NOT')) {
      this.next();
      return { type: 'not', expr: this.unary() };
    }
    if (this.punct('(')) {
      this.next();
      const inner = this.expression();
      this.expectPunct(')');
      return inner;
    }
    return this.condition();
  }

  private condition(): Condition {
    const field = this.field();
    const token = this.peek();
    if (token.kind === 'op') {
      this.next();
      const op = token.text === '<>' ? '!=' : (token.text as Operator);
      return { type: 'cond', field: field.text, fieldPos: field.pos, op, values: [this.literal()] };
    }
    let op: Operator | undefined;
    if (this.keyword('NOT')) {
      this.next();
      this.expectKeyword('IN');
      op = 'NOT IN';
    } else if (this.keyword('IN')) {
      this.next();
      op = 'IN';
    } else if (this.keyword('LIKE')) {
      this.next();
      return { type: 'cond', field: field.text, fieldPos: field.pos, op: 'LIKE', values: [this.literal()] };
    }
    if (!op) this.fail();
    this.expectPunct('(');
    const values = [this.literal()];
    while (this.punct(',')) {
      this.next();
      values.push(this.literal());
    }
    this.expectPunct(')');
    return { type: 'cond', field: field.text, fieldPos: field.pos, op, values };
  }

  private literal(): Literal {
    const token = this.peek();
    switch (token.kind) {
      case 'string':
        this.next();
        return { kind: 'string', value: token.value ?? '', text: token.text, pos: token.pos };
      case 'datetime': {
        const ms = dateTimeMs(token.text);
        if (ms === undefined) throw new SoqlSyntaxError(token.text, token.pos, `invalid dateTime: ${token.text}`);
        this.next();
        return { kind: 'datetime', ms, text: token.text, pos: token.pos };
      }
      case 'date':
        this.next();
        return { kind: 'date', text: token.text, pos: token.pos };
      case 'number':
        this.next();
        return { kind: 'number', value: Number(token.text), text: token.text, pos: token.pos };
      case 'ident': {
        const word = token.text.toUpperCase();
        if (word === 'NULL') {
          this.next();
          return { kind: 'null', text: token.text, pos: token.pos };
        }
        if (word === 'TRUE' || word === 'FALSE') {
          this.next();
          return { kind: 'boolean', value: word === 'TRUE', text: token.text, pos: token.pos };
        }
        // GUESS: date literals such as TODAY or LAST_N_DAYS:7 are not emulated; they are syntax errors here.
        return this.fail();
      }
      default:
        return this.fail();
    }
  }
}

/** Parses everything after `FROM <object>`. Throws SoqlSyntaxError with a position relative to `text`. */
export function parseTail(text: string): Tail {
  return new Parser(tokenize(text)).tail();
}

/** Every condition of an expression, in order. */
export function conditionsOf(expr: Expr | undefined): Condition[] {
  if (!expr) return [];
  if (expr.type === 'cond') return [expr];
  if (expr.type === 'not') return conditionsOf(expr.expr);
  return expr.parts.flatMap(conditionsOf);
}

/** LIKE pattern → RegExp: % any run, _ one character, \% and \_ literal; case-insensitive (GUESS, as SOQL text compares). */
export function likeRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      source += pattern[i + 1];
      i++;
    } else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

/**
 * Evaluates an expression; `test` decides one condition. SOQL has two-valued logic here: a comparison with a null
 * field value is simply false (except `= null` / `!= null`, which `test` handles).
 */
export function evaluate(expr: Expr, test: (c: Condition) => boolean): boolean {
  switch (expr.type) {
    case 'cond':
      return test(expr);
    case 'not':
      return !evaluate(expr.expr, test);
    case 'and':
      return expr.parts.every((p) => evaluate(p, test));
    case 'or':
      return expr.parts.some((p) => evaluate(p, test));
  }
}
