import type { DatasetSchema } from '../../object-class/dataset/schema.js';
import type { CheckedQuery } from './check-query.js';
import type { CollectionSource, LeafSource } from './dataset-view.js';
import { forEachChild, type TypedExpr } from './typed-tree.js';

/**
 * Computes the physical leaf columns a checked query reads, in schema order. A collection that
 * the query only counts or compares still needs one leaf, for its list offsets: its first field.
 */
export function plannedColumns(query: CheckedQuery, schema: DatasetSchema): string[][] {
  const leaves = new Map<string, string[]>();
  const collectionsUsed = new Set<string>();
  const visit = (node: TypedExpr): void => {
    collectLeaf(query, node, leaves, collectionsUsed);
    forEachChild(node, visit);
  };

  for (const step of query.steps) visit(step.lambda.body);
  if (query.terminal?.lambda) visit(query.terminal.lambda.body);

  for (const name of collectionsUsed) {
    const collection = query.view.collections.get(name) as CollectionSource;
    if (!firstPlannedLeaf(collection, leaves)) addLeaf(leaves, [...collection.fields.values()][0]);
  }
  return sortBySchema([...leaves.values()], schema);
}

/** Finds the planned leaf that gives a collection its list offsets: the first one in schema order. */
export function offsetsLeaf(
  collection: CollectionSource,
  columns: string[][],
): LeafSource | undefined {
  const planned = new Set(columns.map((path) => path.join('\u0000')));
  for (const leaf of collection.fields.values())
    if (planned.has(leaf.path.join('\u0000'))) return leaf;
  return undefined;
}

function firstPlannedLeaf(collection: CollectionSource, leaves: Map<string, string[]>): boolean {
  for (const leaf of collection.fields.values())
    if (leaves.has(leaf.path.join('\u0000'))) return true;
  return false;
}

function collectLeaf(
  query: CheckedQuery,
  node: TypedExpr,
  leaves: Map<string, string[]>,
  collectionsUsed: Set<string>,
): void {
  const collections = query.view.collections;
  switch (node.op) {
    case 'scalarColumn':
      addLeaf(leaves, node.leaf);
      return;
    case 'collection':
    case 'collectionCount':
      collectionsUsed.add(node.collection);
      return;
    case 'jagged':
    case 'rowField':
      addLeaf(leaves, collections.get(node.collection)?.fields.get(node.field) as LeafSource);
      collectionsUsed.add(node.collection);
      return;
    case 'toFourVector':
      addRowFourVectorFields(query, node, leaves);
      return;
  }
}

/** `j.ToFourMomentum()` on a collection row reads the row's pt, eta, phi and mass fields. */
function addRowFourVectorFields(
  query: CheckedQuery,
  node: TypedExpr,
  leaves: Map<string, string[]>,
): void {
  if (node.op !== 'toFourVector' || node.record.type.kind !== 'record') return;
  const name = node.record.type.collection;
  if (name === undefined) return;

  const collection = query.view.collections.get(name) as CollectionSource;
  const mass = collection.fields.has('mass') ? 'mass' : 'm';
  for (const field of ['pt', 'eta', 'phi', mass])
    addLeaf(leaves, collection.fields.get(field) as LeafSource);
}

function addLeaf(leaves: Map<string, string[]>, leaf: LeafSource): void {
  leaves.set(leaf.path.join('\u0000'), leaf.path);
}

function sortBySchema(paths: string[][], schema: DatasetSchema): string[][] {
  const order = new Map(schema.fields.map((field, i) => [field.name, i]));
  const childOrder = (path: string[]): number => {
    const field = schema.fields[order.get(path[0]) ?? 0];
    let type = field.type;
    if (type.kind === 'list') type = type.element;
    return type.kind === 'struct' ? type.fields.findIndex((child) => child.name === path[1]) : 0;
  };
  return paths.sort(
    (a, b) => (order.get(a[0]) ?? 0) - (order.get(b[0]) ?? 0) || childOrder(a) - childOrder(b),
  );
}
