import type { Expr } from './ast.js';

/** Lists the direct subexpressions of `node`, in source order. */
export function childExpressions(node: Expr): Expr[] {
  switch (node.kind) {
    case 'attribute':
      return [node.object];
    case 'subscript':
      return [node.object, node.index];
    case 'call':
      return [node.callee, ...node.args, ...node.keywords.map((keyword) => keyword.value)];
    case 'lambda':
      return [node.body];
    case 'unary':
      return [node.operand];
    case 'binary':
      return [node.left, node.right];
    case 'boolop':
      return node.values;
    case 'compare':
      return [node.left, ...node.comparators];
    case 'conditional':
      return [node.body, node.test, node.orelse];
    case 'list':
    case 'tuple':
      return node.elements;
    case 'dict':
      return node.keys.flatMap((key, i) => [key, node.values[i]]);
    default:
      return [];
  }
}
