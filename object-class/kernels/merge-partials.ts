import type { HistogramPartial, OutputSpec, ScalarPartial } from './plan.js';

/** A partial result that storage nodes fold and the transformer merges. */
export type Partial = HistogramPartial | ScalarPartial;

/**
 * Merges two partial results of one query, as parsed from the nodes' JSON. Histograms must
 * share their binning. Throws TypeError for anything that is not a partial, and RangeError for
 * histograms with different binning.
 */
export function mergePartials(a: unknown, b: unknown): Partial {
  const left = asPartial(a);
  const right = asPartial(b);
  if (left.kind === 'histogram' && right.kind === 'histogram') return mergeHistograms(left, right);
  if (left.kind === 'scalar' && right.kind === 'scalar') return mergeScalars(left, right);
  throw new TypeError(
    `Cannot merge a ${left.kind} partial with a ${right.kind} partial; both must come from one query`,
  );
}

function asPartial(value: unknown): Partial {
  const candidate = value as Partial | null;
  if (candidate?.kind === 'histogram' && Array.isArray(candidate.counts)) return candidate;
  if (candidate?.kind === 'scalar' && typeof candidate.count === 'number') return candidate;
  throw new TypeError(
    `Value ${JSON.stringify(value)?.slice(0, 80)} is not a histogram or scalar partial`,
  );
}

function mergeHistograms(a: HistogramPartial, b: HistogramPartial): HistogramPartial {
  if (
    a.bins !== b.bins ||
    a.low !== b.low ||
    a.high !== b.high ||
    a.counts.length !== b.counts.length
  ) {
    throw new RangeError(
      `Histograms with binning (${a.bins}, ${a.low}, ${a.high}) and (${b.bins}, ${b.low}, ${b.high}) cannot be merged; use one binning`,
    );
  }
  return {
    ...a,
    counts: a.counts.map((count, i) => count + b.counts[i]),
    nanCount: a.nanCount + b.nanCount,
  };
}

function mergeScalars(a: ScalarPartial, b: ScalarPartial): ScalarPartial {
  return {
    kind: 'scalar',
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: combine(a.min, b.min, Math.min),
    max: combine(a.max, b.max, Math.max),
  };
}

/** Combines two optional extremes; a null side means no values. */
function combine(
  x: number | null,
  y: number | null,
  pick: (p: number, q: number) => number,
): number | null {
  if (x === null) return y;
  if (y === null) return x;
  return pick(x, y);
}

/**
 * Turns a merged partial into the result the client receives: the histogram itself, or the
 * number the query's final aggregate requested (null for the min, max or mean of no values).
 */
export function finishPartial(
  partial: Partial,
  output: OutputSpec,
): HistogramPartial | number | null {
  if (partial.kind === 'histogram') return partial;
  switch (output.kind) {
    case 'count':
      return partial.count;
    case 'sum':
      return partial.sum;
    case 'min':
      return partial.min;
    case 'max':
      return partial.max;
    case 'mean':
      return partial.count > 0 ? partial.sum / partial.count : null;
    default:
      throw new TypeError(`Output kind '${output.kind}' has no scalar result`);
  }
}
