/**
 * fast-check arbitraries for span-free syntax trees in the shapes `parseQuery` produces, and
 * `normalizeForQastle`, which rewrites a tree into the shape it has after a trip through qastle.
 */
import fc from 'fast-check';
import { KEYWORDS } from '../../transformers/func-adl/lexer.js';
import type { Bare } from './tree-builders.js';

const identifier = fc
  .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/)
  .filter((text) => !KEYWORDS.has(text));

const number = fc.oneof(
  fc.nat().map((value) => ({ kind: 'number', value, isInteger: true })),
  fc
    .double({ min: 0, noNaN: true })
    .filter((value) => !Object.is(value, -0))
    .map((value) => ({ kind: 'number', value, isInteger: false })),
);

const leaf: fc.Arbitrary<Bare> = fc.oneof(
  number,
  fc.string({ unit: 'binary', maxLength: 8 }).map((value) => ({ kind: 'string', value })),
  fc.boolean().map((value) => ({ kind: 'boolean', value })),
  fc.constant({ kind: 'none' }),
  identifier.map((id) => ({ kind: 'name', id })),
);

const binaryOperator = fc.constantFrom('+', '-', '*', '/', '//', '%', '**', '&', '|', '^');
const compareOperator = fc.constantFrom('<', '<=', '>', '>=', '==', '!=', 'in', 'not in');

/** Options for `treeArbitrary`. */
export interface TreeOptions {
  /** Whether trees may contain tuples, keyword arguments, `in`, `not in` and chained comparisons. */
  pythonOnly: boolean;
}

/** Random syntax trees without spans, up to a small depth. */
export function treeArbitrary(options: TreeOptions): fc.Arbitrary<Bare> {
  const maxComparisons = options.pythonOnly ? 3 : 1;
  const comparison = options.pythonOnly
    ? compareOperator
    : compareOperator.filter((op) => !op.includes('in'));

  const { tree } = fc.letrec<{ tree: Bare }>((tie) => {
    const child = tie('tree');
    const children = (min: number, max: number) =>
      fc.array(child, { minLength: min, maxLength: max });
    const keywords = options.pythonOnly
      ? fc.uniqueArray(fc.tuple(identifier, child), { maxLength: 2, selector: ([key]) => key })
      : fc.constant([]);

    return {
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.record({ kind: fc.constant('attribute'), object: child, name: identifier }),
        fc.record({ kind: fc.constant('subscript'), object: child, index: child }),
        fc.record({
          kind: fc.constant('call'),
          callee: child,
          args: children(0, 3),
          keywords: keywords.map((pairs) => pairs.map(([name, value]) => ({ name, value }))),
        }),
        fc.record({
          kind: fc.constant('lambda'),
          params: fc.uniqueArray(identifier, { maxLength: 3 }),
          body: child,
        }),
        fc.record({
          kind: fc.constant('unary'),
          op: fc.constantFrom('-', '+', 'not', '~'),
          operand: child,
        }),
        fc.record({ kind: fc.constant('binary'), op: binaryOperator, left: child, right: child }),
        fc.record({
          kind: fc.constant('boolop'),
          op: fc.constantFrom('and', 'or'),
          values: children(2, 4),
        }),
        fc
          .array(fc.tuple(comparison, child), { minLength: 1, maxLength: maxComparisons })
          .chain((links) =>
            child.map((left) => ({
              kind: 'compare',
              left,
              ops: links.map(([op]) => op),
              comparators: links.map(([, comparator]) => comparator),
            })),
          ),
        fc.record({ kind: fc.constant('conditional'), test: child, body: child, orelse: child }),
        fc.record({ kind: fc.constant('list'), elements: children(0, 3) }),
        ...(options.pythonOnly
          ? [fc.record({ kind: fc.constant('tuple'), elements: children(0, 3) })]
          : []),
        fc.array(fc.tuple(child, child), { maxLength: 3 }).map((entries) => ({
          kind: 'dict',
          keys: entries.map(([key]) => key),
          values: entries.map(([, value]) => value),
        })),
      ),
    };
  });
  return tree;
}

/**
 * Rewrites a tree into the shape `parseQastle(toQastle(tree))` gives: tuples become lists, a
 * chained comparison becomes an `and` of its links, and `and`/`or` nested in the first operand
 * merge into one node, because qastle writes `a and b and c` as `(and (and a b) c)`.
 */
export function normalizeForQastle(node: Bare): Bare {
  const normalized = mapChildren(node, normalizeForQastle);
  if (normalized.kind === 'tuple') {
    return { kind: 'list', elements: normalized.elements };
  }
  if (normalized.kind === 'boolop') {
    const values = normalized.values as Bare[];
    return values
      .slice(1)
      .reduce((left, right) => joinBoolOp(normalized.op as string, left, right), values[0]);
  }
  if (normalized.kind === 'compare' && (normalized.ops as string[]).length > 1) {
    const ops = normalized.ops as string[];
    const comparators = normalized.comparators as Bare[];
    const links = ops.map((op, i) => ({
      kind: 'compare',
      left: i === 0 ? normalized.left : comparators[i - 1],
      ops: [op],
      comparators: [comparators[i]],
    }));
    return links.slice(1).reduce((left: Bare, right) => joinBoolOp('and', left, right), links[0]);
  }
  return normalized;
}

function joinBoolOp(op: string, left: Bare, right: Bare): Bare {
  if (left.kind === 'boolop' && left.op === op) {
    return { kind: 'boolop', op, values: [...(left.values as Bare[]), right] };
  }
  return { kind: 'boolop', op, values: [left, right] };
}

function mapChildren(node: Bare, map: (child: Bare) => Bare): Bare {
  const copy: Bare = {};
  for (const [key, value] of Object.entries(node)) {
    if (Array.isArray(value)) {
      copy[key] = value.map((item) => (isNode(item) ? map(item) : mapKeyword(item, map)));
    } else {
      copy[key] = isNode(value) ? map(value) : value;
    }
  }
  return copy;
}

function mapKeyword(item: unknown, map: (child: Bare) => Bare): unknown {
  if (typeof item === 'object' && item !== null && 'value' in item && 'name' in item) {
    const keyword = item as { name: string; value: Bare };
    return { name: keyword.name, value: map(keyword.value) };
  }
  return item;
}

function isNode(value: unknown): value is Bare {
  return typeof value === 'object' && value !== null && 'kind' in value;
}
