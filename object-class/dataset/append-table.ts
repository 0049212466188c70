import { randomBytes } from 'node:crypto';
import type { Table } from 'apache-arrow';
import type { ArrowObjectInfo } from '../format/arrow-object-info.js';
import { encodeRowObject, type RowObjectInfo } from '../format/rows/row-object.js';
import { writeArrowObject } from '../format/write-arrow-object.js';
import type { ObjectStore } from '../store/object-store.js';
import {
  DatasetError,
  datasetPrefix,
  publishManifest,
  readLatestManifest,
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
  /** Body compression of Arrow objects; row objects are not compressed. */
  compression?: 'none' | 'lz4' | 'zstd';
  /**
   * Object format (default 'arrow'). Row objects ('rows') are FlatBuffers files of events that
   * `compactDataset` later rewrites as Arrow objects; scans read them whole.
   */
  format?: 'arrow' | 'rows';
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
 * Appends the rows of `tables` to a dataset, creating it if needed: writes objects of
 * `eventsPerObject` events in `options.format`, then publishes one new manifest version listing
 * them. Until that publish no reader sees any of the new objects, so a failed append leaves the dataset as it was
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
  const format = checkFormat(options.format);
  const schema = commonSchema(tables);
  // A mismatch found before writing leaves no unreferenced objects behind. The publish below
  // checks again, because a concurrent writer may publish a manifest in between.
  const current = await readLatestManifest(store, dataset);
  if (current !== null) checkSameSchema(dataset, current.schema, schema);
  const runId = randomBytes(4).toString('hex');
  const pieces = tables.flatMap((table) => sliceTable(table, eventsPerObject));

  const written = await mapLimit(pieces, WRITE_CONCURRENCY, async (piece, index) => {
    const name = `${runId}-${String(index).padStart(6, '0')}`;
    const { bytes, ...description } = encodeObject(piece, format, options);
    const key = `${datasetPrefix(dataset)}objects/${name}.${format}`;
    await store.put(key, bytes);
    return placeObject({ key, ...description }, options.nodes, replicas) as WrittenObject;
  });

  return publishManifest(store, dataset, (previous) => {
    if (previous !== null) checkSameSchema(dataset, previous.schema, schema);
    const objects: ManifestObject[] = [...(previous?.objects ?? [])];
    let firstEvent = previous?.eventCount ?? 0;
    for (const object of written) {
      objects.push(manifestEntry(object, firstEvent));
      firstEvent += object.info.eventCount;
    }
    return { schema: previous?.schema ?? schema, eventCount: firstEvent, objects };
  });
}

/** An object's format and the manifest info of that format. */
export type ObjectDescription =
  { format: 'arrow'; info: ArrowObjectInfo } | { format: 'rows'; info: RowObjectInfo };

/** An object written to the store, with its placement, before the manifest gives it a position. */
export type WrittenObject = ObjectDescription & { key: string; node: string; replicas: string[] };

type EncodedObject = ObjectDescription & { bytes: Uint8Array };

function encodeObject(
  piece: Table,
  format: 'arrow' | 'rows',
  options: Pick<AppendOptions, 'batchEvents' | 'compression'>,
): EncodedObject {
  if (format === 'rows') return { format, ...encodeRowObject(piece) };
  const { bytes, info } = writeArrowObject(piece, {
    batchEvents: options.batchEvents,
    compression: options.compression,
  });
  return { format, bytes, info };
}

/** Chooses the node and replicas of an object by rendezvous hashing of its key. */
export function placeObject<T extends { key: string }>(
  object: T,
  nodes: readonly string[],
  replicas: number,
): T & { node: string; replicas: string[] } {
  const [node, ...others] = rankNodes(object.key, nodes).slice(0, replicas);
  return { ...object, node, replicas: others };
}

/** Builds the manifest entry of a written object that starts at event `firstEvent`. */
export function manifestEntry(object: WrittenObject, firstEvent: number): ManifestObject {
  const { key, format, node, info } = object;
  const replicaNodes = object.replicas.length > 0 ? { replicas: object.replicas } : {};
  // `format` and `info` come from the same EncodedObject variant, which TypeScript cannot track.
  return { key, format, firstEvent, node, ...replicaNodes, info } as ManifestObject;
}

function checkFormat(value: string | undefined): 'arrow' | 'rows' {
  if (value === undefined || value === 'arrow' || value === 'rows') return value ?? 'arrow';
  throw new RangeError(`Invalid object format '${value}': expected arrow or rows`);
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
  if (first.fields.length === 0) {
    throw new RangeError('Nothing to append: the input table has no columns');
  }
  tables.slice(1).forEach((table, i) => {
    const difference = firstDifference(first, datasetSchemaFromArrow(table.schema));
    if (difference === null) return;
    throw new DatasetError(
      `Input table ${i + 2} differs from input table 1 at column ${difference.column}: ` +
        `expected '${difference.expected}', found '${difference.found}'; ingest tables of one schema together`,
      'SCHEMA_MISMATCH',
    );
  });
  return first;
}

/** Throws a `DatasetError` naming the first column whose name or type differs. */
export function checkSameSchema(dataset: string, expected: DatasetSchema, actual: DatasetSchema) {
  const difference = firstDifference(expected, actual);
  if (difference === null) return;
  throw new DatasetError(
    `Schema of the new rows does not match dataset '${dataset}' at column ${difference.column}: ` +
      `expected '${difference.expected}', found '${difference.found}'; ingest into a new dataset instead`,
    'SCHEMA_MISMATCH',
  );
}

/** Finds the first column, counted from 1, whose name or type differs between two schemas. */
function firstDifference(
  expected: DatasetSchema,
  actual: DatasetSchema,
): { column: number; expected: string; found: string } | null {
  const count = Math.max(expected.fields.length, actual.fields.length);
  for (let i = 0; i < count; i++) {
    const want = expected.fields[i];
    const got = actual.fields[i];
    const wantText = want ? `${want.name}: ${formatColumnType(want.type)}` : 'no column';
    const gotText = got ? `${got.name}: ${formatColumnType(got.type)}` : 'no column';
    if (wantText !== gotText) return { column: i + 1, expected: wantText, found: gotText };
  }
  return null;
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
