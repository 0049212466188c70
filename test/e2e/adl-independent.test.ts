import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Table } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputFile } from '../../client/io/read-input-file.js';
import { SkysiftClient } from '../../client/skysift-client.js';
import { appendTable } from '../../object-class/dataset/append-table.js';
import type { HistogramPartial } from '../../object-class/kernels/plan.js';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../server/embedded-cluster.js';
import { fill, INDEPENDENT_EXPECTATIONS } from '../support/adl-reference.js';
import { placementCounts } from '../support/placement.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { sampleDataDir, sampleFiles } from '../support/sample-data.js';

const dataDir = sampleDataDir();

describe.skipIf(dataDir === null)('ADL tasks without references through gRPC', () => {
  let dir: string;
  let cluster: EmbeddedCluster;
  let client: SkysiftClient;
  let flat: Table;
  let store: LocalObjectStore;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'skysift-adl-'));
    store = new LocalObjectStore(dir);
    const files = sampleFiles(dataDir!);
    flat = await readInputFile(files.flat);
    const nodes = ['node-1', 'node-2'];
    await appendTable(store, 'flat', [flat], { eventsPerObject: 100, nodes });
    await appendTable(store, 'nested', [await readInputFile(files.nested)], {
      eventsPerObject: 100,
      nodes,
    });
    cluster = await startEmbeddedCluster({ store, nodes: 2 });
    client = new SkysiftClient(cluster.endpoint);
  });

  afterAll(async () => {
    client.close();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const layout of ['flat', 'nested']) {
    for (const [task, expectedValues] of INDEPENDENT_EXPECTATIONS) {
      it(`${task} on ${layout} layout matches a plain loop`, async () => {
        const query = readFileSync(path.join(REPO_ROOT, 'examples', 'adl', `${task}.py`), 'utf8');
        const [bins, low, high] = /#\s*hist:\s*(\S+)/.exec(query)![1].split(',').map(Number);
        const result = await client.query({
          dataset: layout,
          query,
          output: { kind: 'histogram', bins, low, high },
        });
        const values = expectedValues(flat);
        const histogram = result.aggregate as HistogramPartial;
        expect(values.length).toBeGreaterThan(0);
        expect(histogram.counts).toEqual(fill(values, bins, low, high));
        expect(result.summary.objectsPerNode).toEqual(await placementCounts(store, layout));
        expect(result.summary.eventsScanned).toBe(1000);
      });
    }
  }
});
