// The syntax tree of a STIX 2.1 pattern (STIX 2.1 part 9), as parsePattern builds it.
// Every node has `type` to switch on and `position`, the 0-based offset where it starts.
//
// Shape, from the top:
//   Pattern.expression            an ObservationExpression
//   ObservationExpression         one of
//     'observation'               `[ … ]` with the qualifiers written right after `]`
//     'group'                     `( … )` with the qualifiers written right after `)`
//     'observation-operator'      two or more operands joined by one of AND, OR, FOLLOWEDBY
//   ComparisonExpression          inside `[ … ]`, one of
//     'boolean'                   two or more operands joined by AND or OR
//     'comparison'                objectPath operator value (or EXISTS objectPath)
//
// Precedence is already resolved: AND binds tighter than OR, which binds tighter than
// FOLLOWEDBY, and qualifiers bind to the nearest `[ … ]` or `( … )`. A chain of one operator
// (`a OR b OR c`) is one node with three operands, in the order written. Parentheses inside
// `[ … ]` leave no node of their own: the tree shape is the grouping.

/** A whole pattern. */
export interface Pattern {
  readonly type: 'pattern';
  readonly expression: ObservationExpression;
}

export type ObservationExpression = ObservationNode | GroupNode | ObservationOperatorNode;

/** `[ comparisons ] qualifiers…`: the comparisons must all hold for objects of one observation. */
export interface ObservationNode {
  readonly type: 'observation';
  readonly comparison: ComparisonExpression;
  /** In the order written; empty when there are none. */
  readonly qualifiers: readonly Qualifier[];
  readonly position: number;
}

/** `( observation expressions ) qualifiers…`: the qualifiers apply to the whole group. */
export interface GroupNode {
  readonly type: 'group';
  readonly expression: ObservationExpression;
  readonly qualifiers: readonly Qualifier[];
  readonly position: number;
}

export type ObservationOperator = 'AND' | 'OR' | 'FOLLOWEDBY';

/** Observations joined by an observation operator, evaluated left to right. */
export interface ObservationOperatorNode {
  readonly type: 'observation-operator';
  readonly operator: ObservationOperator;
  /** Two or more. */
  readonly operands: readonly ObservationExpression[];
  readonly position: number;
}

export type Qualifier = WithinQualifier | RepeatsQualifier | StartStopQualifier;

/** `WITHIN x SECONDS` (x an integer or a decimal, written without a sign or with `+`). */
export interface WithinQualifier {
  readonly type: 'within';
  readonly seconds: number;
  /** The number as written. */
  readonly text: string;
  readonly position: number;
}

/** `REPEATS x TIMES`. */
export interface RepeatsQualifier {
  readonly type: 'repeats';
  readonly times: number;
  readonly text: string;
  readonly position: number;
}

/** `START t'…' STOP t'…'`: both are timestamp literals. */
export interface StartStopQualifier {
  readonly type: 'start-stop';
  readonly start: TimestampLiteral;
  readonly stop: TimestampLiteral;
  readonly position: number;
}

export type ComparisonExpression = BooleanNode | ComparisonNode;

/** Comparisons joined by AND or OR (a Boolean Operator of the spec). */
export interface BooleanNode {
  readonly type: 'boolean';
  readonly operator: 'AND' | 'OR';
  /** Two or more. */
  readonly operands: readonly ComparisonExpression[];
  readonly position: number;
}

/** The operators that take one literal. `==` is read as `=`, `<>` as `!=`. */
export type ValueOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET';
export type ComparisonOperator = ValueOperator | 'IN' | 'EXISTS';

interface ComparisonBase {
  readonly type: 'comparison';
  readonly path: ObjectPath;
  /** `NOT` was written before the operator. */
  readonly negated: boolean;
  readonly position: number;
}

/** `path [NOT] op literal`. LIKE, MATCHES, ISSUBSET and ISSUPERSET always have a string literal. */
export interface ValueComparison extends ComparisonBase {
  readonly operator: ValueOperator;
  readonly value: Literal;
}

/** `path [NOT] IN (literal, …)`; the list may be empty. */
export interface SetComparison extends ComparisonBase {
  readonly operator: 'IN';
  readonly values: readonly Literal[];
}

/** `EXISTS path` (the grammar has no NOT EXISTS). */
export interface ExistsComparison extends ComparisonBase {
  readonly operator: 'EXISTS';
  readonly negated: false;
}

export type ComparisonNode = ValueComparison | SetComparison | ExistsComparison;

/**
 * `object-type:property.key[0].'quoted key'[*]`. `steps[0]` is always the property name;
 * quoted names are stored unescaped, so `'SHA-256'` is `{ kind: 'key', name: 'SHA-256', quoted: true }`.
 */
export interface ObjectPath {
  readonly objectType: string;
  readonly steps: readonly PathStep[];
  readonly position: number;
}

export type PathStep =
  | { readonly kind: 'key'; readonly name: string; readonly quoted: boolean; readonly position: number }
  /** `[n]` (n may be negative: the grammar allows it) or `[*]`, every item of a list. */
  | { readonly kind: 'index'; readonly index: number | '*'; readonly position: number };

export type Literal = StringLiteral | IntLiteral | FloatLiteral | BoolLiteral | HexLiteral | BinaryLiteral | TimestampLiteral;

/** `'…'`, stored with its escapes (`\'` and `\\`) resolved. */
export interface StringLiteral {
  readonly type: 'string';
  readonly value: string;
  readonly position: number;
}

export interface IntLiteral {
  readonly type: 'int';
  readonly value: number;
  /** As written (`-5`, `+7`); `value` loses precision past 2^53, which validatePattern reports. */
  readonly text: string;
  readonly position: number;
}

export interface FloatLiteral {
  readonly type: 'float';
  readonly value: number;
  readonly text: string;
  readonly position: number;
}

/** `true` or `false` (lower case, as the grammar spells them). */
export interface BoolLiteral {
  readonly type: 'bool';
  readonly value: boolean;
  readonly position: number;
}

/** `h'…'`: the hex digits as written (an even number of them, possibly none). */
export interface HexLiteral {
  readonly type: 'hex';
  readonly value: string;
  readonly position: number;
}

/** `b'…'`: the base64 text as written, line feeds removed. */
export interface BinaryLiteral {
  readonly type: 'binary';
  readonly value: string;
  readonly position: number;
}

/** `t'…'`: the timestamp text between the quotes, e.g. `2014-01-13T07:03:17Z`. */
export interface TimestampLiteral {
  readonly type: 'timestamp';
  readonly value: string;
  readonly position: number;
}
