import type { ArrowObjectInfo } from '../format/arrow-object-info.js';
import type { RowObjectInfo } from '../format/rows/row-object-info.js';
import { ObjectExistsError, type ObjectStore } from '../store/object-store.js';
import type { DatasetSchema } from './schema.js';
import { validateManifest } from './validate-manifest.js';

/** Fields of a manifest entry that every object format has. */
interface ManifestObjectBase {
  /** Store key of the object. */
  key: string;
  /** Index of the object's first event within the dataset. */
  firstEvent: number;
  /** Storage node that serves the object, chosen by rendezvous hashing at ingest. */
  node: string;
  /** Further nodes that can serve the object, tried in order when `node` fails. */
  replicas?: string[];
}

/** A columnar Arrow IPC object, which scans read column by column with ranged reads. */
export interface ArrowManifestObject extends ManifestObjectBase {
  format: 'arrow';
  /** Size, checksums and column statistics written with the object. */
  info: ArrowObjectInfo;
}

/** A FlatBuffers row object written by a row-format append, which scans read whole. */
export interface RowsManifestObject extends ManifestObjectBase {
  format: 'rows';
  /** Size, SHA-256 and column statistics written with the object. */
  info: RowObjectInfo;
}

/** One object of a dataset, as the manifest records it. */
export type ManifestObject = ArrowManifestObject | RowsManifestObject;

/** A version of a dataset's table-to-objects map. */
export interface Manifest {
  dataset: string;
  version: number;
  createdAt: string;
  schema: DatasetSchema;
  eventCount: number;
  objects: ManifestObject[];
}

/** Raised when a dataset name is invalid or the dataset does not exist. */
export class DatasetError extends Error {
  constructor(
    message: string,
    readonly code:
      | 'DATASET_NOT_FOUND'
      | 'INVALID_DATASET_NAME'
      | 'SCHEMA_MISMATCH'
      | 'CONFLICT'
      | 'MANIFEST_CORRUPT',
  ) {
    super(message);
    this.name = 'DatasetError';
  }
}

const DATASET_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const VERSION_DIGITS = 10;
const MAX_PUBLISH_ATTEMPTS = 20;

/** Checks a dataset name: letters, digits, '.', '_' and '-', starting with a letter or digit. */
export function validateDatasetName(name: string): void {
  if (!DATASET_NAME.test(name)) {
    throw new DatasetError(
      `Invalid dataset name '${name}': use 1 to 128 letters, digits, '.', '_' or '-', ` +
        'starting with a letter or digit',
      'INVALID_DATASET_NAME',
    );
  }
}

/** Store key prefix of everything that belongs to a dataset. */
export function datasetPrefix(name: string): string {
  validateDatasetName(name);
  return `datasets/${name}/`;
}

function manifestKey(name: string, version: number): string {
  return `${datasetPrefix(name)}manifests/${String(version).padStart(VERSION_DIGITS, '0')}.json`;
}

/** Lists the names of the datasets in a store. */
export async function listDatasets(store: ObjectStore): Promise<string[]> {
  const keys = await store.list('datasets/');
  const names = new Set<string>();
  for (const key of keys) {
    const match = /^datasets\/([^/]+)\/manifests\//.exec(key);
    if (match) names.add(match[1]);
  }
  return [...names].sort();
}

/** Reads the newest manifest of a dataset, or null when the dataset has none. */
export async function readLatestManifest(
  store: ObjectStore,
  name: string,
): Promise<Manifest | null> {
  const keys = await store.list(`${datasetPrefix(name)}manifests/`);
  const latest = keys.filter((k) => k.endsWith('.json')).at(-1);
  if (latest === undefined) return null;
  return parseManifest(name, latest, await store.get(latest));
}

/** Parses and checks a stored manifest; throws a MANIFEST_CORRUPT `DatasetError` naming its key. */
function parseManifest(name: string, key: string, bytes: Uint8Array): Manifest {
  try {
    const manifest = validateManifest(JSON.parse(new TextDecoder().decode(bytes)), 'manifest');
    if (manifest.dataset !== name) {
      throw new TypeError(`it names dataset '${manifest.dataset}'`);
    }
    return manifest;
  } catch (error) {
    if (!(error instanceof SyntaxError || error instanceof TypeError)) throw error;
    throw new DatasetError(
      `Manifest '${key}' of dataset '${name}' is corrupt: ${error.message}; restore it from a backup, ` +
        'or delete it to fall back to the previous version',
      'MANIFEST_CORRUPT',
    );
  }
}

/** Reads the newest manifest, throwing a `DatasetError` that lists the known datasets if absent. */
export async function requireManifest(store: ObjectStore, name: string): Promise<Manifest> {
  const manifest = await readLatestManifest(store, name);
  if (manifest !== null) return manifest;
  const known = await listDatasets(store);
  const hint =
    known.length > 0 ? `known datasets: ${known.join(', ')}` : 'the store has no datasets';
  throw new DatasetError(
    `Dataset '${name}' not found in ${store.description} (${hint}); create it with 'skysift ingest'`,
    'DATASET_NOT_FOUND',
  );
}

/**
 * Publishes a new manifest version computed by `update` from the newest one. Each version is a
 * new key written create-only, so of two racing writers exactly one wins a version number; the
 * loser re-reads and re-applies its update, and neither loses the other's objects.
 */
export async function publishManifest(
  store: ObjectStore,
  name: string,
  update: (previous: Manifest | null) => Omit<Manifest, 'version' | 'createdAt' | 'dataset'>,
): Promise<Manifest> {
  for (let attempt = 1; attempt <= MAX_PUBLISH_ATTEMPTS; attempt++) {
    const previous = await readLatestManifest(store, name);
    const next: Manifest = {
      dataset: name,
      version: (previous?.version ?? 0) + 1,
      createdAt: new Date().toISOString(),
      ...update(previous),
    };
    const body = new TextEncoder().encode(JSON.stringify(next));
    try {
      await store.put(manifestKey(name, next.version), body, { ifNoneMatch: true });
      return next;
    } catch (error) {
      if (!(error instanceof ObjectExistsError)) throw error;
    }
  }
  throw new DatasetError(
    `Publishing a manifest of dataset '${name}' lost ${MAX_PUBLISH_ATTEMPTS} races with other writers; retry the command`,
    'CONFLICT',
  );
}

/** Deletes every manifest and object of a dataset; returns the number of keys deleted. */
export async function deleteDataset(store: ObjectStore, name: string): Promise<number> {
  const keys = await store.list(datasetPrefix(name));
  // Manifests go first so that no reader finds a manifest whose objects are already gone.
  const manifests = keys.filter((k) => k.includes('/manifests/'));
  await store.delete(manifests);
  await store.delete(keys.filter((k) => !k.includes('/manifests/')));
  return keys.length;
}
