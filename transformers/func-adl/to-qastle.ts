import type { CompareOperator, Expr } from './ast.js';
import { formatNumberLiteral, formatStringLiteral } from './format-query.js';
import { LINQ_OPERATOR_ARITY } from './linq-operators.js';

/**
 * Prints a syntax tree as qastle, using the LINQ shorthand `(Select src f)` for method calls of
 * the LINQ operators, as qastle itself does. Throws TypeError for keyword arguments and for
 * `in` and `not in`, which qastle cannot express.
 *
 * Like qastle, the output has no tuples (they print as lists) and no chained comparisons (the
 * links are joined with `and`). `(a and b) and c` prints like `a and b and c`. Trees with
 * those forms come back from `parseQastle` changed, and all other trees come back unchanged.
 */
export function toQastle(expr: Expr): string {
  switch (expr.kind) {
    case 'number':
      return formatNumberLiteral(expr);
    case 'string':
      return formatStringLiteral(expr.value);
    case 'boolean':
      return expr.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'name':
      return expr.id;
    case 'attribute':
      return composite('attr', toQastle(expr.object), formatStringLiteral(expr.name));
    case 'subscript':
      return composite('subscript', toQastle(expr.object), toQastle(expr.index));
    case 'call':
      return callToQastle(expr);
    case 'lambda':
      return composite('lambda', composite('list', ...expr.params), toQastle(expr.body));
    default:
      return operatorToQastle(expr);
  }
}

function operatorToQastle(expr: Expr): string {
  switch (expr.kind) {
    case 'unary':
      return unaryToQastle(expr.op, expr.operand);
    case 'binary':
      return composite(expr.op, toQastle(expr.left), toQastle(expr.right));
    case 'boolop':
      return expr.values.map(toQastle).reduce((left, right) => composite(expr.op, left, right));
    case 'compare':
      return compareToQastle(expr.left, expr.ops, expr.comparators);
    case 'conditional':
      return composite('if', toQastle(expr.test), toQastle(expr.body), toQastle(expr.orelse));
    case 'list':
    case 'tuple':
      return composite('list', ...expr.elements.map(toQastle));
    case 'dict':
      return composite(
        'dict',
        composite('list', ...expr.keys.map(toQastle)),
        composite('list', ...expr.values.map(toQastle)),
      );
    default:
      throw new TypeError(`Unknown syntax tree node kind '${expr.kind}'`);
  }
}

function composite(type: string, ...fields: string[]): string {
  return `(${[type, ...fields].join(' ')})`;
}

function callToQastle(expr: Extract<Expr, { kind: 'call' }>): string {
  if (expr.keywords.length > 0) {
    throw new TypeError(
      `Keyword argument '${expr.keywords[0].name}' has no qastle form, pass it positionally`,
    );
  }

  const args = expr.args.map(toQastle);
  const callee = expr.callee;
  if (callee.kind === 'attribute' && LINQ_OPERATOR_ARITY.get(callee.name) === args.length) {
    return composite(callee.name, toQastle(callee.object), ...args);
  }
  return composite('call', toQastle(callee), ...args);
}

/** Prints `-5` for a negated number literal, as qastle does, and `(op operand)` otherwise. */
function unaryToQastle(op: string, operand: Expr): string {
  if (op === '-' && operand.kind === 'number' && operand.value >= 0) {
    return '-' + formatNumberLiteral(operand);
  }
  return composite(op, toQastle(operand));
}

/** Prints `a < b <= c` as `(and (< a b) (<= b c))`, as qastle does. */
function compareToQastle(left: Expr, ops: CompareOperator[], comparators: Expr[]): string {
  const links = ops.map((op, i) => {
    if (op === 'in' || op === 'not in') {
      throw new TypeError(`Operator '${op}' has no qastle form, compare with '==' instead`);
    }
    const linkLeft = i === 0 ? left : comparators[i - 1];
    return composite(op, toQastle(linkLeft), toQastle(comparators[i]));
  });
  return links.reduce((joined, link) => composite('and', joined, link));
}
