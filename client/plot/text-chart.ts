import type { HistogramPartial } from '../../object-class/kernels/plan.js';
import { chooseMergeFactor, formatCompact, summarizeHistogram } from './histogram-summary.js';

/** Options of {@link renderTextChart}. */
export interface TextChartOptions {
  /** Line printed above the chart. */
  title?: string;
  /** Maximum line width in characters, at least `MIN_CHART_WIDTH`. */
  width?: number;
  /** Maximum number of bar rows. Adjacent bins are merged when there are more bins. */
  maxRows?: number;
}

const DEFAULT_WIDTH = 80;
const DEFAULT_MAX_ROWS = 40;
const MIN_CHART_WIDTH = 40;
const MIN_BAR_WIDTH = 10;

const FULL_BLOCK = '█';
/** Left blocks of one to seven eighths of a character cell. */
const PARTIAL_BLOCKS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** One bar: the range of its merged bins and their summed count. */
interface Row {
  label: string;
  count: number;
}

function validateOptions(options: TextChartOptions): { width: number; maxRows: number } {
  const { width = DEFAULT_WIDTH, maxRows = DEFAULT_MAX_ROWS } = options;
  if (!Number.isSafeInteger(width) || width < MIN_CHART_WIDTH) {
    throw new RangeError(
      `Invalid chart width ${width}: expected an integer of at least ${MIN_CHART_WIDTH} characters`,
    );
  }
  if (!Number.isSafeInteger(maxRows) || maxRows < 1) {
    throw new RangeError(`Invalid maxRows ${maxRows}: expected a positive integer such as 40`);
  }
  return { width, maxRows };
}

/** Merges adjacent bins into at most `maxRows` rows labelled with their range `[low, high)`. */
function groupRows(h: HistogramPartial, maxRows: number): Row[] {
  const groupSize = chooseMergeFactor(h.bins, maxRows);
  const edge = (bin: number): string => formatCompact(h.low + ((h.high - h.low) * bin) / h.bins);
  const rows: Row[] = [];
  for (let first = 1; first <= h.bins; first += groupSize) {
    const last = Math.min(first + groupSize - 1, h.bins);
    let count = 0;
    for (let i = first; i <= last; i++) count += h.counts[i];
    rows.push({ label: `[${edge(first - 1)}, ${edge(last)})`, count });
  }
  return rows;
}

/** Draws a bar of `fraction` of `width` cells with eighth-block resolution; never empty if > 0. */
function drawBar(fraction: number, width: number): string {
  if (!(fraction > 0)) return '';

  const eighths = Math.max(1, Math.round(fraction * width * 8));
  return FULL_BLOCK.repeat(Math.floor(eighths / 8)) + PARTIAL_BLOCKS[eighths % 8];
}

/** Formats the totals, flows and in-range moments shown above the bars. */
function statisticsLines(h: HistogramPartial): string[] {
  const summary = summarizeHistogram(h);
  const moments =
    summary.mean === null || summary.stdDev === null
      ? 'mean n/a, std dev n/a (no in-range entries)'
      : `mean ${formatCompact(summary.mean, 5)}, std dev ${formatCompact(summary.stdDev, 5)} (in-range entries, from bin centres)`;
  const counts = [
    `entries ${formatCompact(summary.entries)}`,
    `underflow ${formatCompact(summary.underflow)}`,
    `overflow ${formatCompact(summary.overflow)}`,
  ];
  if (summary.nanCount > 0) counts.push(`NaN ${summary.nanCount}`);
  return [counts.join(', '), moments];
}

/**
 * Renders `h` as a horizontal bar chart for a terminal: one row per bin, or per group of adjacent
 * bins when there are more than `maxRows`, each labelled with its range and count. Lines above
 * the bars give entries, underflow, overflow, and the mean and standard deviation of the
 * in-range entries. Negative (weighted) counts get no bar. Throws RangeError for an invalid
 * histogram or options.
 */
export function renderTextChart(h: HistogramPartial, options: TextChartOptions = {}): string {
  const { width, maxRows } = validateOptions(options);
  const lines = options.title === undefined ? [] : [options.title];
  lines.push(...statisticsLines(h));

  const rows = groupRows(h, maxRows);
  const countTexts = rows.map((row) => formatCompact(row.count));
  let labelWidth = 0;
  let countWidth = 0;
  let maxCount = 0;
  rows.forEach((row, i) => {
    labelWidth = Math.max(labelWidth, row.label.length);
    countWidth = Math.max(countWidth, countTexts[i].length);
    maxCount = Math.max(maxCount, row.count);
  });
  const barWidth = Math.max(MIN_BAR_WIDTH, width - labelWidth - countWidth - 2);

  rows.forEach((row, i) => {
    const bar = drawBar(maxCount > 0 ? row.count / maxCount : 0, barWidth);
    const label = row.label.padStart(labelWidth);
    lines.push(`${label} ${bar.padEnd(barWidth)} ${countTexts[i].padStart(countWidth)}`);
  });
  return `${lines.join('\n')}\n`;
}
