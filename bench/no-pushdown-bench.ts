import type { Manifest, ManifestObject } from '../object-class/dataset/manifest.js';
import { readArrowColumns } from '../object-class/format/read-arrow-object.js';
import { rangeSourceFromBytes, rangeSourceFromStore } from '../object-class/format/range-source.js';
import { compileKernel, type Kernel } from '../object-class/kernels/compile-kernel.js';
import { mergePartials } from '../object-class/kernels/merge-partials.js';
import type { HistogramPartial, ScanPlan } from '../object-class/kernels/plan.js';
import type { ObjectStore } from '../object-class/store/object-store.js';
import type { AdlTask } from './adl-tasks.js';
import { asHistogram } from './compare-histograms.js';
import { planTask } from './kernel-bench.js';

/** Fetch strategy of a client that pushes nothing down: the needed columns or whole objects. */
export type FetchMode = 'columns' | 'objects';

/** One run of a task computed at the client. */
export interface NoPushdownMeasurement {
  mode: FetchMode;
  histogram: HistogramPartial;
  seconds: number;
  /** Bytes the client fetched from the store. */
  bytesMoved: number;
}

/**
 * Runs a task without pushdown: the client fetches, object by object, either only the planned
 * columns through ranged reads (`columns`) or every whole object (`objects`), then runs the
 * same kernel locally. Times fetch and compute together.
 */
export async function measureNoPushdown(
  task: AdlTask,
  store: ObjectStore,
  manifest: Manifest,
  mode: FetchMode,
): Promise<NoPushdownMeasurement> {
  const plan = planTask(task, manifest.schema);
  const kernel = compileKernel(plan, manifest.schema);
  const started = performance.now();

  let merged: unknown;
  let bytesMoved = 0;
  for (const object of manifest.objects) {
    const scan = await fetchAndScan(store, object, plan, kernel, mode);
    bytesMoved += scan.bytes;
    merged = merged === undefined ? scan.partial : mergePartials(merged, scan.partial);
  }

  const seconds = (performance.now() - started) / 1000;
  const histogram = asHistogram(merged, `The ${mode} baseline of ${task.id}`);
  return { mode, histogram, seconds, bytesMoved };
}

async function fetchAndScan(
  store: ObjectStore,
  object: ManifestObject,
  plan: ScanPlan,
  kernel: Kernel,
  mode: FetchMode,
): Promise<{ partial: unknown; bytes: number }> {
  const body = mode === 'objects' ? await store.get(object.key) : null;
  const source =
    body === null
      ? await rangeSourceFromStore(store, object.key)
      : rangeSourceFromBytes(object.key, body);

  if (object.format !== 'arrow') {
    throw new TypeError(
      `Object '${object.key}' is a ${object.format} object; compact the dataset first`,
    );
  }
  const read = await readArrowColumns(source, plan.columns, object.info);
  const run = kernel.start();
  for (const batch of read.batches) run.consume(batch);
  return { partial: run.finish().partial, bytes: body?.length ?? read.bytesFetched };
}
