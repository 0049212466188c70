import { randomBytes } from 'node:crypto';
import { Table } from 'apache-arrow';
import { decodeRowObject } from '../format/rows/row-object.js';
import { writeArrowObject } from '../format/write-arrow-object.js';
import type { ObjectStore } from '../store/object-store.js';
import {
  DEFAULT_EVENTS_PER_OBJECT,
  manifestEntry,
  MAX_EVENTS_PER_OBJECT,
  placeObject,
  type WrittenObject,
} from './append-table.js';
import {
  DatasetError,
  datasetPrefix,
  publishManifest,
  requireManifest,
  type Manifest,
  type ManifestObject,
  type RowsManifestObject,
} from './manifest.js';

/** Options of `compactDataset`. */
export interface CompactOptions {
  /** Events per new Arrow object (default `DEFAULT_EVENTS_PER_OBJECT`). */
  eventsPerObject?: number;
  /** Events per Arrow record batch inside a new object. */
  batchEvents?: number;
  compression?: 'none' | 'lz4' | 'zstd';
  /** Storage node ids to place new objects on (default: every node the manifest names). */
  nodes?: readonly string[];
  /** Nodes that can serve each new object (default: the maximum of the replaced row objects). */
  replicas?: number;
}

/** Outcome of `compactDataset`. */
export interface CompactResult {
  /** The manifest after compaction, or the unchanged newest one when nothing was compacted. */
  manifest: Manifest;
  /** Row objects that the new manifest replaced and that were then deleted. */
  rowObjectsReplaced: number;
  /** Arrow objects that the new manifest lists in their place. */
  arrowObjectsWritten: number;
}

/** A run of consecutive row objects and the Arrow objects written to replace it. */
interface Run {
  rows: RowsManifestObject[];
  written: WrittenObject[];
}

/**
 * Rewrites the row objects of a dataset's newest manifest as Arrow objects: each run of
 * consecutive row objects becomes Arrow objects of `eventsPerObject` events at the same position,
 * so event order and every `firstEvent` stay the same. The new manifest is published the way
 * appends publish theirs. When another writer published in the meantime, the replacement is
 * applied again to its manifest, for each run whose row objects are all still listed in the same
 * order. Replaced row objects are deleted only after the publish succeeds, and the Arrow objects
 * of runs that could not be applied are deleted with them.
 *
 * NOTE: a query that planned against the previous manifest and has not yet scanned a replaced row
 * object fails with a missing object, because nothing delays the delete.
 */
export async function compactDataset(
  store: ObjectStore,
  name: string,
  options: CompactOptions = {},
): Promise<CompactResult> {
  const eventsPerObject = checkEventsPerObject(options.eventsPerObject);
  const manifest = await requireManifest(store, name);
  const runs = findRowRuns(manifest.objects).map((rows) => ({ rows, written: [] }) as Run);
  if (runs.length === 0) {
    return { manifest, rowObjectsReplaced: 0, arrowObjectsWritten: 0 };
  }

  const nodes = options.nodes ?? [...new Set(manifest.objects.map((o) => o.node))].sort();
  const runId = randomBytes(4).toString('hex');
  const applied = new Set<Run>();
  let published: Manifest;
  try {
    for (const [index, run] of runs.entries()) {
      const replicas =
        options.replicas ?? Math.max(...run.rows.map((o) => 1 + (o.replicas?.length ?? 0)));
      const prefix = `${datasetPrefix(name)}objects/${runId}-c${index}`;
      const placement = { nodes, replicas: Math.min(replicas, nodes.length) };
      await writeRun(store, run, prefix, eventsPerObject, options, placement);
    }

    published = await publishManifest(store, name, (previous) => {
      applied.clear();
      return replaceRuns(name, previous, runs, applied);
    });
  } catch (error) {
    // No manifest lists the new objects, so they are removed before the error is raised.
    await store.delete(runs.flatMap((run) => run.written.map((o) => o.key)));
    throw error;
  }

  const obsolete = runs.flatMap((run) =>
    applied.has(run) ? run.rows.map((o) => o.key) : run.written.map((o) => o.key),
  );
  await store.delete(obsolete);
  const replaced = [...applied];
  return {
    manifest: published,
    rowObjectsReplaced: replaced.reduce((sum, run) => sum + run.rows.length, 0),
    arrowObjectsWritten: replaced.reduce((sum, run) => sum + run.written.length, 0),
  };
}

/** Groups the row objects of a manifest into runs of consecutive entries. */
function findRowRuns(objects: readonly ManifestObject[]): RowsManifestObject[][] {
  const runs: RowsManifestObject[][] = [];
  let current: RowsManifestObject[] = [];
  for (const object of objects) {
    if (object.format === 'rows') {
      current.push(object);
      continue;
    }
    if (current.length > 0) runs.push(current);
    current = [];
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/**
 * Reads the row objects of one run in order and writes their events as Arrow objects of
 * `eventsPerObject` events, adding each to `run.written` once stored. Only the last object of the
 * run may contain fewer events.
 */
async function writeRun(
  store: ObjectStore,
  run: Run,
  prefix: string,
  eventsPerObject: number,
  options: CompactOptions,
  placement: { nodes: readonly string[]; replicas: number },
): Promise<void> {
  const written = run.written;
  const writePiece = async (piece: Table) => {
    const key = `${prefix}-${String(written.length).padStart(6, '0')}.arrow`;
    const { bytes, info } = writeArrowObject(piece, {
      batchEvents: options.batchEvents,
      compression: options.compression,
    });
    await store.put(key, bytes);
    const object = { key, format: 'arrow' as const, info };
    written.push(placeObject(object, placement.nodes, placement.replicas));
  };

  let pending: Table | null = null;
  for (const row of run.rows) {
    const table = decodeRowObject(await store.get(row.key), row.info, row.key);
    pending = pending === null ? table : new Table([...pending.batches, ...table.batches]);
    while (pending.numRows >= eventsPerObject) {
      await writePiece(pending.slice(0, eventsPerObject));
      pending = pending.slice(eventsPerObject);
    }
  }
  if (pending !== null && pending.numRows > 0) await writePiece(pending);
}

/**
 * Replaces each run whose row objects `previous` still lists, consecutively and in order, by its
 * Arrow objects, and renumbers `firstEvent` from the start. Adds the replaced runs to `applied`.
 */
function replaceRuns(
  name: string,
  previous: Manifest | null,
  runs: readonly Run[],
  applied: Set<Run>,
): Omit<Manifest, 'version' | 'createdAt' | 'dataset'> {
  if (previous === null) {
    throw new DatasetError(
      `Dataset '${name}' was deleted while it was being compacted; nothing was changed`,
      'DATASET_NOT_FOUND',
    );
  }
  const runsByFirstKey = new Map(runs.map((run) => [run.rows[0].key, run]));
  const objects: ManifestObject[] = [];
  let firstEvent = 0;
  for (let i = 0; i < previous.objects.length;) {
    const run = runsByFirstKey.get(previous.objects[i].key);
    if (run !== undefined && listsRunAt(previous.objects, i, run)) {
      applied.add(run);
      for (const object of run.written) {
        objects.push(manifestEntry(object, firstEvent));
        firstEvent += object.info.eventCount;
      }
      i += run.rows.length;
      continue;
    }
    objects.push({ ...previous.objects[i], firstEvent });
    firstEvent += previous.objects[i].info.eventCount;
    i += 1;
  }
  return { schema: previous.schema, eventCount: firstEvent, objects };
}

function listsRunAt(objects: readonly ManifestObject[], start: number, run: Run): boolean {
  return run.rows.every((row, offset) => {
    const listed = objects[start + offset];
    return listed !== undefined && listed.key === row.key && listed.format === 'rows';
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
