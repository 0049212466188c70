/**
 * Compact builders for span-free syntax trees, and `stripSpans`, which removes spans from a
 * parsed tree so that tests compare structure only.
 */
import type {
  BinaryOperator,
  CompareOperator,
  UnaryOperator,
} from '../../transformers/func-adl/ast.js';

/** A syntax tree node without its `span`, recursively. */
export type Bare = Record<string, unknown>;

/** Returns a deep copy of `value` without any `span` property, at any depth. */
export function stripSpans(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(stripSpans);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }

  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key !== 'span') {
      copy[key] = stripSpans(child);
    }
  }
  return copy;
}

/** Integer literal. */
export const int = (value: number): Bare => ({ kind: 'number', value, isInteger: true });

/** Float literal. */
export const float = (value: number): Bare => ({ kind: 'number', value, isInteger: false });

/** String literal. */
export const str = (value: string): Bare => ({ kind: 'string', value });

/** `True` or `False`. */
export const bool = (value: boolean): Bare => ({ kind: 'boolean', value });

/** `None`. */
export const none: Bare = { kind: 'none' };

/** A name. */
export const name = (id: string): Bare => ({ kind: 'name', id });

/** `object.attribute`, where a string object is a name. */
export const attr = (object: Bare | string, attribute: string): Bare => ({
  kind: 'attribute',
  object: asNode(object),
  name: attribute,
});

/** `object[index]`. */
export const sub = (object: Bare | string, index: Bare): Bare => ({
  kind: 'subscript',
  object: asNode(object),
  index,
});

/** `callee(args...)`, with optional keyword arguments. */
export const call = (
  callee: Bare | string,
  args: Bare[] = [],
  keywords: [string, Bare][] = [],
): Bare => ({
  kind: 'call',
  callee: asNode(callee),
  args,
  keywords: keywords.map(([keyword, value]) => ({ name: keyword, value })),
});

/** `object.method(args...)`. */
export const method = (object: Bare | string, methodName: string, ...args: Bare[]): Bare =>
  call(attr(object, methodName), args);

/** `lambda params: body`. */
export const lambda = (params: string[], body: Bare): Bare => ({ kind: 'lambda', params, body });

/** Unary operator. */
export const unary = (op: UnaryOperator, operand: Bare | string): Bare => ({
  kind: 'unary',
  op,
  operand: asNode(operand),
});

/** Binary operator. */
export const binary = (op: BinaryOperator, left: Bare | string, right: Bare | string): Bare => ({
  kind: 'binary',
  op,
  left: asNode(left),
  right: asNode(right),
});

/** `a and b and ...`. */
export const and = (...values: (Bare | string)[]): Bare => ({
  kind: 'boolop',
  op: 'and',
  values: values.map(asNode),
});

/** `a or b or ...`. */
export const or = (...values: (Bare | string)[]): Bare => ({
  kind: 'boolop',
  op: 'or',
  values: values.map(asNode),
});

/** Chained comparison: `compare(a, '<', b, '<=', c)`. */
export const compare = (
  left: Bare | string,
  ...rest: (CompareOperator | Bare | string)[]
): Bare => {
  const ops: CompareOperator[] = [];
  const comparators: Bare[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    ops.push(rest[i] as CompareOperator);
    comparators.push(asNode(rest[i + 1] as Bare | string));
  }
  return { kind: 'compare', left: asNode(left), ops, comparators };
};

/** `body if test else orelse`. */
export const conditional = (
  body: Bare | string,
  test: Bare | string,
  orelse: Bare | string,
): Bare => ({
  kind: 'conditional',
  test: asNode(test),
  body: asNode(body),
  orelse: asNode(orelse),
});

/** List literal. */
export const list = (...elements: (Bare | string)[]): Bare => ({
  kind: 'list',
  elements: elements.map(asNode),
});

/** Tuple literal. */
export const tuple = (...elements: (Bare | string)[]): Bare => ({
  kind: 'tuple',
  elements: elements.map(asNode),
});

/** Dictionary literal from `[key, value]` pairs. */
export const dict = (...entries: [Bare, Bare | string][]): Bare => ({
  kind: 'dict',
  keys: entries.map(([key]) => key),
  values: entries.map(([, value]) => asNode(value)),
});

function asNode(value: Bare | string): Bare {
  return typeof value === 'string' ? name(value) : value;
}
