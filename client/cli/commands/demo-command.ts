import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Table } from 'apache-arrow';
import { appendTable } from '../../../object-class/dataset/append-table.js';
import { deleteDataset } from '../../../object-class/dataset/manifest.js';
import type { HistogramPartial } from '../../../object-class/kernels/plan.js';
import { embeddedNodeIds, startEmbeddedCluster } from '../../../server/embedded-cluster.js';
import { formatSummary } from '../../../transformers/service/query-summary.js';
import { generateEvents } from '../../io/event-generator.js';
import { readInputFile } from '../../io/read-input-file.js';
import { packageRoot } from '../../package-root.js';
import { parseHistogramSpec } from '../../plot/histogram-csv.js';
import { renderSvgHistogram } from '../../plot/svg-plot.js';
import { renderTextChart } from '../../plot/text-chart.js';
import { SkysiftClient } from '../../skysift-client.js';
import { CliError } from '../cli-error.js';
import { homeDirectory, nodeCount, openStore, STORE_OPTIONS } from '../store-options.js';
import { histFromQueryFile } from './query-command.js';
import { parseCount } from './ingest-command.js';

export const DEMO_USAGE = `skysift demo [options]

The main job end to end: ingests CMS events into the dataset 'demo', starts storage nodes and a
transformer on loopback, runs the ADL benchmark tasks of examples/adl/ through them, prints each
histogram as a text chart with its pushdown summary, and writes an SVG plot per histogram.

Input: --data FILE if given; else the real CMS sample in the sample data directory
($SKYSIFT_SAMPLE_DATA/adl/Run2012B_SingleMu-1000.parquet) if present; else generated events.

  --data FILE             Parquet or Arrow file of events to ingest
  --events N              generated events when no real data is used (default 100000)
  --seed N                seed of the generated events (default 1)
  --nodes N               storage nodes to start (default 2)
  --out DIR               folder for the SVG plots (default ./skysift-demo)
  --home DIR, --store URL, --s3-endpoint URL   the store (default: the home directory)`;

const SAMPLE_FILE = path.join('adl', 'Run2012B_SingleMu-1000.parquet');
const DEMO_DATASET = 'demo';
const DEFAULT_GENERATED_EVENTS = 100_000;
/** Objects per node the demo aims for, so that every node has work. */
const OBJECTS_PER_NODE = 5;

/** Runs `skysift demo`. */
export async function demoCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      events: { type: 'string' },
      seed: { type: 'string' },
      nodes: { type: 'string' },
      out: { type: 'string' },
      ...STORE_OPTIONS,
    },
  });
  const nodes = nodeCount(values.nodes, 2);
  const { table, description } = await demoInput(values);
  const outDir = path.resolve(values.out ?? 'skysift-demo');
  await fs.mkdir(outDir, { recursive: true });

  const store = openStore(values, { createBucket: true });
  console.log(`Input: ${description}`);
  console.log(`Store: ${values.store === undefined ? homeDirectory(values) : store.description}`);
  await deleteDataset(store, DEMO_DATASET);
  const eventsPerObject = Math.max(1, Math.ceil(table.numRows / (nodes * OBJECTS_PER_NODE)));
  const manifest = await appendTable(store, DEMO_DATASET, [table], {
    eventsPerObject,
    nodes: embeddedNodeIds(nodes),
  });
  console.log(
    `Ingested ${manifest.eventCount} events into ${manifest.objects.length} Arrow IPC objects\n`,
  );

  const cluster = await startEmbeddedCluster({ store, nodes });
  const client = new SkysiftClient(cluster.endpoint);
  let failures = 0;
  try {
    console.log(`Started ${nodes} storage nodes and a transformer at ${cluster.endpoint}\n`);
    for (const task of await adlTasks()) {
      failures += (await runTask(client, task, outDir)) ? 0 : 1;
    }
  } finally {
    client.close();
    await cluster.close();
    await store.close();
  }
  console.log(`Plots written to ${outDir}`);
  if (failures > 0) throw new Error(`${failures} ADL task(s) failed; see the messages above`);
}

async function demoInput(values: { data?: string; events?: string; seed?: string }) {
  if (values.data !== undefined)
    return { table: await readInputFile(values.data), description: values.data };
  const sampleDir = process.env.SKYSIFT_SAMPLE_DATA;
  if (sampleDir !== undefined && existsSync(path.join(sampleDir, SAMPLE_FILE))) {
    const file = path.join(sampleDir, SAMPLE_FILE);
    return {
      table: await readInputFile(file),
      description: `real CMS Run2012B events from ${file}`,
    };
  }
  const events = parseCount('--events', values.events) ?? DEFAULT_GENERATED_EVENTS;
  const seed = parseCount('--seed', values.seed) ?? 1;
  console.log(`Generating ${events} events...`);
  const table: Table = generateEvents({ events, seed });
  const why =
    sampleDir === undefined
      ? 'SKYSIFT_SAMPLE_DATA is not set'
      : `no ${SAMPLE_FILE} in ${sampleDir}`;
  return { table, description: `${events} generated NanoAOD-like events, seed ${seed} (${why})` };
}

interface AdlTask {
  name: string;
  query: string;
  title: string;
  /** Label of the histogram's x axis, from the file's `# axis:` line. */
  axis: string;
  hist: { bins: number; low: number; high: number };
}

/** Returns the first sentence of a query file's comment, past its `# hist:` and `# axis:` lines. */
function taskDescription(query: string): string | undefined {
  const comment = query
    .split('\n')
    .filter((line) => line.startsWith('#') && !/^#\s*(hist|axis):/.test(line))
    .map((line) => line.replace(/^#\s*/, ''))
    .join(' ');
  return /^(.*?\.)(\s|$)/.exec(comment)?.[1] ?? (comment === '' ? undefined : comment);
}

/** Reads the ADL task queries shipped in examples/adl/, in task order. */
async function adlTasks(): Promise<AdlTask[]> {
  const dir = path.join(packageRoot(), 'examples', 'adl');
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.py'));
  files.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const tasks: AdlTask[] = [];
  for (const file of files) {
    const query = await fs.readFile(path.join(dir, file), 'utf8');
    const histText = histFromQueryFile(query);
    if (histText === undefined)
      throw new CliError(`Example ${file} has no '# hist: BINS,LOW,HIGH' line`);
    const title = taskDescription(query) ?? file;
    const axis = /^#\s*axis:\s*(.+)$/m.exec(query)?.[1] ?? 'value';
    tasks.push({
      name: file.replace(/\.py$/, ''),
      query,
      title,
      axis,
      hist: parseHistogramSpec(histText),
    });
  }
  return tasks;
}

async function runTask(client: SkysiftClient, task: AdlTask, outDir: string): Promise<boolean> {
  console.log(`== ${task.name}: ${task.title}`);
  try {
    const result = await client.query({
      dataset: DEMO_DATASET,
      query: task.query,
      output: { kind: 'histogram', ...task.hist },
    });
    const histogram = result.aggregate as HistogramPartial;
    console.log(renderTextChart(histogram));
    console.log(formatSummary(result.summary));
    const svg = renderSvgHistogram(histogram, { title: `ADL ${task.name}`, xLabel: task.axis });
    const file = path.join(outDir, `${task.name}.svg`);
    await fs.writeFile(file, svg);
    console.log(`plot: ${file}\n`);
    return true;
  } catch (error) {
    console.log(`failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return false;
  }
}
