import { execFile } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEvents } from '../../client/io/event-generator.js';
import { readInputFile } from '../../client/io/read-input-file.js';
import { formatHistogramCsv } from '../../client/plot/histogram-csv.js';
import { SkysiftClient } from '../../client/skysift-client.js';
import { appendTable } from '../../object-class/dataset/append-table.js';
import { requireManifest } from '../../object-class/dataset/manifest.js';
import type { HistogramPartial } from '../../object-class/kernels/plan.js';
import { S3ObjectStore } from '../../object-class/store/s3-store.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../server/embedded-cluster.js';
import { readClusterEnv } from '../setup/ceph-global-setup.js';
import { s3TestTarget, type S3TestTarget } from '../setup/s3-test-target.js';
import { placementCounts } from '../support/placement.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { sampleDataDir, sampleFiles } from '../support/sample-data.js';

const run = promisify(execFile);
const SERVICES_DIR = path.join(REPO_ROOT, 'test', 'services');
const target = s3TestTarget();
const dataDir = sampleDataDir();
const NODES = 3;

type Available = S3TestTarget & { available: true };

function openS3(t: Available, bucket: string, maxAttempts?: number): S3ObjectStore {
  return new S3ObjectStore({
    bucket,
    endpoint: t.endpoint,
    region: t.region,
    credentials: { accessKeyId: t.accessKeyId, secretAccessKey: t.secretAccessKey },
    createBucket: true,
    maxAttempts,
    logger: pino({ level: 'silent' }),
  });
}

/** Starts three storage nodes, each with its own S3 client, and a transformer over `bucket`. */
async function startS3Cluster(t: Available, bucket: string, maxAttempts?: number) {
  const store = openS3(t, bucket, maxAttempts);
  const cluster = await startEmbeddedCluster({
    store,
    nodes: NODES,
    storeForNode: () => openS3(t, bucket, maxAttempts),
  });
  return { store, cluster, client: new SkysiftClient(cluster.endpoint) };
}

function taskQuery(task: string): {
  query: string;
  hist: { bins: number; low: number; high: number };
} {
  const query = readFileSync(path.join(REPO_ROOT, 'examples', 'adl', `${task}.py`), 'utf8');
  const [bins, low, high] = /#\s*hist:\s*(\S+)/.exec(query)![1].split(',').map(Number);
  return { query, hist: { bins, low, high } };
}

describe.skipIf(!target.available || dataDir === null)('ADL on Ceph S3 across three nodes', () => {
  const t = target as Available;
  const bucket = `skysift-adl-${process.pid}-${Date.now()}`;
  let store: S3ObjectStore;
  let cluster: EmbeddedCluster;
  let client: SkysiftClient;

  beforeAll(async () => {
    ({ store, cluster, client } = await startS3Cluster(t, bucket));
    const files = sampleFiles(dataDir!);
    const ids = cluster.nodeIds;
    for (const layout of ['flat', 'nested'] as const) {
      const table = await readInputFile(files[layout]);
      await appendTable(store, layout, [table], { eventsPerObject: 100, nodes: ids });
    }
    // One large object shows projection at the I/O level without footers dominating.
    const flat = await readInputFile(files.flat);
    const repeated = Array.from({ length: 20 }, () => flat);
    await appendTable(store, 'large', [flat.concat(...repeated.slice(1))], {
      eventsPerObject: 20_000,
      nodes: ids,
    });
  });

  afterAll(async () => {
    client?.close();
    await cluster?.close();
    await store?.close();
  });

  for (const layout of ['flat', 'nested']) {
    for (const task of ['query-1', 'query-2', 'query-3', 'query-4', 'query-5']) {
      it(`${task} on ${layout} layout equals reference`, async () => {
        const { query, hist } = taskQuery(task);
        const result = await client.query({
          dataset: layout,
          query,
          output: { kind: 'histogram', ...hist },
        });
        const expected = readFileSync(sampleFiles(dataDir!).ref(task), 'utf8');
        expect(formatHistogramCsv(result.aggregate as HistogramPartial)).toBe(expected);
        expect(result.summary.objectsPerNode).toEqual(await placementCounts(store, layout));
        expect(result.summary.objectsScanned).toBe(10);
      });
    }
  }

  it('query-1 fetches a small fraction of the bytes', async () => {
    const manifest = await requireManifest(store, 'large');
    const datasetBytes = manifest.objects.reduce((sum, o) => sum + o.info.byteSize, 0);
    const { query, hist } = taskQuery('query-1');
    const result = await client.query({
      dataset: 'large',
      query,
      output: { kind: 'histogram', ...hist },
    });
    expect(result.summary.eventsScanned).toBe(20_000);
    expect(result.summary.bytesReadAtNodes).toBeGreaterThan(0);
    expect(result.summary.bytesReadAtNodes / datasetBytes).toBeLessThan(0.05);
    expect(result.summary.bytesSentToClient).toBeLessThan(1000);
  });
});

describe.skipIf(!target.available || target.clusterDir === undefined)(
  'gateway restarted mid-query',
  () => {
    it('retries and returns the exact result', async () => {
      // A cluster of its own, so that suites sharing the global gateway never see it go down.
      const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'skysift-ceph-query-'));
      const clusterDir = path.join(workDir, 'cluster');
      await run('bash', [path.join(SERVICES_DIR, 'ceph-start.sh'), clusterDir], {
        env: { ...process.env, SKYSIFT_CEPH_OWNER_PID: String(process.pid) },
      });
      const own = await readClusterEnv(clusterDir);
      // Ten attempts back off for well over ten seconds, longer than a gateway restart takes.
      const { store, cluster, client } = await startS3Cluster(own, 'restart-query', 10);
      try {
        await appendTable(store, 'events', [generateEvents({ events: 6000, seed: 3 })], {
          eventsPerObject: 50,
          nodes: cluster.nodeIds,
        });
        const { query, hist } = taskQuery('query-4');
        const output = { kind: 'histogram', ...hist } as const;
        const expected = (await client.query({ dataset: 'events', query, output })).aggregate;

        const running = client.query({ dataset: 'events', query, output });
        const restart = run('bash', [
          path.join(SERVICES_DIR, 'ceph-restart-gateway.sh'),
          clusterDir,
          '500',
        ]);
        const outcome = await running.then(
          (result) => ({ result }),
          (error: Error) => ({ error }),
        );
        await restart;
        if ('error' in outcome) {
          // A failure must name the object that could not be read, never return a partial result.
          expect(outcome.error.message).toMatch(/datasets\/events\/objects\//);
        } else {
          expect(outcome.result.aggregate).toEqual(expected);
          expect(outcome.result.summary.objectsScanned).toBe(120);
        }
        const again = await client.query({ dataset: 'events', query, output });
        expect(again.aggregate).toEqual(expected);
      } finally {
        client.close();
        await cluster.close();
        await store.close();
        await run('bash', [path.join(SERVICES_DIR, 'ceph-stop.sh'), clusterDir]);
        await fs.rm(workDir, { recursive: true, force: true });
      }
    });
  },
);
