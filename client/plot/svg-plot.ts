// JSROOT renders ROOT histograms faithfully, but it is a full graphics library made for browsers.
// A step histogram with axes and a legend needs a few dozen SVG elements, so this module writes
// them directly and the client needs no plotting dependency.
import type { HistogramPartial } from '../../object-class/kernels/plan.js';
import {
  chooseMergeFactor,
  formatCompact,
  summarizeHistogram,
  type HistogramSummary,
} from './histogram-summary.js';

/** Options of {@link renderSvgHistogram}. */
export interface SvgHistogramOptions {
  title: string;
  xLabel: string;
  /** Y axis label; defaults to `Entries / <bin width>`. */
  yLabel?: string;
}

const WIDTH_PX = 840;
const HEIGHT_PX = 500;
const PLOT = { left: 90, right: 640, top: 60, bottom: 430 };
const LEGEND_LEFT_PX = PLOT.right + 20;
const LEGEND_WIDTH_PX = 170;
const TICK_LENGTH_PX = 6;
const TARGET_TICKS = 6;
const FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"';

/** Maximum number of steps drawn, about one per pixel. More bins are merged in adjacent groups. */
const MAX_DRAWN_BINS = PLOT.right - PLOT.left;

/** In-range bins to draw, possibly merged: `counts[i]` spans [low + i * width, ... + width). */
interface DrawnBins {
  low: number;
  width: number;
  counts: number[];
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Formats a coordinate in pixels with at most two decimals. */
function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Merges adjacent in-range bins so that at most `MAX_DRAWN_BINS` steps are drawn. */
function drawnBins(h: HistogramPartial): DrawnBins {
  const groupSize = chooseMergeFactor(h.bins, MAX_DRAWN_BINS);
  const counts: number[] = [];
  for (let first = 1; first <= h.bins; first += groupSize) {
    let sum = 0;
    for (let i = first; i < first + groupSize && i <= h.bins; i++) sum += h.counts[i];
    counts.push(sum);
  }
  return { low: h.low, width: ((h.high - h.low) / h.bins) * groupSize, counts };
}

/**
 * Returns round tick values (1, 2 or 5 times a power of ten apart) covering [min, max], and the
 * decimals needed to print them.
 */
export function niceTicks(
  min: number,
  max: number,
): { ticks: number[]; step: number; decimals: number } {
  const rawStep = (max - min) / TARGET_TICKS;
  const magnitude = 10 ** Math.floor(Math.log10(rawStep));
  const multiple = [1, 2, 5, 10].find((m) => m * magnitude >= rawStep) ?? 10;
  const step = multiple * magnitude;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));

  const ticks: number[] = [];
  const first = Math.ceil(min / step - 1e-9);
  for (let k = first; k * step <= max + step * 1e-9; k++) {
    ticks.push(Number((k * step).toFixed(decimals)));
  }
  return { ticks, step, decimals };
}

/** Y range: from a round value at or below min(0, lowest count) to one above the highest. */
function yRange(counts: number[]): { min: number; max: number } {
  const lowest = counts.reduce((min, count) => Math.min(min, count), 0);
  const highest = counts.reduce((max, count) => Math.max(max, count), 0);
  if (highest <= lowest) return { min: 0, max: 1 };

  const padded = highest + 0.05 * (highest - lowest);
  const { step } = niceTicks(lowest, padded);
  return { min: Math.floor(lowest / step) * step, max: Math.ceil(padded / step) * step };
}

/** Draws the filled step outline of the bins, starting and ending at zero. */
function stepPath(bins: DrawnBins, x: (v: number) => number, y: (v: number) => number): string {
  const parts = [`M${px(x(bins.low))},${px(y(0))}`];
  bins.counts.forEach((count, i) => {
    parts.push(`V${px(y(count))}`, `H${px(x(bins.low + (i + 1) * bins.width))}`);
  });
  parts.push(`V${px(y(0))}`, 'Z');
  return `<path d="${parts.join('')}" fill="#9ecae1" fill-opacity="0.6" stroke="#08519c" stroke-width="1.5"/>`;
}

function tickLabel(value: number, decimals: number): string {
  return (value === 0 ? 0 : value).toFixed(decimals);
}

function xAxis(h: HistogramPartial, x: (v: number) => number, label: string): string[] {
  const { ticks, decimals } = niceTicks(h.low, h.high);
  const elements = [
    `<line x1="${PLOT.left}" y1="${PLOT.bottom}" x2="${PLOT.right}" y2="${PLOT.bottom}" stroke="black"/>`,
  ];
  for (const tick of ticks) {
    const at = px(x(tick));
    elements.push(
      `<line x1="${at}" y1="${PLOT.bottom}" x2="${at}" y2="${PLOT.bottom + TICK_LENGTH_PX}" stroke="black"/>`,
      `<text x="${at}" y="${PLOT.bottom + 22}" text-anchor="middle" font-size="13" ${FONT}>${tickLabel(tick, decimals)}</text>`,
    );
  }
  const centre = (PLOT.left + PLOT.right) / 2;
  elements.push(
    `<text x="${centre}" y="${PLOT.bottom + 52}" text-anchor="middle" font-size="15" ${FONT}>${escapeXml(label)}</text>`,
  );
  return elements;
}

function yAxis(range: { min: number; max: number }, y: (v: number) => number, label: string) {
  const { ticks, decimals } = niceTicks(range.min, range.max);
  const elements = [
    `<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.bottom}" stroke="black"/>`,
  ];
  for (const tick of ticks) {
    const at = px(y(tick));
    elements.push(
      `<line x1="${PLOT.left + 1}" y1="${at}" x2="${PLOT.right}" y2="${at}" stroke="#e0e0e0"/>`,
      `<line x1="${PLOT.left - TICK_LENGTH_PX}" y1="${at}" x2="${PLOT.left}" y2="${at}" stroke="black"/>`,
      `<text x="${PLOT.left - 10}" y="${at}" dy="0.35em" text-anchor="end" font-size="13" ${FONT}>${tickLabel(tick, decimals)}</text>`,
    );
  }
  const middle = (PLOT.top + PLOT.bottom) / 2;
  elements.push(
    `<text transform="translate(22 ${middle}) rotate(-90)" text-anchor="middle" font-size="15" ${FONT}>${escapeXml(label)}</text>`,
  );
  return elements;
}

/** Draws a box right of the plot with the entry and flow counts and the moments. */
function legend(summary: HistogramSummary): string[] {
  const lines: [string, string][] = [
    ['Entries', formatCompact(summary.entries)],
    ['Underflow', formatCompact(summary.underflow)],
    ['Overflow', formatCompact(summary.overflow)],
  ];
  if (summary.mean !== null && summary.stdDev !== null) {
    lines.push(
      ['Mean', formatCompact(summary.mean, 5)],
      ['Std dev', formatCompact(summary.stdDev, 5)],
    );
  }
  if (summary.nanCount > 0) lines.push(['NaN', formatCompact(summary.nanCount)]);

  const lineHeight = 18;
  const boxWidth = LEGEND_WIDTH_PX;
  const left = LEGEND_LEFT_PX;
  const top = PLOT.top;
  const elements = [
    `<rect x="${left}" y="${top}" width="${boxWidth}" height="${lines.length * lineHeight + 12}" fill="white" fill-opacity="0.9" stroke="#888"/>`,
  ];
  lines.forEach(([name, value], i) => {
    const baseline = top + 20 + i * lineHeight;
    elements.push(
      `<text x="${left + 10}" y="${baseline}" font-size="13" ${FONT}>${name}</text>`,
      `<text x="${left + boxWidth - 10}" y="${baseline}" text-anchor="end" font-size="13" ${FONT}>${value}</text>`,
    );
  });
  return elements;
}

/**
 * Renders `h` as a standalone SVG document with a filled step histogram of the in-range bins,
 * axes with round-numbered ticks, grid lines, axis labels and a title. A legend lists the entry,
 * underflow and overflow counts and the in-range mean and standard deviation. Adjacent bins are
 * merged when there are more bins than pixels across the plot. Throws RangeError for an invalid
 * histogram.
 */
export function renderSvgHistogram(h: HistogramPartial, options: SvgHistogramOptions): string {
  const summary = summarizeHistogram(h);
  const bins = drawnBins(h);
  const range = yRange(bins.counts);
  const x = (v: number): number =>
    PLOT.left + ((v - h.low) / (h.high - h.low)) * (PLOT.right - PLOT.left);
  const y = (v: number): number =>
    PLOT.bottom - ((v - range.min) / (range.max - range.min)) * (PLOT.bottom - PLOT.top);
  const yLabel = options.yLabel ?? `Entries / ${formatCompact(bins.width)}`;

  const elements = [
    `<rect width="${WIDTH_PX}" height="${HEIGHT_PX}" fill="white"/>`,
    `<text x="${(PLOT.left + PLOT.right) / 2}" y="34" text-anchor="middle" font-size="18" font-weight="bold" ${FONT}>${escapeXml(options.title)}</text>`,
    ...yAxis(range, y, yLabel),
    stepPath(bins, x, y),
    ...xAxis(h, x, options.xLabel),
    ...legend(summary),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH_PX}" height="${HEIGHT_PX}" viewBox="0 0 ${WIDTH_PX} ${HEIGHT_PX}">`,
    ...elements.map((element) => `  ${element}`),
    '</svg>',
    '',
  ].join('\n');
}
