import type { Table } from 'apache-arrow';
import type { ManifestObject } from './dataset/manifest.js';
import type { DatasetSchema } from './dataset/schema.js';
import { readArrowColumns } from './format/read-arrow-object.js';
import { compileKernel, type Kernel } from './kernels/compile-kernel.js';
import type { ScanPlan } from './kernels/plan.js';
import type { ObjectStore } from './store/object-store.js';

/** What a scan of one object produces. */
export interface ScanResult {
  /** The partial aggregate, for aggregate outputs. */
  partial?: unknown;
  /** The result rows, for row outputs. */
  rows?: Table;
  eventsScanned: number;
  eventsSelected: number;
  /** Bytes fetched from the object store. */
  bytesRead: number;
}

const KERNEL_CACHE_SIZE = 64;

/**
 * The scan method of the object class: reads only the planned columns of one object, checks them
 * against the manifest's checksums, and runs the compiled kernel over its record batches.
 */
export class ObjectScanner {
  private readonly kernels = new Map<string, Kernel>();

  constructor(private readonly store: ObjectStore) {}

  async scan(object: ManifestObject, plan: ScanPlan, schema: DatasetSchema): Promise<ScanResult> {
    const kernel = this.kernelFor(plan, schema);
    const source = {
      key: object.key,
      size: object.info.byteSize,
      read: (offset: number, length: number) => this.store.getRange(object.key, offset, length),
    };
    const { batches, bytesFetched } = await readArrowColumns(source, plan.columns, object.info);
    const run = kernel.start();
    for (const batch of batches) run.consume(batch);
    const finished = run.finish();
    return { ...finished, bytesRead: bytesFetched };
  }

  /** Compiles a plan once and reuses it for every object of the query and for repeated queries. */
  private kernelFor(plan: ScanPlan, schema: DatasetSchema): Kernel {
    const cacheKey = JSON.stringify([plan.tree, plan.columns, plan.output, schema]);
    let kernel = this.kernels.get(cacheKey);
    if (kernel === undefined) {
      kernel = compileKernel(plan, schema);
      if (this.kernels.size >= KERNEL_CACHE_SIZE) {
        this.kernels.delete(this.kernels.keys().next().value as string);
      }
      this.kernels.set(cacheKey, kernel);
    }
    return kernel;
  }
}
