// A recursive-descent parser for STIX 2.1 patterns, one method per rule of the official
// grammar (cti-stix2-json-schemas pattern_grammar/STIXPattern.g4, STIX 2.1 part 9). Its
// left-recursive rules become loops: AND over OR over FOLLOWEDBY, qualifiers after `]`/`)`.
import type {
  ComparisonExpression,
  ComparisonNode,
  GroupNode,
  Literal,
  ObjectPath,
  ObservationExpression,
  ObservationNode,
  ObservationOperator,
  Pattern,
  PathStep,
  Qualifier,
  ValueOperator,
} from './ast.js';
import { PatternError, quote } from './errors.js';
import { keywords, tokenize, type Token } from './lexer.js';

/** Longer patterns are refused before any parsing (real ones are a few hundred characters). */
export const maxPatternLength = 65_536;
/** Deeper nesting of `(` and `[` is refused, so hostile input cannot exhaust the stack. */
export const maxPatternDepth = 100;

// Lowest precedence first: FOLLOWEDBY, then OR, then AND (spec 9.5.3).
const observationOperators: readonly ObservationOperator[] = ['FOLLOWEDBY', 'OR', 'AND'];
const stringOperators = new Set(['LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);
const operatorList = '=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET or ISSUPERSET';

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'the end of the pattern';
    case 'string':
      return `the string ${quote(t.value)}`;
    case 'int':
    case 'float':
      return `the number ${t.value}`;
    case 'keyword':
      return `the keyword ${t.value}`;
    case 'identifier':
      return `the name ${quote(t.value)}`;
    case 'bool':
      return t.value;
    case 'hex':
    case 'binary':
    case 'timestamp':
      return `a ${t.kind} literal`;
    default:
      return `'${t.value}'`;
  }
}

/** A hint for the usual slips: lower-case keywords, upper-case booleans. */
function hint(t: Token): string {
  if (t.kind !== 'identifier') return '';
  const upper = t.value.toUpperCase();
  if (keywords.has(upper)) return ` Keywords are upper case: write ${upper}.`;
  if (upper === 'TRUE' || upper === 'FALSE') return ` Booleans are lower case: write ${t.value.toLowerCase()}.`;
  return '';
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): Pattern {
    const first = this.peek();
    if (!this.atPunct('[') && !this.atPunct('(')) {
      this.fail("'[' or '(' (a pattern is one or more observations such as [ipv4-addr:value = '198.51.100.1'])", first);
    }
    const expression = this.observations(0);
    if (this.peek().kind !== 'eof') this.fail('AND, OR, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, START) or the end of the pattern', this.peek());
    return { type: 'pattern', expression };
  }

  // observationExpressions / observationExpressionOr / observationExpressionAnd
  private observations(level: number): ObservationExpression {
    const operator = observationOperators[level];
    if (operator === undefined) return this.qualified();
    const first = this.observations(level + 1);
    const operands = [first];
    while (this.atKeyword(operator)) {
      this.advance();
      operands.push(this.observations(level + 1));
    }
    return operands.length === 1 ? first : { type: 'observation-operator', operator, operands, position: first.position };
  }

  // observationExpression with its qualifiers (the grammar's left-recursive alternatives).
  private qualified(): ObservationNode | GroupNode {
    const node = this.bracketOrGroup();
    const qualifiers: Qualifier[] = [];
    for (;;) {
      if (this.atKeyword('WITHIN')) qualifiers.push(this.within());
      else if (this.atKeyword('REPEATS')) qualifiers.push(this.repeats());
      else if (this.atKeyword('START')) qualifiers.push(this.startStop());
      else break;
    }
    return qualifiers.length ? { ...node, qualifiers } : node;
  }

  private bracketOrGroup(): ObservationNode | GroupNode {
    const open = this.peek();
    if (this.atPunct('[')) {
      this.advance();
      this.enter(open);
      const comparison = this.comparisons();
      this.expectPunct(']', "AND, OR or ']'");
      this.depth--;
      return { type: 'observation', comparison, qualifiers: [], position: open.position };
    }
    if (this.atPunct('(')) {
      this.advance();
      this.enter(open);
      const expression = this.observations(0);
      this.expectPunct(')', "AND, OR, FOLLOWEDBY, a qualifier or ')'");
      this.depth--;
      return { type: 'group', expression, qualifiers: [], position: open.position };
    }
    return this.fail("'[' or '(' (an observation)", open);
  }

  private within(): Qualifier {
    const at = this.advance();
    const n = this.advance();
    if ((n.kind !== 'int' && n.kind !== 'float') || n.value.startsWith('-')) this.fail('a positive number of seconds after WITHIN', n);
    if (!this.atKeyword('SECONDS')) this.fail('SECONDS (the only unit of WITHIN)', this.peek());
    this.advance();
    return { type: 'within', seconds: Number(n.value), text: n.value, position: at.position };
  }

  private repeats(): Qualifier {
    const at = this.advance();
    const n = this.advance();
    if (n.kind !== 'int' || n.value.startsWith('-')) this.fail('a positive whole number after REPEATS', n);
    if (!this.atKeyword('TIMES')) this.fail('TIMES after the number', this.peek());
    this.advance();
    return { type: 'repeats', times: Number(n.value), text: n.value, position: at.position };
  }

  private startStop(): Qualifier {
    const at = this.advance();
    const start = this.timestamp('START');
    if (!this.atKeyword('STOP')) this.fail('STOP after the START timestamp', this.peek());
    this.advance();
    const stop = this.timestamp('STOP');
    return { type: 'start-stop', start, stop, position: at.position };
  }

  private timestamp(after: string): Literal & { type: 'timestamp' } {
    const t = this.advance();
    if (t.kind === 'timestamp') return { type: 'timestamp', value: t.value, position: t.position };
    const extra = t.kind === 'string' ? ` Timestamps are written t'${t.value}'.` : '';
    return this.fail(`a timestamp literal t'…' after ${after}`, t, extra);
  }

  // comparisonExpression / comparisonExpressionAnd
  private comparisons(): ComparisonExpression {
    return this.booleans('OR');
  }

  private booleans(operator: 'OR' | 'AND'): ComparisonExpression {
    const operand = (): ComparisonExpression => (operator === 'OR' ? this.booleans('AND') : this.propTest());
    const first = operand();
    const operands = [first];
    while (this.atKeyword(operator)) {
      this.advance();
      operands.push(operand());
    }
    return operands.length === 1 ? first : { type: 'boolean', operator, operands, position: first.position };
  }

  private propTest(): ComparisonExpression {
    const start = this.peek();
    if (this.atPunct('(')) {
      this.advance();
      this.enter(start);
      const inner = this.comparisons();
      this.expectPunct(')', "AND, OR or ')'");
      this.depth--;
      return inner;
    }
    if (this.atKeyword('EXISTS')) {
      this.advance();
      const path = this.objectPath();
      return { type: 'comparison', operator: 'EXISTS', negated: false, path, position: start.position };
    }
    const path = this.objectPath();
    const negated = this.atKeyword('NOT');
    if (negated) this.advance();
    const op = this.advance();
    const base = { type: 'comparison', path, negated, position: start.position } as const;
    if (op.kind === 'op') {
      const operator = op.value as ValueOperator;
      const kind = operator === '=' || operator === '!=' ? 'primitive' : 'orderable';
      return { ...base, operator, value: this.literal(kind, operator) } satisfies ComparisonNode;
    }
    if (op.kind === 'keyword' && op.value === 'IN') return { ...base, operator: 'IN', values: this.set() };
    if (op.kind === 'keyword' && stringOperators.has(op.value)) {
      const v = this.advance();
      if (v.kind !== 'string') this.fail(`a string literal after ${op.value}`, v);
      return { ...base, operator: op.value as ValueOperator, value: { type: 'string', value: v.value, position: v.position } };
    }
    return this.fail(negated ? `a comparison operator after NOT (${operatorList})` : `NOT or a comparison operator (${operatorList})`, op);
  }

  private objectPath(): ObjectPath {
    const type = this.advance();
    if (type.kind !== 'identifier') {
      this.fail("an object path such as file:name, '(' or EXISTS", type, type.kind === 'string' ? ' The object type is not quoted.' : '');
    }
    if (!this.atPunct(':')) this.fail(`':' after the object type ${quote(type.value)}`, this.peek());
    this.advance();
    const steps: PathStep[] = [this.pathKey('a property name')];
    for (;;) {
      if (this.atPunct('.')) {
        this.advance();
        steps.push(this.pathKey("a property name or a quoted key after '.'"));
      } else if (this.atPunct('[')) {
        const open = this.advance();
        const t = this.advance();
        if (t.kind === 'int') steps.push({ kind: 'index', index: Number(t.value), position: open.position });
        else if (t.kind === 'punct' && t.value === '*') steps.push({ kind: 'index', index: '*', position: open.position });
        else this.fail("a list index (a whole number or '*')", t);
        this.expectPunct(']', "']' after the list index");
      } else {
        return { objectType: type.value, steps, position: type.position };
      }
    }
  }

  private pathKey(expected: string): PathStep {
    const t = this.advance();
    if (t.kind === 'string') return { kind: 'key', name: t.value, quoted: true, position: t.position };
    if (t.kind === 'identifier' && !t.hyphen) return { kind: 'key', name: t.value, quoted: false, position: t.position };
    if (t.kind === 'identifier' || t.kind === 'keyword' || t.kind === 'bool') {
      const why = t.kind === 'identifier' ? "has a '-'" : 'is a reserved word';
      throw new PatternError(`The property name ${quote(t.value)} at position ${t.position} ${why}: quote it as ${quote(t.value)}.`, t.position);
    }
    return this.fail(expected, t);
  }

  private literal(kind: 'primitive' | 'orderable', operator: string): Literal {
    const t = this.advance();
    switch (t.kind) {
      case 'string':
        return { type: 'string', value: t.value, position: t.position };
      case 'int':
        return { type: 'int', value: Number(t.value), text: t.value, position: t.position };
      case 'float':
        return { type: 'float', value: Number(t.value), text: t.value, position: t.position };
      case 'hex':
      case 'binary':
      case 'timestamp':
        return { type: t.kind, value: t.value, position: t.position };
      case 'bool':
        if (kind === 'primitive') return { type: 'bool', value: t.value === 'true', position: t.position };
        return this.fail(`a number, string, hex, binary or timestamp literal after ${operator} (true and false only go with = and !=)`, t);
      default: {
        const extra = t.kind === 'identifier' ? ` String literals are quoted: '${t.value}'.` : '';
        return this.fail(`a literal after ${operator}`, t, extra);
      }
    }
  }

  // setLiteral: `()` or `(literal, …)`.
  private set(): Literal[] {
    this.expectPunct('(', "'(' after IN");
    const values: Literal[] = [];
    if (this.atPunct(')')) {
      this.advance();
      return values;
    }
    for (;;) {
      values.push(this.literal('primitive', 'IN ('));
      const t = this.advance();
      if (t.kind === 'punct' && t.value === ')') return values;
      if (!(t.kind === 'punct' && t.value === ',')) this.fail("',' or ')' in the IN list", t);
    }
  }

  private enter(t: Token): void {
    if (++this.depth > maxPatternDepth) {
      throw new PatternError(`Brackets and parentheses are nested more than ${maxPatternDepth} deep at position ${t.position}.`, t.position);
    }
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private advance(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index++;
    return t;
  }

  private atPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === p;
  }

  private atKeyword(k: string): boolean {
    const t = this.peek();
    return t.kind === 'keyword' && t.value === k;
  }

  private expectPunct(p: string, expected: string): void {
    if (!this.atPunct(p)) this.fail(expected, this.peek());
    this.advance();
  }

  private fail(expected: string, t: Token, extra = ''): never {
    throw new PatternError(`Expected ${expected} at position ${t.position}, found ${describe(t)}.${extra}${hint(t)}`, t.position);
  }
}

/**
 * Parse a STIX 2.1 pattern into its syntax tree (see ast.ts). Throws PatternError, with the
 * position and what was expected there, on anything the grammar does not allow.
 */
export function parsePattern(text: string): Pattern {
  if (typeof text !== 'string') throw new PatternError('A pattern must be a string.', 0);
  if (text.length > maxPatternLength) {
    throw new PatternError(`The pattern is ${text.length} characters long; the limit is ${maxPatternLength}.`, maxPatternLength, 'INPUT_TOO_LARGE');
  }
  return new Parser(tokenize(text)).parse();
}
