import { DataType, makeData, RecordBatch, Struct, type Data } from 'apache-arrow';

/**
 * Returns one record batch holding the rows of `batch` `times` times over, built by copying
 * buffers: list offsets are shifted per copy and bit-packed buffers are copied bit by bit.
 * Supports the column types of NanoAOD-like tables: numbers, bools, strings, and lists and
 * structs of them. Throws TypeError for other types.
 */
export function repeatBatch(batch: RecordBatch, times: number): RecordBatch {
  if (!Number.isSafeInteger(times) || times < 1) {
    throw new RangeError(`Invalid repeat count ${times}: expected a positive integer`);
  }
  const type = new Struct(batch.schema.fields);
  const children = batch.data.children.map((child) => repeatData(child, times));
  const data = makeData({ type, length: batch.numRows * times, children });
  return new RecordBatch(batch.schema, data);
}

function repeatData(data: Data, times: number): Data {
  const { type, length } = data;
  const nullCount = data.nullCount;
  const nullBitmap =
    nullCount === 0 ? undefined : repeatBits(data.nullBitmap, data.offset, length, times);
  const common = { length: length * times, nullCount: nullCount * times, nullBitmap };

  if (DataType.isInt(type) || DataType.isFloat(type)) {
    return makeData({ type, ...common, data: repeatValues(data, times) } as never);
  }
  if (DataType.isBool(type)) {
    return makeData({ type, ...common, data: repeatBits(data.values, data.offset, length, times) });
  }
  if (DataType.isList(type)) {
    const { offsets, first, end } = repeatOffsets(data, times);
    const child = repeatData(data.children[0].slice(first, end - first), times);
    return makeData({ type, ...common, valueOffsets: offsets, child });
  }
  if (DataType.isUtf8(type)) {
    const { offsets, first, end } = repeatOffsets(data, times);
    const bytes = repeatArray((data.values as Uint8Array).subarray(first, end), times);
    return makeData({ type, ...common, valueOffsets: offsets, data: bytes });
  }
  if (DataType.isStruct(type)) {
    // Arrow slices the children of a struct together with it, so child row i is struct row i.
    const children = data.children.map((child) => repeatData(child, times));
    return makeData({ type, ...common, children });
  }
  throw new TypeError(
    `Cannot repeat a column of Arrow type ${String(type)}; repeat only numbers, bools, strings, lists and structs`,
  );
}

/** Copies the value buffer of a fixed-width column `times` times. */
function repeatValues(data: Data, times: number) {
  const stride = (data.type as { stride?: number }).stride ?? 1;
  const values = data.values as unknown as { subarray(a: number, b: number): ArrayLike<number> };
  return repeatArray(
    values.subarray(data.offset * stride, (data.offset + data.length) * stride),
    times,
  );
}

function repeatArray<T extends ArrayLike<number> & { constructor: unknown }>(
  values: T,
  times: number,
): T {
  const Ctor = values.constructor as new (length: number) => T & { set(a: T, at: number): void };
  const out = new Ctor(values.length * times);
  for (let copy = 0; copy < times; copy++) out.set(values, copy * values.length);
  return out;
}

/** Repeats list or string offsets, shifting each copy by the length of the values it spans. */
function repeatOffsets(
  data: Data,
  times: number,
): { offsets: Int32Array; first: number; end: number } {
  const source = data.valueOffsets as Int32Array;
  const first = source[data.offset];
  const end = source[data.offset + data.length];
  const offsets = new Int32Array(data.length * times + 1);
  for (let copy = 0; copy < times; copy++) {
    const shift = copy * (end - first) - first;
    for (let row = 0; row < data.length; row++) {
      offsets[copy * data.length + row] = source[data.offset + row] + shift;
    }
  }
  offsets[data.length * times] = times * (end - first);
  return { offsets, first, end };
}

/** Copies `length` bits starting at bit `offset`, `times` times, into a new bit-packed buffer. */
function repeatBits(bits: Uint8Array, offset: number, length: number, times: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((length * times) / 8));
  for (let copy = 0; copy < times; copy++) {
    for (let i = 0; i < length; i++) {
      const from = offset + i;
      if ((bits[from >> 3] >> (from & 7)) & 1) {
        const to = copy * length + i;
        out[to >> 3] |= 1 << (to & 7);
      }
    }
  }
  return out;
}
