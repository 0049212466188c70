import {
  Bool,
  DataType,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Schema,
  Struct,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from 'apache-arrow';
import {
  datasetSchemaFromArrow,
  type ColumnType,
  type PrimitiveTypeName,
} from '../../dataset/schema.js';
import { MAX_SCHEMA_DEPTH } from '../../dataset/validate-manifest.js';

/** Type of a row object column or field: a primitive name, a list or a struct. */
export type RowType = PrimitiveTypeName | { list: RowField } | { struct: RowField[] };

/**
 * One field of the schema stored in a row object as JSON. It keeps what the dataset schema
 * leaves out and Arrow needs to rebuild the same table: nullability and list element names.
 */
export interface RowField {
  name: string;
  nullable: boolean;
  type: RowType;
}

/** Storage kind of a primitive in a row object; see `row-event.fbs`. */
export type ValueKind = 'bool' | 'int' | 'uint' | 'float' | 'string';

const ARROW_TYPES: Record<PrimitiveTypeName, () => DataType> = {
  bool: () => new Bool(),
  int8: () => new Int8(),
  int16: () => new Int16(),
  int32: () => new Int32(),
  int64: () => new Int64(),
  uint8: () => new Uint8(),
  uint16: () => new Uint16(),
  uint32: () => new Uint32(),
  uint64: () => new Uint64(),
  float32: () => new Float32(),
  float64: () => new Float64(),
  utf8: () => new Utf8(),
};

/**
 * Describes an Arrow schema as row object fields. Throws TypeError for column types skysift
 * cannot scan, as `datasetSchemaFromArrow` does.
 */
export function rowFieldsFromArrow(schema: Schema): RowField[] {
  const dataset = datasetSchemaFromArrow(schema);
  return schema.fields.map((field, i) => rowFieldFromArrow(field, dataset.fields[i].type));
}

function rowFieldFromArrow(field: Field, type: ColumnType): RowField {
  const base = { name: field.name, nullable: field.nullable };
  switch (type.kind) {
    case 'primitive':
      return { ...base, type: type.name };
    case 'list': {
      const element = field.type.children[0] as Field;
      return { ...base, type: { list: rowFieldFromArrow(element, type.element) } };
    }
    case 'struct': {
      const children = field.type.children as Field[];
      const fields = children.map((child, i) => rowFieldFromArrow(child, type.fields[i].type));
      return { ...base, type: { struct: fields } };
    }
  }
}

/** Builds the Arrow field that a row object field describes. */
export function arrowField(field: RowField): Field {
  return new Field(field.name, arrowType(field.type), field.nullable);
}

/** Builds the Arrow schema that row object fields describe. */
export function arrowSchema(fields: RowField[]): Schema {
  return new Schema(fields.map(arrowField));
}

function arrowType(type: RowType): DataType {
  if (typeof type === 'string') return ARROW_TYPES[type]();
  if ('list' in type) return new List(arrowField(type.list));
  return new Struct(type.struct.map(arrowField));
}

/** Returns how a primitive type is stored in a row object. */
export function valueKind(name: PrimitiveTypeName): ValueKind {
  if (name === 'bool') return 'bool';
  if (name === 'utf8') return 'string';
  if (name === 'float32' || name === 'float64') return 'float';
  return name.startsWith('uint') ? 'uint' : 'int';
}

/**
 * Checks the shape of the schema JSON read from a row object. Throws TypeError naming the path
 * of the first invalid field.
 */
export function validateRowFields(value: unknown, path = 'schema'): RowField[] {
  if (!Array.isArray(value)) throw new TypeError(`${path} is not an array of fields`);
  value.forEach((field, i) => validateRowField(field, `${path}[${i}]`, 1));
  return value as RowField[];
}

function validateRowField(value: unknown, path: string, depth: number): void {
  if (depth > MAX_SCHEMA_DEPTH)
    throw new TypeError(`${path} nests deeper than ${MAX_SCHEMA_DEPTH} levels`);
  const field = value as Partial<RowField> | null;
  if (typeof field !== 'object' || field === null || typeof field.name !== 'string') {
    throw new TypeError(`${path} is not a field with a string name`);
  }
  if (typeof field.nullable !== 'boolean') throw new TypeError(`${path}.nullable is not a boolean`);
  const type = field.type as unknown;
  if (typeof type === 'string') {
    if (!(type in ARROW_TYPES)) throw new TypeError(`${path}.type '${type}' is not a primitive`);
  } else if (typeof type === 'object' && type !== null && 'list' in type) {
    validateRowField(type.list, `${path}.type.list`, depth + 1);
  } else if (typeof type === 'object' && type !== null && 'struct' in type) {
    if (!Array.isArray(type.struct)) throw new TypeError(`${path}.type.struct is not an array`);
    type.struct.forEach((child, i) =>
      validateRowField(child, `${path}.type.struct[${i}]`, depth + 1),
    );
  } else {
    throw new TypeError(`${path}.type is not a primitive name, a list or a struct`);
  }
}
