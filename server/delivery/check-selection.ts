import {
  DatasetError,
  requireManifest,
  type Manifest,
} from '../../object-class/dataset/manifest.js';
import type { ObjectStore } from '../../object-class/store/object-store.js';
import type { Expr } from '../../transformers/func-adl/ast.js';
import { parseAnyQuery } from '../../transformers/func-adl/parse-any-query.js';
import { QuerySyntaxError } from '../../transformers/func-adl/query-syntax-error.js';
import { toQastle } from '../../transformers/func-adl/to-qastle.js';
import { planQuery } from '../../transformers/planner/plan-query.js';
import { DeliveryError } from './delivery-error.js';

/** A query checked against the newest manifest of its dataset. */
export interface CheckedSelection {
  manifest: Manifest;
  /** The query as qastle, equal for equal queries whatever their form and spacing. */
  normalizedQuery: string;
}

/**
 * Reads the dataset's newest manifest and parses, type-checks and plans the query for row
 * output, so that a request that cannot run is rejected before it gets an id. Throws
 * `DeliveryError` (`INVALID_REQUEST`) for an unknown dataset and for query errors, whose message
 * carries the line, the column and a caret.
 */
export async function checkSelection(
  store: ObjectStore,
  dataset: string,
  selection: string,
): Promise<CheckedSelection> {
  const manifest = await readManifest(store, dataset);
  let tree: Expr;
  try {
    tree = parseAnyQuery(selection);
    planQuery(tree, selection, manifest.schema, { kind: 'rows' });
  } catch (error) {
    if (error instanceof QuerySyntaxError) {
      throw new DeliveryError(`Invalid selection: ${error.format()}`, 'INVALID_REQUEST');
    }
    if (error instanceof RangeError || error instanceof TypeError) {
      throw new DeliveryError(`Invalid selection: ${error.message}`, 'INVALID_REQUEST');
    }
    throw error;
  }
  return { manifest, normalizedQuery: normalizeQuery(tree, selection) };
}

/** Prints the tree as qastle, or returns the trimmed text for the forms qastle cannot express. */
function normalizeQuery(tree: Expr, selection: string): string {
  try {
    return toQastle(tree);
  } catch (error) {
    if (error instanceof TypeError) return selection.trim();
    throw error;
  }
}

async function readManifest(store: ObjectStore, dataset: string): Promise<Manifest> {
  try {
    return await requireManifest(store, dataset);
  } catch (error) {
    if (error instanceof DatasetError && error.code === 'DATASET_NOT_FOUND') {
      throw new DeliveryError(error.message, 'INVALID_REQUEST');
    }
    throw error;
  }
}
