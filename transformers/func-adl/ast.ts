/**
 * Syntax tree of a func_adl query. The Python-lambda parser and the qastle parser both produce
 * this tree, so everything after parsing (type checking, planning, kernel generation) sees one
 * form. Method calls keep Python's shape: `src.Select(f)` is a `call` whose callee is an
 * `attribute` of `src`.
 */

/** A place in the query text: 1-based line and column, 0-based offset into the text. */
export interface Position {
  line: number;
  column: number;
  offset: number;
}

/** The text range a node was parsed from, `end` exclusive. */
export interface Span {
  start: Position;
  end: Position;
}

export type BinaryOperator = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '&' | '|' | '^';
export type UnaryOperator = '-' | '+' | 'not' | '~';
export type CompareOperator = '<' | '<=' | '>' | '>=' | '==' | '!=' | 'in' | 'not in';

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NoneLiteral
  | Name
  | Attribute
  | Subscript
  | Call
  | Lambda
  | Unary
  | Binary
  | BoolOp
  | Compare
  | Conditional
  | ListLiteral
  | TupleLiteral
  | DictLiteral;

interface NodeBase {
  span: Span;
}

/** A numeric literal; `isInteger` is false for `1.0`, `1e3` and `.5`. */
export interface NumberLiteral extends NodeBase {
  kind: 'number';
  value: number;
  isInteger: boolean;
}

export interface StringLiteral extends NodeBase {
  kind: 'string';
  value: string;
}

export interface BooleanLiteral extends NodeBase {
  kind: 'boolean';
  value: boolean;
}

export interface NoneLiteral extends NodeBase {
  kind: 'none';
}

export interface Name extends NodeBase {
  kind: 'name';
  id: string;
}

/** `object.name` */
export interface Attribute extends NodeBase {
  kind: 'attribute';
  object: Expr;
  name: string;
}

/** `object[index]` */
export interface Subscript extends NodeBase {
  kind: 'subscript';
  object: Expr;
  index: Expr;
}

/** `callee(args..., name=value...)` */
export interface Call extends NodeBase {
  kind: 'call';
  callee: Expr;
  args: Expr[];
  keywords: { name: string; value: Expr }[];
}

/** `lambda a, b: body` */
export interface Lambda extends NodeBase {
  kind: 'lambda';
  params: string[];
  body: Expr;
}

export interface Unary extends NodeBase {
  kind: 'unary';
  op: UnaryOperator;
  operand: Expr;
}

export interface Binary extends NodeBase {
  kind: 'binary';
  op: BinaryOperator;
  left: Expr;
  right: Expr;
}

/** `a and b and c`: one node per run of the same operator, as in Python's ast.BoolOp. */
export interface BoolOp extends NodeBase {
  kind: 'boolop';
  op: 'and' | 'or';
  values: Expr[];
}

/** `a < b <= c`: chained comparisons, as in Python's ast.Compare. */
export interface Compare extends NodeBase {
  kind: 'compare';
  left: Expr;
  ops: CompareOperator[];
  comparators: Expr[];
}

/** `body if test else orelse` */
export interface Conditional extends NodeBase {
  kind: 'conditional';
  test: Expr;
  body: Expr;
  orelse: Expr;
}

export interface ListLiteral extends NodeBase {
  kind: 'list';
  elements: Expr[];
}

export interface TupleLiteral extends NodeBase {
  kind: 'tuple';
  elements: Expr[];
}

/** `{'a': x, 'b': y}`; keys are expressions, as in Python, and the checker requires strings. */
export interface DictLiteral extends NodeBase {
  kind: 'dict';
  keys: Expr[];
  values: Expr[];
}
