import {
  Bool,
  Field,
  Float64,
  Int64,
  List,
  makeData,
  makeVector,
  Table,
  type Data,
  type DataType,
  type Vector,
} from 'apache-arrow';
import type { RowColumn } from '../../transformers/planner/output-shape.js';
import type { QueryType } from '../../transformers/planner/query-type.js';
import { KernelError } from './kernel-error.js';

/** Initial capacity of a row column's value buffer. */
const INITIAL_CAPACITY = 1024;

/**
 * One column of row output under construction. Generated kernels call `push` for single values,
 * or `beginList`, `push` and `endList` for lists. Values are kept as float64 and converted on
 * `finish`: int columns become Int64, bool columns Bool.
 */
export class RowColumnBuilder {
  private values: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private length = 0;
  private offsets: Int32Array | undefined;
  private rows = 0;

  constructor(
    readonly name: string,
    readonly type: QueryType,
  ) {
    if (type.kind === 'sequence') this.offsets = new Int32Array(INITIAL_CAPACITY + 1);
  }

  /** Bytes of values and offsets stored so far. */
  get byteLength(): number {
    return this.length * 8 + (this.offsets ? this.rows * 4 : 0);
  }

  /** Appends one value. */
  push(value: number | boolean): void {
    if (this.length === this.values.length) this.values = growFloat(this.values);
    this.values[this.length++] = +value;
  }

  /** Starts a list row; a list column needs one per row. */
  beginList(): void {}

  /** Ends a list row. */
  endList(): void {
    let offsets = this.offsets as Int32Array;
    if (this.rows + 1 === offsets.length) {
      const larger = new Int32Array(offsets.length * 2);
      larger.set(offsets);
      offsets = this.offsets = larger;
    }
    offsets[++this.rows] = this.length;
  }

  /** Builds the Arrow vector of this column. */
  finish(): Vector {
    const elementType = this.type.kind === 'sequence' ? this.type.element : this.type;
    const values = leafData(elementType, this.values.subarray(0, this.length), this.name);
    if (!this.offsets) return makeVector(values);

    const type = new List(new Field('item', values.type, false));
    const valueOffsets = this.offsets.slice(0, this.rows + 1);
    return makeVector(
      makeData({ type, length: this.rows, nullCount: 0, valueOffsets, child: values }),
    );
  }
}

function growFloat(buffer: Float64Array): Float64Array {
  const larger = new Float64Array(buffer.length * 2);
  larger.set(buffer);
  return larger;
}

function leafData(type: QueryType, values: Float64Array, name: string): Data<DataType> {
  if (type.kind === 'bool') {
    const bits = new Uint8Array((values.length + 7) >> 3);
    values.forEach((value, i) => {
      if (value !== 0) bits[i >> 3] |= 1 << (i & 7);
    });
    return makeData({ type: new Bool(), length: values.length, nullCount: 0, data: bits });
  }
  if (type.kind === 'int') {
    const data = BigInt64Array.from(values, (value) => BigInt(checkInt64(value, name)));
    return makeData({ type: new Int64(), length: values.length, nullCount: 0, data });
  }
  return makeData({
    type: new Float64(),
    length: values.length,
    nullCount: 0,
    data: values.slice(),
  });
}

/** Bounds of the int64 range as doubles: -2^63 inclusive and 2^63 exclusive. */
const INT64_MIN = -(2 ** 63);
const INT64_MAX_EXCLUSIVE = 2 ** 63;

/**
 * Returns an int result as an integer, raising INT_OUT_OF_RANGE for values that an int64 cannot
 * hold: NaN and infinities from `//` or `%` by zero, and results of 2^63 or more in magnitude.
 */
function checkInt64(value: number, column: string): number {
  if (Number.isFinite(value) && value >= INT64_MIN && value < INT64_MAX_EXCLUSIVE) {
    return Math.trunc(value);
  }
  throw new KernelError(
    'INT_OUT_OF_RANGE',
    `Integer result ${value} in column '${column}' is outside the int64 range; ` +
      'check for division or modulo by zero, or convert to float with * 1.0',
  );
}

/** Creates the builders of a rows output. */
export function createRowBuilders(columns: RowColumn[]): RowColumnBuilder[] {
  return columns.map((column) => new RowColumnBuilder(column.name, column.type));
}

/** Builds the output table from finished builders. */
export function finishRows(builders: RowColumnBuilder[]): Table {
  // A null prototype keeps keys such as `__proto__` ordinary properties.
  const vectors: Record<string, Vector> = Object.create(null);
  for (const builder of builders) vectors[builder.name] = builder.finish();
  return new Table(vectors);
}
