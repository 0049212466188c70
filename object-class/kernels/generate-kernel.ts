import type { CheckedQuery, EventStep } from '../../transformers/planner/check-query.js';
import {
  histogramFill,
  rowColumns,
  type HistogramFill,
  type RowColumn,
} from '../../transformers/planner/output-shape.js';
import type { QueryType } from '../../transformers/planner/query-type.js';
import { Emitter, formatNumber } from './emitter.js';
import { applyLambda, code, type Env } from './generate-expression.js';
import { seqOf } from './generate-sequence.js';
import { KernelBindings } from './kernel-bindings.js';
import type { Val } from './kernel-values.js';
import type { OutputSpec } from './plan.js';

/** Generated kernel source and what the host code needs to run it. */
export interface GeneratedKernel {
  /** Body of `new Function('rt', source)`, which returns the per-batch function. */
  source: string;
  bindings: KernelBindings;
  /** Columns of a rows output. */
  rowColumns?: RowColumn[];
}

/**
 * Generates the JavaScript source of a kernel for a checked query. The per-batch function is
 * `run(cols, offs, n, base, skip, st)`: `cols` holds one array per planned column, `offs` the
 * list offsets per collection, `n` the batch length, `base` the index of the batch's first
 * event, `skip` a per-event mask of events with missing values (or null), `st` the partial state.
 */
export function generateKernel(
  checked: CheckedQuery,
  output: OutputSpec,
  columns: string[][],
  maxCombinationsPerEvent: number,
): GeneratedKernel {
  const bindings = new KernelBindings(checked.view, columns, maxCombinationsPerEvent);
  const em = new Emitter();
  const consumer = makeConsumer(checked, output);

  em.block('for (let ev = 0; ev < n; ev++)', () => {
    em.line('if (skip !== null && skip[ev] !== 0) continue;');
    generateSteps(
      em,
      checked.steps,
      0,
      { v: 'event' },
      false,
      new Map(),
      bindings,
      consumer.consume,
    );
  });

  const source = [
    "'use strict';",
    ...em.prelude,
    'return function run(cols, offs, n, base, skip, st) {',
    ...bindings.prologue().map((line) => `  ${line}`),
    '  let selected = 0;',
    ...consumer.before.map((line) => `  ${line}`),
    em.text(),
    '  st.selected += selected;',
    ...consumer.after.map((line) => `  ${line}`),
    '};',
  ].join('\n');
  return { source, bindings, rowColumns: consumer.rowColumns };
}

type Consume = (em: Emitter, item: Val, env: Env, b: KernelBindings) => void;

function generateSteps(
  em: Emitter,
  steps: EventStep[],
  index: number,
  item: Val,
  counted: boolean,
  env: Env,
  b: KernelBindings,
  consume: Consume,
): void {
  if (index === steps.length) {
    if (!counted) em.line('selected++;');
    consume(em, item, env, b);
    return;
  }

  const step = steps[index];
  const value = applyLambda(em, step.lambda, [item], env, b);
  if (step.operator === 'Select') {
    generateSteps(em, steps, index + 1, value, counted, env, b, consume);
  } else if (step.operator === 'Where') {
    em.block(`if (${code(value)})`, () =>
      generateSteps(em, steps, index + 1, item, counted, env, b, consume),
    );
  } else {
    if (!counted) em.line('selected++;');
    seqOf(value).forEach(em, (inner, element) =>
      generateSteps(inner, steps, index + 1, element, true, env, b, consume),
    );
  }
}

interface Consumer {
  before: string[];
  after: string[];
  consume: Consume;
  rowColumns?: RowColumn[];
}

function makeConsumer(checked: CheckedQuery, output: OutputSpec): Consumer {
  if (checked.terminal) return scalarConsumer(checked);
  if (output.kind === 'histogram') return histogramConsumer(checked.itemType, output);
  if (output.kind === 'rows') return rowsConsumer(checked.itemType, output.maxRows);
  throw new TypeError(`Output kind '${output.kind}' needs a query that ends in an aggregate`);
}

function scalarConsumer(checked: CheckedQuery): Consumer {
  const terminal = checked.terminal as NonNullable<CheckedQuery['terminal']>;
  return {
    before: ['let count = st.count, sum = st.sum, min = st.min, max = st.max;'],
    after: ['st.count = count; st.sum = sum; st.min = min; st.max = max;'],
    consume(em, item, env, b) {
      const value = terminal.lambda ? applyLambda(em, terminal.lambda, [item], env, b) : item;
      if (terminal.operator === 'Count') {
        em.line(terminal.lambda ? `if (${code(value)}) count++;` : 'count++;');
        return;
      }
      const v = code(value);
      em.line(`count++; sum += ${v};`);
      em.line(`if (${v} < min) min = ${v};`);
      em.line(`if (${v} > max) max = ${v};`);
    },
  };
}

function histogramConsumer(
  itemType: QueryType,
  output: Extract<OutputSpec, { kind: 'histogram' }>,
): Consumer {
  const fill = histogramFill(itemType) as HistogramFill;
  return {
    before: ['const h = st.counts;', 'let nan = st.nanCount;'],
    after: ['st.nanCount = nan;'],
    consume(em, item) {
      if (fill.kind === 'values') fillValues(em, item, itemType, '1', output);
      else if (fill.kind === 'field') {
        const field = (itemType as Extract<QueryType, { kind: 'record' }>).fields[fill.index];
        fillValues(
          em,
          (item as Extract<Val, { v: 'record' }>).fields[fill.index],
          field.type,
          '1',
          output,
        );
      } else {
        const record = item as Extract<Val, { v: 'record' }>;
        const field = (itemType as Extract<QueryType, { kind: 'record' }>).fields[fill.valueIndex];
        const weight = code(record.fields[fill.weightIndex]);
        fillValues(em, record.fields[fill.valueIndex], field.type, weight, output);
      }
    },
  };
}

function fillValues(
  em: Emitter,
  val: Val,
  type: QueryType,
  weight: string,
  axis: { bins: number; low: number; high: number },
): void {
  if (type.kind === 'sequence') {
    const element = type.element;
    seqOf(val).forEach(em, (inner, item) => fillValues(inner, item, element, weight, axis));
    return;
  }

  const bins = formatNumber(axis.bins);
  const low = formatNumber(axis.low);
  const high = formatNumber(axis.high);
  const span = formatNumber(axis.high - axis.low);
  const x = em.constant(code(val));
  em.line(`if (${x} !== ${x}) nan += ${weight};`);
  em.line(`else if (${x} < ${low}) h[0] += ${weight};`);
  em.line(`else if (${x} >= ${high}) h[${formatNumber(axis.bins + 1)}] += ${weight};`);
  em.block('else', () => {
    const bin = em.fresh('t');
    em.line(`let ${bin} = 1 + Math.floor((${x} - ${low}) / ${span} * ${bins});`);
    em.line(`if (${bin} > ${bins}) ${bin} = ${bins};`);
    em.line(`h[${bin}] += ${weight};`);
  });
}

function rowsConsumer(itemType: QueryType, maxRows: number): Consumer {
  const columns = rowColumns(itemType) as RowColumn[];
  const single = !(itemType.kind === 'record' || itemType.kind === 'tuple');
  return {
    before: [...columns.map((_, i) => `const r${i} = st.columns[${i}];`), 'let rows = st.rows;'],
    after: ['st.rows = rows;'],
    rowColumns: columns,
    consume(em, item) {
      em.line(
        `if (++rows > ${formatNumber(maxRows)}) rt.tooManyRows(base + ev, ${formatNumber(maxRows)});`,
      );
      const parts = single
        ? [item]
        : item.v === 'record'
          ? item.fields
          : (item as Extract<Val, { v: 'tuple' }>).items;
      columns.forEach((column, i) => pushRowValue(em, `r${i}`, parts[i], column.type));
    },
  };
}

function pushRowValue(em: Emitter, builder: string, val: Val, type: QueryType): void {
  if (type.kind !== 'sequence') {
    em.line(`${builder}.push(${code(val)});`);
    return;
  }
  seqOf(val).forEach(em, (inner, element) => inner.line(`${builder}.push(${code(element)});`));
  em.line(`${builder}.endList();`);
}
