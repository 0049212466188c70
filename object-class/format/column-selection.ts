import { ColumnNotFoundError } from './column-not-found-error.js';
import {
  isPrunable,
  isStructLike,
  leafLayouts,
  leafName,
  type FieldLayout,
  type SchemaLayout,
} from './object-layout.js';

/** The leaves a read requests and every field a reader must decode to build them. */
export interface ColumnSelection {
  leaves: FieldLayout[];
  /** The selected leaves, their ancestors and their descendants. */
  fields: Set<FieldLayout>;
}

/**
 * Resolves column paths such as `['MET_pt']`, `['Jet', 'pt']` or `['MET', 'pt']` against a schema.
 * List levels are skipped, so `['Jet', 'pt']` names the `pt` field of `list<struct<pt, ...>>`.
 * A path that ends at a struct or list of structs selects all of its leaves. Throws
 * `ColumnNotFoundError` naming the closest existing leaf when a path does not exist.
 */
export function selectColumns(
  key: string,
  layout: SchemaLayout,
  columns: string[][],
): ColumnSelection {
  const leaves = new Set<FieldLayout>();
  for (const path of columns) {
    const field = resolvePath(layout.fields, path);
    if (field === null) {
      const requested = path.join('.');
      throw new ColumnNotFoundError(key, requested, closestLeafName(layout, requested));
    }
    for (const leaf of leafLayouts(field)) leaves.add(leaf);
  }

  const fields = new Set<FieldLayout>();
  for (const leaf of leaves) addWithRelatives(leaf, fields);
  const ordered = layout.fields.flatMap(leafLayouts).filter((leaf) => leaves.has(leaf));
  return { leaves: ordered, fields };
}

function resolvePath(fields: FieldLayout[], path: string[]): FieldLayout | null {
  let candidates = fields;
  let found: FieldLayout | null = null;
  for (const name of path) {
    found = candidates.find((candidate) => candidate.field.name === name) ?? null;
    if (found === null) return null;
    candidates = namedChildren(found);
  }
  return found;
}

/** Returns the struct fields a path can name below a field, looking through list levels. */
function namedChildren(field: FieldLayout): FieldLayout[] {
  let node = field;
  while (isPrunable(node.field.type) && !isStructLike(node.field.type) && node.children.length) {
    node = node.children[0];
  }
  return isStructLike(node.field.type) ? node.children : [];
}

function addWithRelatives(leaf: FieldLayout, fields: Set<FieldLayout>): void {
  const addSubtree = (node: FieldLayout): void => {
    fields.add(node);
    node.children.forEach(addSubtree);
  };
  addSubtree(leaf);
  for (let node = leaf.parent; node !== null; node = node.parent) fields.add(node);
}

function closestLeafName(layout: SchemaLayout, requested: string): string | null {
  let closest: string | null = null;
  let closestDistance = Infinity;
  for (const leaf of layout.fields.flatMap(leafLayouts)) {
    const name = leafName(leaf);
    const distance = editDistance(requested.toLowerCase(), name.toLowerCase());
    if (distance < closestDistance) {
      closest = name;
      closestDistance = distance;
    }
  }
  return closest;
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}
