import type { HistogramPartial } from '../../object-class/kernels/plan.js';

/** Totals and moments of a histogram, for chart legends. */
export interface HistogramSummary {
  /** Sum of all bins, underflow and overflow included, NaN entries excluded. */
  entries: number;
  /** Sum of the bins inside [low, high). */
  inRange: number;
  underflow: number;
  overflow: number;
  nanCount: number;
  /** Mean of the in-range entries computed from bin centres, or null when there are none. */
  mean: number | null;
  /** Population standard deviation of the in-range entries from bin centres, or null. */
  stdDev: number | null;
}

/** Throws RangeError unless `h` has a valid axis and `bins + 2` finite counts. */
export function validateHistogram(h: HistogramPartial): void {
  if (!Number.isSafeInteger(h.bins) || h.bins < 1) {
    throw new RangeError(`Invalid histogram bins ${h.bins}: expected a positive integer`);
  }
  if (!Number.isFinite(h.low) || !Number.isFinite(h.high) || h.low >= h.high) {
    const axis = `${h.bins},${h.low},${h.high}`;
    throw new RangeError(`Invalid histogram axis '${axis}': expected finite LOW below HIGH`);
  }
  if (h.counts.length !== h.bins + 2) {
    throw new RangeError(
      `Invalid histogram counts: got ${h.counts.length} values for ${h.bins} bins, expected ${h.bins + 2} (bins plus underflow and overflow)`,
    );
  }

  const index = h.counts.findIndex((count) => !Number.isFinite(count));
  if (index !== -1) {
    throw new RangeError(`Invalid histogram count ${h.counts[index]} at index ${index}`);
  }
}

/**
 * Sums the entries of `h` and computes the mean and standard deviation of the in-range entries,
 * taking each entry at its bin centre. Throws RangeError for an invalid histogram.
 */
export function summarizeHistogram(h: HistogramPartial): HistogramSummary {
  validateHistogram(h);
  const width = (h.high - h.low) / h.bins;
  let inRange = 0;
  let weightedSum = 0;
  for (let i = 1; i <= h.bins; i++) {
    inRange += h.counts[i];
    weightedSum += h.counts[i] * (h.low + (i - 0.5) * width);
  }

  const underflow = h.counts[0];
  const overflow = h.counts[h.bins + 1];
  const entries = inRange + underflow + overflow;
  const base = { entries, inRange, underflow, overflow, nanCount: h.nanCount };
  if (inRange <= 0) return { ...base, mean: null, stdDev: null };

  const mean = weightedSum / inRange;
  let squares = 0;
  for (let i = 1; i <= h.bins; i++) {
    squares += h.counts[i] * (h.low + (i - 0.5) * width - mean) ** 2;
  }
  return { ...base, mean, stdDev: Math.sqrt(Math.max(squares / inRange, 0)) };
}

/** Formats a number with at most `digits` significant digits and no trailing zeros. */
export function formatCompact(value: number, digits = 6): string {
  if (value === 0) return '0';
  return String(Number(value.toPrecision(digits)));
}

/**
 * Returns how many adjacent bins to merge so that at most `maxGroups` groups remain. It prefers
 * a divisor of `bins` up to twice the minimum, so that every group spans the same range. Without
 * such a divisor, the last group spans fewer bins.
 */
export function chooseMergeFactor(bins: number, maxGroups: number): number {
  const minimum = Math.ceil(bins / maxGroups);
  for (let candidate = minimum; candidate <= 2 * minimum; candidate++) {
    if (bins % candidate === 0) return candidate;
  }
  return minimum;
}
