import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { describe, expect, it } from 'vitest';
import { datasetSchemaFromArrow } from '../../object-class/dataset/schema.js';
import { compileKernel, type KernelResult } from '../../object-class/kernels/compile-kernel.js';
import type { HistogramPartial } from '../../object-class/kernels/plan.js';
import { parseQuery } from '../../transformers/func-adl/parser.js';
import { planQuery } from '../../transformers/planner/plan-query.js';
import { fill, INDEPENDENT_EXPECTATIONS } from '../support/adl-reference.js';

const dataDirectory = process.env.SKYSIFT_SAMPLE_DATA;
const haveData = dataDirectory !== undefined && existsSync(join(dataDirectory, 'adl'));
if (!haveData) {
  console.warn(
    'sample data directory not found: set SKYSIFT_SAMPLE_DATA to the folder holding adl/ to run the ADL tests',
  );
}

const LAYOUTS = {
  flat: 'Run2012B_SingleMu-1000.parquet',
  nested: 'Run2012B_SingleMu-restructured-1000.parquet',
};

function readSample(file: string): Table {
  const bytes = readFileSync(join(dataDirectory as string, 'adl', file));
  return tableFromIPC(pq.readParquet(bytes).intoIPCStream());
}

interface AdlQuery {
  text: string;
  bins: number;
  low: number;
  high: number;
}

function readQuery(name: string): AdlQuery {
  const text = readFileSync(new URL(`../../examples/adl/${name}.py`, import.meta.url), 'utf8');
  const [bins, low, high] = (/^# hist: (.*)$/m.exec(text) as RegExpExecArray)[1]
    .split(',')
    .map(Number);
  return { text, bins, low, high };
}

function runQuery(table: Table, query: AdlQuery): KernelResult {
  const schema = datasetSchemaFromArrow(table.schema);
  const output = { kind: 'histogram' as const, bins: query.bins, low: query.low, high: query.high };
  const plan = planQuery(parseQuery(query.text), query.text, schema, output);
  const run = compileKernel(plan, schema).start();
  for (const batch of table.batches) run.consume(batch);
  return run.finish();
}

/** Formats the non-empty bins as the reference CSV files do: `x,y` with centres to 6 decimals. */
function histogramRows(histogram: HistogramPartial): string[] {
  const width = (histogram.high - histogram.low) / histogram.bins;
  return histogram.counts.flatMap((count, bin) => {
    if (count === 0) return [];
    const centre = histogram.low + (bin - 0.5) * width;
    return [`${centre.toFixed(6)},${count}`];
  });
}

function referenceRows(name: string): string[] {
  const text = readFileSync(join(dataDirectory as string, 'adl', 'refs', `${name}.csv`), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [x, y] = line.split(',');
      return `${Number(x).toFixed(6)},${Number(y)}`;
    });
}

describe.skipIf(!haveData)('ADL benchmark tasks on the CMS sample', () => {
  const tables = haveData
    ? { flat: readSample(LAYOUTS.flat), nested: readSample(LAYOUTS.nested) }
    : undefined;

  for (const layout of ['flat', 'nested'] as const) {
    for (const name of ['query-1', 'query-2', 'query-3', 'query-4', 'query-5']) {
      it(`${name} matches the reference (${layout})`, () => {
        const result = runQuery(tables![layout], readQuery(name));
        expect(histogramRows(result.partial as HistogramPartial)).toEqual(referenceRows(name));
        expect(result.eventsScanned).toBe(1000);
      });
    }

    const independent = INDEPENDENT_EXPECTATIONS;
    for (const [name, expected] of independent) {
      it(`${name} matches a plain loop (${layout})`, () => {
        const query = readQuery(name);
        const result = runQuery(tables![layout], query);
        const values = expected(tables!.flat);
        const histogram = result.partial as HistogramPartial;
        expect(histogram.counts).toEqual(fill(values, query.bins, query.low, query.high));
        expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
        expect(values.length).toBeGreaterThan(0);
      });
    }
  }

  it('query-4 counts the selected events', () => {
    const result = runQuery(tables!.flat, readQuery('query-4'));
    expect(result.eventsSelected).toBe(116);
    expect(result.eventsScanned).toBe(1000);
  });
});
