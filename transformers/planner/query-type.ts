/**
 * Types of func_adl values as the type checker sees them. Numbers are `int` or `float`; records
 * are collection elements (`collection` set), event-level structs and dict literals; sequences
 * nest to give jagged values.
 */
export type QueryType =
  | { kind: 'int' }
  | { kind: 'float' }
  | { kind: 'bool' }
  | { kind: 'string' }
  | RecordType
  | { kind: 'fourvector' }
  | { kind: 'sequence'; element: QueryType }
  | { kind: 'tuple'; elements: QueryType[] }
  | { kind: 'event' };

/** A record: named fields in order. */
export interface RecordType {
  kind: 'record';
  /** Name of the physical collection whose element this is, such as `Jet`; unset for dicts. */
  collection?: string;
  /** Name of the event-level struct this record views, such as `MET`, for messages. */
  struct?: string;
  fields: { name: string; type: QueryType }[];
}

export const INT: QueryType = { kind: 'int' };
export const FLOAT: QueryType = { kind: 'float' };
export const BOOL: QueryType = { kind: 'bool' };
export const FOURVECTOR: QueryType = { kind: 'fourvector' };

/** Wraps `element` in a sequence type. */
export function sequenceOf(element: QueryType): QueryType {
  return { kind: 'sequence', element };
}

/** Tells whether `type` is `int` or `float`. */
export function isNumber(type: QueryType): boolean {
  return type.kind === 'int' || type.kind === 'float';
}

/** Counts the sequence levels of `type`: 0 for a number, 1 for `sequence<float>`, and so on. */
export function jaggedDepth(type: QueryType): number {
  return type.kind === 'sequence' ? 1 + jaggedDepth(type.element) : 0;
}

/** Finds a record field's type by name. */
export function recordField(type: RecordType, name: string): QueryType | undefined {
  return type.fields.find((field) => field.name === name)?.type;
}

/**
 * Tells whether two types are the same. Records match when they view the same collection (or
 * none) and have the same field names and types in the same order.
 */
export function sameType(a: QueryType, b: QueryType): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'sequence':
      return sameType(a.element, (b as typeof a).element);
    case 'tuple': {
      const other = b as typeof a;
      return (
        a.elements.length === other.elements.length &&
        a.elements.every((element, i) => sameType(element, other.elements[i]))
      );
    }
    case 'record':
      return sameRecord(a, b as RecordType);
    default:
      return true;
  }
}

function sameRecord(a: RecordType, b: RecordType): boolean {
  if (a.collection !== b.collection || a.fields.length !== b.fields.length) return false;
  return a.fields.every(
    (field, i) => field.name === b.fields[i].name && sameType(field.type, b.fields[i].type),
  );
}

/**
 * Finds a type both `a` and `b` convert to: `int` and `float` widen to `float`, elementwise
 * through sequences, tuples and dict records. Returns undefined when there is none.
 */
export function commonType(a: QueryType, b: QueryType): QueryType | undefined {
  if (isNumber(a) && isNumber(b)) return a.kind === 'int' && b.kind === 'int' ? INT : FLOAT;
  if (a.kind === 'sequence' && b.kind === 'sequence') {
    const element = commonType(a.element, b.element);
    return element && sequenceOf(element);
  }
  if (a.kind === 'tuple' && b.kind === 'tuple' && a.elements.length === b.elements.length) {
    const elements = a.elements.map((element, i) => commonType(element, b.elements[i]));
    return elements.every((e) => e)
      ? { kind: 'tuple', elements: elements as QueryType[] }
      : undefined;
  }
  if (a.kind === 'record' && b.kind === 'record' && !a.collection && !b.collection) {
    return commonDictType(a, b);
  }
  return sameType(a, b) ? a : undefined;
}

function commonDictType(a: RecordType, b: RecordType): QueryType | undefined {
  if (a.fields.length !== b.fields.length) return undefined;
  const fields: RecordType['fields'] = [];
  for (let i = 0; i < a.fields.length; i++) {
    const type = commonType(a.fields[i].type, b.fields[i].type);
    if (a.fields[i].name !== b.fields[i].name || !type) return undefined;
    fields.push({ name: a.fields[i].name, type });
  }
  return { kind: 'record', fields };
}

/** Renders a type for messages: `float`, `sequence<record Jet>`, `dict {pt, eta}`. */
export function formatType(type: QueryType): string {
  switch (type.kind) {
    case 'sequence':
      return `sequence<${formatType(type.element)}>`;
    case 'tuple':
      return `tuple(${type.elements.map(formatType).join(', ')})`;
    case 'record':
      return formatRecord(type);
    case 'fourvector':
      return 'four-vector';
    default:
      return type.kind;
  }
}

function formatRecord(type: RecordType): string {
  if (type.collection !== undefined) return `record ${type.collection}`;
  if (type.struct !== undefined) return `record ${type.struct}`;
  return `dict {${type.fields.map((field) => field.name).join(', ')}}`;
}
