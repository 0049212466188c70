import { existsSync } from 'node:fs';
import path from 'node:path';
import { Table, type RecordBatch } from 'apache-arrow';
import { generateEvents } from '../client/io/event-generator.js';
import { readInputFile } from '../client/io/read-input-file.js';
import { rechunkTable } from '../object-class/format/rechunk-table.js';
import { repeatBatch } from './repeat-batch.js';

/** Events of the full CMS Run2012B SingleMu sample that the ADL benchmark runs over. */
export const FULL_SAMPLE_EVENTS = 53_446_198;

/** Path of the flat-layout sample below the sample data directory. */
export const SAMPLE_FILE = path.join('adl', 'Run2012B_SingleMu-1000.parquet');

/** PRNG seed of generated benchmark events, fixed so that reruns scan the same events. */
export const GENERATOR_SEED = 2012;

/** Origin of the benchmark events: the repeated CMS sample or the event generator. */
export type EventSource = 'real' | 'generated';

/** The events one benchmark run scans. */
export interface BenchEvents {
  source: EventSource;
  /** All events: for `real`, `base` repeated `repeat` times. */
  table: Table;
  /** The events that `table` repeats, or the whole table for generated events. */
  base: Table;
  /** How many times `table` repeats `base`, 1 for generated events. */
  repeat: number;
  /** One line for the report, such as where the events come from. */
  description: string;
  /** Path of the sample file, for real events. */
  sampleFile?: string;
}

/** Options of {@link loadBenchEvents}. */
export interface LoadEventsOptions {
  /** Events requested. Real events round up to a whole number of copies of the sample. */
  events: number;
  /** `real` needs the sample data directory. When absent, real if the sample exists. */
  source?: EventSource;
  /** Sample data directory, `SKYSIFT_SAMPLE_DATA` by default. */
  sampleDataDir?: string;
  /** Maximum events per record batch of the returned table. */
  batchEvents: number;
}

/**
 * Builds the benchmark events: the real 1000-event CMS sample repeated until there are at least
 * `events` events, or `events` generated events when the sample is absent or `source` is
 * `generated`. Repeated events make every histogram exactly `repeat` times that of the sample,
 * which checks results at scale. Throws Error when `source` is `real` and the sample is missing.
 */
export async function loadBenchEvents(options: LoadEventsOptions): Promise<BenchEvents> {
  const sampleFile = findSampleFile(options.sampleDataDir ?? process.env.SKYSIFT_SAMPLE_DATA);
  const source = options.source ?? (sampleFile === null ? 'generated' : 'real');

  if (source === 'generated') {
    const table = generateEvents({
      events: options.events,
      seed: GENERATOR_SEED,
      layout: 'flat',
      batchEvents: options.batchEvents,
    });
    const description = `${table.numRows} generated events (flat layout, seed ${GENERATOR_SEED})`;
    return { source, table, base: table, repeat: 1, description };
  }

  if (sampleFile === null) {
    throw new Error(
      `sample data directory not found: set SKYSIFT_SAMPLE_DATA to the folder holding ` +
        `${SAMPLE_FILE}, or pass --source generated`,
    );
  }
  const base = await readInputFile(sampleFile);
  const repeat = Math.max(1, Math.ceil(options.events / base.numRows));
  const table = repeatTable(base, repeat, options.batchEvents);
  const description =
    `${table.numRows} events: the ${base.numRows} events of ${SAMPLE_FILE} ` +
    `(CMS Run2012B SingleMu, flat layout) repeated ${repeat} times`;
  return { source, table, base, repeat, description, sampleFile };
}

/** Returns the sample file below `dir`, or null when `dir` is unset or lacks it. */
function findSampleFile(dir: string | undefined): string | null {
  if (dir === undefined || dir === '') return null;
  const file = path.join(dir, SAMPLE_FILE);
  return existsSync(file) ? file : null;
}

/**
 * Returns a table whose rows are `table`'s rows `times` times, in record batches of whole copies
 * holding at most `batchEvents` events where a copy fits. Batches of equal size share buffers.
 */
export function repeatTable(table: Table, times: number, batchEvents: number): Table {
  if (table.numRows === 0) return table;
  const [base] = rechunkTable(table, table.numRows);
  const copiesPerBatch = Math.max(1, Math.min(times, Math.floor(batchEvents / base.numRows)));
  const full = repeatBatch(base, copiesPerBatch);
  const batches: RecordBatch[] = new Array(Math.floor(times / copiesPerBatch)).fill(full);
  const rest = times % copiesPerBatch;
  if (rest > 0) batches.push(repeatBatch(base, rest));
  return new Table(batches);
}
