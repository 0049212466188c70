import type { Expr } from '../func-adl/ast.js';
import { QuerySyntaxError } from '../func-adl/query-syntax-error.js';
import type { DatasetSchema } from '../../object-class/dataset/schema.js';
import type { OutputSpec, ScanPlan } from '../../object-class/kernels/plan.js';
import { checkQuery, type CheckedQuery } from './check-query.js';
import { histogramFill, rowColumns } from './output-shape.js';
import { plannedColumns } from './planned-columns.js';

/** Output a client requests of a query. */
export type OutputRequest =
  | { kind: 'histogram'; bins: number; low: number; high: number }
  | { kind: 'rows' }
  /** The scalar of a query that ends in `.Count()`, `.Sum()`, `.Min()` or `.Max()`. */
  | { kind: 'aggregate' };

/** Resource limits a plan enforces while it runs. */
export interface PlanLimits {
  /** Most combinations one `Choose(n)` may form in one event. */
  maxCombinationsPerEvent?: number;
  /** Most rows one object scan may return. */
  maxResultRows?: number;
  /** Most bytes of row data one object scan may return. */
  maxResultBytes?: number;
}

/** Default maximum of combinations one `Choose(n)` may form per event. */
export const DEFAULT_MAX_COMBINATIONS_PER_EVENT = 1_000_000;

/** Default maximum of rows one object scan may return. */
export const DEFAULT_MAX_RESULT_ROWS = 10_000_000;

/** Default maximum size of the rows one object scan returns, in bytes. */
export const DEFAULT_MAX_RESULT_BYTES = 1 << 30;

/** Most histogram bins a plan accepts. */
export const MAX_HISTOGRAM_BINS = 1_000_000;

/**
 * Type-checks a parsed query against a dataset schema and builds the plan storage nodes run:
 * the normalized query tree, the exact leaf columns it reads and the output it produces. Throws
 * QuerySyntaxError for type and name errors and for an output the query cannot produce, and
 * RangeError for invalid histogram or limit values.
 */
export function planQuery(
  tree: Expr,
  text: string,
  schema: DatasetSchema,
  output: OutputRequest,
  limits: PlanLimits = {},
): ScanPlan {
  return planCheckedQuery(checkQuery(tree, text, schema), text, schema, output, limits);
}

/** Builds the plan of a query that `checkQuery` has already checked against `schema`. */
export function planCheckedQuery(
  checked: CheckedQuery,
  text: string,
  schema: DatasetSchema,
  output: OutputRequest,
  limits: PlanLimits = {},
): ScanPlan {
  const spec = outputSpec(checked, text, output, limits);
  return {
    query: text,
    tree: checked.tree,
    columns: plannedColumns(checked, schema),
    output: spec,
    maxCombinationsPerEvent: positiveLimit(
      'maxCombinationsPerEvent',
      limits.maxCombinationsPerEvent ?? DEFAULT_MAX_COMBINATIONS_PER_EVENT,
    ),
  };
}

/** Works out the output spec of a checked query; planQuery and compileKernel both use it. */
export function outputSpec(
  checked: CheckedQuery,
  text: string,
  output: OutputRequest,
  limits: PlanLimits = {},
): OutputSpec {
  const lastSpan = checked.terminal?.span ?? checked.steps[checked.steps.length - 1].span;
  const fail = (message: string): never => {
    throw new QuerySyntaxError(message, lastSpan.start, text);
  };

  if (checked.terminal) {
    // A rows request of a query that ends in an aggregate gets that aggregate's number.
    if (output.kind === 'histogram') {
      fail(
        `The query ends in ${checked.terminal.operator}, which returns one number; request an aggregate output or remove ${checked.terminal.operator}()`,
      );
    }
    return { kind: checked.terminal.operator.toLowerCase() as 'count' | 'sum' | 'min' | 'max' };
  }

  switch (output.kind) {
    case 'aggregate':
      return fail('An aggregate output needs a query that ends in Count(), Sum(), Min() or Max()');
    case 'histogram': {
      checkHistogramAxis(output);
      const fill = histogramFill(checked.itemType);
      if (typeof fill === 'string') fail(fill);
      return { kind: 'histogram', bins: output.bins, low: output.low, high: output.high };
    }
    case 'rows': {
      const columns = rowColumns(checked.itemType);
      if (typeof columns === 'string') fail(columns);
      return {
        kind: 'rows',
        maxRows: positiveLimit('maxResultRows', limits.maxResultRows ?? DEFAULT_MAX_RESULT_ROWS),
        maxBytes: positiveLimit(
          'maxResultBytes',
          limits.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
        ),
      };
    }
    default:
      throw new TypeError(
        `Output kind '${String((output as { kind: unknown }).kind)}' is invalid; use 'histogram', 'rows' or 'aggregate'`,
      );
  }
}

function checkHistogramAxis(output: { bins: number; low: number; high: number }): void {
  const { bins, low, high } = output;
  if (!Number.isInteger(bins) || bins < 1 || bins > MAX_HISTOGRAM_BINS) {
    throw new RangeError(
      `Histogram bin count ${bins} is invalid; use an integer from 1 to ${MAX_HISTOGRAM_BINS}`,
    );
  }
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low < high)) {
    throw new RangeError(
      `Histogram range [${low}, ${high}) is invalid; use finite numbers with low < high`,
    );
  }
}

/** Returns `value` when it is a finite number of at least 1; throws RangeError otherwise. */
export function positiveLimit(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 1) {
    throw new RangeError(`Limit ${name} is ${value}; use a positive number`);
  }
  return value;
}
