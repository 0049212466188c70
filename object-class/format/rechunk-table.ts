import {
  makeBuilder,
  makeData,
  RecordBatch,
  Struct,
  Vector,
  type Data,
  type Table,
} from 'apache-arrow';

/**
 * Splits a table into record batches of `batchEvents` rows; the last batch contains the rest.
 * A batch that spans record batches of the input is copied into new buffers, and a batch that
 * lies inside one input batch shares its buffers.
 */
export function rechunkTable(table: Table, batchEvents: number): RecordBatch[] {
  const batches: RecordBatch[] = [];
  for (let start = 0; start < table.numRows; start += batchEvents) {
    const end = Math.min(start + batchEvents, table.numRows);
    batches.push(sliceRows(table, start, end));
  }
  return batches;
}

/**
 * Splits a table into record batches of at most `batchEvents` rows without copying: a batch
 * never spans two input batches, so input batches smaller than `batchEvents` stay as they are.
 * Objects written this way can hold record batches of uneven sizes, which Arrow readers accept.
 */
export function splitTable(table: Table, batchEvents: number): RecordBatch[] {
  const batches: RecordBatch[] = [];
  for (const batch of table.batches) {
    for (let start = 0; start < batch.numRows; start += batchEvents) {
      batches.push(batch.slice(start, Math.min(start + batchEvents, batch.numRows)));
    }
  }
  return batches;
}

/** Returns rows `[start, end)` of a table as one record batch. */
function sliceRows(table: Table, start: number, end: number): RecordBatch {
  const pieces: RecordBatch[] = [];
  let batchStart = 0;
  for (const batch of table.batches) {
    const batchEnd = batchStart + batch.numRows;
    if (batchEnd > start && batchStart < end) {
      pieces.push(
        batch.slice(Math.max(start - batchStart, 0), Math.min(end, batchEnd) - batchStart),
      );
    }
    batchStart = batchEnd;
  }
  if (pieces.length === 1) return pieces[0];

  const children = table.schema.fields.map((_, column) =>
    concatData(pieces.map((piece) => piece.data.children[column])),
  );
  const type = new Struct(table.schema.fields);
  return new RecordBatch(table.schema, makeData({ type, length: end - start, children }));
}

/** Copies the values of several `Data` of one type into one new `Data`. */
function concatData(pieces: Data[]): Data {
  const builder = makeBuilder({ type: pieces[0].type, nullValues: [null, undefined] });
  for (const value of new Vector(pieces)) builder.append(toBuilderValue(value));
  return builder.finish().flush();
}

/**
 * Converts a value read from a vector to the form builders accept. List builders index their
 * input with `[]`, which a `Vector` does not support, so lists become arrays, and struct rows
 * become objects because their fields may hold lists.
 */
function toBuilderValue(value: unknown): unknown {
  if (value instanceof Vector) return Array.from(value, toBuilderValue);
  if (value !== null && typeof value === 'object' && 'toJSON' in value) {
    const row = (value as { toJSON(): Record<string, unknown> }).toJSON();
    return Object.fromEntries(
      Object.entries(row).map(([name, field]) => [name, toBuilderValue(field)]),
    );
  }
  return value;
}
