import type { Table } from 'apache-arrow';
import type { ManifestObject, RowsManifestObject } from './dataset/manifest.js';
import type { DatasetSchema } from './dataset/schema.js';
import { ObjectCorruptError } from './format/object-corrupt-error.js';
import { readArrowColumns } from './format/read-arrow-object.js';
import { projectColumns } from './format/rows/project-columns.js';
import { decodeRowObject } from './format/rows/row-object.js';
import { compileKernel, type Kernel } from './kernels/compile-kernel.js';
import type { ScanPlan } from './kernels/plan.js';
import type { ObjectStore } from './store/object-store.js';

/** Result of the scan of one object. */
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
 * The scan method of the object class: reads only the planned columns of one Arrow object, checks
 * them against the manifest's checksums, and runs the compiled kernel over its record batches.
 * Row objects are read whole and decoded first.
 */
export class ObjectScanner {
  private readonly kernels = new Map<string, Kernel>();

  constructor(private readonly store: ObjectStore) {}

  async scan(object: ManifestObject, plan: ScanPlan, schema: DatasetSchema): Promise<ScanResult> {
    const kernel = this.kernelFor(plan, schema);
    if (object.format === 'rows') return this.scanRows(object, plan, kernel);
    const source = {
      key: object.key,
      size: object.info.byteSize,
      read: (offset: number, length: number) => this.readRange(object, offset, length),
    };
    const { batches, bytesFetched } = await readArrowColumns(source, plan.columns, object.info);
    const run = kernel.start();
    for (const batch of batches) run.consume(batch);
    const finished = run.finish();
    return { ...finished, bytesRead: bytesFetched };
  }

  /**
   * Reads a range inside the size that the manifest records. A store raises RangeError for a range
   * past the stored end, which means that the stored object is truncated.
   */
  private async readRange(object: ManifestObject, offset: number, length: number) {
    try {
      return await this.store.getRange(object.key, offset, length);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      throw new ObjectCorruptError(
        'TRUNCATED',
        object.key,
        `${error.message}, but the manifest records ${object.info.byteSize} bytes; the object is truncated`,
      );
    }
  }

  /**
   * Scans a row object: reads it whole, checks its size and SHA-256, decodes it to Arrow and runs
   * the kernel over the planned columns only, as it would see them from an Arrow object.
   */
  private async scanRows(
    object: RowsManifestObject,
    plan: ScanPlan,
    kernel: Kernel,
  ): Promise<ScanResult> {
    const bytes = await this.store.get(object.key);
    const table = decodeRowObject(bytes, object.info, object.key);
    const run = kernel.start();
    for (const batch of projectColumns(object.key, table, plan.columns)) run.consume(batch);
    return { ...run.finish(), bytesRead: bytes.length };
  }

  /** Compiles a plan once and reuses it for every object of the query and for repeated queries. */
  private kernelFor(plan: ScanPlan, schema: DatasetSchema): Kernel {
    const cacheKey = JSON.stringify([
      plan.tree,
      plan.columns,
      plan.output,
      plan.maxCombinationsPerEvent,
      schema,
    ]);
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
