import type { RecordBatch, Table } from 'apache-arrow';
import type { Manifest } from '../object-class/dataset/manifest.js';
import { datasetSchemaFromArrow, type DatasetSchema } from '../object-class/dataset/schema.js';
import { readArrowColumns } from '../object-class/format/read-arrow-object.js';
import { rangeSourceFromBytes, rangeSourceFromStore } from '../object-class/format/range-source.js';
import { writeArrowObject } from '../object-class/format/write-arrow-object.js';
import { compileKernel, type Kernel } from '../object-class/kernels/compile-kernel.js';
import { mergePartials } from '../object-class/kernels/merge-partials.js';
import type { HistogramPartial, ScanPlan } from '../object-class/kernels/plan.js';
import type { ObjectStore } from '../object-class/store/object-store.js';
import { parseAnyQuery } from '../transformers/func-adl/parse-any-query.js';
import { planQuery } from '../transformers/planner/plan-query.js';
import type { AdlTask } from './adl-tasks.js';
import { asHistogram } from './compare-histograms.js';

/** A kernel-only measurement of one task: one thread, its columns already in memory. */
export interface KernelMeasurement {
  histogram: HistogramPartial;
  events: number;
  /** Best wall time of the timed runs, kernel work only. */
  seconds: number;
  eventsPerSecond: number;
  /** Bytes of the planned columns the kernel read from the objects. */
  columnBytes: number;
}

/** Plans an ADL task's query against a dataset schema as a histogram over the task's axis. */
export function planTask(task: AdlTask, schema: DatasetSchema): ScanPlan {
  const tree = parseAnyQuery(task.query);
  return planQuery(tree, task.query, schema, { kind: 'histogram', ...task.histogram });
}

/**
 * Fills a task's histogram over an in-memory table with the same kernel, writing the table as
 * one object first so that the kernel reads the same record batches as at a node.
 */
export async function histogramOfTable(task: AdlTask, table: Table): Promise<HistogramPartial> {
  const schema = datasetSchemaFromArrow(table.schema);
  const plan = planTask(task, schema);
  const { bytes, info } = writeArrowObject(table);
  const source = rangeSourceFromBytes(`${task.id}-reference`, bytes);
  const { batches } = await readArrowColumns(source, plan.columns, info);
  return runKernel(compileKernel(plan, schema), [batches]).histogram;
}

/**
 * Measures the kernel of one task at one storage node. Reads the planned columns of every object
 * into Arrow record batches first. Then times only the kernel runs over them, one run per object
 * as a node does, `repetitions` times, and keeps the fastest.
 */
export async function measureKernel(
  task: AdlTask,
  store: ObjectStore,
  manifest: Manifest,
  repetitions: number,
): Promise<KernelMeasurement> {
  const plan = planTask(task, manifest.schema);
  const kernel = compileKernel(plan, manifest.schema);
  const objects = await loadPlannedColumns(store, manifest, plan);
  const columnBytes = objects.reduce((sum, object) => sum + object.bytes, 0);

  let best: { seconds: number; histogram: HistogramPartial; events: number } | undefined;
  for (let run = 0; run < repetitions; run++) {
    const started = performance.now();
    const result = runKernel(
      kernel,
      objects.map((object) => object.batches),
    );
    const seconds = (performance.now() - started) / 1000;
    if (best === undefined || seconds < best.seconds) best = { seconds, ...result };
  }
  if (best === undefined) {
    throw new RangeError(`Invalid repetitions ${repetitions}: expected a positive integer`);
  }
  return { ...best, eventsPerSecond: best.events / best.seconds, columnBytes };
}

async function loadPlannedColumns(
  store: ObjectStore,
  manifest: Manifest,
  plan: ScanPlan,
): Promise<{ batches: RecordBatch[]; bytes: number }[]> {
  const objects = [];
  for (const object of manifest.objects) {
    const source = await rangeSourceFromStore(store, object.key);
    if (object.format !== 'arrow') {
      throw new TypeError(
        `Object '${object.key}' is a ${object.format} object; compact the dataset first`,
      );
    }
    const read = await readArrowColumns(source, plan.columns, object.info);
    objects.push({ batches: read.batches, bytes: read.bytesFetched });
  }
  return objects;
}

/** Runs the kernel once per object and merges the partial histograms, as the transformer does. */
function runKernel(
  kernel: Kernel,
  objects: RecordBatch[][],
): { histogram: HistogramPartial; events: number } {
  let merged: unknown;
  let events = 0;
  for (const batches of objects) {
    const run = kernel.start();
    for (const batch of batches) run.consume(batch);
    const result = run.finish();
    events += result.eventsScanned;
    merged = merged === undefined ? result.partial : mergePartials(merged, result.partial);
  }
  return { histogram: asHistogram(merged, 'The kernel run'), events };
}
