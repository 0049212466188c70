import type { QueryType } from '../../transformers/planner/query-type.js';
import type {
  MathFunction,
  TypedExpr,
  TypedLambda,
} from '../../transformers/planner/typed-tree.js';
import { formatNumber, type Emitter } from './emitter.js';
import {
  fourVectorDelta,
  fourVectorProperty,
  fourVectorSum,
  toFourVector,
} from './generate-fourvector.js';
import { generateSequenceNode } from './generate-sequence.js';
import type { KernelBindings } from './kernel-bindings.js';
import {
  assignLocals,
  declareLocals,
  layoutOf,
  slotCodes,
  type Layout,
  type Val,
} from './kernel-values.js';

/** Lambda parameters bound to values while generating a lambda body. */
export type Env = ReadonlyMap<number, Val>;

/** Generates code for a typed expression and returns its value. */
export function generate(em: Emitter, node: TypedExpr, env: Env, b: KernelBindings): Val {
  switch (node.op) {
    case 'number':
      return { v: 'scalar', code: formatNumber(node.value) };
    case 'bool':
      return { v: 'scalar', code: node.value ? 'true' : 'false' };
    case 'param':
      return env.get(node.id) as Val;
    case 'events':
      return { v: 'event' };
    case 'scalarColumn':
      return { v: 'scalar', code: b.scalarRead(node.leaf, 'ev') };
    case 'record':
      return { v: 'record', fields: node.values.map((value) => generate(em, value, env, b)) };
    case 'tuple':
      return { v: 'tuple', items: node.values.map((value) => generate(em, value, env, b)) };
    case 'recordField': {
      const object = generate(em, node.object, env, b) as Extract<Val, { v: 'record' }>;
      return object.fields[node.index];
    }
    case 'rowField': {
      const row = generate(em, node.object, env, b) as Extract<Val, { v: 'row' }>;
      return { v: 'scalar', code: b.fieldRead(node.collection, node.field, row.index) };
    }
    case 'tupleItem': {
      const tuple = generate(em, node.object, env, b) as Extract<Val, { v: 'tuple' }>;
      return tuple.items[node.index];
    }
    case 'negate':
      return scalar(em, `-${code(generate(em, node.operand, env, b))}`);
    case 'not':
      return scalar(em, `!${code(generate(em, node.operand, env, b))}`);
    case 'bitNot':
      return scalar(em, `~${code(generate(em, node.operand, env, b))}`);
    case 'arithmetic':
      return generateArithmetic(em, node, env, b);
    case 'compare':
      return generateCompare(em, node, env, b);
    case 'logical':
      return generateLogical(em, node.operator, node.values, env, b);
    case 'conditional':
      return generateConditional(em, node, env, b);
    case 'math':
      return generateMath(
        em,
        node.fn,
        node.args.map((arg) => code(generate(em, arg, env, b))),
      );
    case 'toFourVector':
      return toFourVector(em, generate(em, node.record, env, b), node.record.type, b);
    case 'fourVectorSum':
      return fourVectorSum(em, generate(em, node.left, env, b), generate(em, node.right, env, b));
    case 'fourVectorProperty':
      return fourVectorProperty(em, generate(em, node.object, env, b), node.property);
    case 'fourVectorDelta':
      return fourVectorDelta(
        em,
        node.fn,
        generate(em, node.left, env, b),
        generate(em, node.right, env, b),
      );
    default:
      return generateSequenceNode(em, node, env, b);
  }
}

/** Reads the code of a scalar value. */
export function code(val: Val): string {
  return (val as Extract<Val, { v: 'scalar' }>).code;
}

/** Binds an expression to a fresh constant and returns it as a scalar value. */
export function scalar(em: Emitter, expression: string): Val {
  return { v: 'scalar', code: em.constant(expression) };
}

/** Generates a lambda body with its parameters bound to `args`. */
export function applyLambda(
  em: Emitter,
  lambda: TypedLambda,
  args: Val[],
  env: Env,
  b: KernelBindings,
): Val {
  const inner = new Map(env);
  lambda.params.forEach((id, i) => inner.set(id, args[i]));
  return generate(em, lambda.body, inner, b);
}

function generateArithmetic(
  em: Emitter,
  node: Extract<TypedExpr, { op: 'arithmetic' }>,
  env: Env,
  b: KernelBindings,
): Val {
  const left = code(generate(em, node.left, env, b));
  const right = code(generate(em, node.right, env, b));
  const isBool = node.type.kind === 'bool';

  switch (node.operator) {
    case '//':
      return scalar(em, `Math.floor(${left} / ${right})`);
    case '%':
      // Python's modulo takes the sign of the divisor.
      return scalar(em, `((${left} % ${right}) + ${right}) % ${right}`);
    case '**':
      return scalar(em, `Math.pow(${left}, ${right})`);
    // NOTE: on ints, `&`, `|` and `^` use JavaScript's 32-bit integer semantics.
    case '&':
      return scalar(em, isBool ? `(${left} && ${right})` : `(${left} & ${right})`);
    case '|':
      return scalar(em, isBool ? `(${left} || ${right})` : `(${left} | ${right})`);
    case '^':
      return scalar(em, isBool ? `(${left} !== ${right})` : `(${left} ^ ${right})`);
    default:
      return scalar(em, `${left} ${sourceOperator(PLAIN_OPERATORS, node.operator)} ${right}`);
  }
}

/** Arithmetic operators written into kernel source as they are. */
const PLAIN_OPERATORS: ReadonlyMap<string, string> = new Map(
  ['+', '-', '*', '/'].map((operator) => [operator, operator]),
);

/** JavaScript operator of each comparison operator. */
const COMPARISON_OPERATORS: ReadonlyMap<string, string> = new Map([
  ['<', '<'],
  ['<=', '<='],
  ['>', '>'],
  ['>=', '>='],
  ['==', '==='],
  ['!=', '!=='],
]);

/**
 * Looks an operator up in a fixed table, so that only the table's text reaches kernel source even
 * when a hand-made tree carries some other string.
 */
function sourceOperator(table: ReadonlyMap<string, string>, operator: string): string {
  const js = table.get(operator);
  if (js === undefined) {
    throw new TypeError(
      `Operator ${JSON.stringify(operator)} is invalid here; expected one of ${[...table.keys()].join(' ')}`,
    );
  }
  return js;
}

function generateCompare(
  em: Emitter,
  node: Extract<TypedExpr, { op: 'compare' }>,
  env: Env,
  b: KernelBindings,
): Val {
  const operands = node.operands.map((operand) => generate(em, operand, env, b));
  const parts = node.operators.map((operator, i) =>
    compareValues(em, operator, operands[i], operands[i + 1], node.operands[i].type),
  );
  return scalar(em, parts.join(' && '));
}

/** Compares two values: numbers and bools directly, records and tuples slot by slot. */
export function compareValues(
  em: Emitter,
  operator: string,
  left: Val,
  right: Val,
  type: QueryType,
): string {
  const js = sourceOperator(COMPARISON_OPERATORS, operator);
  if (left.v === 'scalar') return `(${code(left)} ${js} ${code(right)})`;

  const layout: Layout = layoutOf(type);
  const a = slotCodes(em, layout, left);
  const c = slotCodes(em, layout, right);
  const equal = a.map((slot, i) => `${slot} === ${c[i]}`).join(' && ');
  return operator === '==' ? `(${equal})` : `!(${equal})`;
}

function generateLogical(
  em: Emitter,
  operator: 'and' | 'or',
  values: TypedExpr[],
  env: Env,
  b: KernelBindings,
): Val {
  const result = em.fresh('t');
  em.line(`let ${result} = ${code(generate(em, values[0], env, b))};`);

  // Later operands run only when needed, as in Python, so an empty First() behind a false
  // test never fails.
  for (const value of values.slice(1)) {
    const test = operator === 'and' ? result : `!${result}`;
    em.block(`if (${test})`, () => {
      em.line(`${result} = ${code(generate(em, value, env, b))};`);
    });
  }
  return { v: 'scalar', code: result };
}

function generateConditional(
  em: Emitter,
  node: Extract<TypedExpr, { op: 'conditional' }>,
  env: Env,
  b: KernelBindings,
): Val {
  const test = code(generate(em, node.test, env, b));
  const locals = declareLocals(em, node.type);
  em.block(`if (${test})`, () =>
    assignLocals(em, locals.layout, locals.names, generate(em, node.body, env, b)),
  );
  em.block('else', () =>
    assignLocals(em, locals.layout, locals.names, generate(em, node.orelse, env, b)),
  );
  return locals.val;
}

function generateMath(em: Emitter, fn: MathFunction, args: string[]): Val {
  const [x, y] = args;
  switch (fn) {
    case 'hypot':
      return scalar(em, `Math.sqrt(${x} * ${x} + ${y} * ${y})`);
    case 'min':
      return scalar(em, `Math.min(${args.join(', ')})`);
    case 'max':
      return scalar(em, `Math.max(${args.join(', ')})`);
    default:
      return scalar(em, `Math.${MATH_NAMES[fn]}(${args.join(', ')})`);
  }
}

/** JavaScript `Math` method for each query math function. */
const MATH_NAMES: Record<Exclude<MathFunction, 'hypot' | 'min' | 'max'>, string> = {
  sin: 'sin',
  cos: 'cos',
  tan: 'tan',
  asin: 'asin',
  acos: 'acos',
  atan: 'atan',
  atan2: 'atan2',
  sinh: 'sinh',
  cosh: 'cosh',
  tanh: 'tanh',
  exp: 'exp',
  log: 'log',
  log10: 'log10',
  sqrt: 'sqrt',
  pow: 'pow',
  abs: 'abs',
  floor: 'floor',
  ceil: 'ceil',
};
