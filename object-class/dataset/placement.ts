import { createHash } from 'node:crypto';

/**
 * Chooses the node for an object by rendezvous (highest random weight) hashing: each node scores
 * sha256(node + key) and the highest score wins. The choice is stable, and adding or removing a
 * node moves only the objects that node wins or held.
 */
export function placeObject(key: string, nodes: readonly string[]): string {
  return rankNodes(key, nodes)[0];
}

/** Orders nodes by their rendezvous score for a key, best first: the order replicas follow. */
export function rankNodes(key: string, nodes: readonly string[]): string[] {
  if (nodes.length === 0) {
    throw new RangeError(`Cannot place object '${key}': no storage nodes are configured`);
  }
  const scored = nodes.map((node) => ({ node, score: score(node, key) }));
  scored.sort((a, b) => (a.score < b.score ? 1 : a.score > b.score ? -1 : 0));
  return scored.map((s) => s.node);
}

function score(node: string, key: string): string {
  return createHash('sha256').update(node).update('\0').update(key).digest('hex');
}
