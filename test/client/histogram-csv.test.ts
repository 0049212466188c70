import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import type { HistogramPartial } from '../../object-class/kernels/plan.js';
import {
  MAX_HISTOGRAM_BINS,
  formatHistogramCsv,
  formatPythonFloat,
  parseHistogramSpec,
  roundToSixDecimals,
} from '../../client/plot/histogram-csv.js';
import { SAMPLE_DATA_SKIP, sampleDataDir, sampleFiles } from '../support/sample-data.js';

const dataDir = sampleDataDir();

/** Axes of the ADL reference histograms. */
const REFERENCE_AXES: Record<string, [bins: number, low: number, high: number]> = {
  'query-1': [100, 0, 2000],
  'query-2': [100, 15, 60],
  'query-3': [100, 15, 60],
  'query-4': [100, 0, 2000],
  'query-5': [100, 0, 2000],
};

function histogram(bins: number, low: number, high: number, counts?: number[]): HistogramPartial {
  return {
    kind: 'histogram',
    bins,
    low,
    high,
    counts: counts ?? new Array(bins + 2).fill(0),
    nanCount: 0,
  };
}

/** Rebuilds the histogram from a reference CSV by mapping each bin centre back to its index. */
function histogramFromCsv(text: string, bins: number, low: number, high: number): HistogramPartial {
  const h = histogram(bins, low, high);
  const width = (high - low) / bins;
  for (const line of text.trim().split('\n').slice(1)) {
    const [x, y] = line.split(',').map(Number);
    let index = Math.round((x - low) / width + 0.5);
    if (x < low) index = 0;
    if (x > high) index = bins + 1;
    h.counts[index] += y;
  }
  return h;
}

describe.skipIf(dataDir === null)('formatHistogramCsv on ADL references', () => {
  for (const [task, [bins, low, high]] of Object.entries(REFERENCE_AXES)) {
    it(`reproduces ${task} byte for byte`, () => {
      const reference = readFileSync(sampleFiles(dataDir!).ref(task), 'utf8');
      const h = histogramFromCsv(reference, bins, low, high);
      expect(formatHistogramCsv(h)).toBe(reference);
    });
  }
});

describe.runIf(dataDir === null)('formatHistogramCsv on ADL references', () => {
  it.skip(SAMPLE_DATA_SKIP, () => {});
});

describe('formatHistogramCsv', () => {
  it('places flow bins half a width outside', () => {
    const h = histogram(100, 15, 250);
    h.counts[0] = 3;
    h.counts[101] = 4;
    expect(formatHistogramCsv(h)).toBe('x,y\n13.825,3\n251.175,4\n');
  });

  it('lists only non-empty bins in order', () => {
    const h = histogram(4, -10, 10, [0, 1, 0, 2, 0, 0]);
    expect(formatHistogramCsv(h)).toBe('x,y\n-7.5,1\n2.5,2\n');
  });

  it('prints integral centres with .0', () => {
    const h = histogram(2, -10, 10, [1, 0, 5, 0]);
    expect(formatHistogramCsv(h)).toBe('x,y\n-15.0,1\n5.0,5\n');
  });

  it('rounds centres to 6 decimals', () => {
    const h = histogram(3, 0, 1, [0, 1, 1, 1, 0]);
    expect(formatHistogramCsv(h)).toBe('x,y\n0.166667,1\n0.5,1\n0.833333,1\n');
  });

  it('prints a zero centre without sign', () => {
    // The centre of the middle bin computes to -1.1e-16 here, which rounds to -0.
    const h = histogram(3, -0.9, 0.9, [0, 0, 2, 0, 0]);
    expect(formatHistogramCsv(h)).toBe('x,y\n0.0,2\n');
  });

  it('prints weighted counts as floats', () => {
    const h = histogram(1, 0, 1, [0.5, 2.25, -1]);
    expect(formatHistogramCsv(h)).toBe('x,y\n-0.5,0.5\n0.5,2.25\n1.5,-1\n');
  });

  it('prints a header for an empty histogram', () => {
    expect(formatHistogramCsv(histogram(5, 0, 1))).toBe('x,y\n');
  });

  it('ignores NaN entries', () => {
    const h = { ...histogram(1, 0, 1, [0, 1, 0]), nanCount: 7 };
    expect(formatHistogramCsv(h)).toBe('x,y\n0.5,1\n');
  });

  it('rejects counts of the wrong length', () => {
    expect(() => formatHistogramCsv(histogram(3, 0, 1, [1, 2, 3]))).toThrow(
      new RangeError(
        'Invalid histogram counts: got 3 values for 3 bins, expected 5 (bins plus underflow and overflow)',
      ),
    );
  });

  it('rejects an inverted axis', () => {
    expect(() => formatHistogramCsv(histogram(1, 2, 1))).toThrow(
      new RangeError("Invalid histogram axis '1,2,1': expected finite LOW below HIGH"),
    );
  });

  it('rejects non-finite counts', () => {
    expect(() => formatHistogramCsv(histogram(1, 0, 1, [0, NaN, 0]))).toThrow(
      new RangeError('Invalid histogram count NaN at index 1'),
    );
  });
});

describe('formatPythonFloat', () => {
  // Expected strings are Python 3 repr() of the same doubles.
  const cases: [number, string][] = [
    [10, '10.0'],
    [-5, '-5.0'],
    [15.225, '15.225'],
    [0.1 + 0.2, '0.30000000000000004'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [-0.000012345, '-1.2345e-05'],
    [1e15, '1000000000000000.0'],
    [1e16, '1e+16'],
    [1.5e300, '1.5e+300'],
    [123456.789, '123456.789'],
    [5e-324, '5e-324'],
    [0, '0.0'],
    [-0, '-0.0'],
  ];
  for (const [value, expected] of cases) {
    it(`formats ${expected}`, () => {
      expect(formatPythonFloat(value)).toBe(expected);
    });
  }

  it('rejects infinity', () => {
    expect(() => formatPythonFloat(Infinity)).toThrow(RangeError);
  });
});

describe('roundToSixDecimals', () => {
  // Expected values are Python 3 round(x, 6) of the same doubles.
  const cases: [number, number][] = [
    [15.225000000000001, 15.225],
    [1 / 3, 0.333333],
    [2 / 3, 0.666667],
    [0.0078125, 0.007812],
    [0.0234375, 0.023438],
    [-0.0078125, -0.007812],
    [1.0000005, 1.000001],
    [0.0000004, 0],
    [123456.0000015, 123456.000001],
    [1.0000025, 1.000002],
  ];
  for (const [value, expected] of cases) {
    it(`rounds ${value} to ${expected}`, () => {
      expect(roundToSixDecimals(value)).toBe(expected);
    });
  }
});

describe('parseHistogramSpec', () => {
  const valid: [string, { bins: number; low: number; high: number }][] = [
    ['100,0,200', { bins: 100, low: 0, high: 200 }],
    ['100, 15, 60', { bins: 100, low: 15, high: 60 }],
    ['1,-1.5,1e3', { bins: 1, low: -1.5, high: 1000 }],
    [`${MAX_HISTOGRAM_BINS},0,1`, { bins: MAX_HISTOGRAM_BINS, low: 0, high: 1 }],
    ['50,.5,+2.', { bins: 50, low: 0.5, high: 2 }],
  ];
  for (const [text, expected] of valid) {
    it(`parses '${text}'`, () => {
      expect(parseHistogramSpec(text)).toEqual(expected);
    });
  }

  const shape = (text: string): string =>
    `Invalid --hist value '${text}': expected BINS,LOW,HIGH such as 100,0,200`;
  const binsRange = (text: string): string =>
    `Invalid --hist value '${text}': BINS must be an integer from 1 to 1000000, such as 100,0,200`;
  const invalid: [string, Error][] = [
    ['x', new SyntaxError(shape('x'))],
    ['', new SyntaxError(shape(''))],
    ['100,0', new SyntaxError(shape('100,0'))],
    ['100,0,200,5', new SyntaxError(shape('100,0,200,5'))],
    ['100,a,200', new SyntaxError(shape('100,a,200'))],
    ['100,0,', new SyntaxError(shape('100,0,'))],
    ['100,0x10,200', new SyntaxError(shape('100,0x10,200'))],
    ['100,inf,200', new SyntaxError(shape('100,inf,200'))],
    ['0,0,200', new RangeError(binsRange('0,0,200'))],
    ['-5,0,200', new RangeError(binsRange('-5,0,200'))],
    ['2.5,0,200', new RangeError(binsRange('2.5,0,200'))],
    ['1e3,0,200', new RangeError(binsRange('1e3,0,200'))],
    ['1000001,0,200', new RangeError(binsRange('1000001,0,200'))],
    [
      '100,0,1e400',
      new RangeError(
        "Invalid --hist value '100,0,1e400': LOW and HIGH must be finite numbers, such as 100,0,200",
      ),
    ],
    [
      '100,200,0',
      new RangeError(
        "Invalid --hist value '100,200,0': LOW must be less than HIGH, such as 100,0,200",
      ),
    ],
    [
      '100,5,5',
      new RangeError(
        "Invalid --hist value '100,5,5': LOW must be less than HIGH, such as 100,0,200",
      ),
    ],
  ];
  for (const [text, error] of invalid) {
    it(`rejects '${text}'`, () => {
      let thrown: unknown;
      try {
        parseHistogramSpec(text);
      } catch (caught) {
        thrown = caught;
      }
      expect(thrown).toBeInstanceOf(error.constructor);
      expect((thrown as Error).message).toBe(error.message);
    });
  }
});
