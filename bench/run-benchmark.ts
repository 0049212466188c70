import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatHistogramCsv } from '../client/plot/histogram-csv.js';
import { appendTable } from '../object-class/dataset/append-table.js';
import type { Manifest } from '../object-class/dataset/manifest.js';
import type { HistogramPartial } from '../object-class/kernels/plan.js';
import { LocalObjectStore } from '../object-class/store/local-store.js';
import type { ObjectStore } from '../object-class/store/object-store.js';
import { loadAdlTasks, type AdlTask } from './adl-tasks.js';
import { loadBenchEvents, type BenchEvents } from './bench-events.js';
import type { BenchOptions } from './bench-options.js';
import { startCephGateway } from './ceph-gateway.js';
import { measureEndToEnd, withCluster, type EndToEndMeasurement } from './cluster-bench.js';
import { compareHistograms, describeComparison } from './compare-histograms.js';
import { DuckdbBench, type DuckdbTaskRun } from './duckdb-bench.js';
import { histogramOfTable, measureKernel, type KernelMeasurement } from './kernel-bench.js';
import { machineInfo, peakRssBytes, type MachineInfo } from './machine-info.js';
import { measureNoPushdown, type NoPushdownMeasurement } from './no-pushdown-bench.js';
import type { WorkerStoreSpec } from './storage-node-worker.js';
import { writeParquetFiles } from './write-parquet-files.js';

/** Name of the dataset the benchmark ingests into its stores. */
export const BENCH_DATASET = 'adl-bench';

/** Storage node ids that objects are placed on. A one-node cluster serves all from node-1. */
const PLACEMENT_NODES = ['node-1', 'node-2'];

/** End-to-end configurations: the store the nodes read and how many nodes run. */
export const END_TO_END_CONFIGS = ['local-1', 'local-2', 's3-1', 's3-2'] as const;
export type EndToEndConfig = (typeof END_TO_END_CONFIGS)[number];

/** One correctness check of a task's histogram. */
export interface CorrectnessCheck {
  /** The histogram checked and what it must equal. */
  subject: string;
  ok: boolean;
  /** `equal`, or the bins that differ. */
  detail: string;
}

/** Everything measured for one task. */
export interface TaskReport {
  task: AdlTask;
  kernel?: KernelMeasurement;
  endToEnd: Partial<Record<EndToEndConfig, EndToEndMeasurement>>;
  noPushdown: Partial<Record<NoPushdownMeasurement['mode'], NoPushdownMeasurement>>;
  duckdb: { parquet?: DuckdbTaskRun; memory?: DuckdbTaskRun };
  checks: CorrectnessCheck[];
  /** Process RSS high-water mark after the task's kernel measurement, in bytes. */
  peakRssBytes: number;
}

/** A stage that ran, or why it did not. */
export type StageStatus = { run: true } | { run: false; reason: string };

/** The results of one benchmark run. */
export interface BenchReport {
  startedAt: Date;
  totalSeconds: number;
  machine: MachineInfo;
  options: BenchOptions;
  events: { source: string; count: number; baseCount: number; repeat: number; description: string };
  storage: { objects: number; objectBytes: number; ingestSeconds: number; compression: string };
  s3: StageStatus & { ingestSeconds?: number };
  duckdb: StageStatus & {
    version?: string;
    parquetBytes?: number;
    parquetFiles?: number;
    writeSeconds?: number;
    loadSeconds?: number;
  };
  tasks: TaskReport[];
  peakRssBytes: number;
}

/** Receives one progress line per step. */
export type ProgressLog = (line: string) => void;

/**
 * Runs the whole benchmark. Builds the events and ingests them into a local store and, where
 * Ceph is installed, an S3 gateway. Measures every task's kernel, end-to-end queries with one
 * and two storage nodes, the no-pushdown baselines and DuckDB. Then checks every histogram
 * against the expected one. Work files live in a temporary folder that is removed at the end.
 */
export async function runBenchmark(
  options: BenchOptions,
  log: ProgressLog = () => {},
): Promise<BenchReport> {
  const started = performance.now();
  const startedAt = new Date();
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'skysift-bench-'));
  try {
    const tasks = await loadAdlTasks(options.tasks);
    const events = await loadEvents(options, log);
    const reports = tasks.map(emptyTaskReport);

    const store = new LocalObjectStore(path.join(workDir, 'store'));
    const ingest = await ingestEvents(store, events, options, log);
    await measureKernels(reports, store, ingest.manifest, options, log);
    await measureClusters(reports, store, { kind: 'local', root: store.root }, options, log);
    const s3 = await measureS3(reports, events, options, workDir, ingest.objectBytes, log);
    await measureBaselines(reports, store, ingest.manifest, log);
    const duckdb = await measureDuckdb(reports, events, options, workDir, log);
    await checkResults(reports, events, log);

    return {
      startedAt,
      totalSeconds: (performance.now() - started) / 1000,
      machine: machineInfo(),
      options,
      events: {
        source: events.source,
        count: events.table.numRows,
        baseCount: events.base.numRows,
        repeat: events.repeat,
        description: events.description,
      },
      storage: {
        objects: ingest.manifest.objects.length,
        objectBytes: ingest.objectBytes,
        ingestSeconds: ingest.seconds,
        compression: 'none',
      },
      s3,
      duckdb,
      tasks: reports,
      peakRssBytes: peakRssBytes(),
    };
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

function emptyTaskReport(task: AdlTask): TaskReport {
  return { task, endToEnd: {}, noPushdown: {}, duckdb: {}, checks: [], peakRssBytes: 0 };
}

async function loadEvents(options: BenchOptions, log: ProgressLog): Promise<BenchEvents> {
  const started = performance.now();
  const events = await loadBenchEvents({
    events: options.events,
    source: options.source,
    batchEvents: options.batchEvents,
  });
  log(`events: ${events.description} (${seconds(started)})`);
  return events;
}

async function ingestEvents(
  store: ObjectStore,
  events: BenchEvents,
  options: BenchOptions,
  log: ProgressLog,
): Promise<{ manifest: Manifest; objectBytes: number; seconds: number }> {
  const started = performance.now();
  const manifest = await appendTable(store, BENCH_DATASET, [events.table], {
    eventsPerObject: options.eventsPerObject,
    batchEvents: options.batchEvents,
    nodes: PLACEMENT_NODES,
  });
  const objectBytes = manifest.objects.reduce((sum, object) => sum + object.info.byteSize, 0);
  log(`ingest into ${store.description}: ${manifest.objects.length} objects (${seconds(started)})`);
  return { manifest, objectBytes, seconds: (performance.now() - started) / 1000 };
}

async function measureKernels(
  reports: TaskReport[],
  store: ObjectStore,
  manifest: Manifest,
  options: BenchOptions,
  log: ProgressLog,
): Promise<void> {
  for (const report of reports) {
    report.kernel = await measureKernel(report.task, store, manifest, options.repetitions);
    report.peakRssBytes = peakRssBytes();
    log(`kernel ${report.task.id}: ${rate(report.kernel.eventsPerSecond)}`);
  }
}

async function measureClusters(
  reports: TaskReport[],
  store: ObjectStore,
  storeSpec: WorkerStoreSpec,
  options: BenchOptions,
  log: ProgressLog,
): Promise<void> {
  for (const nodes of [1, 2]) {
    const config = `${storeSpec.kind}-${nodes}` as EndToEndConfig;
    await withCluster({ store, storeSpec, nodes }, async (client) => {
      for (const report of reports) {
        const measured = await measureEndToEnd(
          client,
          BENCH_DATASET,
          report.task,
          options.repetitions,
        );
        report.endToEnd[config] = measured;
        log(`end-to-end ${config} ${report.task.id}: ${rate(measured.eventsPerSecond)}`);
      }
    });
  }
}

async function measureS3(
  reports: TaskReport[],
  events: BenchEvents,
  options: BenchOptions,
  workDir: string,
  objectBytes: number,
  log: ProgressLog,
): Promise<BenchReport['s3']> {
  if (options.skipS3) return { run: false, reason: 'skipped with --skip-s3' };
  const start = await startCephGateway(path.join(workDir, 'ceph'), objectBytes);
  if (!start.started) {
    log(`S3: not run: ${start.reason}`);
    return { run: false, reason: start.reason };
  }

  log(`S3: Ceph gateway at ${start.gateway.endpoint}`);
  const store = start.gateway.openStore();
  try {
    const ingest = await ingestEvents(store, events, options, log);
    await measureClusters(reports, store, start.gateway.storeSpec, options, log);
    return { run: true, ingestSeconds: ingest.seconds };
  } finally {
    await store.close();
    await start.gateway.stop();
  }
}

async function measureBaselines(
  reports: TaskReport[],
  store: ObjectStore,
  manifest: Manifest,
  log: ProgressLog,
): Promise<void> {
  for (const report of reports) {
    for (const mode of ['columns', 'objects'] as const) {
      const measured = await measureNoPushdown(report.task, store, manifest, mode);
      report.noPushdown[mode] = measured;
      log(`no pushdown (${mode}) ${report.task.id}: ${measured.seconds.toFixed(2)} s`);
    }
  }
}

async function measureDuckdb(
  reports: TaskReport[],
  events: BenchEvents,
  options: BenchOptions,
  workDir: string,
  log: ProgressLog,
): Promise<BenchReport['duckdb']> {
  if (options.skipDuckdb) return { run: false, reason: 'skipped with --skip-duckdb' };

  const writeStarted = performance.now();
  const parquet = await writeParquetFiles(
    events.table,
    path.join(workDir, 'parquet'),
    options.eventsPerObject,
  );
  const writeSeconds = (performance.now() - writeStarted) / 1000;
  log(`DuckDB: wrote ${parquet.files.length} Parquet files (${seconds(writeStarted)})`);

  const duckdb = await DuckdbBench.open(parquet.dir, 1);
  try {
    const version = await duckdb.version();
    for (const report of reports)
      report.duckdb.parquet = await runDuckdbTask(duckdb, report, 'parquet', options);
    const loadSeconds = await duckdb.loadIntoMemory();
    for (const report of reports)
      report.duckdb.memory = await runDuckdbTask(duckdb, report, 'memory', options);
    log(`DuckDB ${version}: ran ${reports.length} tasks over Parquet and in memory`);
    return {
      run: true,
      version,
      parquetBytes: parquet.bytes,
      parquetFiles: parquet.files.length,
      writeSeconds,
      loadSeconds,
    };
  } finally {
    duckdb.close();
  }
}

async function runDuckdbTask(
  duckdb: DuckdbBench,
  report: TaskReport,
  relation: 'parquet' | 'memory',
  options: BenchOptions,
): Promise<DuckdbTaskRun> {
  let best: DuckdbTaskRun | undefined;
  for (let run = 0; run < options.repetitions; run++) {
    const measured = await duckdb.runTask(report.task, relation);
    if (best === undefined || measured.seconds < best.seconds) best = measured;
  }
  return best as DuckdbTaskRun;
}

/**
 * Checks every histogram of a task. With repeated real events the expected histogram is the
 * one of the sample scaled by the repeat count, and the sample's histogram is also checked
 * against the reference file `adl/refs/<task>.csv` where one exists. With generated events the
 * expected histogram is the kernel's.
 */
async function checkResults(reports: TaskReport[], events: BenchEvents, log: ProgressLog) {
  for (const report of reports) {
    const expected = await expectedHistogram(report, events);
    if (events.sampleFile !== undefined) {
      const check = await checkReference(report.task, expected.histogram, events.sampleFile);
      if (check !== null) report.checks.push(check);
    }

    for (const [name, histogram] of measuredHistograms(report)) {
      const comparison = compareHistograms(expected.histogram, histogram, expected.scale);
      const detail = describeComparison(comparison);
      report.checks.push({ subject: `${name} = ${expected.label}`, ok: comparison.equal, detail });
    }
    const failed = report.checks.filter((check) => !check.ok).length;
    log(`check ${report.task.id}: ${report.checks.length - failed} passed, ${failed} failed`);
  }
}

async function expectedHistogram(
  report: TaskReport,
  events: BenchEvents,
): Promise<{ histogram: HistogramPartial; scale: number; label: string }> {
  if (events.source === 'real') {
    return {
      histogram: await histogramOfTable(report.task, events.base),
      scale: events.repeat,
      label: `${events.base.numRows}-event sample x ${events.repeat}`,
    };
  }
  return { histogram: (report.kernel as KernelMeasurement).histogram, scale: 1, label: 'kernel' };
}

/** Compares the sample's histogram with `adl/refs/<task>.csv` next to the sample, if present. */
async function checkReference(
  task: AdlTask,
  sampleHistogram: HistogramPartial,
  sampleFile: string,
): Promise<CorrectnessCheck | null> {
  const refFile = path.join(path.dirname(sampleFile), 'refs', `${task.id}.csv`);
  let reference: string;
  try {
    reference = await fs.readFile(refFile, 'utf8');
  } catch {
    return null;
  }
  const ok = formatHistogramCsv(sampleHistogram) === reference;
  const subject = `sample = adl/refs/${task.id}.csv`;
  return { subject, ok, detail: ok ? 'equal' : 'the CSV of the sample histogram differs' };
}

function measuredHistograms(report: TaskReport): [string, HistogramPartial][] {
  const found: [string, HistogramPartial | undefined][] = [
    ['kernel', report.kernel?.histogram],
    ...END_TO_END_CONFIGS.map((config): [string, HistogramPartial | undefined] => [
      `end-to-end ${config}`,
      report.endToEnd[config]?.histogram,
    ]),
    ['no pushdown (columns)', report.noPushdown.columns?.histogram],
    ['no pushdown (objects)', report.noPushdown.objects?.histogram],
    ['DuckDB (Parquet)', report.duckdb.parquet?.histogram],
    ['DuckDB (in memory)', report.duckdb.memory?.histogram],
  ];
  return found.filter((entry): entry is [string, HistogramPartial] => entry[1] !== undefined);
}

function seconds(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(1)} s`;
}

function rate(eventsPerSecond: number): string {
  return `${(eventsPerSecond / 1e6).toFixed(3)} M events/s`;
}
