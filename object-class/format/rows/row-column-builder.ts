import * as flatbuffers from 'flatbuffers';
import { makeData, type Data, type DataType, type Field } from 'apache-arrow';
import {
  BoolList,
  BoolValue,
  FloatList,
  FloatValue,
  IntList,
  IntValue,
  StringList,
  StringValue,
  StructValue,
  UIntList,
  UIntValue,
  Value,
  ValueList,
} from './generated/row-event_generated.js';
import { valueKind, type RowField, type ValueKind } from './row-schema.js';

/** Reads the table of one union value into the object passed in, as the generated code does. */
export type UnionReader = <T>(table: T) => T;

/** Raised by a builder when a stored value does not match the row object's schema. */
export class RowValueError extends Error {
  override name = 'RowValueError';
}

/** Accumulates the values of one column, read from row object unions, into Arrow buffers. */
export interface ColumnBuilder {
  append(type: Value, read: UnionReader): void;
  appendNull(): void;
  finish(): Data;
}

/** Creates the builder of a column or field, which finishes into Arrow `Data` of `field.type`. */
export function createColumnBuilder(field: Field, row: RowField): ColumnBuilder {
  const type = row.type;
  if (typeof type === 'string') return new PrimitiveBuilder(field.type, valueKind(type));
  if ('list' in type) {
    const element = field.type.children[0] as Field;
    return new ListBuilder(field.type, createColumnBuilder(element, type.list), type.list);
  }
  const children = field.type.children as Field[];
  return new StructBuilder(
    field.type,
    children.map((child, i) => createColumnBuilder(child, type.struct[i])),
  );
}

/** A validity bitmap that grows as values are appended. */
class Validity {
  bits = new Uint8Array(64);
  length = 0;
  nullCount = 0;

  push(valid: boolean): void {
    if (this.length >> 3 >= this.bits.length) this.bits = grow(this.bits, this.bits.length * 2);
    if (valid) this.bits[this.length >> 3] |= 1 << (this.length & 7);
    else this.nullCount += 1;
    this.length += 1;
  }

  bitmap(): Uint8Array | undefined {
    return this.nullCount === 0 ? undefined : this.bits.subarray(0, Math.ceil(this.length / 8));
  }
}

type NumberArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array;
type ValueArray = NumberArray | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

const SCALAR_TYPES: Record<ValueKind, Value> = {
  bool: Value.BoolValue,
  int: Value.IntValue,
  uint: Value.UIntValue,
  float: Value.FloatValue,
  string: Value.StringValue,
};

const LIST_TYPES: Record<ValueKind, Value> = {
  bool: Value.BoolList,
  int: Value.IntList,
  uint: Value.UIntList,
  float: Value.FloatList,
  string: Value.StringList,
};

/** Builds a primitive column into a typed array, or into offsets and bytes for utf8. */
class PrimitiveBuilder implements ColumnBuilder {
  private readonly validity = new Validity();
  private values: ValueArray | Uint8Array;
  private length = 0;
  private readonly isBigInt: boolean;
  private readonly strings: Uint8Array[] = [];

  constructor(
    private readonly type: DataType,
    private readonly kind: ValueKind,
  ) {
    const ArrayType = kind === 'bool' || kind === 'string' ? Uint8Array : type.ArrayType;
    this.values = new (ArrayType as new (length: number) => ValueArray)(64);
    this.isBigInt = this.values instanceof BigInt64Array || this.values instanceof BigUint64Array;
  }

  append(type: Value, read: UnionReader): void {
    if (type === Value.NullValue) return this.appendNull();
    if (type !== SCALAR_TYPES[this.kind]) throw mismatch(type, Value[SCALAR_TYPES[this.kind]]);
    this.validity.push(true);
    switch (this.kind) {
      case 'bool':
        return this.push(read(new BoolValue()).value() ? 1 : 0);
      case 'int':
        return this.push(read(new IntValue()).value());
      case 'uint':
        return this.push(read(new UIntValue()).value());
      case 'float':
        return this.push(read(new FloatValue()).value());
      case 'string':
        return this.pushString(read(new StringValue()).value(flatbuffers.Encoding.UTF8_BYTES));
    }
  }

  appendNull(): void {
    this.validity.push(false);
    if (this.kind === 'string') this.strings.push(new Uint8Array(0));
    else this.push(0);
  }

  /** Appends the elements of a stored list of primitives; `valid` empty means all valid. */
  appendList(type: Value, read: UnionReader): number {
    if (type !== LIST_TYPES[this.kind]) throw mismatch(type, Value[LIST_TYPES[this.kind]]);
    const list = readList(this.kind, read);
    const count = list.valuesLength();
    const valid = list.validArray();
    if (valid !== null && valid.length > 0 && valid.length !== count) {
      throw new RowValueError(`a list contains ${count} values but ${valid.length} validity flags`);
    }
    for (let i = 0; i < count; i++) {
      const isValid = valid === null || valid.length === 0 || valid[i] !== 0;
      this.validity.push(isValid);
      this.appendElement(list, i);
    }
    return count;
  }

  finish(): Data {
    const length = this.validity.length;
    const base = { type: this.type, length, nullCount: this.validity.nullCount };
    const nullBitmap = this.validity.bitmap();
    if (this.kind === 'string') return finishStrings(base, nullBitmap, this.strings);
    const values = this.values.subarray(0, this.length);
    const data = this.kind === 'bool' ? packBits(values as Uint8Array) : values;
    return makeAnyData({ ...base, nullBitmap, data });
  }

  private appendElement(list: PrimitiveList, index: number): void {
    if (this.kind === 'string') {
      const bytes = (list as StringList).values(index, flatbuffers.Encoding.UTF8_BYTES);
      return this.pushString(bytes);
    }
    const value = (list as IntList).values(index) as number | bigint | boolean | null;
    if (typeof value === 'boolean') this.push(value ? 1 : 0);
    else this.push(value ?? 0);
  }

  private push(value: number | bigint): void {
    if (this.length >= this.values.length) {
      this.values = grow(this.values, this.values.length * 2);
    }
    const stored = this.isBigInt ? BigInt(value) : Number(value);
    this.values[this.length] = stored as never;
    if (!Object.is(this.values[this.length], stored)) {
      throw new RowValueError(`value ${String(value)} does not fit the column type ${this.type}`);
    }
    this.length += 1;
  }

  private pushString(bytes: string | Uint8Array | null): void {
    if (!(bytes instanceof Uint8Array)) throw new RowValueError('a string value is missing');
    this.strings.push(bytes);
  }
}

type PrimitiveList = BoolList | IntList | UIntList | FloatList | StringList;

function readList(kind: ValueKind, read: UnionReader): PrimitiveList {
  switch (kind) {
    case 'bool':
      return read(new BoolList());
    case 'int':
      return read(new IntList());
    case 'uint':
      return read(new UIntList());
    case 'float':
      return read(new FloatList());
    case 'string':
      return read(new StringList());
  }
}

/** Builds a list column: offsets into the child column, which its own builder fills. */
class ListBuilder implements ColumnBuilder {
  private readonly validity = new Validity();
  private offsets = new Int32Array(64);
  private readonly primitive: boolean;

  constructor(
    private readonly type: DataType,
    private readonly child: ColumnBuilder,
    element: RowField,
  ) {
    this.primitive = typeof element.type === 'string';
  }

  append(type: Value, read: UnionReader): void {
    if (type === Value.NullValue) return this.appendNull();
    let count: number;
    if (this.primitive) {
      count = (this.child as PrimitiveBuilder).appendList(type, read);
    } else {
      if (type !== Value.ValueList) throw mismatch(type, 'ValueList');
      const list = read(new ValueList());
      count = list.itemsLength();
      appendUnionVector(
        this.child,
        count,
        list.itemsTypeLength(),
        (i) => list.itemsType(i),
        (i) => (table) => list.items(i, table),
      );
    }
    this.validity.push(true);
    this.pushOffset(count);
  }

  appendNull(): void {
    this.validity.push(false);
    this.pushOffset(0);
  }

  finish(): Data {
    const length = this.validity.length;
    return makeAnyData({
      type: this.type,
      length,
      nullCount: this.validity.nullCount,
      nullBitmap: this.validity.bitmap(),
      valueOffsets: this.offsets.subarray(0, length + 1),
      child: this.child.finish(),
    });
  }

  private pushOffset(count: number): void {
    const index = this.validity.length;
    if (index >= this.offsets.length) this.offsets = grow(this.offsets, this.offsets.length * 2);
    this.offsets[index] = this.offsets[index - 1] + count;
  }
}

/** Builds a struct column; every child builder gets one entry per struct row, null or not. */
class StructBuilder implements ColumnBuilder {
  private readonly validity = new Validity();

  constructor(
    private readonly type: DataType,
    private readonly children: ColumnBuilder[],
  ) {}

  append(type: Value, read: UnionReader): void {
    if (type === Value.NullValue) return this.appendNull();
    if (type !== Value.StructValue) throw mismatch(type, 'StructValue');
    const value = read(new StructValue());
    const count = value.fieldsLength();
    if (count !== this.children.length || value.fieldsTypeLength() !== count) {
      throw new RowValueError(
        `a struct contains ${count} fields, expected ${this.children.length}`,
      );
    }
    this.children.forEach((child, i) =>
      child.append(value.fieldsType(i) ?? Value.NONE, (table) => value.fields(i, table)),
    );
    this.validity.push(true);
  }

  appendNull(): void {
    this.validity.push(false);
    for (const child of this.children) child.appendNull();
  }

  finish(): Data {
    return makeAnyData({
      type: this.type,
      length: this.validity.length,
      nullCount: this.validity.nullCount,
      nullBitmap: this.validity.bitmap(),
      children: this.children.map((child) => child.finish()),
    });
  }
}

/** Appends the entries of a vector of unions to a builder, checking the two vectors match. */
function appendUnionVector(
  builder: ColumnBuilder,
  count: number,
  typeCount: number,
  typeAt: (index: number) => Value | null,
  readerAt: (index: number) => UnionReader,
): void {
  if (typeCount !== count) {
    throw new RowValueError(`a value vector contains ${count} values but ${typeCount} types`);
  }
  for (let i = 0; i < count; i++) builder.append(typeAt(i) ?? Value.NONE, readerAt(i));
}

function mismatch(type: Value, expected: string): RowValueError {
  const found = Value[type] ?? `union type ${type}`;
  return new RowValueError(`a value of type ${found} is stored where ${expected} is expected`);
}

type DataProps = Record<string, unknown> & { type: DataType; length: number };
const makeAnyData = makeData as unknown as (props: DataProps) => Data;

function finishStrings(
  base: { type: DataType; length: number; nullCount: number },
  nullBitmap: Uint8Array | undefined,
  strings: Uint8Array[],
): Data {
  const valueOffsets = new Int32Array(strings.length + 1);
  let total = 0;
  strings.forEach((bytes, i) => (valueOffsets[i + 1] = total += bytes.length));
  const data = new Uint8Array(total);
  strings.forEach((bytes, i) => data.set(bytes, valueOffsets[i]));
  return makeAnyData({ ...base, nullBitmap, valueOffsets, data });
}

function packBits(flags: Uint8Array): Uint8Array {
  const bits = new Uint8Array(Math.ceil(flags.length / 8));
  for (let i = 0; i < flags.length; i++) if (flags[i]) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

function grow<T extends ValueArray | Uint8Array>(array: T, length: number): T {
  const grown = new (array.constructor as new (length: number) => T)(length);
  grown.set(array as never);
  return grown;
}
