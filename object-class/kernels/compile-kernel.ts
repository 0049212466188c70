import type { RecordBatch, Table } from 'apache-arrow';
import { checkQuery } from '../../transformers/planner/check-query.js';
import { validateQueryTree } from '../../transformers/func-adl/validate-query-tree.js';
import {
  outputSpec,
  positiveLimit,
  DEFAULT_MAX_COMBINATIONS_PER_EVENT,
} from '../../transformers/planner/plan-query.js';
import { plannedColumns } from '../../transformers/planner/planned-columns.js';
import type { DatasetSchema } from '../dataset/schema.js';
import { extractBatchArrays, type ValueArray } from './batch-columns.js';
import { generateKernel, type GeneratedKernel } from './generate-kernel.js';
import { KernelError } from './kernel-error.js';
import { createKernelRuntime, type KernelRuntime } from './kernel-runtime.js';
import type { HistogramPartial, OutputSpec, ScalarPartial, ScanPlan } from './plan.js';
import { createRowBuilders, finishRows, type RowColumnBuilder } from './row-columns.js';

/** Result of one kernel run. */
export interface KernelResult {
  /** The partial aggregate, for histogram and scalar outputs. */
  partial?: HistogramPartial | ScalarPartial;
  /** The result rows, for row outputs. */
  rows?: Table;
  /** Events the run read. */
  eventsScanned: number;
  /** Events that passed the query's top-level Where operators (before any SelectMany). */
  eventsSelected: number;
}

/** One scan with a compiled kernel: feed it record batches, then finish it. */
export interface KernelRun {
  consume(batch: RecordBatch): void;
  finish(): KernelResult;
}

/** A query compiled to JavaScript for one plan and schema; start one run per object. */
export interface Kernel {
  readonly plan: ScanPlan;
  /** The generated source, for inspection and tests. */
  readonly source: string;
  start(): KernelRun;
}

type RunFunction = (
  cols: ValueArray[],
  offs: Int32Array[],
  n: number,
  base: number,
  skip: Uint8Array | null,
  state: RunState,
) => void;

interface RunState {
  counts: Float64Array;
  nanCount: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  selected: number;
  rows: number;
  columns: RowColumnBuilder[];
}

/**
 * Compiles a scan plan into a kernel. The query tree is checked again against `schema`, the
 * planned columns must be exactly the ones the query reads, and the generated source is
 * compiled once with `new Function`; it contains no text from the query or the schema.
 */
export function compileKernel(plan: ScanPlan, schema: DatasetSchema): Kernel {
  if (typeof plan.query !== 'string') {
    throw new TypeError(`Plan query is ${typeof plan.query}; expected the query text as a string`);
  }
  const checked = checkQuery(validateQueryTree(plan.tree), plan.query, schema);
  checkPlannedColumns(plan.columns, plannedColumns(checked, schema));

  const requested = outputRequestOf(plan.output);
  const output = outputSpec(checked, plan.query, requested, limitsOf(plan.output));
  const maxCombinations = positiveLimit(
    'maxCombinationsPerEvent',
    plan.maxCombinationsPerEvent ?? DEFAULT_MAX_COMBINATIONS_PER_EVENT,
  );
  const generated = generateKernel(checked, output, plan.columns, maxCombinations);
  const runtime = createKernelRuntime(generated.bindings.sites, maxCombinations);
  const factory = new Function('rt', generated.source) as (rt: KernelRuntime) => RunFunction;

  return {
    plan,
    source: generated.source,
    start: () => startRun(factory(runtime), generated, output, plan),
  };
}

function checkPlannedColumns(planned: string[][], needed: string[][]): void {
  const key = (paths: string[][]): string => JSON.stringify(paths);
  if (key(planned) !== key(needed)) {
    throw new TypeError(
      `Plan columns ${key(planned)} differ from the columns the query reads, ${key(needed)}; plan the query again`,
    );
  }
}

const AGGREGATE_OUTPUTS: ReadonlySet<unknown> = new Set(['count', 'sum', 'min', 'max', 'mean']);

function outputRequestOf(output: OutputSpec): Parameters<typeof outputSpec>[2] {
  const kind: unknown = (output as { kind?: unknown } | null)?.kind;
  if (kind === 'rows') return { kind: 'rows' };
  if (kind === 'histogram') return output as Extract<OutputSpec, { kind: 'histogram' }>;
  if (AGGREGATE_OUTPUTS.has(kind)) return { kind: 'aggregate' };
  throw new TypeError(
    `Plan output kind ${JSON.stringify(kind) ?? 'missing'} is invalid; expected histogram, rows, count, sum, min, max or mean`,
  );
}

function limitsOf(output: OutputSpec): { maxResultRows?: number; maxResultBytes?: number } {
  return output.kind === 'rows'
    ? { maxResultRows: output.maxRows, maxResultBytes: output.maxBytes }
    : {};
}

function startRun(
  run: RunFunction,
  generated: GeneratedKernel,
  output: OutputSpec,
  plan: ScanPlan,
): KernelRun {
  const bins = output.kind === 'histogram' ? output.bins : 0;
  const state: RunState = {
    counts: new Float64Array(bins + 2),
    nanCount: 0,
    count: 0,
    sum: 0,
    min: Infinity,
    max: -Infinity,
    selected: 0,
    rows: 0,
    columns: createRowBuilders(generated.rowColumns ?? []),
  };
  let scanned = 0;
  const { columns, collections, view } = generated.bindings;

  return {
    consume(batch) {
      const arrays = extractBatchArrays(batch, columns, collections, view);
      run(arrays.cols, arrays.offs, arrays.length, scanned, arrays.skip, state);
      scanned += arrays.length;
      if (output.kind === 'rows') checkRowBytes(state, output.maxBytes, scanned);
    },
    finish: () => finishRun(state, output, scanned, plan),
  };
}

function checkRowBytes(state: RunState, maxBytes: number, scanned: number): void {
  const bytes = state.columns.reduce((sum, column) => sum + column.byteLength, 0);
  if (bytes > maxBytes) {
    throw new KernelError(
      'TOO_MANY_BYTES',
      `The rows output reached ${bytes} bytes after ${scanned} events, over the limit of ${maxBytes} (maxResultBytes); filter more or raise the limit (--max-result-bytes)`,
    );
  }
}

function finishRun(
  state: RunState,
  output: OutputSpec,
  scanned: number,
  plan: ScanPlan,
): KernelResult {
  const counters = { eventsScanned: scanned, eventsSelected: state.selected };
  if (output.kind === 'rows') return { ...counters, rows: finishRows(state.columns) };

  if (output.kind === 'histogram') {
    const partial: HistogramPartial = {
      kind: 'histogram',
      bins: output.bins,
      low: output.low,
      high: output.high,
      counts: Array.from(state.counts),
      nanCount: state.nanCount,
    };
    return { ...counters, partial };
  }

  const partial: ScalarPartial = {
    kind: 'scalar',
    count: state.count,
    sum: state.sum,
    min: state.count > 0 && state.min !== Infinity ? state.min : null,
    max: state.count > 0 && state.max !== -Infinity ? state.max : null,
  };
  return { ...counters, partial };
}
