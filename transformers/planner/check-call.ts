import type { Attribute, Call, Expr, Name } from '../func-adl/ast.js';
import type { CheckContext, Scope } from './check-context.js';
import { isMathModule, checkTupleItem } from './check-expression.js';
import {
  FOURVECTOR_METHODS,
  checkFourVectorMethod,
  checkToFourMomentum,
} from './check-fourvector.js';
import { SEQUENCE_OPERATORS, checkSequenceOperator, sequenceAggregate } from './check-sequence.js';
import { didYouMean } from './suggest-names.js';
import { FLOAT, INT, formatType, isNumber, sequenceOf, type QueryType } from './query-type.js';
import type { MathFunction, TypedExpr } from './typed-tree.js';

/** Math functions callable as `math.name(...)` or `np.name(...)`, with their argument counts. */
const MATH_FUNCTIONS: ReadonlyMap<string, { fn: MathFunction; arity: number }> = new Map(
  (
    [
      ['sin', 1],
      ['cos', 1],
      ['tan', 1],
      ['asin', 1],
      ['acos', 1],
      ['atan', 1],
      ['atan2', 2],
      ['arctan2', 2],
      ['arcsin', 1],
      ['arccos', 1],
      ['arctan', 1],
      ['sinh', 1],
      ['cosh', 1],
      ['tanh', 1],
      ['exp', 1],
      ['log', 1],
      ['log10', 1],
      ['sqrt', 1],
      ['pow', 2],
      ['power', 2],
      ['hypot', 2],
      ['fabs', 1],
      ['abs', 1],
      ['absolute', 1],
      ['floor', 1],
      ['ceil', 1],
    ] as [string, number][]
  ).map(([name, arity]) => [name, { fn: mathFunctionName(name), arity }]),
);

function mathFunctionName(name: string): MathFunction {
  const aliases: Record<string, MathFunction> = {
    arctan2: 'atan2',
    arcsin: 'asin',
    arccos: 'acos',
    arctan: 'atan',
    power: 'pow',
    fabs: 'abs',
    absolute: 'abs',
  };
  return aliases[name] ?? (name as MathFunction);
}

/** Free functions a query may call without a module prefix. */
const FREE_FUNCTIONS = ['abs', 'len', 'min', 'max', 'sqrt', 'sum', 'Zip'];

/** Checks a call: a method on a value, a math function, or a free function. */
export function checkCall(context: CheckContext, node: Call, scope: Scope | undefined): TypedExpr {
  if (node.keywords.length > 0) {
    context.fail(
      node.keywords[0].value,
      `Keyword argument '${node.keywords[0].name}' is not supported; pass it by position`,
    );
  }

  if (node.callee.kind === 'attribute') {
    if (isMathModule(node.callee.object, scope))
      return checkMathCall(context, node, node.callee, scope);
    return checkMethodCall(context, node, node.callee, scope);
  }
  if (node.callee.kind === 'name') return checkFreeCall(context, node, node.callee, scope);
  return context.fail(node.callee, 'Only named functions and methods can be called');
}

function checkMathCall(
  context: CheckContext,
  node: Call,
  callee: Attribute,
  scope: Scope | undefined,
): TypedExpr {
  const module = (callee.object as Name).id;
  const entry = MATH_FUNCTIONS.get(callee.name);
  if (!entry) {
    const hint = didYouMean(callee.name, MATH_FUNCTIONS.keys());
    return context.fail(callee, `Unknown function '${module}.${callee.name}'${hint}`);
  }
  return mathCall(context, node, entry.fn, entry.arity, `${module}.${callee.name}`, scope);
}

function mathCall(
  context: CheckContext,
  node: Call,
  fn: MathFunction,
  arity: number,
  label: string,
  scope: Scope | undefined,
): TypedExpr {
  if (node.args.length !== arity) {
    context.fail(
      node,
      `${label}() takes ${arity} argument${arity === 1 ? '' : 's'}; got ${node.args.length}`,
    );
  }
  const args = node.args.map((arg) => context.check(arg, scope));
  args.forEach((arg, i) => {
    if (!isNumber(arg.type)) {
      context.fail(node.args[i], `${label}() needs a number; got ${formatType(arg.type)}`);
    }
  });
  return { op: 'math', fn, args, type: mathResultType(fn, args), span: node.span };
}

function mathResultType(fn: MathFunction, args: TypedExpr[]): QueryType {
  const allInt = args.every((arg) => arg.type.kind === 'int');
  if (fn === 'floor' || fn === 'ceil') return INT;
  if (fn === 'abs' || fn === 'min' || fn === 'max') return allInt ? INT : FLOAT;
  return FLOAT;
}

function checkFreeCall(
  context: CheckContext,
  node: Call,
  callee: Name,
  scope: Scope | undefined,
): TypedExpr {
  switch (callee.id) {
    case 'abs':
      return mathCall(context, node, 'abs', 1, 'abs', scope);
    case 'sqrt':
      return mathCall(context, node, 'sqrt', 1, 'sqrt', scope);
    case 'min':
    case 'max':
      return checkMinMax(context, node, callee.id, scope);
    case 'len':
    case 'sum':
      return checkSequenceFunction(context, node, callee.id, scope);
    case 'Zip':
      return checkZip(context, node, scope);
  }

  if (SEQUENCE_OPERATORS.has(callee.id)) {
    context.fail(
      callee,
      `Operator '${callee.id}' must be called on a sequence, as in e.Jet.${callee.id}(...)`,
    );
  }
  const hint = didYouMean(callee.id, FREE_FUNCTIONS);
  return context.fail(
    callee,
    `Unknown function '${callee.id}'${hint || '; math functions are called as math.sqrt(x)'}`,
  );
}

function checkMinMax(
  context: CheckContext,
  node: Call,
  name: 'min' | 'max',
  scope: Scope | undefined,
): TypedExpr {
  if (node.args.length === 1) {
    const source = context.check(node.args[0], scope);
    return sequenceAggregate(context, source, name === 'min' ? 'Min' : 'Max', node, `${name}()`);
  }
  if (node.args.length < 2)
    context.fail(node, `${name}() needs a sequence or at least two numbers`);

  const args = node.args.map((arg) => context.check(arg, scope));
  args.forEach((arg, i) => {
    if (!isNumber(arg.type))
      context.fail(node.args[i], `${name}() needs numbers; got ${formatType(arg.type)}`);
  });
  return { op: 'math', fn: name, args, type: mathResultType(name, args), span: node.span };
}

function checkSequenceFunction(
  context: CheckContext,
  node: Call,
  name: 'len' | 'sum',
  scope: Scope | undefined,
): TypedExpr {
  if (node.args.length !== 1)
    context.fail(node, `${name}() takes one sequence; got ${node.args.length} arguments`);
  const source = context.check(node.args[0], scope);
  return sequenceAggregate(context, source, name === 'len' ? 'Count' : 'Sum', node, `${name}()`);
}

/**
 * Checks `Zip({'pt': e.Jet_pt, 'eta': e.Jet_eta, ...})`: the values are lists of numbers or
 * bools of one length per event, zipped into a sequence of records.
 */
function checkZip(context: CheckContext, node: Call, scope: Scope | undefined): TypedExpr {
  const dict = node.args[0];
  if (node.args.length !== 1 || dict.kind !== 'dict') {
    return context.fail(
      node,
      "Zip() takes one dict of sequences, as in Zip({'pt': e.Jet_pt, 'eta': e.Jet_eta})",
    );
  }

  const record = context.check(dict, scope);
  if (record.op !== 'record') return context.fail(dict, 'Zip() needs a dict literal');
  const fields = record.values.map((value, i) => {
    if (value.type.kind !== 'sequence' || value.type.element.kind === 'sequence') {
      context.fail(
        dict.values[i],
        `Zip() needs a sequence of values for key '${record.names[i]}'; got ${formatType(value.type)}`,
      );
    }
    return { name: record.names[i], type: value.type.element };
  });
  const type = sequenceOf({ kind: 'record', fields });
  return { op: 'zip', names: record.names, values: record.values, type, span: node.span };
}

function checkMethodCall(
  context: CheckContext,
  node: Call,
  callee: Attribute,
  scope: Scope | undefined,
): TypedExpr {
  const object = context.check(callee.object, scope);
  const name = callee.name;
  const type = object.type;

  if (type.kind === 'sequence')
    return checkSequenceOperator(context, object, name, node, callee, scope);
  if (name === 'ToFourMomentum' && node.args.length === 0)
    return checkToFourMomentum(context, object, callee);

  if (type.kind === 'fourvector' && FOURVECTOR_METHODS.has(name)) {
    const args = node.args.map((arg) => context.check(arg, scope));
    return checkFourVectorMethod(context, object, FOURVECTOR_METHODS.get(name)!, args, callee);
  }
  if (type.kind === 'tuple' && name === 'ElementAt' && node.args.length === 1) {
    return checkTupleItem(context, object, node.args[0], node);
  }
  if (type.kind === 'event' && context.view.entries.has(name)) {
    context.fail(
      callee,
      `'${name}' is a column, not a method; write e.${name} without parentheses`,
    );
  }
  if (SEQUENCE_OPERATORS.has(name)) {
    context.fail(callee, `${name} needs a sequence; got ${formatType(type)}`);
  }
  return context.fail(
    callee,
    `Type ${formatType(type)} has no method '${name}'${methodHint(type, name)}`,
  );
}

function methodHint(type: QueryType, name: string): string {
  if (type.kind === 'fourvector') return didYouMean(name, [...FOURVECTOR_METHODS.keys()]);
  if (type.kind === 'record') return didYouMean(name, ['ToFourMomentum']);
  return '';
}
