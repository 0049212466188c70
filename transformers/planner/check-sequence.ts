import type { Attribute, Call, Expr } from '../func-adl/ast.js';
import type { CheckContext, Scope } from './check-context.js';
import { isComparableForEquality, literalInteger } from './check-expression.js';
import { checkToFourMomentum } from './check-fourvector.js';
import { didYouMean } from './suggest-names.js';
import {
  BOOL,
  INT,
  commonType,
  formatType,
  isNumber,
  sameType,
  sequenceOf,
  type QueryType,
} from './query-type.js';
import type { LambdaOperator, TypedExpr, TypedLambda } from './typed-tree.js';

/** Largest tuple size `Choose(n)` accepts. */
export const MAX_CHOOSE_SIZE = 8;

/** Operators that apply to sequences, the operator set of qastle plus `ToFourMomenta`. */
export const SEQUENCE_OPERATORS: ReadonlySet<string> = new Set([
  'Select',
  'SelectMany',
  'Where',
  'First',
  'Last',
  'ElementAt',
  'Count',
  'Sum',
  'Min',
  'Max',
  'Aggregate',
  'All',
  'Any',
  'Contains',
  'Concat',
  'Zip',
  'OrderBy',
  'OrderByDescending',
  'Choose',
  'ToFourMomenta',
]);

type SequenceType = Extract<QueryType, { kind: 'sequence' }>;

/** Checks `source.name(args)` where `source` is a sequence. */
export function checkSequenceOperator(
  context: CheckContext,
  source: TypedExpr,
  name: string,
  node: Call,
  callee: Attribute,
  scope: Scope | undefined,
): TypedExpr {
  const element = (source.type as SequenceType).element;
  const span = node.span;
  const args = node.args;

  switch (name) {
    case 'Select':
    case 'SelectMany':
    case 'Where':
    case 'OrderBy':
    case 'OrderByDescending':
      return checkLambdaOperator(context, source, name, node, scope);
    case 'Count':
    case 'Any':
    case 'All':
    case 'First':
    case 'Last':
      return checkPredicateOperator(context, source, name, node, scope);
    case 'Sum':
    case 'Min':
    case 'Max': {
      expectArgs(context, node, name, 0, 1);
      const values = args.length ? mapped(context, source, args[0], name, scope, node) : source;
      return sequenceAggregate(context, values, name, node);
    }
    case 'ElementAt': {
      expectArgs(context, node, name, 1, 1);
      const index = context.check(args[0], scope);
      if (index.type.kind !== 'int')
        context.fail(args[0], `ElementAt needs an int index; got ${formatType(index.type)}`);
      return { op: 'elementAt', source, index, type: element, span };
    }
    case 'Contains':
      return checkContains(context, source, node, scope);
    case 'Concat':
      return checkConcat(context, source, node, scope);
    case 'Choose':
      return checkChoose(context, source, node);
    case 'Aggregate':
      return checkAggregate(context, source, node, scope);
    case 'ToFourMomenta':
      return checkToFourMomenta(context, source, node);
    case 'Zip':
      return context.fail(
        callee,
        "Zip is a free function; write Zip({'pt': e.Jet_pt, 'eta': e.Jet_eta})",
      );
  }
  return context.fail(callee, `Unknown operator '${name}'${didYouMean(name, SEQUENCE_OPERATORS)}`);
}

function expectArgs(
  context: CheckContext,
  node: Call,
  name: string,
  min: number,
  max: number,
): void {
  const count = node.args.length;
  if (count >= min && count <= max) return;
  const expected = min === max ? `${min}` : `${min} to ${max}`;
  context.fail(node, `${name} takes ${expected} argument${max === 1 ? '' : 's'}; got ${count}`);
}

function elementOf(source: TypedExpr): QueryType {
  return (source.type as SequenceType).element;
}

function checkLambdaOperator(
  context: CheckContext,
  source: TypedExpr,
  name: 'Select' | 'SelectMany' | 'Where' | 'OrderBy' | 'OrderByDescending',
  node: Call,
  scope: Scope | undefined,
): TypedExpr {
  expectArgs(context, node, name, 1, 1);
  const lambda = context.checkLambda(node.args[0], [elementOf(source)], name, scope);
  const body = lambda.body.type;
  const bodyNode = lambdaBody(node.args[0]);
  let type: QueryType = source.type;

  if (name === 'Select') type = sequenceOf(body);
  if (name === 'SelectMany') {
    if (body.kind !== 'sequence') {
      context.fail(
        bodyNode,
        `SelectMany needs a lambda that returns a sequence; this one returns ${formatType(body)}`,
      );
    }
    type = body;
  }
  if (name === 'Where' && body.kind !== 'bool') {
    context.fail(
      bodyNode,
      `Where needs a lambda that returns bool; this one returns ${formatType(body)}: compare it, as in 'x > 0'`,
    );
  }
  if ((name === 'OrderBy' || name === 'OrderByDescending') && !isNumber(body)) {
    context.fail(
      bodyNode,
      `${name} needs a lambda that returns a number; this one returns ${formatType(body)}`,
    );
  }
  return { op: 'sequence', operator: name, source, lambda, type, span: node.span };
}

function lambdaBody(node: Expr): Expr {
  return node.kind === 'lambda' ? node.body : node;
}

function checkPredicateOperator(
  context: CheckContext,
  source: TypedExpr,
  name: 'Count' | 'Any' | 'All' | 'First' | 'Last',
  node: Call,
  scope: Scope | undefined,
): TypedExpr {
  expectArgs(context, node, name, name === 'All' ? 1 : 0, 1);
  const lambda = node.args.length
    ? predicate(context, source, node.args[0], name, scope)
    : undefined;
  const type =
    name === 'Count' ? INT : name === 'First' || name === 'Last' ? elementOf(source) : BOOL;
  return { op: 'sequence', operator: name, source, lambda, type, span: node.span };
}

function predicate(
  context: CheckContext,
  source: TypedExpr,
  node: Expr,
  name: string,
  scope: Scope | undefined,
): TypedLambda {
  const lambda = context.checkLambda(node, [elementOf(source)], name, scope);
  if (lambda.body.type.kind !== 'bool') {
    context.fail(
      lambdaBody(node),
      `${name} needs a lambda that returns bool; this one returns ${formatType(lambda.body.type)}`,
    );
  }
  return lambda;
}

/** Checks a selector argument and returns `source.Select(selector)`. */
function mapped(
  context: CheckContext,
  source: TypedExpr,
  node: Expr,
  name: string,
  scope: Scope | undefined,
  call: Call,
): TypedExpr {
  const lambda = context.checkLambda(node, [elementOf(source)], name, scope);
  const type = sequenceOf(lambda.body.type);
  return { op: 'sequence', operator: 'Select', source, lambda, type, span: call.span };
}

/** Checks `Count`, `Sum`, `Min` or `Max` of a sequence, as an operator or as len/sum/min/max. */
export function sequenceAggregate(
  context: CheckContext,
  source: TypedExpr,
  name: 'Count' | 'Sum' | 'Min' | 'Max',
  node: Expr,
  label: string = name,
): TypedExpr {
  if (source.type.kind !== 'sequence') {
    context.fail(node, `${label} needs a sequence; got ${formatType(source.type)}`);
  }
  const element = source.type.element;
  if (name !== 'Count' && !isNumber(element)) {
    const hint =
      element.kind === 'record' ? `; select a number first, as in ${name}(lambda x: x.pt)` : '';
    context.fail(
      node,
      `${label} needs a sequence of numbers; got ${formatType(source.type)}${hint}`,
    );
  }
  const type = name === 'Count' ? INT : element;
  return { op: 'sequence', operator: name as LambdaOperator, source, type, span: node.span };
}

function checkContains(
  context: CheckContext,
  source: TypedExpr,
  node: Call,
  scope: Scope | undefined,
): TypedExpr {
  expectArgs(context, node, 'Contains', 1, 1);
  const value = context.check(node.args[0], scope);
  const element = elementOf(source);
  if (!commonType(value.type, element) || !isComparableForEquality(element)) {
    context.fail(
      node.args[0],
      `Contains cannot look for ${formatType(value.type)} in ${formatType(source.type)}`,
    );
  }
  return { op: 'contains', source, value, type: BOOL, span: node.span };
}

function checkConcat(
  context: CheckContext,
  left: TypedExpr,
  node: Call,
  scope: Scope | undefined,
): TypedExpr {
  expectArgs(context, node, 'Concat', 1, 1);
  const right = context.check(node.args[0], scope);
  const type = right.type.kind === 'sequence' ? commonType(left.type, right.type) : undefined;
  if (!type) {
    context.fail(
      node.args[0],
      `Concat needs two sequences of one element type; got ${formatType(left.type)} and ${formatType(right.type)}: ` +
        'Select dicts with the same keys from both first',
    );
  }
  return { op: 'concat', left, right, type, span: node.span };
}

function checkChoose(context: CheckContext, source: TypedExpr, node: Call): TypedExpr {
  expectArgs(context, node, 'Choose', 1, 1);
  const size = literalInteger(node.args[0]);
  if (size === undefined || size < 1 || size > MAX_CHOOSE_SIZE) {
    context.fail(
      node.args[0],
      `Choose needs an integer literal from 1 to ${MAX_CHOOSE_SIZE}, as in Choose(2)`,
    );
  }
  const element = elementOf(source);
  const tuple: QueryType = { kind: 'tuple', elements: Array.from({ length: size }, () => element) };
  return { op: 'choose', source, size, type: sequenceOf(tuple), span: node.span };
}

/** Checks `Aggregate(seed, lambda acc, x: ...)`; the accumulator widens from int to float if needed. */
function checkAggregate(
  context: CheckContext,
  source: TypedExpr,
  node: Call,
  scope: Scope | undefined,
): TypedExpr {
  expectArgs(context, node, 'Aggregate', 2, 2);
  const seed = context.check(node.args[0], scope);
  const element = elementOf(source);
  let lambda = context.checkLambda(node.args[1], [seed.type, element], 'Aggregate', scope);
  let type = commonType(seed.type, lambda.body.type);

  if (type && !sameType(type, seed.type)) {
    lambda = context.checkLambda(node.args[1], [type, element], 'Aggregate', scope);
    type =
      sameType(lambda.body.type, type) || commonType(lambda.body.type, type) ? type : undefined;
  }
  if (!type || type.kind === 'sequence') {
    context.fail(
      lambdaBody(node.args[1]),
      `Aggregate needs a lambda that returns the seed's type ${formatType(seed.type)}; this one returns ${formatType(lambda.body.type)}`,
    );
  }
  return { op: 'aggregate', source, seed, lambda, type, span: node.span };
}

function checkToFourMomenta(context: CheckContext, source: TypedExpr, node: Call): TypedExpr {
  expectArgs(context, node, 'ToFourMomenta', 0, 0);
  const id = context.newParamId();
  const element = elementOf(source);
  const param: TypedExpr = { op: 'param', id, type: element, span: node.span };
  const body = checkToFourMomentum(context, param, node);
  const lambda = { params: [id], body };
  return {
    op: 'sequence',
    operator: 'Select',
    source,
    lambda,
    type: sequenceOf(body.type),
    span: node.span,
  };
}
