import type { Expr } from '../../transformers/func-adl/ast.js';

/**
 * The pushdown plan a transformer sends to a storage node for one object. It travels as JSON
 * inside the object-class gRPC call, so it holds only plain data.
 */
export interface ScanPlan {
  /** The query text as the user wrote it, for logs and error messages. */
  query: string;
  /** The validated query tree, normalized to a bare operator chain over the events. */
  tree: Expr;
  /**
   * Physical leaf columns the kernel reads, as paths from a top-level column: `['MET_pt']`,
   * `['Jet', 'pt']` for a field of a list of structs, `['MET', 'pt']` for a struct field.
   */
  columns: string[][];
  /** Result the node returns. */
  output: OutputSpec;
  /**
   * Most combinations one `Choose(n)` may form in one event; the kernel stops with an error
   * above it. Defaults to 1,000,000 when absent.
   */
  maxCombinationsPerEvent?: number;
}

/** The result a scan produces at the node. */
export type OutputSpec =
  | { kind: 'histogram'; bins: number; low: number; high: number }
  | { kind: 'count' }
  | { kind: 'sum' }
  | { kind: 'min' }
  | { kind: 'max' }
  | { kind: 'mean' }
  | { kind: 'rows'; maxRows: number; maxBytes: number };

/**
 * A regular-axis histogram: `counts[0]` is the underflow bin, `counts[bins + 1]` the overflow bin.
 * A value below `low` counts as underflow, a value at or above `high` as overflow.
 */
export interface HistogramPartial {
  kind: 'histogram';
  bins: number;
  low: number;
  high: number;
  counts: number[];
  /** Entries that were NaN and so landed in no bin. */
  nanCount: number;
}

/** A folded scalar: the count of values, and their sum, minimum and maximum where defined. */
export interface ScalarPartial {
  kind: 'scalar';
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
}
