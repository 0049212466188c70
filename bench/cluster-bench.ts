import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { SkysiftClient } from '../client/skysift-client.js';
import type { HistogramPartial } from '../object-class/kernels/plan.js';
import type { ObjectStore } from '../object-class/store/object-store.js';
import { embeddedNodeIds } from '../server/embedded-cluster.js';
import { startTransformer } from '../server/transformer-server.js';
import type { QuerySummary } from '../transformers/service/query-summary.js';
import type { AdlTask } from './adl-tasks.js';
import { asHistogram } from './compare-histograms.js';
import type {
  StorageNodeWorkerData,
  StorageNodeWorkerMessage,
  WorkerStoreSpec,
} from './storage-node-worker.js';

/** One end-to-end measurement of a task: client to transformer to storage nodes and back. */
export interface EndToEndMeasurement {
  histogram: HistogramPartial;
  /** Best wall time seen by the client over the timed runs. */
  seconds: number;
  eventsPerSecond: number;
  /** The summary of the fastest run. */
  summary: QuerySummary;
}

/** The cluster `withCluster` starts. */
export interface ClusterSpec {
  /** Store the transformer reads manifests from. */
  store: ObjectStore;
  /** The same store, described for the storage node threads to open. */
  storeSpec: WorkerStoreSpec;
  nodes: number;
}

/**
 * Starts a cluster on 127.0.0.1 (each storage node on its own worker thread, the transformer on
 * this thread), runs `work` with a client connected to the transformer, and stops the cluster
 * whatever `work` does.
 */
export async function withCluster<T>(
  spec: ClusterSpec,
  work: (client: SkysiftClient) => Promise<T>,
): Promise<T> {
  const nodeIds = embeddedNodeIds(spec.nodes);
  const workers: Worker[] = [];
  try {
    const addresses = [];
    for (const nodeId of nodeIds) {
      const worker = startNodeWorker({ nodeId, store: spec.storeSpec });
      workers.push(worker);
      addresses.push({ id: nodeId, address: await nodeAddress(worker, nodeId) });
    }
    const transformer = await startTransformer({ store: spec.store, nodes: addresses, port: 0 });
    const client = new SkysiftClient(transformer.address);
    try {
      return await work(client);
    } finally {
      client.close();
      await transformer.close();
    }
  } finally {
    await Promise.all(workers.map(stopNodeWorker));
  }
}

/**
 * Starts a storage node worker from the compiled script, or from the TypeScript source through
 * tsx's loader when this module itself runs from source (as under vitest).
 */
function startNodeWorker(data: StorageNodeWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./storage-node-worker.js', import.meta.url), { workerData: data });
  }
  const script = new URL('./storage-node-worker.ts', import.meta.url).href;
  // An eval script resolves bare specifiers from the working folder, which is the package root
  // under vitest.
  const bootstrap =
    "import('tsx/esm/api')" +
    `.then(({ tsImport }) => tsImport(${JSON.stringify(script)}, ${JSON.stringify(script)}))`;
  return new Worker(bootstrap, { eval: true, workerData: data });
}

async function nodeAddress(worker: Worker, nodeId: string): Promise<string> {
  const [message] = (await once(worker, 'message')) as [StorageNodeWorkerMessage];
  if ('error' in message) {
    throw new Error(
      `Storage node ${nodeId} failed to start on its worker thread: ${message.error}`,
    );
  }
  return message.address;
}

async function stopNodeWorker(worker: Worker): Promise<void> {
  // Node sets threadId to -1 once a worker has exited, so there is nothing left to stop.
  if (worker.threadId === -1) return;
  const exited = once(worker, 'exit');
  worker.postMessage('close');
  await exited;
}

/** Runs a task's query as a histogram `repetitions` times through the cluster and keeps the fastest. */
export async function measureEndToEnd(
  client: SkysiftClient,
  dataset: string,
  task: AdlTask,
  repetitions: number,
): Promise<EndToEndMeasurement> {
  let best: EndToEndMeasurement | undefined;
  for (let run = 0; run < repetitions; run++) {
    const started = performance.now();
    const result = await client.query({
      dataset,
      query: task.query,
      output: { kind: 'histogram', ...task.histogram },
    });
    const seconds = (performance.now() - started) / 1000;
    if (best === undefined || seconds < best.seconds) {
      const histogram = asHistogram(result.aggregate, `The query of ${task.id}`);
      const eventsPerSecond = result.summary.eventsScanned / seconds;
      best = { histogram, seconds, eventsPerSecond, summary: result.summary };
    }
  }
  if (best === undefined) {
    throw new RangeError(`Invalid repetitions ${repetitions}: expected a positive integer`);
  }
  return best;
}
