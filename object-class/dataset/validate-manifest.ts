import type { ArrowObjectInfo } from '../format/arrow-object-info.js';
import type { RowObjectInfo } from '../format/rows/row-object-info.js';
import type { Manifest, ManifestObject } from './manifest.js';
import type { ColumnType, DatasetSchema } from './schema.js';

type Fields = Record<string, unknown>;

const PRIMITIVE_TYPES: ReadonlySet<unknown> = new Set([
  'bool',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float32',
  'float64',
  'utf8',
]);

const COMPRESSIONS: ReadonlySet<unknown> = new Set(['none', 'lz4', 'zstd']);

/** Maximum nesting depth of list and struct types in a schema. */
export const MAX_SCHEMA_DEPTH = 32;

/**
 * Checks that a value parsed from JSON has the shape of a manifest: its schema, and each object
 * with a key, a node and the object info that readers use. Throws TypeError naming the path of
 * the first invalid field under `path`.
 */
export function validateManifest(value: unknown, path: string): Manifest {
  const manifest = expectObject(value, path);
  expectType(manifest.dataset, 'string', `${path}.dataset`);
  expectCount(manifest.version, `${path}.version`);
  expectCount(manifest.eventCount, `${path}.eventCount`);
  validateDatasetSchema(manifest.schema, `${path}.schema`);
  expectArray(manifest.objects, `${path}.objects`).forEach((object, i) =>
    validateManifestObject(object, `${path}.objects[${i}]`),
  );
  return value as Manifest;
}

/** Checks the shape of one manifest entry; throws TypeError naming the first invalid field. */
export function validateManifestObject(value: unknown, path: string): ManifestObject {
  const object = expectObject(value, path);
  expectType(object.key, 'string', `${path}.key`);
  expectType(object.node, 'string', `${path}.node`);
  expectCount(object.firstEvent, `${path}.firstEvent`);
  if (object.replicas !== undefined) {
    expectArray(object.replicas, `${path}.replicas`).forEach((replica, i) =>
      expectType(replica, 'string', `${path}.replicas[${i}]`),
    );
  }
  if (object.format === 'rows') validateRowObjectInfo(object.info, `${path}.info`);
  else if (object.format === 'arrow') validateObjectInfo(object.info, `${path}.info`);
  else {
    throw new TypeError(
      `Field ${path}.format is ${describe(object.format)}; expected arrow or rows`,
    );
  }
  return value as ManifestObject;
}

function validateObjectInfo(value: unknown, path: string): ArrowObjectInfo {
  const info = expectObject(value, path);
  for (const field of ['eventCount', 'byteSize', 'recordBatchCount', 'footerLength']) {
    expectCount(info[field], `${path}.${field}`);
  }
  expectType(info.sha256, 'string', `${path}.sha256`);
  if (!COMPRESSIONS.has(info.compression)) {
    throw new TypeError(
      `Field ${path}.compression is ${describe(info.compression)}; expected none, lz4 or zstd`,
    );
  }

  const checksums = expectObject(info.checksums, `${path}.checksums`);
  expectCount(checksums.footerCrc32, `${path}.checksums.footerCrc32`);
  expectCount(checksums.batchHeadersCrc32, `${path}.checksums.batchHeadersCrc32`);
  for (const group of ['columns', 'leaves']) {
    const sums = expectObject(checksums[group], `${path}.checksums.${group}`);
    for (const [name, sum] of Object.entries(sums))
      expectCount(sum, `${path}.checksums.${group}.${name}`);
  }

  const statistics = expectObject(info.statistics, `${path}.statistics`);
  for (const [name, stats] of Object.entries(statistics)) {
    validateStatistics(stats, `${path}.statistics.${name}`);
  }
  return value as ArrowObjectInfo;
}

function validateRowObjectInfo(value: unknown, path: string): RowObjectInfo {
  const info = expectObject(value, path);
  expectCount(info.eventCount, `${path}.eventCount`);
  expectCount(info.byteSize, `${path}.byteSize`);
  expectType(info.sha256, 'string', `${path}.sha256`);
  const statistics = expectObject(info.statistics, `${path}.statistics`);
  for (const [name, stats] of Object.entries(statistics)) {
    validateStatistics(stats, `${path}.statistics.${name}`);
  }
  return value as RowObjectInfo;
}

function validateStatistics(value: unknown, path: string): void {
  const stats = expectObject(value, path);
  expectCount(stats.nullCount, `${path}.nullCount`);
  expectCount(stats.valueCount, `${path}.valueCount`);
  for (const bound of ['min', 'max']) {
    const number = stats[bound];
    if (number !== undefined && number !== null) expectType(number, 'number', `${path}.${bound}`);
  }
}

/** Checks the shape of a dataset schema; throws TypeError naming the first invalid field. */
export function validateDatasetSchema(value: unknown, path: string): DatasetSchema {
  const schema = expectObject(value, path);
  expectArray(schema.fields, `${path}.fields`).forEach((field, i) =>
    validateField(field, `${path}.fields[${i}]`, 1),
  );
  return value as DatasetSchema;
}

function validateField(value: unknown, path: string, depth: number): void {
  const field = expectObject(value, path);
  expectType(field.name, 'string', `${path}.name`);
  validateColumnType(field.type, `${path}.type`, depth);
}

function validateColumnType(value: unknown, path: string, depth: number): ColumnType {
  if (depth > MAX_SCHEMA_DEPTH) {
    throw new TypeError(`Field ${path} nests types deeper than ${MAX_SCHEMA_DEPTH} levels`);
  }
  const type = expectObject(value, path);
  switch (type.kind) {
    case 'primitive':
      if (!PRIMITIVE_TYPES.has(type.name)) {
        throw new TypeError(
          `Field ${path}.name is ${describe(type.name)}; expected a primitive type name such as float32`,
        );
      }
      break;
    case 'list':
      validateColumnType(type.element, `${path}.element`, depth + 1);
      break;
    case 'struct':
      expectArray(type.fields, `${path}.fields`).forEach((field, i) =>
        validateField(field, `${path}.fields[${i}]`, depth + 1),
      );
      break;
    default:
      throw new TypeError(
        `Field ${path}.kind is ${describe(type.kind)}; expected primitive, list or struct`,
      );
  }
  return value as ColumnType;
}

function expectObject(value: unknown, path: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`Field ${path} is ${describe(value)}; expected an object`);
  }
  return value as Fields;
}

function expectArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new TypeError(`Field ${path} is ${describe(value)}; expected an array`);
  }
  return value;
}

function expectType(value: unknown, type: 'string' | 'number', path: string): void {
  if (typeof value !== type) {
    throw new TypeError(`Field ${path} is ${describe(value)}; expected a ${type}`);
  }
}

/** Checks a size, count or checksum: a non-negative safe integer. */
function expectCount(value: unknown, path: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new TypeError(`Field ${path} is ${describe(value)}; expected a non-negative integer`);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}
