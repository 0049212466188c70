import type { Expr } from '../func-adl/ast.js';
import type { DatasetSchema } from '../../object-class/dataset/schema.js';
import { parseAnyQuery } from '../func-adl/parse-any-query.js';
import { toQastle } from '../func-adl/qastle.js';
import { checkQuery } from '../planner/check-query.js';
import { explainPlan } from '../planner/explain-plan.js';
import { planQuery, type OutputRequest } from '../planner/plan-query.js';
import { formatType } from '../planner/query-type.js';
import type { TypedExpr, TypedLambda } from '../planner/typed-tree.js';

/** The stages of a query that `explain` shows. */
export interface Explanation {
  qastle: string;
  typedTree: string;
  plan: string;
  planJson: string;
}

/** Parses, checks and plans a query without reading data, and renders each stage as text. */
export function explainQuery(
  text: string,
  schema: DatasetSchema,
  output: OutputRequest,
): Explanation {
  const tree = parseAnyQuery(text);
  const checked = checkQuery(tree, text, schema);
  const plan = planQuery(tree, text, schema, output);
  const lines: string[] = [];
  for (const step of checked.steps) {
    lines.push(`${step.operator}`);
    formatLambda(step.lambda, 1, lines);
  }
  if (checked.terminal) {
    lines.push(`${checked.terminal.operator}`);
    if (checked.terminal.lambda) formatLambda(checked.terminal.lambda, 1, lines);
  }
  lines.push(`=> each item: ${formatType(checked.itemType)}`);
  return {
    qastle: qastleOf(withEventSource(checked.tree)),
    typedTree: lines.join('\n'),
    plan: explainPlan(plan),
    planJson: JSON.stringify(plan),
  };
}

/**
 * Puts `EventDataset()` under the first operator of a bare chain, so that the qastle shows the
 * source the way ServiceX clients send it: `(Select (call EventDataset) f)`.
 */
function withEventSource(tree: Expr): Expr {
  if (tree.kind !== 'call') return tree;
  const { callee, span } = tree;
  if (callee.kind === 'attribute') {
    return { ...tree, callee: { ...callee, object: withEventSource(callee.object) } };
  }
  if (callee.kind !== 'name') return tree;
  const source: Expr = {
    kind: 'call',
    callee: { kind: 'name', id: 'EventDataset', span },
    args: [],
    keywords: [],
    span,
  };
  return {
    ...tree,
    callee: { kind: 'attribute', object: source, name: callee.id, span: callee.span },
  };
}

/** Prints a tree as qastle; keyword arguments and `in` have no qastle form, so the text names the reason instead. */
function qastleOf(tree: Expr): string {
  try {
    return toQastle(tree);
  } catch (error) {
    if (error instanceof TypeError) return `(no qastle form: ${error.message})`;
    throw error;
  }
}

function formatLambda(lambda: TypedLambda, depth: number, lines: string[]): void {
  const params = lambda.params.map((id) => `p${id}`).join(', ');
  lines.push(`${'  '.repeat(depth)}lambda ${params}:`);
  formatNode(lambda.body, depth + 1, lines);
}

/** Renders one typed node per line as `op detail : type`, children indented below it. */
function formatNode(node: TypedExpr, depth: number, lines: string[]): void {
  lines.push(`${'  '.repeat(depth)}${nodeLabel(node)} : ${formatType(node.type)}`);
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type' || key === 'span') continue;
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) formatNode(item, depth + 1, lines);
    } else if (isNode(value)) {
      formatNode(value, depth + 1, lines);
    } else if (isLambda(value)) {
      formatLambda(value, depth + 1, lines);
    }
  }
}

function nodeLabel(node: TypedExpr): string {
  const details = Object.entries(node)
    .filter(
      ([key, value]) =>
        !['op', 'type', 'span'].includes(key) &&
        value !== undefined &&
        !isNode(value) &&
        !isLambda(value),
    )
    .filter(([, value]) => !Array.isArray(value) || !value.some(isNode))
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'object' ? JSON.stringify(leafLabel(value)) : String(value)}`,
    );
  return [node.op, ...details].join(' ');
}

function leafLabel(value: unknown): unknown {
  const leaf = value as { path?: string[] } | null;
  return leaf && Array.isArray(leaf.path) ? leaf.path.join('.') : value;
}

function isNode(value: unknown): value is TypedExpr {
  return typeof value === 'object' && value !== null && 'op' in value && 'type' in value;
}

function isLambda(value: unknown): value is TypedLambda {
  return typeof value === 'object' && value !== null && 'params' in value && 'body' in value;
}
