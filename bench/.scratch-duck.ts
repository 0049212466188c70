import { readFileSync } from 'node:fs';
import { loadBenchEvents } from './bench-events.js';
import { writeParquetFiles } from './write-parquet-files.js';
import { DuckdbBench } from './duckdb-bench.js';
import { formatHistogramCsv } from '../client/plot/histogram-csv.js';
import { ADL_TASK_IDS, TARGET_EVENTS_PER_SECOND } from './adl-tasks.js';
const hists: Record<string, [number, number, number]> = { 'query-1': [100,0,2000], 'query-2': [100,15,60], 'query-3': [100,15,60], 'query-4': [100,0,2000], 'query-5': [100,0,2000], 'query-6-1': [100,15,40], 'query-6-2': [100,0,1], 'query-7': [100,15,200], 'query-8': [100,15,250] };
const events = await loadBenchEvents({ events: Number(process.argv[2] ?? 1000), sampleDataDir: '/work/shared/data' });
const dir = '/tmp/scratch/pq-' + Date.now();
let t = performance.now();
const pq = await writeParquetFiles(events.table, dir, 100_000);
console.log('parquet', pq.files.length, pq.bytes, ((performance.now() - t)/1000).toFixed(2), 's');
const duck = await DuckdbBench.open(dir, 1);
console.log(await duck.version());
for (const mode of ['parquet', 'memory'] as const) {
  if (mode === 'memory') console.log('load', await duck.loadIntoMemory());
  for (const id of ADL_TASK_IDS) {
    const [bins, low, high] = hists[id];
    const task = { id, file: '', query: '', histogram: { bins, low, high }, targetEventsPerSecond: TARGET_EVENTS_PER_SECOND[id] };
    const run = await duck.runTask(task, mode);
    const csv = formatHistogramCsv(run.histogram);
    let ref = '';
    try { ref = readFileSync(`/work/shared/data/adl/refs/${id}.csv`, 'utf8'); } catch {}
    const entries = run.histogram.counts.reduce((a, b) => a + b, 0);
    console.log(mode, id, run.seconds.toFixed(3), 'entries', entries, 'nan', run.histogram.nanCount, ref ? (ref === csv ? 'REF OK' : 'REF DIFF') : '');
    if (ref && ref !== csv && events.repeat === 1) console.log(csv.slice(0, 300), '\n---\n', ref.slice(0, 300));
  }
}
duck.close();
