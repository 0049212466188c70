import type { BinaryOperator, CompareOperator, Expr, UnaryOperator } from './ast.js';
import { MAX_QUERY_BYTES, MAX_TREE_HEIGHT } from './query-limits.js';

/**
 * Maximum number of nodes in a query tree received from outside the process. A parsed query has
 * at most about one node per byte of its text, so twice the text limit admits every parsed query.
 */
export const MAX_TREE_NODES = 2 * MAX_QUERY_BYTES;

const UNARY_OPERATORS: ReadonlySet<UnaryOperator> = new Set(['-', '+', 'not', '~']);

const BINARY_OPERATORS: ReadonlySet<BinaryOperator> = new Set([
  '+',
  '-',
  '*',
  '/',
  '//',
  '%',
  '**',
  '&',
  '|',
  '^',
]);

const COMPARE_OPERATORS: ReadonlySet<CompareOperator> = new Set([
  '<',
  '<=',
  '>',
  '>=',
  '==',
  '!=',
  'in',
  'not in',
]);

const BOOL_OPERATORS: ReadonlySet<string> = new Set(['and', 'or']);

type Fields = Record<string, unknown>;

/**
 * Checks that a value received as JSON is a query tree of the shape that `parseQuery` and
 * `parseQastle` build. Every node must have a known kind and fields of the right JavaScript type,
 * operators must come from the fixed tables, and integer literals must be integers. The tree may
 * have at most `MAX_TREE_HEIGHT` levels and `MAX_TREE_NODES` nodes. The type checker trusts these
 * shapes, so storage nodes run this check on every plan before type-checking it. Throws TypeError
 * naming the path of the first invalid field, and RangeError when the tree is too large.
 */
export function validateQueryTree(value: unknown): Expr {
  const stack: { node: unknown; path: string; height: number }[] = [
    { node: value, path: 'tree', height: 1 },
  ];
  let count = 0;

  while (stack.length > 0) {
    const { node, path, height } = stack.pop() as (typeof stack)[number];
    count++;
    if (height > MAX_TREE_HEIGHT || count > MAX_TREE_NODES) {
      throw new RangeError(
        `Query tree exceeds the limit of ${MAX_TREE_HEIGHT} levels or ${MAX_TREE_NODES} nodes; send a plan made by planQuery`,
      );
    }

    const expr = validateNode(node, path);
    childPaths(expr, path).forEach(([child, childPath]) =>
      stack.push({ node: child, path: childPath, height: height + 1 }),
    );
  }
  return value as Expr;
}

/** Checks the fields of one node, leaving its children to the caller. */
function validateNode(node: unknown, path: string): Expr {
  const fields = expectObject(node, path);
  validateSpan(fields.span, `${path}.span`);

  switch (fields.kind) {
    case 'number':
      return validateNumber(fields, path);
    case 'string':
      expectString(fields.value, `${path}.value`);
      break;
    case 'boolean':
      expectType(fields.value, 'boolean', `${path}.value`);
      break;
    case 'none':
      break;
    case 'name':
      expectString(fields.id, `${path}.id`);
      break;
    case 'attribute':
      expectString(fields.name, `${path}.name`);
      break;
    case 'subscript':
    case 'conditional':
      break;
    case 'call':
      validateCall(fields, path);
      break;
    case 'lambda':
      expectArray(fields.params, `${path}.params`).forEach((param, i) =>
        expectString(param, `${path}.params[${i}]`),
      );
      break;
    case 'unary':
      expectOperator(fields.op, UNARY_OPERATORS, `${path}.op`);
      break;
    case 'binary':
      expectOperator(fields.op, BINARY_OPERATORS, `${path}.op`);
      break;
    case 'boolop':
      validateBoolOp(fields, path);
      break;
    case 'compare':
      validateCompare(fields, path);
      break;
    case 'list':
    case 'tuple':
      expectArray(fields.elements, `${path}.elements`);
      break;
    case 'dict':
      validateDict(fields, path);
      break;
    default:
      throw new TypeError(
        `Query tree node at ${path} has invalid kind ${describe(fields.kind)}; send a plan made by planQuery`,
      );
  }
  return fields as unknown as Expr;
}

function validateNumber(fields: Fields, path: string): Expr {
  expectType(fields.value, 'number', `${path}.value`);
  expectType(fields.isInteger, 'boolean', `${path}.isInteger`);
  if (fields.isInteger === true && !Number.isInteger(fields.value)) {
    throw new TypeError(
      `Query tree node at ${path} is an integer literal with the value ${String(fields.value)}; expected an integer`,
    );
  }
  return fields as unknown as Expr;
}

function validateCall(fields: Fields, path: string): void {
  expectArray(fields.args, `${path}.args`);
  expectArray(fields.keywords, `${path}.keywords`).forEach((keyword, i) => {
    const keywordPath = `${path}.keywords[${i}]`;
    expectString(expectObject(keyword, keywordPath).name, `${keywordPath}.name`);
  });
}

function validateBoolOp(fields: Fields, path: string): void {
  expectOperator(fields.op, BOOL_OPERATORS, `${path}.op`);
  if (expectArray(fields.values, `${path}.values`).length < 2) {
    throw new TypeError(`Query tree node at ${path}.values has fewer than 2 operands`);
  }
}

function validateCompare(fields: Fields, path: string): void {
  const ops = expectArray(fields.ops, `${path}.ops`);
  ops.forEach((op, i) => expectOperator(op, COMPARE_OPERATORS, `${path}.ops[${i}]`));
  const comparators = expectArray(fields.comparators, `${path}.comparators`);
  if (ops.length === 0 || ops.length !== comparators.length) {
    throw new TypeError(
      `Query tree node at ${path} has ${ops.length} operators and ${comparators.length} comparators; expected the same number, at least 1`,
    );
  }
}

function validateDict(fields: Fields, path: string): void {
  const keys = expectArray(fields.keys, `${path}.keys`);
  const values = expectArray(fields.values, `${path}.values`);
  if (keys.length !== values.length) {
    throw new TypeError(
      `Query tree node at ${path} has ${keys.length} keys and ${values.length} values; expected the same number`,
    );
  }
}

/** Child fields of the node kinds whose children are single nodes. */
const NAMED_CHILDREN: Readonly<Record<string, readonly string[]>> = {
  attribute: ['object'],
  subscript: ['object', 'index'],
  lambda: ['body'],
  unary: ['operand'],
  binary: ['left', 'right'],
  compare: ['left'],
  call: ['callee'],
  conditional: ['test', 'body', 'orelse'],
};

/** Child fields of the node kinds whose children are arrays of nodes. */
const LISTED_CHILDREN: Readonly<Record<string, readonly string[]>> = {
  call: ['args'],
  compare: ['comparators'],
  dict: ['keys', 'values'],
  list: ['elements'],
  tuple: ['elements'],
  boolop: ['values'],
};

/** Lists the children of a node whose own fields passed `validateNode`, with their paths. */
function childPaths(expr: Expr, path: string): [unknown, string][] {
  const fields = expr as unknown as Fields;
  const children: [unknown, string][] = [];
  for (const name of NAMED_CHILDREN[expr.kind] ?? []) {
    children.push([fields[name], `${path}.${name}`]);
  }
  for (const name of LISTED_CHILDREN[expr.kind] ?? []) {
    (fields[name] as unknown[]).forEach((child, i) =>
      children.push([child, `${path}.${name}[${i}]`]),
    );
  }
  if (expr.kind === 'call') {
    expr.keywords.forEach((k, i) => children.push([k.value, `${path}.keywords[${i}].value`]));
  }
  return children;
}

function validateSpan(value: unknown, path: string): void {
  const span = expectObject(value, path);
  for (const end of ['start', 'end']) {
    const position = expectObject(span[end], `${path}.${end}`);
    for (const field of ['line', 'column', 'offset']) {
      const number = position[field];
      if (!Number.isSafeInteger(number) || (number as number) < 0) {
        throw new TypeError(
          `Query tree field ${path}.${end}.${field} is ${describe(number)}; expected a non-negative integer`,
        );
      }
    }
  }
}

function expectObject(value: unknown, path: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      `Query tree field ${path} is ${describe(value)}; expected an object such as a query tree node`,
    );
  }
  return value as Fields;
}

function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`Query tree field ${path} is ${describe(value)}; expected an array`);
  }
  return value;
}

function expectString(value: unknown, path: string): void {
  expectType(value, 'string', path);
}

function expectType(value: unknown, type: 'string' | 'number' | 'boolean', path: string): void {
  if (typeof value !== type) {
    throw new TypeError(`Query tree field ${path} is ${describe(value)}; expected a ${type}`);
  }
}

function expectOperator(value: unknown, operators: ReadonlySet<string>, path: string): void {
  if (typeof value !== 'string' || !operators.has(value)) {
    throw new TypeError(
      `Query tree field ${path} is ${describe(value)}; expected one of ${[...operators].map((op) => `'${op}'`).join(', ')}`,
    );
  }
}

/** Describes an invalid value for a message, shortening long text. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}
