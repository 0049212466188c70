import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../client/package-root.js';
import { S3ObjectStore } from '../object-class/store/s3-store.js';
import type { WorkerStoreSpec } from './storage-node-worker.js';

const run = promisify(execFile);

/** Time limit of ceph-start.sh, far above the few seconds it takes on a 2-core machine. */
const CEPH_START_TIMEOUT_MS = 180_000;
const CEPH_STOP_TIMEOUT_MS = 60_000;

/** Object bytes above which the cluster stores data in a sparse file instead of memory. */
export const MEMSTORE_MAX_BYTES = 2 * 1024 * 1024 * 1024;

/** Bucket of the benchmark dataset on the gateway. */
export const BENCH_BUCKET = 'skysift-bench';

/** A running throw-away Ceph cluster with its S3 gateway on 127.0.0.1. */
export interface CephGateway {
  endpoint: string;
  /** The benchmark bucket, described for storage node threads. */
  storeSpec: WorkerStoreSpec;
  /** Opens a new store on the benchmark bucket, creating the bucket if needed. */
  openStore(): S3ObjectStore;
  /** Stops the daemons and deletes the cluster folder. */
  stop(): Promise<void>;
}

/** The gateway, or why none could be started. */
export type CephStart =
  { started: true; gateway: CephGateway } | { started: false; reason: string };

/**
 * Starts a single-host Ceph cluster in `dir` with `test/services/ceph-start.sh` when `radosgw`
 * is installed, keeping data in memory unless `expectedBytes` exceeds MEMSTORE_MAX_BYTES.
 * Never installs Ceph, but returns the reason when it is missing or fails to start.
 */
export async function startCephGateway(dir: string, expectedBytes: number): Promise<CephStart> {
  if (!(await onPath('radosgw'))) {
    return {
      started: false,
      reason: 'radosgw is not installed (install ceph-mon ceph-osd radosgw)',
    };
  }

  const servicesDir = path.join(packageRoot(), 'test', 'services');
  const objectstore = expectedBytes > MEMSTORE_MAX_BYTES ? 'bluestore' : 'memstore';
  try {
    await run('bash', [path.join(servicesDir, 'ceph-start.sh'), dir], {
      timeout: CEPH_START_TIMEOUT_MS,
      env: { ...process.env, SKYSIFT_CEPH_OBJECTSTORE: objectstore },
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    const cause = stderr
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('ceph: '))
      .at(-1);
    return { started: false, reason: `ceph-start.sh failed: ${cause ?? stderr.slice(-200)}` };
  }

  const env = await readEnvFile(path.join(dir, 'env'));
  const endpoint = env.get('AWS_ENDPOINT_URL') ?? '';
  const credentials = {
    accessKeyId: env.get('AWS_ACCESS_KEY_ID') ?? '',
    secretAccessKey: env.get('AWS_SECRET_ACCESS_KEY') ?? '',
  };
  const gateway: CephGateway = {
    endpoint,
    storeSpec: { kind: 's3', endpoint, bucket: BENCH_BUCKET, credentials },
    openStore: () =>
      new S3ObjectStore({ bucket: BENCH_BUCKET, endpoint, credentials, createBucket: true }),
    stop: async () => {
      await run('bash', [path.join(servicesDir, 'ceph-stop.sh'), dir], {
        timeout: CEPH_STOP_TIMEOUT_MS,
      });
    },
  };
  return { started: true, gateway };
}

async function onPath(command: string): Promise<boolean> {
  try {
    await run('bash', ['-c', `command -v ${command}`]);
    return true;
  } catch {
    return false;
  }
}

async function readEnvFile(file: string): Promise<Map<string, string>> {
  const text = await fs.readFile(file, 'utf8');
  const entries = text
    .split('\n')
    .filter((line) => line.includes('='))
    .map((line): [string, string] => [
      line.slice(0, line.indexOf('=')),
      line.slice(line.indexOf('=') + 1),
    ]);
  return new Map(entries);
}
