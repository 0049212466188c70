import { parseArgs } from 'node:util';
import { ADL_TASK_IDS, parseTaskList, type AdlTaskId } from './adl-tasks.js';
import { FULL_SAMPLE_EVENTS, type EventSource } from './bench-events.js';

/** Settings of one benchmark run. */
export interface BenchOptions {
  events: number;
  /** Absent: real events when the sample data directory has them, generated otherwise. */
  source?: EventSource;
  tasks: AdlTaskId[];
  skipS3: boolean;
  skipDuckdb: boolean;
  /** Markdown page to write. The throughput plot goes next to it. */
  out: string;
  eventsPerObject: number;
  /** Events per Arrow record batch in the objects. */
  batchEvents: number;
  /** Timed runs per measurement, of which the fastest counts. */
  repetitions: number;
}

export const DEFAULT_EVENTS = 1_000_000;
export const DEFAULT_EVENTS_PER_OBJECT = 100_000;
/** Divides the default objects evenly, so objects slice record batches without copying. */
export const DEFAULT_BATCH_EVENTS = 50_000;
export const DEFAULT_REPETITIONS = 2;
export const DEFAULT_OUT = 'docs/benchmarks.md';

/** Help text of `npm run bench`. */
export const BENCH_USAGE = `npm run bench -- [options]

Benchmarks skysift against DuckDB on the ADL tasks and writes a Markdown page with the results.

  --events N             events to scan (default ${DEFAULT_EVENTS}, at most ${FULL_SAMPLE_EVENTS});
                         real events round up to a whole number of copies of the sample
  --source real|generated  the sample data in SKYSIFT_SAMPLE_DATA repeated, or generated
                         events (default: real when the sample is present)
  --tasks LIST           comma-separated tasks such as query-1,query-6 (default: all nine)
  --skip-s3              do not start Ceph or measure the S3 store
  --skip-duckdb          do not run DuckDB
  --out FILE             Markdown page to write (default ${DEFAULT_OUT}); the SVG plot is
                         written next to it as FILE's name with -throughput.svg
  --events-per-object N  events per stored object (default ${DEFAULT_EVENTS_PER_OBJECT})
  --batch-events N       events per Arrow record batch (default ${DEFAULT_BATCH_EVENTS})
  --repetitions N        timed runs per measurement, fastest kept (default ${DEFAULT_REPETITIONS})
  --help                 print this text`;

/**
 * Parses the command line of `npm run bench`. Returns null for `--help`. Throws TypeError for
 * unknown options and RangeError for invalid values.
 */
export function parseBenchOptions(argv: string[]): BenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      events: { type: 'string' },
      source: { type: 'string' },
      tasks: { type: 'string' },
      'skip-s3': { type: 'boolean', default: false },
      'skip-duckdb': { type: 'boolean', default: false },
      out: { type: 'string' },
      'events-per-object': { type: 'string' },
      'batch-events': { type: 'string' },
      repetitions: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return null;

  return {
    events: parseCount('--events', values.events, DEFAULT_EVENTS, FULL_SAMPLE_EVENTS),
    source: parseSource(values.source),
    tasks: values.tasks === undefined ? [...ADL_TASK_IDS] : parseTaskList(values.tasks),
    skipS3: values['skip-s3'],
    skipDuckdb: values['skip-duckdb'],
    out: values.out ?? DEFAULT_OUT,
    eventsPerObject: parseCount(
      '--events-per-object',
      values['events-per-object'],
      DEFAULT_EVENTS_PER_OBJECT,
    ),
    batchEvents: parseCount('--batch-events', values['batch-events'], DEFAULT_BATCH_EVENTS),
    repetitions: parseCount('--repetitions', values.repetitions, DEFAULT_REPETITIONS, 100),
  };
}

function parseCount(
  name: string,
  text: string | undefined,
  fallback: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (text === undefined) return fallback;
  const value = Number(text.replaceAll('_', ''));
  if (!/^\d[\d_]*$/.test(text) || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new RangeError(`Invalid ${name} value '${text}': expected an integer from 1 to ${max}`);
  }
  return value;
}

function parseSource(text: string | undefined): EventSource | undefined {
  if (text === undefined || text === 'real' || text === 'generated') return text;
  throw new RangeError(`Invalid --source value '${text}': expected real or generated`);
}
