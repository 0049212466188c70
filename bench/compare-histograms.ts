import type { HistogramPartial } from '../object-class/kernels/plan.js';
import { validateHistogram } from '../client/plot/histogram-summary.js';

/** One bin where two histograms differ. Bin 0 is the underflow, `bins + 1` the overflow bin. */
export interface BinMismatch {
  /** Bin index, or -1 for the NaN count. */
  bin: number;
  expected: number;
  actual: number;
}

/** Maximum mismatches `compareHistograms` lists. It counts the rest. */
export const MAX_LISTED_MISMATCHES = 5;

/** The outcome of comparing two histograms bin by bin. */
export interface HistogramComparison {
  equal: boolean;
  /** Bins that differ, NaN count included. */
  mismatchCount: number;
  /** The first `MAX_LISTED_MISMATCHES` mismatches. */
  mismatches: BinMismatch[];
}

/**
 * Compares `actual` with `expected` scaled by `scale`, bin by bin, underflow, overflow and NaN
 * count included. Throws RangeError when the two axes differ, because then no bin corresponds.
 */
export function compareHistograms(
  expected: HistogramPartial,
  actual: HistogramPartial,
  scale = 1,
): HistogramComparison {
  validateHistogram(expected);
  validateHistogram(actual);
  if (
    expected.bins !== actual.bins ||
    expected.low !== actual.low ||
    expected.high !== actual.high
  ) {
    throw new RangeError(
      `Histogram axes differ: expected ${formatAxis(expected)}, found ${formatAxis(actual)}; ` +
        'fill both with the same BINS,LOW,HIGH',
    );
  }

  const mismatches: BinMismatch[] = [];
  let mismatchCount = 0;
  const record = (bin: number, want: number, got: number) => {
    if (want === got) return;
    mismatchCount++;
    if (mismatches.length < MAX_LISTED_MISMATCHES)
      mismatches.push({ bin, expected: want, actual: got });
  };

  for (let bin = 0; bin < expected.bins + 2; bin++) {
    record(bin, expected.counts[bin] * scale, actual.counts[bin]);
  }
  record(-1, expected.nanCount * scale, actual.nanCount);
  return { equal: mismatchCount === 0, mismatchCount, mismatches };
}

/** Describes a comparison in one line, such as `equal` or `3 bins differ: bin 12 ...`. */
export function describeComparison(comparison: HistogramComparison): string {
  if (comparison.equal) return 'equal';
  const listed = comparison.mismatches
    .map(({ bin, expected, actual }) => `${binName(bin)} expected ${expected}, found ${actual}`)
    .join('; ');
  return `${comparison.mismatchCount} bins differ: ${listed}`;
}

/** Checks that an aggregate from a query result is a histogram and returns it typed. */
export function asHistogram(aggregate: unknown, source: string): HistogramPartial {
  const candidate = aggregate as Partial<HistogramPartial> | undefined;
  if (candidate?.kind !== 'histogram' || !Array.isArray(candidate.counts)) {
    throw new TypeError(
      `${source} returned ${JSON.stringify(aggregate)?.slice(0, 80)} where a histogram was expected`,
    );
  }
  validateHistogram(candidate as HistogramPartial);
  return candidate as HistogramPartial;
}

/** Total entries of a histogram, underflow, overflow and NaN included. */
export function histogramEntries(histogram: HistogramPartial): number {
  return histogram.counts.reduce((sum, count) => sum + count, histogram.nanCount);
}

function binName(bin: number): string {
  return bin === -1 ? 'NaN count' : `bin ${bin}`;
}

function formatAxis(h: HistogramPartial): string {
  return `${h.bins},${h.low},${h.high}`;
}
