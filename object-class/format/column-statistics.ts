import { DataType, type Data, type Table } from 'apache-arrow';
import type { ColumnStatistics } from './arrow-object-info.js';

/** Half-open index ranges `[start, end)` into one `Data`, flattened as start, end, start, end. */
type IndexRanges = number[];

/**
 * Computes the statistics of every leaf column of a table, keyed by leaf name (`MET_pt`,
 * `Jet.pt`, `MET.pt`). Lists are walked through their valid entries, structs through their
 * valid rows.
 */
export function computeColumnStatistics(table: Table): Record<string, ColumnStatistics> {
  const statistics: Record<string, ColumnStatistics> = {};
  for (const batch of table.batches) {
    batch.schema.fields.forEach((field, i) => {
      const data = batch.data.children[i];
      walkData(data, [0, data.length], field.name, statistics);
    });
  }
  return statistics;
}

function walkData(
  data: Data,
  ranges: IndexRanges,
  name: string,
  statistics: Record<string, ColumnStatistics>,
): void {
  const type = data.type;
  if (DataType.isStruct(type)) {
    const validRanges = keepValid(data, ranges);
    type.children.forEach((child, i) => {
      walkData(data.children[i], validRanges, `${name}.${child.name}`, statistics);
    });
  } else if (DataType.isList(type) || DataType.isLargeList(type)) {
    walkData(data.children[0], listChildRanges(data, keepValid(data, ranges)), name, statistics);
  } else if (DataType.isFixedSizeList(type)) {
    const size = type.listSize;
    const childRanges = keepValid(data, ranges).map((index) => index * size);
    walkData(data.children[0], childRanges, name, statistics);
  } else {
    accumulateLeaf(data, ranges, (statistics[name] ??= emptyStatistics(type)));
  }
}

function emptyStatistics(type: DataType): ColumnStatistics {
  const numeric = DataType.isInt(type) || DataType.isFloat(type);
  return numeric
    ? { min: null, max: null, nullCount: 0, valueCount: 0 }
    : { nullCount: 0, valueCount: 0 };
}

/** Narrows ranges to the indexes whose validity bit is set. */
function keepValid(data: Data, ranges: IndexRanges): IndexRanges {
  if (data.nullCount === 0) return ranges;
  const valid: IndexRanges = [];
  for (let r = 0; r < ranges.length; r += 2) {
    for (let i = ranges[r]; i < ranges[r + 1]; i += 1) {
      if (!data.getValid(i)) continue;
      if (valid.at(-1) === i) valid[valid.length - 1] = i + 1;
      else valid.push(i, i + 1);
    }
  }
  return valid;
}

/** Maps ranges of list entries to the ranges of their values in the child. */
function listChildRanges(data: Data, ranges: IndexRanges): IndexRanges {
  const offsets = data.valueOffsets;
  const childRanges: IndexRanges = [];
  for (let r = 0; r < ranges.length; r += 2) {
    const start = Number(offsets[ranges[r]]);
    const end = Number(offsets[ranges[r + 1]]);
    if (end > start) childRanges.push(start, end);
  }
  return childRanges;
}

function accumulateLeaf(data: Data, ranges: IndexRanges, statistics: ColumnStatistics): void {
  const numeric = statistics.min !== undefined;
  const values = data.values as ArrayLike<number | bigint>;
  for (let r = 0; r < ranges.length; r += 2) {
    for (let i = ranges[r]; i < ranges[r + 1]; i += 1) {
      statistics.valueCount += 1;
      if (!data.getValid(i)) {
        statistics.nullCount += 1;
        continue;
      }
      // NOTE: 64-bit integers beyond 2^53 round to the nearest double, so min and max are approximate.
      if (numeric) updateMinMax(statistics, Number(values[i]));
    }
  }
}

function updateMinMax(statistics: ColumnStatistics, value: number): void {
  if (Number.isNaN(value)) return;
  if (statistics.min === null || value < statistics.min!) statistics.min = value;
  if (statistics.max === null || value > statistics.max!) statistics.max = value;
}
