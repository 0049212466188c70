import type { ColumnStatistics } from '../../object-class/format/arrow-object-info.js';
import type { CheckedQuery } from './check-query.js';
import type { DatasetView, LeafSource } from './dataset-view.js';
import type { ComparisonOperator, TypedExpr } from './typed-tree.js';

/** Column statistics of one object, keyed by leaf path such as `MET_pt` or `Jet.pt`. */
export type ObjectStatistics = Record<string, ColumnStatistics>;

/** A closed range of values, or `empty` when the object contains no value at all. */
type Range = { min: number; max: number } | 'empty' | null;

/**
 * Builds a test that proves, from an object's column statistics alone, that no event of the object
 * can pass the query's leading `Where` steps, so the object need not be scanned. Returns null when
 * the query has no such step. The rules: AND skips when any branch can; OR skips only when every
 * branch can; NOT never skips; a comparison skips when the ranges of its two sides cannot meet;
 * `c.Where(p).Count()` is 0 when `p` can never hold for any element of `c`.
 */
export function objectPruner(checked: CheckedQuery): ((stats: ObjectStatistics) => boolean) | null {
  const predicates: TypedExpr[] = [];
  for (const step of checked.steps) {
    if (step.operator !== 'Where') break;
    predicates.push(step.lambda.body);
  }
  if (predicates.length === 0) return null;
  return (stats) => predicates.some((p) => new Pruner(checked.view, stats).cannotHold(p));
}

class Pruner {
  constructor(
    private readonly view: DatasetView,
    private readonly stats: ObjectStatistics,
  ) {}

  /** True when the statistics prove that `node`, a boolean expression, is false for every event. */
  cannotHold(node: TypedExpr): boolean {
    switch (node.op) {
      case 'logical':
        return node.operator === 'and'
          ? node.values.some((v) => this.cannotHold(v))
          : node.values.every((v) => this.cannotHold(v));
      case 'compare':
        // A chain a < b < c holds only when every adjacent pair holds.
        return node.operators.some((op, i) =>
          cannotCompare(op, this.range(node.operands[i]), this.range(node.operands[i + 1])),
        );
      default:
        return false;
    }
  }

  private range(node: TypedExpr): Range {
    switch (node.op) {
      case 'number':
        return { min: node.value, max: node.value };
      case 'scalarColumn':
        return this.leafRange(node.leaf);
      case 'rowField':
        return this.fieldRange(node.collection, node.field);
      case 'sequence':
        return this.countRange(node);
      default:
        return null;
    }
  }

  /** `collection.Where(p).Count()` is exactly 0 when `p` cannot hold for any element. */
  private countRange(node: Extract<TypedExpr, { op: 'sequence' }>): Range {
    if (node.operator !== 'Count' || node.lambda !== undefined) return null;
    const source = node.source;
    if (source.op !== 'sequence' || source.operator !== 'Where' || source.lambda === undefined)
      return null;
    if (source.source.op !== 'collection') return null;
    return this.cannotHold(source.lambda.body) ? { min: 0, max: 0 } : null;
  }

  private fieldRange(collection: string, field: string): Range {
    const leaf = this.view.collections.get(collection)?.fields.get(field);
    return leaf === undefined ? null : this.leafRange(leaf);
  }

  private leafRange(leaf: LeafSource): Range {
    const stats = this.stats[leaf.path.join('.')];
    if (stats === undefined || stats.min === undefined || stats.max === undefined) return null;
    if (stats.min === null || stats.max === null) return 'empty';
    return { min: stats.min, max: stats.max };
  }
}

/** True when `a op b` is false for every pair of values from the two ranges. */
function cannotCompare(op: ComparisonOperator, a: Range, b: Range): boolean {
  if (a === 'empty' || b === 'empty') return true;
  if (a === null || b === null) return false;
  switch (op) {
    case '<':
      return a.min >= b.max;
    case '<=':
      return a.min > b.max;
    case '>':
      return a.max <= b.min;
    case '>=':
      return a.max < b.min;
    case '==':
      return a.max < b.min || a.min > b.max;
    case '!=':
      return false;
  }
}
