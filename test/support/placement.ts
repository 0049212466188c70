import { requireManifest } from '../../object-class/dataset/manifest.js';
import type { ObjectStore } from '../../object-class/store/object-store.js';

/** Counts the objects the newest manifest places on each node, as query summaries report them. */
export async function placementCounts(
  store: ObjectStore,
  dataset: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const object of (await requireManifest(store, dataset)).objects) {
    counts[object.node] = (counts[object.node] ?? 0) + 1;
  }
  return counts;
}
