import { formatType, isNumber, type QueryType, type RecordType } from './query-type.js';

/**
 * How a histogram fills from each item of a query:
 * - `values`: the item is a number or a (jagged) sequence of numbers, and every number fills
 *   with weight 1;
 * - `field`: the item is a one-key dict, and its value fills as in `values`;
 * - `weighted`: the item is a dict `{'x': value, 'weight': w}`; every number of `value` fills
 *   with weight `w`, which must be one number per item.
 */
export type HistogramFill =
  | { kind: 'values' }
  | { kind: 'field'; index: number }
  | { kind: 'weighted'; valueIndex: number; weightIndex: number };

/** A column of row output: its name and the type of its values. */
export interface RowColumn {
  name: string;
  type: QueryType;
}

/**
 * Works out how a histogram fills from items of `itemType`. Returns an error message when it
 * cannot.
 */
export function histogramFill(itemType: QueryType): HistogramFill | string {
  if (numericLeaves(itemType)) return { kind: 'values' };

  if (itemType.kind === 'record' && itemType.collection === undefined) {
    const names = itemType.fields.map((field) => field.name);
    if (names.length === 1 && numericLeaves(itemType.fields[0].type))
      return { kind: 'field', index: 0 };

    const valueIndex = names.indexOf('x');
    const weightIndex = names.indexOf('weight');
    if (names.length === 2 && valueIndex >= 0 && weightIndex >= 0) {
      return weightedFill(itemType, valueIndex, weightIndex);
    }
  }
  return (
    `A histogram needs numbers, but the query returns ${formatType(itemType)}; return a number, ` +
    `a list of numbers, a dict with one key, or {'x': value, 'weight': weight}`
  );
}

function weightedFill(
  type: RecordType,
  valueIndex: number,
  weightIndex: number,
): HistogramFill | string {
  if (!numericLeaves(type.fields[valueIndex].type)) {
    return `Histogram value 'x' must be numbers; got ${formatType(type.fields[valueIndex].type)}`;
  }
  if (!isNumber(type.fields[weightIndex].type)) {
    return `Histogram 'weight' must be one number per item; got ${formatType(type.fields[weightIndex].type)}`;
  }
  return { kind: 'weighted', valueIndex, weightIndex };
}

function numericLeaves(type: QueryType): boolean {
  return isNumber(type) || (type.kind === 'sequence' && numericLeaves(type.element));
}

/**
 * Lists the columns of row output for items of `itemType`: one per dict key, `col1..colN` for a
 * tuple, `col1` for a single value. Returns an error message for items rows cannot hold.
 */
export function rowColumns(itemType: QueryType): RowColumn[] | string {
  let columns: RowColumn[];
  if (itemType.kind === 'record' && itemType.collection === undefined) {
    columns = itemType.fields.map((field) => ({ name: field.name, type: field.type }));
  } else if (itemType.kind === 'tuple') {
    columns = itemType.elements.map((type, i) => ({ name: `col${i + 1}`, type }));
  } else {
    columns = [{ name: 'col1', type: itemType }];
  }
  if (columns.length === 0) {
    return `The query returns ${formatType(itemType)}, which gives rows without columns; return at least one value, as in {'met': e.MET_pt}`;
  }

  for (const column of columns) {
    if (!storableInRows(column.type)) {
      return (
        `Column '${column.name}' of the rows output has type ${formatType(column.type)}, which rows cannot ` +
        `hold; return numbers, bools or lists of them, as in {'pt': e.Jet.Select(lambda j: j.pt)}`
      );
    }
  }
  return columns;
}

function storableInRows(type: QueryType): boolean {
  const scalar = (t: QueryType): boolean => isNumber(t) || t.kind === 'bool';
  return scalar(type) || (type.kind === 'sequence' && scalar(type.element));
}
