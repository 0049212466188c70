import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tableFromArrays, type Table } from 'apache-arrow';
import { parseArgs } from 'node:util';
import type { HistogramPartial, ScalarPartial } from '../../../object-class/kernels/plan.js';
import type { OutputRequest } from '../../../transformers/planner/plan-query.js';
import { formatSummary } from '../../../transformers/service/query-summary.js';
import { encodeRows, writeOutput, type RowFormat } from '../../io/write-rows.js';
import { formatHistogramCsv, parseHistogramSpec } from '../../plot/histogram-csv.js';
import { CliError } from '../cli-error.js';
import {
  CLUSTER_OPTIONS,
  connect,
  LIMIT_OPTIONS,
  LIMIT_USAGE,
  STORE_OPTIONS,
} from '../store-options.js';

export const QUERY_USAGE = `skysift query --dataset NAME [options] (QUERY | --file QUERY_FILE)

Runs a func_adl query (Python lambda form or qastle) on the storage nodes and prints the reduced
result on standard output; the pushdown summary goes to standard error.

  --dataset NAME          dataset to query (required)
  --file FILE             read the query from FILE; a line '# hist: BINS,LOW,HIGH' in it sets --hist
  --hist BINS,LOW,HIGH    fill a histogram of the query's values instead of returning rows
  --format F              csv (default), json, arrow or parquet; arrow and parquet need -o for rows
  -o, --output FILE       write the result to FILE instead of standard output
  --quiet                 do not print the summary
  --endpoint HOST:PORT    use a running transformer instead of the embedded cluster
  --nodes N               storage nodes of the embedded cluster (default 2)
Limits of the embedded cluster's transformer:
${LIMIT_USAGE}
  --home DIR, --store URL, --s3-endpoint URL   the store (see 'skysift ingest --help')`;

const FORMATS: readonly RowFormat[] = ['csv', 'json', 'arrow', 'parquet'];

/** Runs `skysift query`. */
export async function queryCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dataset: { type: 'string' },
      file: { type: 'string' },
      hist: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      quiet: { type: 'boolean' },
      ...STORE_OPTIONS,
      ...CLUSTER_OPTIONS,
      ...LIMIT_OPTIONS,
    },
  });
  if (values.dataset === undefined)
    throw new CliError('Missing --dataset NAME: name the dataset to query');
  const query = await queryText(values.file, positionals);
  const output = outputRequest(values.hist, query);
  const format = parseFormat(values.format);
  await checkOutputDirectory(values.output);

  const connection = await connect(values);
  try {
    const result = await connection.client.query({ dataset: values.dataset, query, output });
    await writeOutput(
      formatResult(result.aggregate, result.table, format, values.output),
      values.output,
    );
    if (!values.quiet) process.stderr.write(formatSummary(result.summary) + '\n');
  } finally {
    await connection.close();
  }
}

/** Fails before the query runs when the folder of `-o FILE` does not exist. */
async function checkOutputDirectory(file: string | undefined): Promise<void> {
  if (file === undefined || file === '-') return;
  const directory = path.dirname(path.resolve(file));
  const stat = await fs.stat(directory).catch(() => null);
  if (stat === null || !stat.isDirectory()) {
    throw new CliError(
      `Cannot write '${file}': the folder '${directory}' does not exist; create it first or choose another -o FILE`,
    );
  }
}

/** Reads the query from `--file` or the one positional argument. */
export async function queryText(file: string | undefined, positionals: string[]): Promise<string> {
  if (file !== undefined && positionals.length > 0) {
    throw new CliError('Give the query either as an argument or with --file, not both');
  }
  if (file !== undefined) {
    try {
      return await fs.readFile(file, 'utf8');
    } catch (error) {
      throw new CliError(
        `Cannot read query file '${file}': ${(error as NodeJS.ErrnoException).code ?? error}`,
      );
    }
  }
  if (positionals.length !== 1) {
    throw new CliError(
      positionals.length === 0
        ? "Missing query: pass func_adl text such as 'Select(lambda e: e.MET_pt)' or --file FILE"
        : `Expected one query argument, found ${positionals.length}: quote the query`,
    );
  }
  return positionals[0];
}

/** Requests a histogram from `--hist` or the query's `# hist:` line, and rows otherwise. */
export function outputRequest(hist: string | undefined, query: string): OutputRequest {
  const histText = hist ?? histFromQueryFile(query);
  if (histText === undefined) return { kind: 'rows' };
  return { kind: 'histogram', ...parseHistogramSpec(histText) };
}

/** Reads `# hist: BINS,LOW,HIGH` from a query's comment lines. */
export function histFromQueryFile(query: string): string | undefined {
  return /^\s*#\s*hist:\s*(\S+)\s*$/m.exec(query)?.[1];
}

function parseFormat(text: string | undefined): RowFormat {
  if (text === undefined) return 'csv';
  if ((FORMATS as string[]).includes(text)) return text as RowFormat;
  throw new CliError(`Invalid --format value '${text}': expected one of ${FORMATS.join(', ')}`);
}

function formatResult(
  aggregate: unknown,
  table: Table | undefined,
  format: RowFormat,
  outputFile: string | undefined,
): string | Uint8Array {
  const binary = format === 'arrow' || format === 'parquet';
  if (binary && (outputFile === undefined || outputFile === '-') && process.stdout.isTTY) {
    throw new CliError(`Refusing to write ${format} bytes to a terminal: pass -o FILE`);
  }
  if (aggregate !== undefined) {
    const value = aggregate as HistogramPartial | ScalarPartial;
    return binary ? encodeRows(aggregateTable(value), format) : formatAggregate(value, format);
  }
  if (table === undefined) return format === 'json' ? '[]\n' : '';
  return encodeRows(table, format);
}

function formatAggregate(aggregate: HistogramPartial | ScalarPartial, format: RowFormat): string {
  if (format === 'json') return JSON.stringify(aggregate) + '\n';
  if (aggregate.kind === 'histogram') return formatHistogramCsv(aggregate);
  return formatScalar(aggregate);
}

/**
 * Lays an aggregate out as a table for Arrow and Parquet output: a histogram as one row per bin,
 * flow bins included (`bin` 0 is the underflow, `bins + 1` the overflow, with infinite edges), a
 * scalar as one row.
 */
function aggregateTable(aggregate: HistogramPartial | ScalarPartial): Table {
  if (aggregate.kind === 'scalar') {
    const value = (aggregate as ScalarPartial & { value?: number | null }).value ?? NaN;
    return tableFromArrays({
      value: Float64Array.of(value),
      count: Float64Array.of(aggregate.count),
    });
  }
  const { bins, low, high, counts } = aggregate;
  const width = (high - low) / bins;
  const edge = (i: number) => {
    if (i <= 0) return -Infinity;
    if (i > bins + 1) return Infinity;
    return low + (i - 1) * width;
  };
  return tableFromArrays({
    bin: Int32Array.from(counts, (_, i) => i),
    low: Float64Array.from(counts, (_, i) => edge(i)),
    high: Float64Array.from(counts, (_, i) => (i === bins + 1 ? Infinity : edge(i + 1))),
    count: Float64Array.from(counts),
  });
}

function formatScalar(scalar: ScalarPartial & { value?: number | null }): string {
  return `${scalar.value ?? 'null'}\n`;
}
