import type { Expr } from '../func-adl/ast.js';
import type { CheckContext } from './check-context.js';
import type { CollectionSource, LeafSource } from './dataset-view.js';
import { didYouMean } from './suggest-names.js';
import {
  BOOL,
  FLOAT,
  INT,
  formatType,
  sequenceOf,
  type QueryType,
  type RecordType,
} from './query-type.js';
import type { TypedExpr } from './typed-tree.js';
import type { PrimitiveTypeName } from '../../object-class/dataset/schema.js';

/** Maps a column's primitive type to the query type of its values. */
export function primitiveQueryType(primitive: PrimitiveTypeName): QueryType {
  if (primitive === 'bool') return BOOL;
  if (primitive === 'float32' || primitive === 'float64') return FLOAT;
  return INT;
}

/** Builds the record type of a collection's elements. */
export function rowType(collection: CollectionSource): RecordType {
  const fields = [...collection.fields].map(([name, leaf]) => ({
    name,
    type: primitiveQueryType(leaf.primitive),
  }));
  return { kind: 'record', collection: collection.name, fields };
}

/** Resolves `e.name` against the dataset view. */
export function checkEventAttribute(context: CheckContext, name: string, node: Expr): TypedExpr {
  const span = node.span;
  const entry = context.view.entries.get(name);
  if (!entry) {
    return context.fail(
      node,
      `Unknown column '${name}'${didYouMean(name, context.view.entries.keys())}`,
    );
  }

  switch (entry.kind) {
    case 'unsupported':
      return context.fail(node, `Column '${name}' cannot be read: ${entry.reason}`);
    case 'scalar':
      return scalarColumn(entry.leaf, span);
    case 'count':
      return { op: 'collectionCount', collection: entry.collection, type: INT, span };
    case 'record':
      return structRecord(entry.name, entry.fields, span);
    case 'collection': {
      const type = sequenceOf(rowType(collectionOf(context, entry.collection)));
      return { op: 'collection', collection: entry.collection, type, span };
    }
    case 'jagged': {
      const leaf = collectionOf(context, entry.collection).fields.get(entry.field) as LeafSource;
      const type = sequenceOf(primitiveQueryType(leaf.primitive));
      return { op: 'jagged', collection: entry.collection, field: entry.field, type, span };
    }
  }
}

function collectionOf(context: CheckContext, name: string): CollectionSource {
  return context.view.collections.get(name) as CollectionSource;
}

function scalarColumn(leaf: LeafSource, span: Expr['span']): TypedExpr {
  return { op: 'scalarColumn', leaf, type: primitiveQueryType(leaf.primitive), span };
}

/** An event-level struct is a record literal of its leaves, so reading one field reads one leaf. */
function structRecord(
  name: string,
  leaves: Map<string, LeafSource>,
  span: Expr['span'],
): TypedExpr {
  const names = [...leaves.keys()];
  const values = [...leaves.values()].map((leaf) => scalarColumn(leaf, span));
  const fields = names.map((field, i) => ({ name: field, type: values[i].type }));
  return { op: 'record', names, values, type: { kind: 'record', struct: name, fields }, span };
}

/** Resolves `record.name` for collection elements, structs and dicts. */
export function checkRecordAttribute(
  context: CheckContext,
  object: TypedExpr,
  name: string,
  node: Expr,
): TypedExpr {
  const type = object.type as RecordType;
  const index = type.fields.findIndex((field) => field.name === name);
  if (index < 0) {
    const names = type.fields.map((field) => field.name);
    const hint =
      didYouMean(name, names) || `; its fields are ${names.map((n) => `'${n}'`).join(', ')}`;
    return context.fail(node, `Unknown field '${name}' of ${formatType(type)}${hint}`);
  }

  const fieldType = type.fields[index].type;
  if (object.op === 'record') return object.values[index];
  if (type.collection !== undefined) {
    const collection = type.collection;
    return { op: 'rowField', object, collection, field: name, type: fieldType, span: node.span };
  }
  return { op: 'recordField', object, index, type: fieldType, span: node.span };
}
