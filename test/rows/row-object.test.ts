import {
  Bool,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  List,
  Struct,
  Table,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { ObjectCorruptError } from '../../object-class/format/object-corrupt-error.js';
import {
  decodeRowObject,
  encodeRowObject,
  type RowObjectInfo,
} from '../../object-class/format/rows/row-object.js';
import { generateEvents } from '../../client/io/event-generator.js';

const field = (name: string, type: DataType) => new Field(name, type, true);

/** Values of every primitive type, with a null in each column. */
const PRIMITIVES: [string, DataType, unknown[]][] = [
  ['b', new Bool(), [true, null, false, true]],
  ['i8', new Int8(), [-128, 127, null, 0]],
  ['i16', new Int16(), [-32768, 32767, null, 1]],
  ['i32', new Int32(), [-2147483648, 2147483647, null, 5]],
  ['i64', new Int64(), [-(2n ** 63n), 2n ** 63n - 1n, null, 7n]],
  ['u8', new Uint8(), [0, 255, null, 3]],
  ['u16', new Uint16(), [0, 65535, null, 4]],
  ['u32', new Uint32(), [0, 4294967295, null, 6]],
  ['u64', new Uint64(), [0n, 2n ** 64n - 1n, null, 8n]],
  ['f32', new Float32(), [1.5, -0, null, Number.NaN]],
  ['f64', new Float64(), [Math.PI, -1e300, null, Number.POSITIVE_INFINITY]],
  ['s', new Utf8(), ['', 'événement', null, 'μ']],
];

function primitiveTable(): Table {
  const columns: Record<string, Vector> = {};
  for (const [name, type, values] of PRIMITIVES) columns[name] = vectorFromArray(values, type);
  return new Table(columns);
}

function nestedTable(): Table {
  const jet = new Struct([field('pt', new Float32()), field('id', new Int32())]);
  const jets = [
    [
      { pt: 1.5, id: 1 },
      { pt: null, id: 2 },
    ],
    [],
    null,
    [{ pt: 4, id: null }],
  ];
  const met = new Struct([
    field('pt', new Float64()),
    field('tags', new List(field('x', new Utf8()))),
  ]);
  return new Table({
    floats: vectorFromArray([[1, null, 3], [], null, [4]], new List(field('item', new Float32()))),
    longs: vectorFromArray(
      [[1n, -2n], null, [], [2n ** 62n]],
      new List(field('item', new Int64())),
    ),
    flags: vectorFromArray([[true, false], [null], [], null], new List(field('item', new Bool()))),
    words: vectorFromArray([['a', null], [], null, ['b']], new List(field('item', new Utf8()))),
    nested: vectorFromArray(
      [[[1], [2, 3]], [[]], null, [null, [4]]],
      new List(field('item', new List(field('item', new Uint16())))),
    ),
    Jet: vectorFromArray(jets, new List(field('item', jet))),
    MET: vectorFromArray(
      [{ pt: 1, tags: ['x'] }, null, { pt: null, tags: null }, { pt: 2, tags: [] }],
      met,
    ),
  });
}

/** Rows as JSON-comparable values: bigints as strings, NaN and -0 spelled out. */
function rows(table: Table): unknown[] {
  return JSON.parse(
    JSON.stringify(table.toArray(), (_, value) => {
      if (typeof value === 'bigint') return `${value}n`;
      if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
      if (Object.is(value, -0)) return '-0';
      return value;
    }),
  );
}

describe('row object round trip', () => {
  it('keeps every primitive type and nulls', () => {
    const table = primitiveTable();
    const { bytes, info } = encodeRowObject(table);
    const decoded = decodeRowObject(bytes, info, 'primitives');
    expect(decoded.schema.fields.map((f) => String(f.type))).toEqual(
      table.schema.fields.map((f) => String(f.type)),
    );
    expect(rows(decoded)).toEqual(rows(table));
    expect(info.eventCount).toBe(4);
    expect(info.byteSize).toBe(bytes.length);
    expect(info.statistics.i32).toEqual({
      min: -2147483648,
      max: 2147483647,
      nullCount: 1,
      valueCount: 4,
    });
  });

  it('keeps lists, structs, nulls and empty lists', () => {
    const table = nestedTable();
    const { bytes, info } = encodeRowObject(table);
    const decoded = decodeRowObject(bytes, info, 'nested');
    expect(String(decoded.schema.fields[5].type)).toBe(String(table.schema.fields[5].type));
    expect(rows(decoded)).toEqual(rows(table));
  });

  it('keeps sliced multi-batch tables in order', () => {
    const table = generateEvents({ events: 300, seed: 7, layout: 'nested', batchEvents: 64 });
    const slice = table.slice(37, 251);
    const { bytes, info } = encodeRowObject(slice);
    const decoded = decodeRowObject(bytes, info, 'slice');
    expect(decoded.numRows).toBe(214);
    expect(rows(decoded)).toEqual(rows(slice));
  });

  it('keeps the flat generated layout', () => {
    const table = generateEvents({ events: 200, seed: 3, layout: 'flat' });
    const { bytes } = encodeRowObject(table);
    expect(rows(decodeRowObject(bytes))).toEqual(rows(table));
  });

  it('encodes an empty table', () => {
    const table = primitiveTable().slice(0, 0);
    const { bytes, info } = encodeRowObject(table);
    const decoded = decodeRowObject(bytes, info);
    expect(decoded.numRows).toBe(0);
    expect(decoded.schema.fields.length).toBe(PRIMITIVES.length);
  });

  it('decodes from an unaligned buffer', () => {
    const { bytes, info } = encodeRowObject(nestedTable());
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const decoded = decodeRowObject(shifted.subarray(3), info);
    expect(rows(decoded)).toEqual(rows(nestedTable()));
  });
});

describe('row object corruption', () => {
  const { bytes, info } = encodeRowObject(nestedTable());

  function decodeError(data: Uint8Array, expected: RowObjectInfo | undefined): ObjectCorruptError {
    try {
      decodeRowObject(data, expected, 'datasets/d/objects/x.rows');
    } catch (error) {
      expect(error).toBeInstanceOf(ObjectCorruptError);
      return error as ObjectCorruptError;
    }
    throw new Error('decodeRowObject accepted damaged bytes');
  }

  it('rejects a truncated object', () => {
    const error = decodeError(bytes.subarray(0, bytes.length - 10), info);
    expect(error.code).toBe('TRUNCATED');
    expect(error.message).toContain("'datasets/d/objects/x.rows'");
  });

  it('rejects a flipped byte', () => {
    const damaged = bytes.slice();
    damaged[damaged.length >> 1] ^= 0x40;
    expect(decodeError(damaged, info).code).toBe('SHA256_MISMATCH');
  });

  it('rejects a longer object', () => {
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    expect(decodeError(longer, info).code).toBe('SIZE_MISMATCH');
  });

  it('rejects bytes that are not a row object', () => {
    const other = new TextEncoder().encode('PAR1 this is no row object at all');
    expect(decodeError(other, undefined).code).toBe('BAD_MAGIC');
  });

  it('rejects a wrong event count', () => {
    expect(decodeError(bytes, { ...info, eventCount: 5 }).code).toBe('INVALID_METADATA');
  });

  it('raises only ObjectCorruptError without manifest info', () => {
    for (let i = 8; i < bytes.length; i += 11) {
      const damaged = bytes.slice();
      damaged[i] ^= 0xff;
      try {
        const decoded = decodeRowObject(damaged, undefined, 'x');
        expect(decoded.numRows).toBeGreaterThanOrEqual(0);
      } catch (error) {
        expect(error, `byte ${i}`).toBeInstanceOf(ObjectCorruptError);
      }
    }
  });
});
