import type { Span } from '../../transformers/func-adl/ast.js';
import type { DatasetView, LeafSource } from '../../transformers/planner/dataset-view.js';
import { offsetsLeaf } from '../../transformers/planner/planned-columns.js';

/** A place in the query that can fail at run time, for error messages. */
export interface ErrorSite {
  label: string;
  span: Span;
}

/**
 * Connects generated code to the planned columns: column `k` of the plan is the array `ck`,
 * and each collection's list offsets are an array `om`. Reads of columns the plan does not list
 * throw, so the kernel never needs more than the plan fetched.
 */
export class KernelBindings {
  /** Run-time error sites, referenced from generated code by index. */
  readonly sites: ErrorSite[] = [];
  /** Collections whose offsets the kernel uses, in the order of the `offs` argument. */
  readonly collections: string[] = [];
  private readonly columnIndex = new Map<string, number>();

  constructor(
    readonly view: DatasetView,
    readonly columns: string[][],
    readonly maxCombinationsPerEvent: number,
  ) {
    columns.forEach((path, k) => this.columnIndex.set(path.join('\u0000'), k));
  }

  /** Reads an event-level column at event `index`. */
  scalarRead(leaf: LeafSource, index: string): string {
    const k = this.columnOf(leaf.path);
    return leaf.primitive === 'bool' ? `(c${k}[${index}] !== 0)` : `c${k}[${index}]`;
  }

  /** Reads field `field` of collection `collection` at element `index`. */
  fieldRead(collection: string, field: string, index: string): string {
    const leaf = this.view.collections.get(collection)?.fields.get(field);
    if (!leaf) throw new Error(`Collection '${collection}' has no field '${field}'`);
    const k = this.columnOf(leaf.path);
    return leaf.primitive === 'bool' ? `(c${k}[${index}] !== 0)` : `c${k}[${index}]`;
  }

  /** Returns the offsets array of a collection. */
  offsets(collection: string): string {
    let m = this.collections.indexOf(collection);
    if (m < 0) {
      const source = this.view.collections.get(collection);
      if (!source || !offsetsLeaf(source, this.columns)) {
        throw new Error(
          `The plan reads no column of collection '${collection}', so its lengths are unknown`,
        );
      }
      m = this.collections.push(collection) - 1;
    }
    return `o${m}`;
  }

  /** Registers a run-time error site and returns its index. */
  addSite(label: string, span: Span): number {
    return this.sites.push({ label, span }) - 1;
  }

  /** Largest collection length for which `Choose(size)` stays within the combination limit. */
  maxChooseLength(size: number): number {
    const limit = this.maxCombinationsPerEvent;
    let low = size;
    let high = size + limit;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (combinations(middle, size) <= limit) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** Writes the statements that bind the column and offsets arrays to locals. */
  prologue(): string[] {
    const lines = this.columns.map((_, k) => `const c${k} = cols[${k}];`);
    this.collections.forEach((_, m) => lines.push(`const o${m} = offs[${m}];`));
    return lines;
  }

  private columnOf(path: string[]): number {
    const k = this.columnIndex.get(path.join('\u0000'));
    if (k === undefined) {
      throw new Error(
        `The plan does not list column '${path.join('.')}', which the query reads; plan the query again`,
      );
    }
    return k;
  }
}

/** Counts the `size`-element combinations of `n` elements, as a float. */
export function combinations(n: number, size: number): number {
  if (n < size) return 0;
  let result = 1;
  for (let i = 1; i <= size; i++) result = (result * (n - size + i)) / i;
  return Math.round(result);
}
