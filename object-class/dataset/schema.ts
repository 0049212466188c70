import { DataType, type Field, type Schema } from 'apache-arrow';

/** Primitive value types a dataset column may hold. */
export type PrimitiveTypeName =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float32'
  | 'float64'
  | 'utf8';

/** Logical type of a dataset column, in a JSON-friendly form that travels in manifests and plans. */
export type ColumnType =
  | { kind: 'primitive'; name: PrimitiveTypeName }
  | { kind: 'list'; element: ColumnType }
  | { kind: 'struct'; fields: ColumnField[] };

/** A named column or struct field. */
export interface ColumnField {
  name: string;
  type: ColumnType;
}

/** Schema of a dataset: its top-level columns in storage order. */
export interface DatasetSchema {
  fields: ColumnField[];
}

/** Converts an Arrow schema to a dataset schema; rejects types skysift cannot scan. */
export function datasetSchemaFromArrow(schema: Schema): DatasetSchema {
  return { fields: schema.fields.map((field) => columnFieldFromArrow(field, field.name)) };
}

function columnFieldFromArrow(field: Field, path: string): ColumnField {
  return { name: field.name, type: columnTypeFromArrow(field.type, path) };
}

function columnTypeFromArrow(type: DataType, path: string): ColumnType {
  if (DataType.isBool(type)) return { kind: 'primitive', name: 'bool' };
  if (DataType.isInt(type)) {
    const name = `${type.isSigned ? 'int' : 'uint'}${type.bitWidth}` as PrimitiveTypeName;
    return { kind: 'primitive', name };
  }
  if (DataType.isFloat(type)) {
    // Arrow's Precision enum: 0 half, 1 single, 2 double.
    if (type.precision === 0) {
      throw new TypeError(
        `Column '${path}' has type float16, which skysift cannot scan; store it as float32`,
      );
    }
    return { kind: 'primitive', name: type.precision === 1 ? 'float32' : 'float64' };
  }
  if (DataType.isUtf8(type)) return { kind: 'primitive', name: 'utf8' };
  if (DataType.isList(type)) {
    return { kind: 'list', element: columnTypeFromArrow(type.children[0].type, `${path}[]`) };
  }
  if (DataType.isStruct(type)) {
    return {
      kind: 'struct',
      fields: type.children.map((child) => columnFieldFromArrow(child, `${path}.${child.name}`)),
    };
  }
  throw new TypeError(
    `Column '${path}' has Arrow type ${String(type)}, which skysift cannot scan; ` +
      'convert it to a number, bool, string, list or struct column before ingest',
  );
}

/** Renders a column type the way Arrow prints it, such as `list<float32>`. */
export function formatColumnType(type: ColumnType): string {
  switch (type.kind) {
    case 'primitive':
      return type.name;
    case 'list':
      return `list<${formatColumnType(type.element)}>`;
    case 'struct':
      return `struct<${type.fields.map((f) => `${f.name}: ${formatColumnType(f.type)}`).join(', ')}>`;
  }
}
