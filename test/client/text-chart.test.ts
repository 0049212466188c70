import { describe, expect, it } from 'vitest';

import type { HistogramPartial } from '../../object-class/kernels/plan.js';
import { renderTextChart } from '../../client/plot/text-chart.js';

function histogram(low: number, high: number, counts: number[], nanCount = 0): HistogramPartial {
  return { kind: 'histogram', bins: counts.length - 2, low, high, counts, nanCount };
}

/** Lines that hold bars, recognised by their `[low, high)` label. */
function barLines(chart: string): string[] {
  return chart.split('\n').filter((line) => /^\s*\[.*\) /.test(line));
}

describe('renderTextChart', () => {
  const simple = histogram(0, 3, [1, 2, 0, 2, 5]);

  it('draws one row per bin', () => {
    const rows = barLines(renderTextChart(simple));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^\[0, 1\) █+ +2$/);
    expect(rows[1]).toMatch(/^\[1, 2\) +0$/);
    expect(rows[2]).toMatch(/^\[2, 3\) █+ +2$/);
  });

  it('prints title and statistics first', () => {
    const lines = renderTextChart(simple, { title: 'Jet pT (GeV)' }).split('\n');
    expect(lines[0]).toBe('Jet pT (GeV)');
    expect(lines[1]).toBe('entries 10, underflow 1, overflow 5');
    expect(lines[2]).toBe('mean 1.5, std dev 1 (in-range entries, from bin centres)');
  });

  it('reports NaN entries', () => {
    const chart = renderTextChart(histogram(0, 1, [0, 4, 0], 3));
    expect(chart.split('\n')[0]).toBe('entries 4, underflow 0, overflow 0, NaN 3');
  });

  it('reports missing moments', () => {
    const chart = renderTextChart(histogram(0, 2, [3, 0, 0, 1]));
    expect(chart.split('\n')[1]).toBe('mean n/a, std dev n/a (no in-range entries)');
    expect(barLines(chart)).toHaveLength(2);
  });

  it('scales the largest bar to the full width', () => {
    // 58 columns leave 48 for bars after the label, the two-digit count and two spaces.
    const chart = renderTextChart(histogram(0, 5, [0, 64, 32, 8, 1, 0, 0]), { width: 58 });
    const bars = barLines(chart).map((line) => line.replace(/[^█▏▎▍▌▋▊▉]/g, ''));
    expect(bars[0]).toBe('█'.repeat(48));
    expect(bars[1]).toBe('█'.repeat(24));
    expect(bars[2]).toBe('█'.repeat(6));
    expect(bars[3]).toBe('▊');
    expect(bars[4]).toBe('');
  });

  it('keeps lines within the width', () => {
    const counts = [0, ...Array.from({ length: 30 }, (_, i) => 1000 * (i + 1)), 0];
    const chart = renderTextChart(histogram(15, 60, counts), { width: 50 });
    for (const line of barLines(chart)) expect(line.length).toBeLessThanOrEqual(50);
  });

  it('shows tiny non-zero counts', () => {
    const rows = barLines(renderTextChart(histogram(0, 2, [0, 100000, 1, 0])));
    expect(rows[1]).toContain('▏');
  });

  it('draws no bar for negative weights', () => {
    const rows = barLines(renderTextChart(histogram(0, 2, [0, 4, -2, 0])));
    expect(rows[1]).toMatch(/^\[1, 2\) +-2$/);
  });

  it('merges bins evenly when too many', () => {
    const counts = [0, ...new Array(100).fill(1), 0];
    const rows = barLines(renderTextChart(histogram(0, 200, counts), { maxRows: 40 }));
    expect(rows).toHaveLength(25);
    expect(rows[0]).toMatch(/^ *\[0, 8\) .* 4$/);
    expect(rows[24]).toMatch(/^\[192, 200\) .* 4$/);
  });

  it('merges a prime bin count', () => {
    const counts = [0, ...new Array(97).fill(1), 0];
    const rows = barLines(renderTextChart(histogram(0, 97, counts), { maxRows: 40 }));
    expect(rows).toHaveLength(33);
    expect(rows[0]).toMatch(/^ *\[0, 3\) .* 3$/);
    expect(rows[32]).toMatch(/^\[96, 97\) .* 1$/);
  });

  it('labels fractional edges', () => {
    const rows = barLines(renderTextChart(histogram(15, 60, [0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])));
    expect(rows[0].trim().startsWith('[15, 19.5)')).toBe(true);
    expect(rows[1].trim().startsWith('[19.5, 24)')).toBe(true);
  });

  it('rejects a narrow width', () => {
    expect(() => renderTextChart(simple, { width: 10 })).toThrow(
      new RangeError('Invalid chart width 10: expected an integer of at least 40 characters'),
    );
  });

  it('rejects zero rows', () => {
    expect(() => renderTextChart(simple, { maxRows: 0 })).toThrow(
      new RangeError('Invalid maxRows 0: expected a positive integer such as 40'),
    );
  });

  it('rejects an invalid histogram', () => {
    expect(() => renderTextChart({ ...simple, counts: [1, 2] })).toThrow(RangeError);
  });
});
