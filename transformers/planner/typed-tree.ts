import type { Span } from '../func-adl/ast.js';
import type { LeafSource } from './dataset-view.js';
import type { QueryType } from './query-type.js';

/**
 * The checked query: every name resolved, every operator and function known, every node typed.
 * The kernel generator works from this tree alone, so it never sees a user-written name.
 */
export type TypedExpr = TypedNode & { type: QueryType; span: Span };

/** Math functions available in queries, by their meaning. */
export type MathFunction =
  | 'sin'
  | 'cos'
  | 'tan'
  | 'asin'
  | 'acos'
  | 'atan'
  | 'atan2'
  | 'sinh'
  | 'cosh'
  | 'tanh'
  | 'exp'
  | 'log'
  | 'log10'
  | 'sqrt'
  | 'pow'
  | 'hypot'
  | 'abs'
  | 'floor'
  | 'ceil'
  | 'min'
  | 'max';

/** Four-vector properties, in the names of the `vector` library. */
export type FourVectorProperty =
  'pt' | 'eta' | 'phi' | 'mass' | 'px' | 'py' | 'pz' | 'E' | 'p' | 'Et' | 'mt' | 'rapidity';

/** Sequence operators that take the sequence and an optional lambda. */
export type LambdaOperator =
  | 'Select'
  | 'SelectMany'
  | 'Where'
  | 'OrderBy'
  | 'OrderByDescending'
  | 'Count'
  | 'Sum'
  | 'Min'
  | 'Max'
  | 'First'
  | 'Last'
  | 'Any'
  | 'All';

/** A lambda with its parameters numbered uniquely across the whole query. */
export interface TypedLambda {
  params: number[];
  body: TypedExpr;
}

type TypedNode =
  | { op: 'number'; value: number }
  | { op: 'bool'; value: boolean }
  | { op: 'param'; id: number }
  | { op: 'events' }
  | { op: 'scalarColumn'; leaf: LeafSource }
  | { op: 'collectionCount'; collection: string }
  | { op: 'collection'; collection: string }
  | { op: 'jagged'; collection: string; field: string }
  | { op: 'rowField'; object: TypedExpr; collection: string; field: string }
  | { op: 'recordField'; object: TypedExpr; index: number }
  | { op: 'record'; names: string[]; values: TypedExpr[] }
  | { op: 'tuple'; values: TypedExpr[] }
  | { op: 'list'; values: TypedExpr[] }
  | { op: 'tupleItem'; object: TypedExpr; index: number }
  | { op: 'negate'; operand: TypedExpr }
  | { op: 'not'; operand: TypedExpr }
  | { op: 'bitNot'; operand: TypedExpr }
  | { op: 'arithmetic'; operator: ArithmeticOperator; left: TypedExpr; right: TypedExpr }
  | { op: 'compare'; operators: ComparisonOperator[]; operands: TypedExpr[] }
  | { op: 'contains'; source: TypedExpr; value: TypedExpr }
  | { op: 'logical'; operator: 'and' | 'or'; values: TypedExpr[] }
  | { op: 'conditional'; test: TypedExpr; body: TypedExpr; orelse: TypedExpr }
  | { op: 'math'; fn: MathFunction; args: TypedExpr[] }
  | { op: 'toFourVector'; record: TypedExpr }
  | { op: 'fourVectorSum'; left: TypedExpr; right: TypedExpr }
  | { op: 'fourVectorProperty'; object: TypedExpr; property: FourVectorProperty }
  | {
      op: 'fourVectorDelta';
      fn: 'deltaR' | 'deltaphi' | 'deltaeta';
      left: TypedExpr;
      right: TypedExpr;
    }
  | { op: 'zip'; names: string[]; values: TypedExpr[] }
  | { op: 'sequence'; operator: LambdaOperator; source: TypedExpr; lambda?: TypedLambda }
  | { op: 'elementAt'; source: TypedExpr; index: TypedExpr }
  | { op: 'concat'; left: TypedExpr; right: TypedExpr }
  | { op: 'choose'; source: TypedExpr; size: number }
  | { op: 'aggregate'; source: TypedExpr; seed: TypedExpr; lambda: TypedLambda };

/** Arithmetic and bitwise operators on numbers; `&`, `|` and `^` also apply to bools. */
export type ArithmeticOperator = '+' | '-' | '*' | '/' | '//' | '%' | '**' | '&' | '|' | '^';

/** Comparison operators between two values. */
export type ComparisonOperator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** Calls `visit` on each direct child of `node`, lambda bodies included. */
export function forEachChild(node: TypedExpr, visit: (child: TypedExpr) => void): void {
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) {
      for (const item of value) if (isTypedExpr(item)) visit(item);
    } else if (isTypedExpr(value)) {
      visit(value);
    } else if (isLambda(value)) {
      visit(value.body);
    }
  }
}

function isTypedExpr(value: unknown): value is TypedExpr {
  return typeof value === 'object' && value !== null && 'op' in value && 'type' in value;
}

function isLambda(value: unknown): value is TypedLambda {
  return typeof value === 'object' && value !== null && 'params' in value && 'body' in value;
}
