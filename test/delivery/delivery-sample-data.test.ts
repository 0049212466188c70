import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInputFile } from '../../client/io/read-input-file.js';
import { appendTable } from '../../object-class/dataset/append-table.js';
import { LocalObjectStore } from '../../object-class/store/local-store.js';
import {
  startDeliveryServer,
  type RunningDeliveryServer,
} from '../../server/delivery/delivery-server.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../server/embedded-cluster.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { SAMPLE_DATA_SKIP, sampleDataDir, sampleFiles } from '../support/sample-data.js';
import { deliveryApi, readResultFile } from './delivery-http.js';

const dataDir = sampleDataDir();
/** ADL tasks whose value is MET, histogrammed with 100 bins from 0 to 2000 GeV. */
const MET_TASKS = ['query-1', 'query-4', 'query-5'];
const BINS = 100;
const LOW_GEV = 0;
const HIGH_GEV = 2000;

/** Fills the histogram of the ADL reference files: [bin centre, count] of each non-empty bin. */
function histogram(values: number[]): [number, number][] {
  const width = (HIGH_GEV - LOW_GEV) / BINS;
  const counts = new Array<number>(BINS).fill(0);
  for (const value of values) {
    const bin = Math.floor((value - LOW_GEV) / width);
    if (bin >= 0 && bin < BINS) counts[bin]++;
  }
  return counts.flatMap((count, bin) =>
    count === 0 ? [] : [[LOW_GEV + (bin + 0.5) * width, count] as [number, number]],
  );
}

function referenceHistogram(task: string): [number, number][] {
  const lines = readFileSync(sampleFiles(dataDir!).ref(task), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => line.split(',').map(Number) as [number, number]);
}

if (dataDir === null) console.warn(`delivery sample-data tests skipped: ${SAMPLE_DATA_SKIP}`);

describe.skipIf(dataDir === null)('delivery of CMS sample data', () => {
  let home: string;
  let store: LocalObjectStore;
  let cluster: EmbeddedCluster;
  let server: RunningDeliveryServer;

  beforeAll(async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'skysift-delivery-cms-'));
    store = new LocalObjectStore(home);
    const table = await readInputFile(sampleFiles(dataDir!).nested);
    await appendTable(store, 'cms', [table], { eventsPerObject: 250, nodes: ['node-1', 'node-2'] });
    cluster = await startEmbeddedCluster({ store, nodes: 2 });
    server = await startDeliveryServer({ store, transformer: cluster.endpoint, port: 0 });
  });

  afterAll(async () => {
    await server?.close();
    await cluster?.close();
    rmSync(home, { recursive: true, force: true });
  });

  for (const task of MET_TASKS) {
    it(`${task} files fill the reference histogram`, async () => {
      const api = deliveryApi(server.url);
      const selection = readFileSync(path.join(REPO_ROOT, 'examples', 'adl', `${task}.py`), 'utf8');
      const submitted = await api.submit({ title: task, did: 'skysift://cms', selection });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
      const id = String(submitted.body.request_id);
      const done = await api.waitFor(id, ['Complete', 'Failed', 'Canceled']);
      expect(done.status).toBe('Complete');
      expect(done['result-files']).toBe(4);

      const values: number[] = [];
      for (let part = 1; part <= 4; part++) {
        const bytes = await api.download(id, `part-0000${part}.parquet`);
        const column = readResultFile(bytes, 'parquet').getChildAt(0);
        values.push(...Array.from(column?.toArray() ?? [], Number));
      }
      expect(histogram(values)).toEqual(referenceHistogram(task));
    });
  }
});
