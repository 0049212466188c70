import { describe, expect, it } from 'vitest';

import type { HistogramPartial } from '../../object-class/kernels/plan.js';
import { niceTicks, renderSvgHistogram } from '../../client/plot/svg-plot.js';

function histogram(low: number, high: number, counts: number[], nanCount = 0): HistogramPartial {
  return { kind: 'histogram', bins: counts.length - 2, low, high, counts, nanCount };
}

/** Returns the first tag nesting or escaping problem in `xml`, or null when there is none. */
function tagProblem(xml: string): string | null {
  const stack: string[] = [];
  const body = xml.replace(/^<\?xml[^>]*\?>/, '');
  for (const match of body.matchAll(/<(\/?)([a-zA-Z][\w:-]*)([^<>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match;
    if (selfClosing) continue;
    if (!closing) {
      stack.push(name);
    } else if (stack.pop() !== name) {
      return `unexpected </${name}>`;
    }
  }
  if (stack.length > 0) return `unclosed <${stack.join('>, <')}>`;
  return /<(?![/?a-zA-Z])|&(?!#\d+;|amp;|lt;|gt;|quot;|apos;)/.test(body) ? 'stray < or &' : null;
}

/** Text content of all `<text>` elements. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
}

describe('renderSvgHistogram', () => {
  const jetPt = histogram(15, 60, [0, ...Array.from({ length: 100 }, (_, i) => 200 - i), 208]);

  it('writes a well-formed SVG document', () => {
    const svg = renderSvgHistogram(jetPt, { title: 'Jet pT', xLabel: 'pT [GeV]' });
    expect(
      svg.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"',
      ),
    ).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(tagProblem(svg)).toBeNull();
  });

  it('contains no invalid numbers', () => {
    const cases = [
      jetPt,
      histogram(0, 1, new Array(12).fill(0)),
      histogram(-1, 1, [0, -5, -2, 0]),
      histogram(0, 1e-9, [0, 1e12, 3e11, 0]),
    ];
    for (const h of cases) {
      const svg = renderSvgHistogram(h, { title: 't', xLabel: 'x' });
      expect(svg).not.toMatch(/NaN|Infinity|undefined|null/);
    }
  });

  it('draws one step per bin', () => {
    const svg = renderSvgHistogram(jetPt, { title: 'Jet pT', xLabel: 'pT [GeV]' });
    const path = /<path d="([^"]*)"/.exec(svg)![1];
    expect(path.match(/H/g)).toHaveLength(100);
    expect(path.match(/V/g)).toHaveLength(101);
  });

  it('merges bins beyond the plot width', () => {
    const counts = new Array(1_000_002).fill(1);
    const svg = renderSvgHistogram(histogram(0, 1, counts), { title: 'many', xLabel: 'x' });
    const path = /<path d="([^"]*)"/.exec(svg)![1];
    expect(path.match(/H/g)).toHaveLength(500);
    expect(texts(svg)).toContain('Entries / 0.002');
  });

  it('labels axes, title and legend', () => {
    const svg = renderSvgHistogram(jetPt, { title: 'Jet pT', xLabel: 'pT [GeV]' });
    const labels = texts(svg);
    expect(labels).toContain('Jet pT');
    expect(labels).toContain('pT [GeV]');
    expect(labels).toContain('Entries / 0.45');
    const entries = 100 * 200 - (99 * 100) / 2 + 208;
    expect(labels).toEqual(expect.arrayContaining(['Entries', String(entries)]));
    expect(labels).toEqual(expect.arrayContaining(['Underflow', '0', 'Overflow', '208']));
    expect(labels).toEqual(expect.arrayContaining(['20', '30', '40', '50', '60']));
  });

  it('uses a given y label', () => {
    const svg = renderSvgHistogram(jetPt, { title: 't', xLabel: 'x', yLabel: 'Jets' });
    expect(texts(svg)).toContain('Jets');
    expect(texts(svg)).not.toContain('Entries / 0.45');
  });

  it('escapes markup in labels', () => {
    const svg = renderSvgHistogram(jetPt, { title: 'a < b & "c"', xLabel: "<tag> 'x'" });
    expect(tagProblem(svg)).toBeNull();
    expect(texts(svg)).toContain('a &#60; b &#38; &#34;c&#34;');
    expect(svg).not.toContain('<tag>');
  });

  it('lists NaN entries in the legend', () => {
    const svg = renderSvgHistogram(histogram(0, 1, [0, 3, 0], 4), { title: 't', xLabel: 'x' });
    expect(texts(svg)).toEqual(expect.arrayContaining(['NaN', '4']));
  });

  it('rejects an invalid histogram', () => {
    expect(() =>
      renderSvgHistogram(histogram(1, 1, [0, 1, 0]), { title: 't', xLabel: 'x' }),
    ).toThrow(RangeError);
  });
});

describe('niceTicks', () => {
  const cases: [number, number, number[]][] = [
    [0, 2000, [0, 500, 1000, 1500, 2000]],
    [15, 60, [20, 30, 40, 50, 60]],
    [-1.5, 0.25, [-1.5, -1, -0.5, 0]],
    [0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]],
    [0.1, 0.7, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]],
  ];
  for (const [min, max, expected] of cases) {
    it(`covers [${min}, ${max}] with round ticks`, () => {
      expect(niceTicks(min, max).ticks).toEqual(expected);
    });
  }
});
