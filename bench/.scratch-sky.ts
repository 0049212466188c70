import { mkdtempSync } from 'node:fs';
import { loadBenchEvents } from './bench-events.js';
import { LocalObjectStore } from '../object-class/store/local-store.js';
import { appendTable } from '../object-class/dataset/append-table.js';
import { ADL_TASK_IDS, loadAdlTasks } from './adl-tasks.js';
import { measureKernel } from './kernel-bench.js';
import { measureEndToEnd, withCluster } from './cluster-bench.js';
import { measureNoPushdown } from './no-pushdown-bench.js';
import { writeParquetFiles } from './write-parquet-files.js';
import { DuckdbBench } from './duckdb-bench.js';
import { compareHistograms, describeComparison } from './compare-histograms.js';
process.env.SKYSIFT_LOG_LEVEL = 'warn';
const n = Number(process.argv[2] ?? 1000);
const events = await loadBenchEvents({ events: n, sampleDataDir: '/work/shared/data' });
const dir = mkdtempSync('/tmp/scratch/store-');
const store = new LocalObjectStore(dir);
let t = performance.now();
const manifest = await appendTable(store, 'adl', [events.table], { eventsPerObject: Math.min(100000, n), nodes: ['node-1', 'node-2'] });
console.log('append', ((performance.now() - t) / 1000).toFixed(2), 's', manifest.objects.length, 'objects', manifest.objects.map(o=>o.node).join(','));
const tasks = await loadAdlTasks(ADL_TASK_IDS);
const pq = await writeParquetFiles(events.table, dir + '/pq', 100000);
const duck = await DuckdbBench.open(dir + '/pq', 1);
for (const task of tasks) {
  t = performance.now();
  const k = await measureKernel(task, store, manifest, 1);
  const d = await duck.runTask(task, 'parquet');
  console.log(task.id, 'kernel', (k.eventsPerSecond / 1e6).toFixed(3), 'M ev/s', 'duck', (events.table.numRows / d.seconds / 1e6).toFixed(3), describeComparison(compareHistograms(d.histogram, k.histogram)));
}
await withCluster(store, 2, async (client) => {
  for (const task of tasks.slice(0, 3)) {
    const e = await measureEndToEnd(client, 'adl', task, 1);
    console.log(task.id, 'e2e', (e.eventsPerSecond / 1e6).toFixed(3), JSON.stringify(e.summary));
  }
});
const np = await measureNoPushdown(tasks[0], store, manifest, 'objects');
console.log('nopush', np.seconds, np.bytesMoved);
duck.close();
