import * as flatbuffers from 'flatbuffers';
import { makeVector, type Data } from 'apache-arrow';
import {
  BoolList,
  BoolValue,
  FloatList,
  FloatValue,
  IntList,
  IntValue,
  NullValue,
  StringList,
  StringValue,
  StructValue,
  UIntList,
  UIntValue,
  Value,
  ValueList,
} from './generated/row-event_generated.js';
import type { PrimitiveTypeName } from '../../dataset/schema.js';
import { valueKind, type RowField } from './row-schema.js';

/** A value written to the builder: its union type and the offset of its table. */
export interface EncodedValue {
  type: Value;
  offset: flatbuffers.Offset;
}

/**
 * Writes the values of Arrow columns as FlatBuffers union values of `row-event.fbs`. Reads the
 * `Data` buffers directly, so a value costs no per-row Arrow `Vector` objects, except for utf8.
 */
export class RowValueEncoder {
  private readonly nullOffset: flatbuffers.Offset;

  constructor(private readonly builder: flatbuffers.Builder) {
    this.nullOffset = NullValue.createNullValue(builder);
  }

  /** Writes the value at `index` of a column of type `field.type` and returns its union entry. */
  encode(field: RowField, data: Data, index: number): EncodedValue {
    if (!data.getValid(index)) return { type: Value.NullValue, offset: this.nullOffset };
    const type = field.type;
    if (typeof type === 'string') return this.encodeScalar(type, data, index);
    if ('list' in type) return this.encodeList(type.list, data, index);
    return this.encodeStruct(type.struct, data, index);
  }

  /** Writes a vector of union values and returns the offsets of its type and value vectors. */
  encodeUnionVector(values: EncodedValue[]): { types: number; offsets: number } {
    const b = this.builder;
    b.startVector(1, values.length, 1);
    for (let i = values.length - 1; i >= 0; i--) b.addInt8(values[i].type);
    const types = b.endVector();
    b.startVector(4, values.length, 4);
    for (let i = values.length - 1; i >= 0; i--) b.addOffset(values[i].offset);
    return { types, offsets: b.endVector() };
  }

  private encodeScalar(type: PrimitiveTypeName, data: Data, index: number): EncodedValue {
    const b = this.builder;
    switch (valueKind(type)) {
      case 'bool':
        return {
          type: Value.BoolValue,
          offset: BoolValue.createBoolValue(b, readBool(data, index)),
        };
      case 'int':
        return {
          type: Value.IntValue,
          offset: IntValue.createIntValue(b, BigInt(data.values[index])),
        };
      case 'uint':
        return {
          type: Value.UIntValue,
          offset: UIntValue.createUIntValue(b, BigInt(data.values[index])),
        };
      case 'float':
        return { type: Value.FloatValue, offset: this.encodeFloat(Number(data.values[index])) };
      case 'string': {
        const text = b.createString(readString(data, index));
        return { type: Value.StringValue, offset: StringValue.createStringValue(b, text) };
      }
    }
  }

  /**
   * Writes a float even when it equals the default 0: the builder would leave out -0.0, which
   * compares equal to 0, and it would read back as +0.
   */
  private encodeFloat(value: number): flatbuffers.Offset {
    this.builder.forceDefaults(true);
    const offset = FloatValue.createFloatValue(this.builder, value);
    this.builder.forceDefaults(false);
    return offset;
  }

  private encodeList(element: RowField, data: Data, index: number): EncodedValue {
    const offsets = data.valueOffsets as Int32Array;
    const begin = offsets[index];
    const end = offsets[index + 1];
    const child = data.children[0] as Data;
    if (typeof element.type === 'string') {
      return this.encodePrimitiveList(element.type, child, begin, end);
    }
    const items: EncodedValue[] = [];
    for (let i = begin; i < end; i++) items.push(this.encode(element, child, i));
    const { types, offsets: values } = this.encodeUnionVector(items);
    return {
      type: Value.ValueList,
      offset: ValueList.createValueList(this.builder, types, values),
    };
  }

  private encodeStruct(fields: RowField[], data: Data, index: number): EncodedValue {
    const values = fields.map((field, i) => this.encode(field, data.children[i] as Data, index));
    const { types, offsets } = this.encodeUnionVector(values);
    return {
      type: Value.StructValue,
      offset: StructValue.createStructValue(this.builder, types, offsets),
    };
  }

  private encodePrimitiveList(type: PrimitiveTypeName, child: Data, begin: number, end: number) {
    const b = this.builder;
    const valid = this.encodeValidity(child, begin, end);
    switch (valueKind(type)) {
      case 'bool': {
        const values = Array.from({ length: end - begin }, (_, i) => readBool(child, begin + i));
        const vector = BoolList.createValuesVector(b, values);
        return { type: Value.BoolList, offset: BoolList.createBoolList(b, vector, valid) };
      }
      case 'int': {
        const vector = IntList.createValuesVector(b, bigints(child, begin, end));
        return { type: Value.IntList, offset: IntList.createIntList(b, vector, valid) };
      }
      case 'uint': {
        const vector = UIntList.createValuesVector(b, bigints(child, begin, end));
        return { type: Value.UIntList, offset: UIntList.createUIntList(b, vector, valid) };
      }
      case 'float': {
        const values = Float64Array.from(child.values.subarray(begin, end) as ArrayLike<number>);
        const vector = FloatList.createValuesVector(b, values);
        return { type: Value.FloatList, offset: FloatList.createFloatList(b, vector, valid) };
      }
      case 'string': {
        const strings = [];
        for (let i = begin; i < end; i++) strings.push(b.createString(readString(child, i)));
        const vector = StringList.createValuesVector(b, strings);
        return { type: Value.StringList, offset: StringList.createStringList(b, vector, valid) };
      }
    }
  }

  /** Writes the validity flags of list elements, or returns 0 (no vector) when all are valid. */
  private encodeValidity(child: Data, begin: number, end: number): flatbuffers.Offset {
    if (child.nullCount === 0) return 0;
    const flags = Array.from({ length: end - begin }, (_, i) => child.getValid(begin + i));
    if (flags.every(Boolean)) return 0;
    return BoolList.createValidVector(this.builder, flags);
  }
}

/** Reads a bool; Arrow keeps the bit-packed values buffer of a sliced column unsliced. */
function readBool(data: Data, index: number): boolean {
  const bit = data.offset + index;
  return ((data.values[bit >> 3] >> (bit & 7)) & 1) === 1;
}

function readString(data: Data, index: number): string {
  return (makeVector(data).get(index) as string | null) ?? '';
}

function bigints(data: Data, begin: number, end: number): bigint[] {
  const values = data.values as ArrayLike<number | bigint>;
  const result = new Array<bigint>(end - begin);
  for (let i = begin; i < end; i++) result[i - begin] = BigInt(values[i]);
  return result;
}
