// Writes a pattern syntax tree back as text, in one canonical spelling: single spaces,
// `=` and `!=` (never `==` or `<>`), names quoted as they were (or where the grammar needs it),
// parentheses where the tree needs them and no comments, so parsePattern(formatPattern(p)) gives p.
import type { ComparisonExpression, Literal, ObjectPath, ObservationExpression, Pattern, Qualifier } from './ast.js';
import { keywords } from './lexer.js';

/** Escape a value for a STIX pattern string literal: `\` → `\\`, then `'` → `\'`. */
export function escapePatternString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

const bareName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A property name or key: quoted when it was, or when the grammar would not read it as a name. */
function formatKey(name: string, quoted: boolean): string {
  const bare = !quoted && bareName.test(name) && !keywords.has(name) && name !== 'true' && name !== 'false';
  return bare ? name : `'${escapePatternString(name)}'`;
}

export function formatPath(path: ObjectPath): string {
  let out = `${path.objectType}:`;
  path.steps.forEach((step, i) => {
    if (step.kind === 'index') out += `[${step.index}]`;
    else out += i === 0 ? formatKey(step.name, step.quoted) : `.${formatKey(step.name, step.quoted)}`;
  });
  return out;
}

export function formatLiteral(literal: Literal): string {
  switch (literal.type) {
    case 'string':
      return `'${escapePatternString(literal.value)}'`;
    case 'int':
    case 'float':
      return literal.text;
    case 'bool':
      return String(literal.value);
    case 'hex':
      return `h'${literal.value}'`;
    case 'binary':
      return `b'${literal.value}'`;
    case 'timestamp':
      return `t'${literal.value}'`;
  }
}

function formatQualifier(q: Qualifier): string {
  switch (q.type) {
    case 'within':
      return `WITHIN ${q.text} SECONDS`;
    case 'repeats':
      return `REPEATS ${q.text} TIMES`;
    case 'start-stop':
      return `START ${formatLiteral(q.start)} STOP ${formatLiteral(q.stop)}`;
  }
}

// Binding strength: a child binding no tighter than its parent operator needs parentheses.
const strength = { FOLLOWEDBY: 1, OR: 2, AND: 3 } as const;

export function formatComparison(c: ComparisonExpression): string {
  if (c.type === 'boolean') {
    return c.operands
      .map((o) => (o.type === 'boolean' && strength[o.operator] <= strength[c.operator] ? `(${formatComparison(o)})` : formatComparison(o)))
      .join(` ${c.operator} `);
  }
  const not = c.negated ? 'NOT ' : '';
  switch (c.operator) {
    case 'EXISTS':
      return `EXISTS ${formatPath(c.path)}`;
    case 'IN':
      return `${formatPath(c.path)} ${not}IN (${c.values.map(formatLiteral).join(', ')})`;
    default:
      return `${formatPath(c.path)} ${not}${c.operator} ${formatLiteral(c.value)}`;
  }
}

function formatObservation(e: ObservationExpression): string {
  switch (e.type) {
    case 'observation':
      return [`[${formatComparison(e.comparison)}]`, ...e.qualifiers.map(formatQualifier)].join(' ');
    case 'group':
      return [`(${formatObservation(e.expression)})`, ...e.qualifiers.map(formatQualifier)].join(' ');
    case 'observation-operator':
      return e.operands
        .map((o) => (o.type === 'observation-operator' && strength[o.operator] <= strength[e.operator] ? `(${formatObservation(o)})` : formatObservation(o)))
        .join(` ${e.operator} `);
  }
}

/** The pattern as text, e.g. `[ipv4-addr:value = '198.51.100.1'] OR [domain-name:value = 'example.com']`. */
export function formatPattern(pattern: Pattern): string {
  return formatObservation(pattern.expression);
}
