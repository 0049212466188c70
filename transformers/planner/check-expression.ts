import type {
  Attribute,
  Binary,
  Compare,
  Conditional,
  DictLiteral,
  Expr,
  Name,
  Subscript,
  Unary,
} from '../func-adl/ast.js';
import { checkCall } from './check-call.js';
import { CheckContext, lookupScope, scopeNames, type Scope } from './check-context.js';
import { checkEventAttribute, checkRecordAttribute } from './check-attribute.js';
import { checkFourVectorProperty } from './check-fourvector.js';
import { didYouMean } from './suggest-names.js';
import {
  BOOL,
  FLOAT,
  INT,
  commonType,
  formatType,
  isNumber,
  sameType,
  sequenceOf,
  type QueryType,
} from './query-type.js';
import type { ArithmeticOperator, ComparisonOperator, TypedExpr } from './typed-tree.js';

/** Module names whose attributes are math functions and constants. */
export const MATH_MODULES: ReadonlySet<string> = new Set(['math', 'np', 'numpy']);

/** Checks any expression: the dispatch that `CheckContext.check` runs. */
export function checkExpression(
  context: CheckContext,
  node: Expr,
  scope: Scope | undefined,
): TypedExpr {
  switch (node.kind) {
    case 'number':
      return checkNumber(context, node);
    case 'boolean':
      return { op: 'bool', value: node.value, type: BOOL, span: node.span };
    case 'string':
      return context.fail(
        node,
        `String '${node.value}' cannot be used as a value; strings may only be dict keys ` +
          `and column names in e['name']`,
      );
    case 'none':
      return context.fail(
        node,
        'None is not supported; queries work on numbers, bools and records',
      );
    case 'name':
      return checkName(context, node, scope);
    case 'attribute':
      return checkAttribute(context, node, scope);
    case 'subscript':
      return checkSubscript(context, node, scope);
    case 'call':
      return checkCall(context, node, scope);
    case 'lambda':
      return context.fail(
        node,
        'A lambda can only be the argument of an operator such as Select, Where or OrderBy',
      );
    case 'unary':
      return checkUnary(context, node, scope);
    case 'binary':
      return checkBinary(context, node, scope);
    case 'boolop':
      return checkBoolOp(context, node.op, node.values, node.span, scope);
    case 'compare':
      return checkCompare(context, node, scope);
    case 'conditional':
      return checkConditional(context, node, scope);
    case 'list':
      return checkList(context, node.elements, node, scope);
    case 'tuple': {
      const values = node.elements.map((element) => context.check(element, scope));
      const type: QueryType = { kind: 'tuple', elements: values.map((v) => v.type) };
      return { op: 'tuple', values, type, span: node.span };
    }
    case 'dict':
      return checkDict(context, node, scope);
  }
}

function checkNumber(context: CheckContext, node: Extract<Expr, { kind: 'number' }>): TypedExpr {
  if (!Number.isFinite(node.value)) {
    context.fail(node, `Number ${node.value} is out of range; use a finite number`);
  }
  // Kernels compute ints as doubles, which hold every integer up to 2^53 exactly.
  if (node.isInteger && !Number.isSafeInteger(node.value)) {
    context.fail(
      node,
      `Integer ${node.value} is outside the exact range of ±${Number.MAX_SAFE_INTEGER}; write it as a float, as in ${node.value.toExponential()}`,
    );
  }
  const type = node.isInteger ? INT : FLOAT;
  return { op: 'number', value: node.value, type, span: node.span };
}

function checkName(context: CheckContext, node: Name, scope: Scope | undefined): TypedExpr {
  const bound = lookupScope(scope, node.id);
  if (bound) return { op: 'param', id: bound.id, type: bound.type, span: node.span };

  if (MATH_MODULES.has(node.id)) {
    context.fail(
      node,
      `'${node.id}' is a module; call one of its functions, as in ${node.id}.sqrt(x)`,
    );
  }
  const names = scopeNames(scope);
  const hint =
    didYouMean(node.id, names) || (names.length ? '' : '; names come from lambda parameters');
  return context.fail(node, `Unknown name '${node.id}'${hint}`);
}

function checkAttribute(
  context: CheckContext,
  node: Attribute,
  scope: Scope | undefined,
): TypedExpr {
  if (isMathModule(node.object, scope)) return checkMathConstant(context, node);

  const object = context.check(node.object, scope);
  return attributeOf(context, object, node.name, node);
}

/** Resolves `object.name` (or `object['name']`) on a checked object. */
export function attributeOf(
  context: CheckContext,
  object: TypedExpr,
  name: string,
  node: Expr,
): TypedExpr {
  switch (object.type.kind) {
    case 'event':
      return checkEventAttribute(context, name, node);
    case 'record':
      return checkRecordAttribute(context, object, name, node);
    case 'fourvector':
      return checkFourVectorProperty(context, object, name, node);
    default:
      return context.fail(node, noAttributeMessage(object.type, name));
  }
}

function noAttributeMessage(type: QueryType, name: string): string {
  const base = `Type ${formatType(type)} has no attribute '${name}'`;
  if (type.kind === 'sequence') {
    return `${base}; map over its elements with Select(lambda x: x.${name})`;
  }
  return `${base}; attributes exist on events, records and four-vectors`;
}

/** Tells whether `node` names the math module rather than a lambda parameter. */
export function isMathModule(node: Expr, scope: Scope | undefined): boolean {
  return node.kind === 'name' && MATH_MODULES.has(node.id) && !lookupScope(scope, node.id);
}

function checkMathConstant(context: CheckContext, node: Attribute): TypedExpr {
  const constants = new Map([
    ['pi', Math.PI],
    ['e', Math.E],
    ['inf', Infinity],
  ]);
  const value = constants.get(node.name);
  if (value === undefined) {
    const module = (node.object as Name).id;
    context.fail(
      node,
      `Unknown constant '${module}.${node.name}'; the constants are pi, e and inf, and functions are called as ${module}.sqrt(x)`,
    );
  }
  return { op: 'number', value, type: FLOAT, span: node.span };
}

function checkSubscript(
  context: CheckContext,
  node: Subscript,
  scope: Scope | undefined,
): TypedExpr {
  const object = context.check(node.object, scope);
  const index = node.index;

  if (object.type.kind === 'event' || object.type.kind === 'record') {
    if (index.kind !== 'string') {
      context.fail(
        index,
        `Index of ${formatType(object.type)} must be a name in quotes, as in e['MET_pt']`,
      );
    }
    return attributeOf(context, object, index.value, node);
  }

  if (object.type.kind === 'tuple') return checkTupleItem(context, object, index, node);

  if (object.type.kind === 'sequence') {
    const position = context.check(index, scope);
    if (position.type.kind !== 'int') {
      context.fail(index, `Index of a sequence must be int; got ${formatType(position.type)}`);
    }
    const type = object.type.element;
    return { op: 'elementAt', source: object, index: position, type, span: node.span };
  }

  return context.fail(
    node,
    `Type ${formatType(object.type)} cannot be indexed; only sequences, tuples and records can`,
  );
}

/** Checks `tuple[i]` or `tuple.ElementAt(i)`, where `i` must be an integer literal. */
export function checkTupleItem(
  context: CheckContext,
  object: TypedExpr,
  index: Expr,
  node: Expr,
): TypedExpr {
  const elements = (object.type as Extract<QueryType, { kind: 'tuple' }>).elements;
  const value = literalInteger(index);
  if (value === undefined) {
    context.fail(index, 'Index of a tuple must be an integer literal, as in p[0]');
  }
  const position = value < 0 ? value + elements.length : value;
  if (position < 0 || position >= elements.length) {
    context.fail(
      index,
      `Index ${value} is out of range for a tuple of ${elements.length} elements`,
    );
  }
  return { op: 'tupleItem', object, index: position, type: elements[position], span: node.span };
}

/** Reads an integer literal, allowing a leading minus sign. */
export function literalInteger(node: Expr): number | undefined {
  if (node.kind === 'number' && node.isInteger) return node.value;
  if (node.kind === 'unary' && node.op === '-' && node.operand.kind === 'number') {
    return node.operand.isInteger ? -node.operand.value : undefined;
  }
  return undefined;
}

function checkUnary(context: CheckContext, node: Unary, scope: Scope | undefined): TypedExpr {
  const operand = context.check(node.operand, scope);
  const type = operand.type;

  if (node.op === 'not' || (node.op === '~' && type.kind === 'bool')) {
    if (type.kind !== 'bool') {
      context.fail(node, `Operator 'not' needs bool; got ${formatType(type)}`);
    }
    return { op: 'not', operand, type: BOOL, span: node.span };
  }

  if (node.op === '~') {
    if (type.kind !== 'int')
      context.fail(node, `Operator '~' needs int or bool; got ${formatType(type)}`);
    return { op: 'bitNot', operand, type: INT, span: node.span };
  }

  if (!isNumber(type)) {
    context.fail(node, `Unary operator '${node.op}' needs a number; got ${formatType(type)}`);
  }
  if (node.op === '+') return operand;
  return { op: 'negate', operand, type, span: node.span };
}

function checkBinary(context: CheckContext, node: Binary, scope: Scope | undefined): TypedExpr {
  const left = context.check(node.left, scope);
  const right = context.check(node.right, scope);
  const span = node.span;

  if (left.type.kind === 'fourvector' && right.type.kind === 'fourvector' && node.op === '+') {
    return { op: 'fourVectorSum', left, right, type: left.type, span };
  }

  let type = arithmeticType(node.op, left.type, right.type);
  // Python gives an int for `int ** int` only when the exponent is not negative, and the sign of
  // a computed exponent is unknown before the scan, so only a literal exponent keeps the int.
  if (node.op === '**' && type?.kind === 'int' && !(right.op === 'number' && right.value >= 0)) {
    type = FLOAT;
  }
  if (!type) {
    context.fail(
      node,
      `Operator '${node.op}' is not defined for ${formatType(left.type)} and ${formatType(right.type)}`,
    );
  }
  return { op: 'arithmetic', operator: node.op as ArithmeticOperator, left, right, type, span };
}

function arithmeticType(op: string, left: QueryType, right: QueryType): QueryType | undefined {
  const bitwise = op === '&' || op === '|' || op === '^';
  if (bitwise && left.kind === 'bool' && right.kind === 'bool') return BOOL;
  if (!isNumber(left) || !isNumber(right)) return undefined;

  const bothInt = left.kind === 'int' && right.kind === 'int';
  if (bitwise) return bothInt ? INT : undefined;
  if (op === '/') return FLOAT;
  return bothInt ? INT : FLOAT;
}

/** Checks `a and b` or `a or b`: every operand must be bool. */
export function checkBoolOp(
  context: CheckContext,
  operator: 'and' | 'or',
  nodes: Expr[],
  span: Expr['span'],
  scope: Scope | undefined,
): TypedExpr {
  const values = nodes.map((value) => context.checkBool(value, scope, `Operand of '${operator}'`));
  return { op: 'logical', operator, values, type: BOOL, span };
}

function checkCompare(context: CheckContext, node: Compare, scope: Scope | undefined): TypedExpr {
  const operands = [node.left, ...node.comparators].map((operand) => context.check(operand, scope));

  if (node.ops.some((op) => op === 'in' || op === 'not in')) {
    return checkMembership(context, node, operands);
  }

  node.ops.forEach((op, i) =>
    checkComparable(context, node.comparators[i], op, operands[i], operands[i + 1]),
  );
  const operators = node.ops as ComparisonOperator[];
  return { op: 'compare', operators, operands, type: BOOL, span: node.span };
}

function checkComparable(
  context: CheckContext,
  node: Expr,
  op: string,
  left: TypedExpr,
  right: TypedExpr,
): void {
  const a = left.type;
  const b = right.type;
  if (isNumber(a) && isNumber(b)) return;

  const equality = op === '==' || op === '!=';
  const comparable = a.kind === 'bool' || a.kind === 'record' || a.kind === 'tuple';
  if (equality && comparable && sameType(a, b)) return;

  const rule = equality ? 'compare two values of one type' : 'only numbers can be ordered';
  context.fail(
    node,
    `Cannot compare ${formatType(a)} with ${formatType(b)} using '${op}'; ${rule}`,
  );
}

function checkMembership(context: CheckContext, node: Compare, operands: TypedExpr[]): TypedExpr {
  if (node.ops.length !== 1) {
    context.fail(node, `Chained comparisons cannot use 'in'; split them with 'and'`);
  }

  const [value, source] = operands;
  if (source.type.kind !== 'sequence') {
    context.fail(
      node.comparators[0],
      `Right side of '${node.ops[0]}' must be a sequence; got ${formatType(source.type)}`,
    );
  }
  if (!commonType(value.type, source.type.element) || !isComparableForEquality(value.type)) {
    context.fail(
      node.left,
      `Cannot look for ${formatType(value.type)} in ${formatType(source.type)}`,
    );
  }

  const contains: TypedExpr = { op: 'contains', source, value, type: BOOL, span: node.span };
  if (node.ops[0] === 'in') return contains;
  return { op: 'not', operand: contains, type: BOOL, span: node.span };
}

/** Tells whether values of `type` can be compared with `==`. */
export function isComparableForEquality(type: QueryType): boolean {
  return type.kind !== 'sequence' && type.kind !== 'fourvector' && type.kind !== 'event';
}

function checkConditional(
  context: CheckContext,
  node: Conditional,
  scope: Scope | undefined,
): TypedExpr {
  const test = context.checkBool(node.test, scope, 'Condition of an if-else expression');
  const body = context.check(node.body, scope);
  const orelse = context.check(node.orelse, scope);
  const type = commonType(body.type, orelse.type);
  if (!type || type.kind === 'sequence') {
    context.fail(
      node,
      `Branches of an if-else expression must have one type; got ${formatType(body.type)} and ${formatType(orelse.type)}`,
    );
  }
  return { op: 'conditional', test, body, orelse, type, span: node.span };
}

/** Checks a list literal `[a, b, c]`, a sequence whose elements share one type. */
export function checkList(
  context: CheckContext,
  elements: Expr[],
  node: Expr,
  scope: Scope | undefined,
): TypedExpr {
  const values = elements.map((element) => context.check(element, scope));
  if (values.length === 0) {
    context.fail(node, 'An empty list has no element type; leave it out or filter with Where');
  }

  let element: QueryType | undefined = values[0].type;
  for (let i = 1; i < values.length && element; i++) {
    const next: QueryType | undefined = commonType(element, values[i].type);
    if (!next) {
      context.fail(
        elements[i],
        `List elements must have one type; got ${formatType(element)} and ${formatType(values[i].type)}`,
      );
    }
    element = next;
  }
  if (element.kind === 'sequence') {
    context.fail(node, 'A list literal cannot hold sequences; build nested sequences with Select');
  }
  return { op: 'list', values, type: sequenceOf(element), span: node.span };
}

function checkDict(context: CheckContext, node: DictLiteral, scope: Scope | undefined): TypedExpr {
  const names: string[] = [];
  for (const key of node.keys) {
    if (key.kind !== 'string')
      context.fail(key, "Dict keys must be strings in quotes, as in {'pt': j.pt}");
    if (names.includes(key.value))
      context.fail(key, `Dict key '${key.value}' appears twice; give each value its own key`);
    names.push(key.value);
  }

  const values = node.values.map((value) => context.check(value, scope));
  const fields = names.map((name, i) => ({ name, type: values[i].type }));
  return { op: 'record', names, values, type: { kind: 'record', fields }, span: node.span };
}
