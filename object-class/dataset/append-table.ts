import { randomBytes } from 'node:crypto';
import type { Table } from 'apache-arrow';
import { writeArrowObject } from '../format/write-arrow-object.js';
import type { ObjectStore } from '../store/object-store.js';
import {
  DatasetError,
  datasetPrefix,
  publishManifest,
  type Manifest,
  type ManifestObject,
} from './manifest.js';
import { rankNodes } from './placement.js';
import { datasetSchemaFromArrow, formatColumnType, type DatasetSchema } from './schema.js';

/** Options of `appendTable`. */
export interface AppendOptions {
  /** Events per object (default `DEFAULT_EVENTS_PER_OBJECT`). */
  eventsPerObject?: number;
  /** Events per Arrow record batch inside an object. */
  batchEvents?: number;
  compression?: 'none' | 'lz4' | 'zstd';
  /** Storage node ids to place objects on. */
  nodes: readonly string[];
  /**
   * Nodes that can serve each object, the placed node included (default 1). The transformer tries
   * the extra nodes, next in rendezvous order, when the placed node fails.
   */
  replicas?: number;
}

export const DEFAULT_EVENTS_PER_OBJECT = 100_000;
export const MAX_EVENTS_PER_OBJECT = 50_000_000;
const WRITE_CONCURRENCY = 4;

/**
 * Appends the rows of `tables` to a dataset, creating it if needed: writes Arrow IPC objects of
 * `eventsPerObject` events, then publishes one new manifest version listing them. Until that
 * publish no reader sees any of the new objects, so a failed append leaves the dataset as it was
 * (the written objects stay unreferenced) and rerunning it is safe.
 */
export async function appendTable(
  store: ObjectStore,
  dataset: string,
  tables: readonly Table[],
  options: AppendOptions,
): Promise<Manifest> {
  const eventsPerObject = checkEventsPerObject(options.eventsPerObject);
  const replicas = checkReplicas(options.replicas, options.nodes.length);
  const schema = commonSchema(tables);
  const runId = randomBytes(4).toString('hex');
  const pieces = tables.flatMap((table) => sliceTable(table, eventsPerObject));

  const written = await mapLimit(pieces, WRITE_CONCURRENCY, async (piece, index) => {
    const { bytes, info } = writeArrowObject(piece, {
      batchEvents: options.batchEvents,
      compression: options.compression,
    });
    const key = `${datasetPrefix(dataset)}objects/${runId}-${String(index).padStart(6, '0')}.arrow`;
    await store.put(key, bytes);
    const [node, ...others] = rankNodes(key, options.nodes).slice(0, replicas);
    return { key, info, node, replicas: others };
  });

  return publishManifest(store, dataset, (previous) => {
    if (previous !== null) checkSameSchema(dataset, previous.schema, schema);
    const objects: ManifestObject[] = [...(previous?.objects ?? [])];
    let firstEvent = previous?.eventCount ?? 0;
    for (const object of written) {
      const { key, node, info } = object;
      const replicaNodes = object.replicas.length > 0 ? { replicas: object.replicas } : {};
      objects.push({ key, format: 'arrow', firstEvent, node, ...replicaNodes, info });
      firstEvent += object.info.eventCount;
    }
    return { schema: previous?.schema ?? schema, eventCount: firstEvent, objects };
  });
}

function checkEventsPerObject(value: number | undefined): number {
  const events = value ?? DEFAULT_EVENTS_PER_OBJECT;
  if (!Number.isSafeInteger(events) || events < 1 || events > MAX_EVENTS_PER_OBJECT) {
    throw new RangeError(
      `Invalid events per object '${value}': expected an integer from 1 to ${MAX_EVENTS_PER_OBJECT}`,
    );
  }
  return events;
}

function checkReplicas(value: number | undefined, nodeCount: number): number {
  const replicas = value ?? 1;
  if (!Number.isSafeInteger(replicas) || replicas < 1 || replicas > nodeCount) {
    throw new RangeError(
      `Invalid replica count '${value}': expected an integer from 1 to the ${nodeCount} storage nodes`,
    );
  }
  return replicas;
}

function commonSchema(tables: readonly Table[]): DatasetSchema {
  if (tables.length === 0) throw new RangeError('Nothing to append: no input tables were given');
  const first = datasetSchemaFromArrow(tables[0].schema);
  for (const table of tables.slice(1)) {
    checkSameSchema('input', first, datasetSchemaFromArrow(table.schema));
  }
  return first;
}

/** Throws a `DatasetError` naming the first column whose name or type differs. */
export function checkSameSchema(dataset: string, expected: DatasetSchema, actual: DatasetSchema) {
  const count = Math.max(expected.fields.length, actual.fields.length);
  for (let i = 0; i < count; i++) {
    const want = expected.fields[i];
    const got = actual.fields[i];
    const wantText = want ? `${want.name}: ${formatColumnType(want.type)}` : 'no column';
    const gotText = got ? `${got.name}: ${formatColumnType(got.type)}` : 'no column';
    if (wantText !== gotText) {
      throw new DatasetError(
        `Schema of the new rows does not match dataset '${dataset}' at column ${i + 1}: ` +
          `expected '${wantText}', found '${gotText}'; ingest into a new dataset instead`,
        'SCHEMA_MISMATCH',
      );
    }
  }
}

function sliceTable(table: Table, eventsPerObject: number): Table[] {
  const slices: Table[] = [];
  for (let begin = 0; begin < table.numRows; begin += eventsPerObject) {
    slices.push(table.slice(begin, Math.min(begin + eventsPerObject, table.numRows)));
  }
  return slices;
}

/** Maps `items` through `work` with at most `limit` calls in flight, keeping the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
