import { parentPort, workerData } from 'node:worker_threads';
import { LocalObjectStore } from '../object-class/store/local-store.js';
import type { ObjectStore } from '../object-class/store/object-store.js';
import { S3ObjectStore } from '../object-class/store/s3-store.js';
import { startStorageNode } from '../server/storage-node-server.js';

/** The store a storage node worker opens, as plain data that crosses the thread boundary. */
export type WorkerStoreSpec =
  | { kind: 'local'; root: string }
  | {
      kind: 's3';
      endpoint: string;
      bucket: string;
      credentials: { accessKeyId: string; secretAccessKey: string };
    };

/** Data a storage node worker receives as `workerData`. */
export interface StorageNodeWorkerData {
  nodeId: string;
  store: WorkerStoreSpec;
}

/** Messages the worker posts: its address once listening, or the error that stopped the start. */
export type StorageNodeWorkerMessage = { address: string } | { error: string };

function openStore(spec: WorkerStoreSpec): ObjectStore {
  if (spec.kind === 'local') return new LocalObjectStore(spec.root);
  return new S3ObjectStore({
    bucket: spec.bucket,
    endpoint: spec.endpoint,
    credentials: spec.credentials,
  });
}

/**
 * Runs one storage node on this worker thread, so that each node has its own JavaScript thread
 * as a node process would. Posts the node's address, and stops when the parent sends 'close'.
 */
async function runWorker(port: NonNullable<typeof parentPort>): Promise<void> {
  const data = workerData as StorageNodeWorkerData;
  const store = openStore(data.store);
  try {
    const node = await startStorageNode({ nodeId: data.nodeId, store, port: 0 });
    port.once('message', async () => {
      await node.close();
      await store.close();
      port.close();
    });
    port.postMessage({ address: node.address } satisfies StorageNodeWorkerMessage);
  } catch (error) {
    await store.close();
    port.postMessage({ error: String(error) } satisfies StorageNodeWorkerMessage);
  }
}

if (parentPort !== null) await runWorker(parentPort);
