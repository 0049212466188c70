/**
 * Measures single-threaded kernel throughput on the nine ADL tasks. Builds about one million
 * events by repeating the 1000 CMS sample events (both layouts), keeps them in memory, and prints
 * events per second per task. Run with `npx tsx bench/kernel-throughput.ts`; the sample folder
 * comes from SKYSIFT_SAMPLE_DATA.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Table, tableFromIPC } from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { datasetSchemaFromArrow } from '../object-class/dataset/schema.js';
import { compileKernel } from '../object-class/kernels/compile-kernel.js';
import { parseQuery } from '../transformers/func-adl/parser.js';
import { planQuery } from '../transformers/planner/plan-query.js';

/** Copies of the 1000-event sample in the benchmark table. */
const REPEATS = 1000;

/** Timed passes per task; the fastest counts. */
const PASSES = 3;

const TASKS = [
  'query-1',
  'query-2',
  'query-3',
  'query-4',
  'query-5',
  'query-6-1',
  'query-6-2',
  'query-7',
  'query-8',
];

const LAYOUTS = {
  flat: 'Run2012B_SingleMu-1000.parquet',
  nested: 'Run2012B_SingleMu-restructured-1000.parquet',
};

function main(): void {
  const directory = process.env.SKYSIFT_SAMPLE_DATA;
  if (directory === undefined || !existsSync(join(directory, 'adl'))) {
    console.error(
      'sample data directory not found: set SKYSIFT_SAMPLE_DATA to the folder holding adl/',
    );
    process.exit(1);
  }

  const filter = process.argv[2];
  for (const [layout, file] of Object.entries(LAYOUTS)) {
    const sample = tableFromIPC(
      pq.readParquet(readFileSync(join(directory, 'adl', file))).intoIPCStream(),
    );
    const table = new Table(Array.from({ length: REPEATS }, () => sample.batches).flat());
    console.log(`${layout} layout, ${table.numRows} events in ${table.batches.length} batches`);
    for (const task of TASKS) {
      if (filter && task !== filter) continue;
      const rate = measure(table, task);
      console.log(`  ${task.padEnd(10)} ${(rate / 1e6).toFixed(2).padStart(7)} M events/s`);
    }
  }
}

function measure(table: Table, task: string): number {
  const text = readFileSync(new URL(`../examples/adl/${task}.py`, import.meta.url), 'utf8');
  const [bins, low, high] = (/^# hist: (.*)$/m.exec(text) as RegExpExecArray)[1]
    .split(',')
    .map(Number);
  const schema = datasetSchemaFromArrow(table.schema);
  const plan = planQuery(parseQuery(text), text, schema, { kind: 'histogram', bins, low, high });
  const kernel = compileKernel(plan, schema);

  let best = Infinity;
  for (let pass = 0; pass <= PASSES; pass++) {
    const started = process.hrtime.bigint();
    const run = kernel.start();
    for (const batch of table.batches) run.consume(batch);
    run.finish();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    // The first pass warms up the JIT compiler and is not counted.
    if (pass > 0) best = Math.min(best, seconds);
  }
  return table.numRows / best;
}

main();
