import type { HistogramPartial } from '../../object-class/kernels/plan.js';
import { validateHistogram } from './histogram-summary.js';

/** Largest bin count that `parseHistogramSpec` accepts. 1M bins take about 8 MB as a number array. */
export const MAX_HISTOGRAM_BINS = 1_000_000;

/** Decimal places of the bin centres in the CSV output, as in the reference results. */
const X_DECIMALS = 6;

/** Regular histogram axis: `bins` equal bins over [low, high). */
export interface HistogramSpec {
  bins: number;
  low: number;
  high: number;
}

const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPEC_EXAMPLE = '100,0,200';

/**
 * Parses a `--hist BINS,LOW,HIGH` value such as `100,0,200`. Throws SyntaxError when the value
 * does not have three comma-separated numbers, and RangeError when BINS is not an integer in
 * [1, MAX_HISTOGRAM_BINS], LOW or HIGH is not finite, or LOW is not below HIGH.
 */
export function parseHistogramSpec(text: string): HistogramSpec {
  const prefix = `Invalid --hist value '${text}'`;
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length !== 3 || !parts.every((part) => DECIMAL_NUMBER.test(part))) {
    throw new SyntaxError(`${prefix}: expected BINS,LOW,HIGH such as ${SPEC_EXAMPLE}`);
  }

  const [bins, low, high] = parts.map(Number);
  if (!/^\+?\d+$/.test(parts[0]) || bins < 1 || bins > MAX_HISTOGRAM_BINS) {
    throw new RangeError(
      `${prefix}: BINS must be an integer from 1 to ${MAX_HISTOGRAM_BINS}, such as ${SPEC_EXAMPLE}`,
    );
  }
  if (!Number.isFinite(low) || !Number.isFinite(high)) {
    throw new RangeError(`${prefix}: LOW and HIGH must be finite numbers, such as ${SPEC_EXAMPLE}`);
  }
  if (low >= high) {
    throw new RangeError(`${prefix}: LOW must be less than HIGH, such as ${SPEC_EXAMPLE}`);
  }
  return { bins, low, high };
}

/**
 * Rounds to `X_DECIMALS` decimal places like Python's `round(x, 6)`, which rounds the exact binary
 * value and sends exact ties to the even digit. `toFixed` rounds ties away from zero, so the exact
 * ties, which are the odd multiples of 1/128 such as 0.0078125, are handled apart.
 */
export function roundToSixDecimals(value: number): number {
  const scaledTie = value * 128;
  if (Number.isInteger(scaledTie) && Math.abs(scaledTie) % 2 === 1) {
    // value = scaledTie / 128, so value * 1e6 = scaledTie * 15625 / 2 lies halfway between
    // two integers, and Python keeps the even one.
    const twiceScaled = BigInt(scaledTie) * 15_625n;
    const below = (twiceScaled - 1n) / 2n;
    const even = below % 2n === 0n ? below : below + 1n;
    return Number(`${even}e-${X_DECIMALS}`);
  }
  return Number(value.toFixed(X_DECIMALS));
}

/**
 * Formats a finite number like Python's `repr(float)`: the shortest round-trip digits, with `.0`
 * on integral values, and scientific notation (`1e-05`, `1e+16`) below 1e-4 or from 1e16 on.
 */
export function formatPythonFloat(value: number): string {
  if (!Number.isFinite(value)) {
    throw new RangeError(`Invalid value ${value}: expected a finite number`);
  }
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';

  const [mantissa, exponentText] = value.toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');

  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const exponentDigits = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${exponentDigits}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;

  const integerPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fractionPart = digits.slice(exponent + 1) || '0';
  return `${sign}${integerPart}.${fractionPart}`;
}

/** Formats a count: integers in full, weighted (non-integer) sums like Python floats. */
function formatCount(count: number): string {
  return Number.isInteger(count) ? BigInt(count).toString() : formatPythonFloat(count);
}

/**
 * Formats a histogram as `x,y` CSV with one row per non-empty bin in ascending x, as in the ADL
 * reference results. x is the bin centre (`low - width/2` for underflow, `high + width/2` for
 * overflow) rounded to 6 decimals and printed like Python's `repr(float)`. NaN entries are
 * not listed. Throws RangeError for an invalid histogram.
 */
export function formatHistogramCsv(h: HistogramPartial): string {
  validateHistogram(h);
  const width = (h.high - h.low) / h.bins;
  const lines = ['x,y'];
  for (let i = 0; i < h.counts.length; i++) {
    if (h.counts[i] === 0) continue;

    const centre = i === h.counts.length - 1 ? h.high + width / 2 : h.low + (i - 0.5) * width;
    // Adding 0 turns a -0 from rounding a tiny negative centre into 0, printed `0.0`.
    const x = formatPythonFloat(roundToSixDecimals(centre) + 0);
    lines.push(`${x},${formatCount(h.counts[i])}`);
  }
  return `${lines.join('\n')}\n`;
}
