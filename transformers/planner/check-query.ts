import type { Call, Expr, Span } from '../func-adl/ast.js';
import { CheckContext, type Scope } from './check-context.js';
import { checkExpression } from './check-expression.js';
import { SEQUENCE_OPERATORS } from './check-sequence.js';
import { buildDatasetView, type DatasetView } from './dataset-view.js';
import { didYouMean } from './suggest-names.js';
import { formatType, isNumber, type QueryType } from './query-type.js';
import type { TypedLambda } from './typed-tree.js';
import type { DatasetSchema } from '../../object-class/dataset/schema.js';

/** Operators that may apply to the sequence of events itself. */
const EVENT_OPERATORS = new Set(['Select', 'SelectMany', 'Where']);

/** Aggregates that may end a query, folding every event's values into one scalar. */
export type TerminalAggregate = 'Count' | 'Sum' | 'Min' | 'Max';

const TERMINAL_AGGREGATES: ReadonlySet<string> = new Set(['Count', 'Sum', 'Min', 'Max']);

/** One operator applied to the sequence of events (or, after SelectMany, of items). */
export interface EventStep {
  operator: 'Select' | 'SelectMany' | 'Where';
  lambda: TypedLambda;
  span: Span;
}

/** A checked query: per-item steps, the item type they leave, and an optional final aggregate. */
export interface CheckedQuery {
  /** The query as a bare operator chain over the events, as `Where(f).Select(g)`. */
  tree: Expr;
  steps: EventStep[];
  /** Type of each item after the steps: the event itself when there is no Select. */
  itemType: QueryType;
  terminal?: { operator: TerminalAggregate; lambda?: TypedLambda; span: Span };
  view: DatasetView;
}

/**
 * Type-checks a parsed query against a dataset schema before any data is read. Throws
 * QuerySyntaxError, positioned at the offending node, for every type or name error.
 */
export function checkQuery(tree: Expr, text: string, schema: DatasetSchema): CheckedQuery {
  const view = buildDatasetView(schema);
  const context = new CheckContext(text, view, checkExpression);
  const calls = unwindChain(context, toMethodForm(tree));
  const normalized = rebuildChain(calls);

  let itemType: QueryType = { kind: 'event' };
  const steps: EventStep[] = [];
  let terminal: CheckedQuery['terminal'];

  calls.forEach((call, i) => {
    const name = operatorName(call);
    if (terminal)
      context.fail(
        call.callee,
        `${name} cannot follow ${terminal.operator}, which already ends the query`,
      );

    if (TERMINAL_AGGREGATES.has(name) && i === calls.length - 1) {
      terminal = checkTerminal(context, call, name as TerminalAggregate, itemType);
      return;
    }
    const step = checkEventStep(context, call, name, itemType);
    steps.push(step);
    itemType = stepResultType(step, itemType);
  });

  if (steps.length === 0 && !terminal) {
    context.fail(tree, 'The query has no operators; add one, as in Select(lambda e: e.MET_pt)');
  }
  return { tree: normalized, steps, itemType, terminal, view };
}

/** Collects the operator calls of the chain, first call first. */
function unwindChain(context: CheckContext, tree: Expr): Call[] {
  const calls: Call[] = [];
  let node = tree;

  while (node.kind === 'call' && node.callee.kind === 'attribute') {
    calls.unshift(node);
    node = node.callee.object;
  }

  if (node.kind === 'call' && node.callee.kind === 'name' && isOperatorName(node.callee.id)) {
    calls.unshift(node);
  } else if (node.kind !== 'call' || node.callee.kind !== 'name') {
    context.fail(
      node,
      'A query must start with a dataset such as EventDataset() or an operator such as Select(...)',
    );
  }
  return calls;
}

/**
 * Rewrites the free-function form `Select(source, f)`, which qastle's `(call Select source f)`
 * produces, into the method form `source.Select(f)` along the operator chain.
 */
function toMethodForm(node: Expr): Expr {
  if (node.kind !== 'call') return node;
  const { callee, args } = node;
  if (callee.kind === 'name' && isOperatorName(callee.id) && args[0]?.kind === 'call') {
    const object = toMethodForm(args[0]);
    return {
      ...node,
      callee: { kind: 'attribute', object, name: callee.id, span: callee.span },
      args: args.slice(1),
    };
  }
  if (callee.kind === 'attribute') {
    return { ...node, callee: { ...callee, object: toMethodForm(callee.object) } };
  }
  return node;
}

function isOperatorName(name: string): boolean {
  return SEQUENCE_OPERATORS.has(name);
}

function operatorName(call: Call): string {
  return call.callee.kind === 'attribute' ? call.callee.name : (call.callee as { id: string }).id;
}

/** Rebuilds the chain with the first operator as a bare call, dropping the dataset source. */
function rebuildChain(calls: Call[]): Expr {
  let chain: Expr | undefined;
  for (const call of calls) {
    const name = operatorName(call);
    const callee: Expr = chain
      ? { kind: 'attribute', object: chain, name, span: call.callee.span }
      : { kind: 'name', id: name, span: call.callee.span };
    chain = { ...call, callee };
  }
  return chain as Expr;
}

function checkEventStep(
  context: CheckContext,
  call: Call,
  name: string,
  itemType: QueryType,
): EventStep {
  if (!EVENT_OPERATORS.has(name)) {
    if (!SEQUENCE_OPERATORS.has(name)) {
      context.fail(
        call.callee,
        `Unknown operator '${name}'${didYouMean(name, SEQUENCE_OPERATORS)}`,
      );
    }
    const where = TERMINAL_AGGREGATES.has(name) ? ' except as the last operator' : '';
    context.fail(
      call.callee,
      `${name} cannot apply to the sequence of events${where}, because storage nodes scan events ` +
        'in independent parts; apply it to a collection inside a lambda, as in e.Jet.' +
        name +
        '(...)',
    );
  }
  expectOneArgument(context, call, name);
  checkNoKeywords(context, call);

  const lambda = context.checkLambda(
    call.args[0],
    [itemType],
    name,
    undefined as Scope | undefined,
  );
  const body = lambda.body.type;
  const bodyNode = call.args[0].kind === 'lambda' ? call.args[0].body : call.args[0];
  if (name === 'Where' && body.kind !== 'bool') {
    context.fail(
      bodyNode,
      `Where needs a lambda that returns bool; this one returns ${formatType(body)}: compare it, as in 'x > 0'`,
    );
  }
  if (name === 'SelectMany' && body.kind !== 'sequence') {
    context.fail(
      bodyNode,
      `SelectMany needs a lambda that returns a sequence; this one returns ${formatType(body)}`,
    );
  }
  return { operator: name as EventStep['operator'], lambda, span: call.span };
}

function stepResultType(step: EventStep, itemType: QueryType): QueryType {
  const body = step.lambda.body.type;
  if (step.operator === 'Where') return itemType;
  if (step.operator === 'Select') return body;
  return (body as Extract<QueryType, { kind: 'sequence' }>).element;
}

function checkTerminal(
  context: CheckContext,
  call: Call,
  name: TerminalAggregate,
  itemType: QueryType,
): CheckedQuery['terminal'] {
  checkNoKeywords(context, call);
  if (call.args.length > 1)
    context.fail(call, `${name} takes at most one lambda; got ${call.args.length} arguments`);

  const lambda = call.args.length
    ? context.checkLambda(call.args[0], [itemType], name, undefined)
    : undefined;
  const valueType = lambda ? lambda.body.type : itemType;
  if (name === 'Count' && lambda && valueType.kind !== 'bool') {
    context.fail(
      call.args[0],
      `Count needs a lambda that returns bool; this one returns ${formatType(valueType)}`,
    );
  }
  if (name !== 'Count' && !isNumber(valueType)) {
    context.fail(
      call,
      `${name} at the end of a query needs one number per item; got ${formatType(valueType)}: select a number first`,
    );
  }
  return { operator: name, lambda, span: call.span };
}

function expectOneArgument(context: CheckContext, call: Call, name: string): void {
  if (call.args.length !== 1)
    context.fail(call, `${name} takes 1 argument; got ${call.args.length}`);
}

function checkNoKeywords(context: CheckContext, call: Call): void {
  if (call.keywords.length) {
    context.fail(
      call.keywords[0].value,
      `Keyword argument '${call.keywords[0].name}' is not supported; pass it by position`,
    );
  }
}
