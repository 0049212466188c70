import { DataType, type Data, type RecordBatch } from 'apache-arrow';
import type { DatasetView } from '../../transformers/planner/dataset-view.js';
import { KernelError } from './kernel-error.js';

/** Any array a kernel reads values from. */
export type ValueArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array;

/** The arrays a kernel run reads from one record batch. */
export interface BatchArrays {
  cols: ValueArray[];
  offs: Int32Array[];
  /** 1 for events with a missing (null) event-level value, which the kernel skips; or null. */
  skip: Uint8Array | null;
  length: number;
}

interface Leaf {
  values: ValueArray;
  /** List offsets, rebased to start at 0, when the leaf is inside a list. */
  offsets?: Int32Array;
}

/**
 * Extracts the planned columns of a batch as typed arrays, looking struct fields up by name.
 * Int64 values become float64 (exact up to 2^53), bools become 0 and 1 bytes. A null at event
 * level (a null scalar, struct or list) marks the event to be skipped; a null inside a list
 * reads as NaN (bools as false). List offsets are rebased to 0, and the lists of one flat
 * collection must agree on their lengths in every event.
 */
export function extractBatchArrays(
  batch: RecordBatch,
  columns: string[][],
  collections: string[],
  view: DatasetView,
): BatchArrays {
  const length = batch.numRows;
  const skip = { mask: null as Uint8Array | null };
  const leaves = columns.map((path) => extractLeaf(batch, path, skip, length));
  const offs = collections.map((name) => collectionOffsets(name, columns, leaves, view));
  return { cols: leaves.map((leaf) => leaf.values), offs, skip: skip.mask, length };
}

function extractLeaf(
  batch: RecordBatch,
  path: string[],
  skip: { mask: Uint8Array | null },
  length: number,
): Leaf {
  const index = batch.schema.fields.findIndex((field) => field.name === path[0]);
  if (index < 0) {
    throw new KernelError(
      'MISSING_COLUMN',
      `Record batch has no column '${path[0]}', which the plan reads; fetch every planned column`,
    );
  }
  const top = batch.data.children[index] as Data;
  markNulls(top, skip, length);

  if (DataType.isList(top.type)) return listLeaf(top, path);
  if (DataType.isStruct(top.type)) {
    const child = structChild(top, path, 1);
    markNulls(child, skip, length);
    return { values: primitiveValues(child, path, false) };
  }
  return { values: primitiveValues(top, path, false) };
}

function listLeaf(list: Data, path: string[]): Leaf {
  const offsets = list.valueOffsets as Int32Array;
  const start = offsets[0];
  const rebased = start === 0 ? offsets : offsets.map((offset) => offset - start);
  let element = list.children[0] as Data;
  let elementValidity: Data | undefined;

  if (DataType.isStruct(element.type)) {
    elementValidity = element;
    element = structChild(element, path, 1);
  }
  const values = primitiveValues(element, path, true, elementValidity);
  return { values: values.subarray(start) as ValueArray, offsets: rebased };
}

function structChild(struct: Data, path: string[], depth: number): Data {
  const name = path[depth];
  const index = (struct.type as DataType & { children: { name: string }[] }).children.findIndex(
    (child) => child.name === name,
  );
  if (index < 0) {
    throw new KernelError(
      'MISSING_COLUMN',
      `Struct column '${path.slice(0, depth).join('.')}' has no field '${name}', which the plan reads`,
    );
  }
  return struct.children[index] as Data;
}

/** Reads a primitive column's values; nulls inside lists become NaN, or 0 for bools. */
function primitiveValues(data: Data, path: string[], inList: boolean, parent?: Data): ValueArray {
  let values: ValueArray;
  if (DataType.isBool(data.type)) values = unpackBits(data);
  else if (DataType.isInt(data.type) && data.type.bitWidth === 64)
    values = Float64Array.from(data.values as BigInt64Array, Number);
  else if (DataType.isInt(data.type) || DataType.isFloat(data.type))
    values = data.values as ValueArray;
  else
    throw new KernelError(
      'INVALID_BATCH',
      `Column '${path.join('.')}' has Arrow type ${String(data.type)}, which a kernel cannot read`,
    );

  if (inList && (data.nullCount > 0 || (parent?.nullCount ?? 0) > 0)) {
    values = withMissingValues(values, data, parent, DataType.isBool(data.type));
  }
  return values;
}

function unpackBits(data: Data): Uint8Array {
  const bits = data.values as Uint8Array;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const bit = data.offset + i;
    out[i] = (bits[bit >> 3] >> (bit & 7)) & 1;
  }
  return out;
}

function withMissingValues(
  values: ValueArray,
  data: Data,
  parent: Data | undefined,
  isBool: boolean,
): ValueArray {
  const out = isBool ? Uint8Array.from(values) : Float64Array.from(values);
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i) || (parent !== undefined && !parent.getValid(i)))
      out[i] = isBool ? 0 : NaN;
  }
  return out;
}

function markNulls(data: Data, skip: { mask: Uint8Array | null }, length: number): void {
  if (data.nullCount <= 0) return;
  skip.mask ??= new Uint8Array(length);
  for (let i = 0; i < length; i++) if (!data.getValid(i)) skip.mask[i] = 1;
}

function collectionOffsets(
  name: string,
  columns: string[][],
  leaves: Leaf[],
  view: DatasetView,
): Int32Array {
  const collection = view.collections.get(name);
  const members = new Set(
    [...(collection?.fields.values() ?? [])].map((leaf) => leaf.path.join('\u0000')),
  );
  const planned = columns
    .map((path, k) => ({ path, leaf: leaves[k] }))
    .filter(({ path }) => members.has(path.join('\u0000')));
  const first = planned[0].leaf.offsets as Int32Array;

  for (const other of planned.slice(1)) {
    const offsets = other.leaf.offsets as Int32Array;
    if (offsets === first || sameBytes(offsets, first)) continue;
    for (let i = 0; i < first.length; i++) {
      if (offsets[i] !== first[i]) {
        const event = Math.max(0, i - 1);
        throw new KernelError(
          'LENGTH_MISMATCH',
          `Lists '${planned[0].path.join('.')}' and '${other.path.join('.')}' of collection '${name}' ` +
            `differ in length in event ${event} of the batch; every list of a collection needs one length per event`,
        );
      }
    }
  }
  return first;
}

/** Compares two offset arrays with one memcmp, far faster than a JavaScript loop. */
function sameBytes(a: Int32Array, b: Int32Array): boolean {
  const left = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  return left.equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
