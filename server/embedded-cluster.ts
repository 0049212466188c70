import type { ObjectStore } from '../object-class/store/object-store.js';
import type { ParseOptions } from '../transformers/func-adl/parser.js';
import type { PlanLimits } from '../transformers/planner/plan-query.js';
import { startStorageNode, type RunningService } from './storage-node-server.js';
import { startTransformer } from './transformer-server.js';

/** Options of `startEmbeddedCluster`. */
export interface EmbeddedClusterOptions {
  /** Store every node reads; the embedded default shares one local directory. */
  store: ObjectStore;
  /** Storage nodes to start (default 2). */
  nodes?: number;
  /** Makes the store of one node; defaults to the shared `store`. */
  storeForNode?: (nodeId: string) => ObjectStore;
  /** Limits the transformer enforces. */
  limits?: PlanLimits;
  parseOptions?: ParseOptions;
}

/** A running embedded cluster: storage nodes and a transformer on loopback ports. */
export interface EmbeddedCluster {
  /** `host:port` of the transformer. */
  endpoint: string;
  nodeIds: string[];
  nodes: RunningService[];
  transformer: RunningService;
  close(): Promise<void>;
}

export const DEFAULT_EMBEDDED_NODES = 2;
export const MAX_EMBEDDED_NODES = 64;

/** Returns the ids of `count` embedded storage nodes: `node-1`, `node-2`, ... */
export function embeddedNodeIds(count: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_EMBEDDED_NODES) {
    throw new RangeError(
      `Invalid node count '${count}': expected an integer from 1 to ${MAX_EMBEDDED_NODES}`,
    );
  }
  return Array.from({ length: count }, (_, i) => `node-${i + 1}`);
}

/**
 * Starts storage nodes and a transformer inside this process, each a real gRPC server on a free
 * port of 127.0.0.1, so that a query takes the same path as on a cluster.
 */
export async function startEmbeddedCluster(
  options: EmbeddedClusterOptions,
): Promise<EmbeddedCluster> {
  const nodeIds = embeddedNodeIds(options.nodes ?? DEFAULT_EMBEDDED_NODES);
  const nodes = await Promise.all(
    nodeIds.map((nodeId) =>
      startStorageNode({ nodeId, store: options.storeForNode?.(nodeId) ?? options.store, port: 0 }),
    ),
  );
  const transformer = await startTransformer({
    store: options.store,
    nodes: nodes.map((node, i) => ({ id: nodeIds[i], address: node.address })),
    port: 0,
    limits: options.limits,
    parseOptions: options.parseOptions,
  });
  return {
    endpoint: transformer.address,
    nodeIds,
    nodes,
    transformer,
    close: async () => {
      await transformer.close();
      await Promise.all(nodes.map((node) => node.close()));
    },
  };
}
