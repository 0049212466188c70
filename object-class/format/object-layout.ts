import { DataType, Type, type Field, type Schema } from 'apache-arrow';

/**
 * Position of one schema field in every record batch of an Arrow IPC file: the index of its field
 * node and the indexes of the body buffers it owns. Fields are numbered depth-first in schema
 * order, which is the order of the `nodes` and `buffers` lists of a record batch message.
 */
export interface FieldLayout {
  field: Field;
  /** Column path from the top-level column: struct field names, with list levels left out. */
  path: string[];
  nodeIndex: number;
  /** Indexes of this field's own buffers, excluding its children's. */
  bufferIndexes: number[];
  children: FieldLayout[];
  parent: FieldLayout | null;
}

/** The field layouts of a whole schema with the node and buffer counts of each record batch. */
export interface SchemaLayout {
  fields: FieldLayout[];
  nodeCount: number;
  bufferCount: number;
}

/**
 * Computes the field layout of a schema (Arrow columnar format, metadata version 5).
 * Throws TypeError for view types and run-end-encoded columns, whose buffer counts vary per batch.
 */
export function layoutSchema(schema: Schema): SchemaLayout {
  const counter = { nodeCount: 0, bufferCount: 0 };
  const fields = schema.fields.map((field) => layoutField(field, [field.name], null, counter));
  return { fields, ...counter };
}

function layoutField(
  field: Field,
  path: string[],
  parent: FieldLayout | null,
  counter: { nodeCount: number; bufferCount: number },
): FieldLayout {
  const ownBufferCount = bufferCountOf(field.type, path);
  const bufferIndexes = Array.from({ length: ownBufferCount }, (_, i) => counter.bufferCount + i);
  const layout: FieldLayout = {
    field,
    path,
    nodeIndex: counter.nodeCount,
    bufferIndexes,
    children: [],
    parent,
  };
  counter.nodeCount += 1;
  counter.bufferCount += ownBufferCount;

  const childFields: Field[] = field.type.children ?? [];
  for (const child of childFields) {
    const childPath = isStructLike(field.type) ? [...path, child.name] : path;
    layout.children.push(layoutField(child, childPath, layout, counter));
  }
  return layout;
}

/**
 * Returns the number of buffers a field of this type owns, not counting its children: the
 * validity bitmap first, then offsets and values as the type requires.
 */
export function bufferCountOf(type: DataType, path: string[]): number {
  switch (type.typeId) {
    case Type.Null:
      return 0;
    case Type.Struct:
    case Type.FixedSizeList:
      return 1;
    case Type.Union:
      // Sparse unions hold a type-id buffer, dense unions also an offsets buffer (no validity).
      return DataType.isDenseUnion(type) ? 2 : 1;
    case Type.Binary:
    case Type.Utf8:
    case Type.LargeBinary:
    case Type.LargeUtf8:
      return 3;
    case Type.Int:
    case Type.Float:
    case Type.Bool:
    case Type.Decimal:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Interval:
    case Type.Duration:
    case Type.FixedSizeBinary:
    case Type.Dictionary:
      // Validity bitmap and values: fixed-width values, packed bits or dictionary indexes.
      return 2;
    case Type.List:
    case Type.LargeList:
    case Type.Map:
      // Validity bitmap and offsets into the child's values.
      return 2;
  }
  throw new TypeError(
    `Column '${path.join('.')}' has Arrow type ${String(type)}, whose buffer layout is not ` +
      'supported; rewrite the object with plain list, string or fixed-width columns',
  );
}

/** Returns whether a type's children are named fields that a column path can select. */
export function isStructLike(type: DataType): boolean {
  return type.typeId === Type.Struct;
}

/** Returns whether a reader can keep some children of this type and drop the others. */
export function isPrunable(type: DataType): boolean {
  return (
    type.typeId === Type.Struct ||
    type.typeId === Type.List ||
    type.typeId === Type.LargeList ||
    type.typeId === Type.FixedSizeList
  );
}

/**
 * Returns the leaves under a field: fields that hold values (numbers, strings, booleans) and
 * fields whose children a reader cannot prune (maps, unions), which count as one leaf.
 */
export function leafLayouts(layout: FieldLayout): FieldLayout[] {
  if (!isPrunable(layout.field.type) || layout.children.length === 0) return [layout];
  return layout.children.flatMap(leafLayouts);
}

/** Returns the dotted name of a leaf, such as `MET_pt`, `Jet.pt` or `MET.pt`. */
export function leafName(layout: FieldLayout): string {
  return layout.path.join('.');
}

/** Returns the buffer indexes of a field and all its descendants in ascending order. */
export function subtreeBufferIndexes(layout: FieldLayout): number[] {
  return [...layout.bufferIndexes, ...layout.children.flatMap(subtreeBufferIndexes)];
}

/**
 * Returns the buffer indexes a reader needs to decode a leaf: the buffers of its ancestors
 * (validity and offsets) followed by those of the leaf's subtree, in ascending order.
 */
export function leafBufferIndexes(leaf: FieldLayout): number[] {
  const ancestors: number[] = [];
  for (let node = leaf.parent; node !== null; node = node.parent) {
    ancestors.unshift(...node.bufferIndexes);
  }
  return [...ancestors, ...subtreeBufferIndexes(leaf)];
}
