import {
  DataType,
  FixedSizeList,
  LargeList,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Type,
  type Data,
  type Field,
} from 'apache-arrow';
import type { RecordBatch as RecordBatchHeader } from 'apache-arrow/ipc/metadata/message';
import { strideForType } from 'apache-arrow/type';
import { ObjectCorruptError } from './object-corrupt-error.js';
import type { FieldLayout, SchemaLayout } from './object-layout.js';

/** Returns the decoded, 8-byte aligned bytes of one body buffer of the batch being loaded. */
export type DecodedBuffer = (bufferIndex: number) => Uint8Array;

/** Input of `loadRecordBatch`: the object key, the record batch header and its buffers. */
export interface BatchSource {
  key: string;
  header: RecordBatchHeader;
  buffer: DecodedBuffer;
}

/** Loose props for `makeData`, whose typed overloads need the concrete type at compile time. */
type DataProps = Record<string, unknown> & { type: DataType; length: number };
const makeAnyData = makeData as unknown as (props: DataProps) => Data;

/**
 * Builds a record batch that contains only the selected fields, in schema order: the selected
 * top-level columns and, inside structs and lists of structs, the selected struct fields.
 */
export function loadRecordBatch(
  source: BatchSource,
  layout: SchemaLayout,
  selected: Set<FieldLayout>,
): RecordBatch {
  const loaded = layout.fields
    .filter((field) => selected.has(field))
    .map((field) => loadField(source, field, selected));

  const fields = loaded.map((column) => column.field);
  const data = makeAnyData({
    type: new Struct(fields),
    length: source.header.length,
    nullCount: 0,
    children: loaded.map((column) => column.data),
  });
  return new RecordBatch(new Schema(fields), data as Data<Struct>);
}

function loadField(
  source: BatchSource,
  layout: FieldLayout,
  selected: Set<FieldLayout>,
): { field: Field; data: Data } {
  const node = source.header.nodes[layout.nodeIndex];
  const buffer = (position: number): Uint8Array => source.buffer(layout.bufferIndexes[position]);
  const type = layout.field.type;
  const base = { length: node.length, nullCount: node.nullCount };
  if (type.typeId === Type.Null) {
    return { field: layout.field, data: makeAnyData({ type, ...base }) };
  }
  if (type.typeId === Type.Map || type.typeId === Type.Union || type.typeId === Type.Dictionary) {
    throw new TypeError(
      `Column '${layout.path.join('.')}' of object '${source.key}' has Arrow type ` +
        `${String(type)}, which the ranged reader cannot decode; read the whole object with ` +
        'readArrowObject instead',
    );
  }

  const nullBitmap = node.nullCount > 0 ? buffer(0) : undefined;
  if (nullBitmap !== undefined) {
    checkBufferSize(source.key, layout, nullBitmap, Math.ceil(node.length / 8), 'validity');
  }
  switch (type.typeId) {
    case Type.Struct:
      return loadStructField(source, layout, selected, nullBitmap);
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList:
      return loadListField(source, layout, selected, nullBitmap);
    case Type.Binary:
    case Type.Utf8:
    case Type.LargeBinary:
    case Type.LargeUtf8: {
      const valueOffsets = buffer(1);
      const values = buffer(2);
      checkOffsets(source.key, layout, valueOffsets, node.length, values.byteLength);
      const props = { type, ...base, nullBitmap, valueOffsets, data: values };
      return { field: layout.field, data: makeAnyData(props) };
    }
    default: {
      const values = buffer(1);
      checkBufferSize(source.key, layout, values, fixedWidthBytes(type, node.length), 'values');
      return {
        field: layout.field,
        data: makeAnyData({ type, ...base, nullBitmap, data: values }),
      };
    }
  }
}

function loadStructField(
  source: BatchSource,
  layout: FieldLayout,
  selected: Set<FieldLayout>,
  nullBitmap: Uint8Array | undefined,
): { field: Field; data: Data } {
  const node = source.header.nodes[layout.nodeIndex];
  const children = layout.children
    .filter((child) => selected.has(child))
    .map((child) => loadField(source, child, selected));

  const prunedType = new Struct(children.map((child) => child.field));
  const data = makeAnyData({
    type: prunedType,
    length: node.length,
    nullCount: node.nullCount,
    nullBitmap,
    children: children.map((child) => child.data),
  });
  return { field: layout.field.clone({ type: prunedType }), data };
}

function loadListField(
  source: BatchSource,
  layout: FieldLayout,
  selected: Set<FieldLayout>,
  nullBitmap: Uint8Array | undefined,
): { field: Field; data: Data } {
  const node = source.header.nodes[layout.nodeIndex];
  const type = layout.field.type;
  const child = loadField(source, layout.children[0], selected);

  let prunedType: DataType;
  let valueOffsets: Uint8Array | undefined;
  if (DataType.isFixedSizeList(type)) {
    prunedType = new FixedSizeList(type.listSize, child.field);
  } else {
    prunedType = DataType.isLargeList(type) ? new LargeList(child.field) : new List(child.field);
    valueOffsets = source.buffer(layout.bufferIndexes[1]);
    checkOffsets(source.key, layout, valueOffsets, node.length, child.data.length);
  }

  const data = makeAnyData({
    type: prunedType,
    length: node.length,
    nullCount: node.nullCount,
    nullBitmap,
    valueOffsets,
    child: child.data,
  });
  return { field: layout.field.clone({ type: prunedType }), data };
}

/** Returns the bytes of a fixed-width values buffer: packed bits for booleans. */
function fixedWidthBytes(type: DataType, length: number): number {
  if (DataType.isBool(type)) return Math.ceil(length / 8);
  return length * strideForType(type) * type.ArrayType.BYTES_PER_ELEMENT;
}

function checkBufferSize(
  key: string,
  layout: FieldLayout,
  bytes: Uint8Array,
  expectedBytes: number,
  buffer: string,
): void {
  if (bytes.byteLength < expectedBytes) {
    const reason = `its ${buffer} buffer contains ${bytes.byteLength} bytes, expected ${expectedBytes}`;
    throw invalidBuffer(key, layout, reason);
  }
}

/**
 * Rejects an offsets buffer that is too short for the entries or whose last offset points past
 * the end of the values (string bytes or the child's entries).
 */
function checkOffsets(
  key: string,
  layout: FieldLayout,
  offsets: Uint8Array,
  length: number,
  valueCount: number,
): void {
  if (length === 0) return;
  const type = layout.field.type;
  const large =
    DataType.isLargeList(type) || DataType.isLargeUtf8(type) || DataType.isLargeBinary(type);
  const offsetBytes = large ? 8 : 4;
  checkBufferSize(key, layout, offsets, (length + 1) * offsetBytes, 'offsets');

  const view = new DataView(offsets.buffer, offsets.byteOffset, offsets.byteLength);
  const last = large
    ? Number(view.getBigInt64(length * offsetBytes, true))
    : view.getInt32(length * offsetBytes, true);
  if (last < 0 || last > valueCount) {
    throw invalidBuffer(key, layout, `its last offset ${last} exceeds the ${valueCount} values`);
  }
}

function invalidBuffer(key: string, layout: FieldLayout, reason: string): ObjectCorruptError {
  const name = layout.path.join('.');
  return new ObjectCorruptError('INVALID_METADATA', key, `column '${name}' is invalid: ${reason}`);
}
