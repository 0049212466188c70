import { describe, expect, it } from 'vitest';
import { ADL_TASK_IDS, parseTaskList } from '../../bench/adl-tasks.js';
import { repeatTable } from '../../bench/bench-events.js';
import { parseBenchOptions, type BenchOptions } from '../../bench/bench-options.js';
import { renderBenchmarkPage } from '../../bench/benchmark-page.js';
import { compareHistograms } from '../../bench/compare-histograms.js';
import { histogramOfTable } from '../../bench/kernel-bench.js';
import { runBenchmark, type BenchReport } from '../../bench/run-benchmark.js';
import { renderThroughputSvg } from '../../bench/throughput-svg.js';
import { readInputFile } from '../../client/io/read-input-file.js';
import { generateEvents } from '../../client/io/event-generator.js';
import { SAMPLE_DATA_SKIP, sampleDataDir, sampleFiles } from '../support/sample-data.js';

const dataDir = sampleDataDir();

/** A run takes about 10 s on a 2-core machine, and the margin covers a loaded one. */
const RUN_TIMEOUT_MS = 240_000;

function tinyOptions(overrides: Partial<BenchOptions>): BenchOptions {
  return {
    events: 3000,
    tasks: [...ADL_TASK_IDS],
    skipS3: true,
    skipDuckdb: false,
    out: 'unused.md',
    eventsPerObject: 1000,
    batchEvents: 1000,
    repetitions: 1,
    ...overrides,
  };
}

/** Asserts that every task of a run has DuckDB's and skysift's histograms equal. */
function expectDuckdbAgrees(report: BenchReport): void {
  for (const task of report.tasks) {
    const kernel = task.kernel!.histogram;
    for (const relation of ['parquet', 'memory'] as const) {
      const duckdb = task.duckdb[relation];
      expect(duckdb, `${task.task.id}: DuckDB ${relation} result`).toBeDefined();
      const comparison = compareHistograms(kernel, duckdb!.histogram);
      expect(comparison.mismatches, `${task.task.id}: DuckDB ${relation} vs skysift`).toEqual([]);
    }
  }
}

describe.skipIf(dataDir === null)('benchmark on repeated real events', () => {
  let report: BenchReport;

  it(
    'runs every task with one and two nodes',
    async () => {
      report = await runBenchmark(tinyOptions({ source: 'real' }));
      expect(report.events.count).toBe(3000);
      expect(report.events.repeat).toBe(3);
      expect(report.tasks.map((task) => task.task.id)).toEqual([...ADL_TASK_IDS]);
      for (const task of report.tasks) {
        for (const config of ['local-1', 'local-2'] as const) {
          const summary = task.endToEnd[config]?.summary;
          expect(summary?.eventsScanned, `${task.task.id} ${config} events`).toBe(3000);
          expect(summary?.objectsScanned, `${task.task.id} ${config} objects`).toBe(3);
        }
      }
    },
    RUN_TIMEOUT_MS,
  );

  it('passes every histogram check', () => {
    for (const task of report.tasks) {
      // Seven histograms without S3, plus the sample against its reference file where one exists.
      const hasReference = /^query-[1-5]$/.test(task.task.id);
      expect(task.checks.length, `${task.task.id} check count`).toBe(hasReference ? 8 : 7);
      for (const check of task.checks)
        expect(check.detail, `${task.task.id}: ${check.subject}`).toBe('equal');
    }
  });

  it('scales histograms by the repeat count', async () => {
    const sample = await readInputFile(sampleFiles(dataDir!).flat);
    for (const task of report.tasks) {
      const once = await histogramOfTable(task.task, sample);
      for (const config of ['local-1', 'local-2'] as const) {
        const comparison = compareHistograms(once, task.endToEnd[config]!.histogram, 3);
        expect(comparison.mismatches, `${task.task.id} ${config} vs 3 x sample`).toEqual([]);
      }
    }
  });

  it('matches DuckDB bin by bin', () => expectDuckdbAgrees(report));

  it('renders the page and the plot', () => {
    const page = renderBenchmarkPage(report, 'npm run bench', 'benchmarks-throughput.svg');
    for (const id of ADL_TASK_IDS) expect(page).toContain(`| ${id} |`);
    expect(page).toContain('![Events per second per task](benchmarks-throughput.svg)');
    expect(page).toContain('not run: skipped with --skip-s3');
    const svg = renderThroughputSvg(report);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect class="bar"/g)?.length).toBe(3 * ADL_TASK_IDS.length);
  });
});

describe.runIf(dataDir === null)('benchmark on repeated real events', () => {
  it.skip(SAMPLE_DATA_SKIP, () => {});
});

describe('benchmark on generated events', () => {
  it(
    'matches DuckDB bin by bin',
    async () => {
      const report = await runBenchmark(
        tinyOptions({
          source: 'generated',
          events: 2000,
          tasks: parseTaskList('query-1,query-5,query-6,query-8'),
        }),
      );
      expect(report.events.source).toBe('generated');
      for (const task of report.tasks) {
        for (const check of task.checks)
          expect(check.detail, `${task.task.id}: ${check.subject}`).toBe('equal');
      }
      expectDuckdbAgrees(report);
    },
    RUN_TIMEOUT_MS,
  );
});

describe('benchmark helpers', () => {
  it('repeatTable copies rows in order', () => {
    const base = generateEvents({ events: 300, seed: 7, layout: 'flat', batchEvents: 128 });
    const repeated = repeatTable(base, 5, 700);
    expect(repeated.numRows).toBe(1500);
    expect(repeated.batches.map((batch) => batch.numRows)).toEqual([600, 600, 300]);
    for (const row of [0, 299, 300, 777, 1499]) {
      const got = JSON.stringify(repeated.get(row)?.toJSON(), bigintText);
      const want = JSON.stringify(base.get(row % 300)?.toJSON(), bigintText);
      expect(got, `row ${row}`).toBe(want);
    }
  });

  it('compareHistograms reports a scaled mismatch', () => {
    const axis = { kind: 'histogram' as const, bins: 2, low: 0, high: 1 };
    const once = { ...axis, counts: [1, 2, 0, 1], nanCount: 0 };
    const comparison = compareHistograms(once, { ...axis, counts: [3, 6, 1, 3], nanCount: 0 }, 3);
    expect(comparison.equal).toBe(false);
    expect(comparison.mismatches).toEqual([{ bin: 2, expected: 0, actual: 1 }]);
  });

  it('parseBenchOptions rejects bad values', () => {
    expect(() => parseBenchOptions(['--events', '0'])).toThrow(RangeError);
    expect(() => parseBenchOptions(['--events', '53446199'])).toThrow(/at most|1 to 53446198/);
    expect(() => parseBenchOptions(['--tasks', 'query-9'])).toThrow(/Invalid task 'query-9'/);
    expect(() => parseBenchOptions(['--source', 'fake'])).toThrow(/expected real or generated/);
    expect(parseBenchOptions(['--help'])).toBeNull();
    expect(parseBenchOptions(['--tasks', 'query-6'])?.tasks).toEqual(['query-6-1', 'query-6-2']);
  });
});

function bigintText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? String(value) : value;
}
