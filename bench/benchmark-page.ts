import path from 'node:path';
import type { EndToEndConfig, BenchReport, TaskReport } from './run-benchmark.js';
import {
  formatBytes,
  formatPercent,
  formatRate,
  formatRatio,
  formatSeconds,
  markdownTable,
} from './format-units.js';

/** Link speeds the no-pushdown table converts bytes moved into transfer times for, in bit/s. */
export const LINK_BITS_PER_SECOND = { '1 Gbit/s': 1e9, '10 Gbit/s': 10e9 } as const;

/** Largest share of the scanned bytes a histogram result may send to the client. */
export const MAX_SENT_FRACTION = 0.0001;

const CONFIG_TITLES: Record<EndToEndConfig, string> = {
  'local-1': 'local store, 1 node',
  'local-2': 'local store, 2 nodes',
  's3-1': 'Ceph S3, 1 node',
  's3-2': 'Ceph S3, 2 nodes',
};

/** Returns the path of the throughput plot written next to the page `out`. */
export function throughputSvgPath(out: string): string {
  const base = path.basename(out, path.extname(out));
  return path.join(path.dirname(out), `${base}-throughput.svg`);
}

/** Renders the benchmark page in Markdown, linking the plot `svgName` next to it. */
export function renderBenchmarkPage(report: BenchReport, command: string, svgName: string): string {
  const sections = [
    '# Benchmarks',
    INTRODUCTION,
    runSection(report, command),
    throughputSection(report, svgName),
    targetSection(report),
    duckdbSection(report),
    bytesSection(report),
    baselineSection(report),
    memorySection(report),
    checksSection(report),
    METHOD,
  ];
  return `${sections.join('\n\n')}\n`;
}

const INTRODUCTION = `This page is written by \`npm run bench\` (\`bench/run-bench.ts\`). It runs the nine
ADL benchmark tasks (\`examples/adl/\`) through skysift and, in the same run over the same events,
through DuckDB, and measures how many bytes pushdown keeps off the network. Rerun it on your
machine to compare; the numbers below are from one run on the machine described here.`;

function runSection(report: BenchReport, command: string): string {
  const { machine, options, events, storage } = report;
  const rows = [
    ['Date', report.startedAt.toISOString()],
    [
      'Machine',
      `${machine.cores} cores, ${machine.cpuModel}, ${formatBytes(machine.memoryBytes)} memory`,
    ],
    ['System', `${machine.os}, Node.js ${machine.node}`],
    ['Command', `\`${command}\``],
    ['Events', events.description],
    [
      'Objects',
      `${storage.objects} Arrow IPC objects of up to ${options.eventsPerObject} events, ` +
        `record batches of ${options.batchEvents} events, compression ${storage.compression}, ` +
        `${formatBytes(storage.objectBytes)} in all`,
    ],
    ['Placement with 2 nodes', placement(report)],
    ['Timed runs', `fastest of ${options.repetitions} per measurement`],
    ['Ceph S3', report.s3.run ? 'measured' : `not run: ${report.s3.reason}`],
    ['DuckDB', duckdbSummary(report)],
    ['Run time', formatSeconds(report.totalSeconds)],
  ];
  return `## Run\n\n${markdownTable(['', ''], rows)}`;
}

function placement(report: BenchReport): string {
  const perNode = report.tasks[0]?.endToEnd['local-2']?.summary.objectsPerNode;
  if (perNode === undefined) return 'n/a';
  return Object.entries(perNode)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([node, objects]) => `${node}: ${objects} objects`)
    .join(', ');
}

function duckdbSummary(report: BenchReport): string {
  const { duckdb } = report;
  if (!duckdb.run) return `not run: ${duckdb.reason}`;
  return (
    `${duckdb.version} (\`@duckdb/node-api\`), \`SET threads=1\`, over ${duckdb.parquetFiles} ` +
    `Snappy Parquet files of ${formatBytes(duckdb.parquetBytes)} and over an in-memory table`
  );
}

function throughputSection(report: BenchReport, svgName: string): string {
  const configs = (['local-1', 'local-2', 's3-1', 's3-2'] as const).filter((config) =>
    report.tasks.some((task) => task.endToEnd[config] !== undefined),
  );
  const headers = [
    'Task',
    'Per core at a node',
    'Target per core',
    ...configs.map((c) => CONFIG_TITLES[c]),
  ];
  const rows = report.tasks.map((task) => [
    task.task.id,
    formatRate(task.kernel?.eventsPerSecond),
    formatRate(task.task.targetEventsPerSecond),
    ...configs.map((config) => formatRate(task.endToEnd[config]?.eventsPerSecond)),
  ]);
  return [
    '## Throughput (events per second)',
    '"Per core at a node" is one thread running the compiled kernel over record batches already ' +
      'in memory. The end-to-end columns are events scanned divided by the wall time the client ' +
      'sees for the whole query through gRPC. Each storage node runs on its own worker thread ' +
      `of the benchmark process; this machine has ${report.machine.cores} cores for the nodes, ` +
      'the transformer and the client together. Targets are the best ' +
      'published single-thread figures of mature HEP tools (UnROOT.jl, coffea and RDataFrame), ' +
      'not measured here.',
    markdownTable(headers, rows),
    `![Events per second per task](${svgName})`,
  ].join('\n\n');
}

function targetSection(report: BenchReport): string {
  const missed = report.tasks.filter(
    (task) =>
      task.kernel !== undefined && task.kernel.eventsPerSecond < task.task.targetEventsPerSecond,
  );
  if (missed.length === 0) {
    return '## Targets\n\nEvery measured task meets its per-core target.';
  }
  const rows = missed.map((task) => {
    const measured = (task.kernel as NonNullable<TaskReport['kernel']>).eventsPerSecond;
    const target = task.task.targetEventsPerSecond;
    return [task.task.id, formatRate(measured), formatRate(target), formatRatio(target / measured)];
  });
  return [
    '## Targets missed',
    'Tasks whose per-core kernel throughput is below the target, and the factor by which it falls short.',
    markdownTable(['Task', 'Per core', 'Target', 'Target / measured'], rows),
  ].join('\n\n');
}

function duckdbSection(report: BenchReport): string {
  if (!report.duckdb.run)
    return `## skysift and DuckDB\n\nDuckDB was not run: ${report.duckdb.reason}.`;
  const rows = report.tasks.map((task) => {
    const kernel = task.kernel?.seconds;
    const endToEnd = task.endToEnd['local-1']?.seconds;
    const memory = task.duckdb.memory?.seconds;
    const parquet = task.duckdb.parquet?.seconds;
    return [
      task.task.id,
      formatSeconds(kernel),
      formatSeconds(memory),
      formatRatio(ratio(memory, kernel)),
      formatSeconds(endToEnd),
      formatSeconds(parquet),
      formatRatio(ratio(parquet, endToEnd)),
    ];
  });
  const headers = [
    'Task',
    'skysift kernel',
    'DuckDB in memory',
    'DuckDB / skysift',
    'skysift end-to-end (local, 1 node)',
    'DuckDB on Parquet',
    'DuckDB / skysift',
  ];
  return [
    '## skysift and DuckDB',
    `Wall times of the same tasks over the same events. DuckDB runs one thread (\`SET threads=1\`) ` +
      'and computes the histogram in SQL (`bench/duckdb-sql.ts`). A ratio above 1 means skysift ' +
      'is faster. The kernel is compared with DuckDB on an in-memory table, and the end-to-end ' +
      'query with DuckDB reading the Parquet files. Histograms were compared bin by bin; see ' +
      'the checks below.',
    markdownTable(headers, rows),
    duckdbFasterNote(report),
  ].join('\n\n');
}

/**
 * Names the tasks where DuckDB was faster in this run, by how much, and what a profile of the
 * end-to-end path showed.
 */
function duckdbFasterNote(report: BenchReport): string {
  const slower = report.tasks.flatMap((task) => {
    const endToEnd = task.endToEnd['local-1']?.seconds;
    const parquet = task.duckdb.parquet?.seconds;
    const factor = ratio(parquet, endToEnd);
    return factor !== undefined && factor < 1 ? [`${task.task.id} (${formatRatio(factor)})`] : [];
  });
  if (slower.length === 0) return 'skysift was faster than DuckDB on every task, end to end.';
  return (
    `DuckDB on Parquet was faster end to end on ${slower.join(', ')} in this run. ` +
    'For query-1 the kernel itself takes about 6 ms of the total; a CPU profile of the ' +
    'end-to-end path (`node --cpu-prof`, 1M events in 10 objects, 2026-12-04) puts the rest in ' +
    'reading and CRC-32 checking the column bytes, in opening the object file once per ranged ' +
    'read of the local store, and in one gRPC call and scan-request validation per object.'
  );
}

function bytesSection(report: BenchReport): string {
  const rows = report.tasks.flatMap((task) => {
    const summary = task.endToEnd['local-1']?.summary;
    if (summary === undefined) return [];
    const fraction = summary.bytesSentToClient / summary.bytesReadAtNodes;
    return [
      [
        task.task.id,
        formatBytes(summary.bytesReadAtNodes),
        formatBytes(summary.bytesSentToClient),
        formatPercent(fraction),
        fraction < MAX_SENT_FRACTION ? 'yes' : 'no',
      ],
    ];
  });
  return [
    '## Bytes read at the nodes and sent to the client',
    'From the query summary of the end-to-end run on the local store with one node. The target ' +
      `is that a histogram result sends less than ${formatPercent(MAX_SENT_FRACTION)} of the ` +
      'bytes the nodes read.',
    markdownTable(['Task', 'Read at nodes', 'Sent to client', 'Sent / read', 'Below target'], rows),
  ].join('\n\n');
}

function baselineSection(report: BenchReport): string {
  const measuredRows = report.tasks.map((task) => [
    task.task.id,
    formatBytes(task.endToEnd['local-1']?.summary.bytesSentToClient),
    formatSeconds(task.endToEnd['local-1']?.seconds),
    formatBytes(task.noPushdown.columns?.bytesMoved),
    formatSeconds(task.noPushdown.columns?.seconds),
    formatBytes(task.noPushdown.objects?.bytesMoved),
    formatSeconds(task.noPushdown.objects?.seconds),
  ]);
  const measuredHeaders = [
    'Task',
    'Pushdown: bytes to client',
    'Pushdown: time',
    'Needed columns: bytes',
    'Needed columns: time',
    'Whole objects: bytes',
    'Whole objects: time',
  ];
  return [
    '## Without pushdown',
    'The baselines fetch, object by object from the local store, either the columns the query ' +
      'needs (ranged reads) or whole objects, and run the same kernel at the client. Times are ' +
      'measured on this machine, where the store is a local folder, so they contain no network.',
    markdownTable(measuredHeaders, measuredRows),
    linkTable(report),
  ].join('\n\n');
}

function linkTable(report: BenchReport): string {
  const links = Object.entries(LINK_BITS_PER_SECOND);
  const transfer = (bytes: number | undefined, bitsPerSecond: number) =>
    bytes === undefined ? undefined : (bytes * 8) / bitsPerSecond;
  const rows = report.tasks.map((task) => {
    const moved = [
      task.endToEnd['local-1']?.summary.bytesSentToClient,
      task.noPushdown.columns?.bytesMoved,
      task.noPushdown.objects?.bytesMoved,
    ];
    return [
      task.task.id,
      ...links.flatMap(([, bits]) => moved.map((bytes) => formatSeconds(transfer(bytes, bits)))),
    ];
  });
  const headers = [
    'Task',
    ...links.flatMap(([name]) => [
      `Pushdown at ${name}`,
      `Columns at ${name}`,
      `Objects at ${name}`,
    ]),
  ];
  return [
    'Time to move those bytes between storage and client over a 1 Gbit/s and a 10 Gbit/s link, ' +
      'computed as bytes x 8 / link speed (not measured, and without protocol overhead):',
    markdownTable(headers, rows),
  ].join('\n\n');
}

function memorySection(report: BenchReport): string {
  const rows = report.tasks.map((task) => [task.task.id, formatBytes(task.peakRssBytes)]);
  return [
    '## Peak memory',
    "The process RSS high-water mark (`process.resourceUsage().maxRSS`) after each task's " +
      'kernel measurement. It never decreases, so it includes the events built before it and ' +
      `every earlier task. At the end of the run it was ${formatBytes(report.peakRssBytes)}.`,
    markdownTable(['Task', 'RSS high-water mark'], rows),
  ].join('\n\n');
}

function checksSection(report: BenchReport): string {
  const rows = report.tasks.map((task) => {
    const failed = task.checks.filter((check) => !check.ok);
    const detail = failed.map((check) => `${check.subject}: ${check.detail}`).join('; ');
    return [
      task.task.id,
      `${task.checks.length - failed.length} of ${task.checks.length}`,
      detail || 'none',
    ];
  });
  return [
    '## Correctness checks',
    'Every histogram of the run, compared bin by bin with underflow, overflow and NaN count. ' +
      'With repeated real events the expected histogram is that of the sample, filled by the ' +
      "same kernel, times the repeat count; with generated events it is the kernel's.",
    markdownTable(['Task', 'Checks passed', 'Failures'], rows),
  ].join('\n\n');
}

const METHOD = `## Method

- Events: the real sample is repeated in whole copies, so each histogram must be exactly the
  sample's histogram times the repeat count.
- Per core: the planned columns of every object are read into Arrow record batches first; the
  timed part is only the kernel runs, one per object, and the merge of their histograms.
- End-to-end: \`SkysiftClient.query\` against a transformer (\`startTransformer\`) on 127.0.0.1
  and storage nodes (\`startStorageNode\`), each on its own worker thread. Objects are placed on
  node-1 and node-2 by rendezvous hashing, and a one-node cluster serves every object from node-1.
- The repeated sample repeats a pattern of 1000 events, which CPU caches and branch predictors
  may exploit; \`--source generated\` scans distinct generated events instead.
- Ceph S3: a throw-away single-host Ceph cluster from \`test/services/ceph-start.sh\`.
- DuckDB: Parquet files written with parquet-wasm (Snappy), read through a view with an event
  id from the Hive partition and the row number; the in-memory table is a copy of that view.
- Timing uses \`performance.now()\`; the fastest of the timed runs is kept.`;

function ratio(numerator: number | undefined, denominator: number | undefined): number | undefined {
  if (numerator === undefined || denominator === undefined || denominator === 0) return undefined;
  return numerator / denominator;
}
