import { parseArgs } from 'node:util';
import { formatColumnType, type DatasetSchema } from '../../../object-class/dataset/schema.js';
import { CliError } from '../cli-error.js';
import { plural } from './ingest-command.js';
import { CLUSTER_OPTIONS, connect, STORE_OPTIONS } from '../store-options.js';
import { outputRequest, queryText } from './query-command.js';

export const DATASETS_USAGE = `skysift datasets [NAME] [options]

Lists the datasets of the store, or describes one: events, objects, placement and columns.

  --json                  print the description as JSON
  --endpoint HOST:PORT    ask a running transformer instead of an embedded one
  --home DIR, --store URL, --s3-endpoint URL   the store (see 'skysift ingest --help')`;

export const EXPLAIN_USAGE = `skysift explain --dataset NAME [--hist BINS,LOW,HIGH] (QUERY | --file QUERY_FILE)

Parses, type-checks and plans a query without reading data, and prints the query as qastle, the
typed tree, and the plan each object runs (columns read, selection, aggregate).

  --dataset NAME          dataset whose schema the query is checked against (required)
  --file FILE             read the query from FILE; a line '# hist: BINS,LOW,HIGH' in it sets --hist
  --hist BINS,LOW,HIGH    plan a histogram output instead of rows
  --endpoint HOST:PORT    ask a running transformer instead of an embedded one
  --home DIR, --store URL, --s3-endpoint URL   the store (see 'skysift ingest --help')`;

/** Runs `skysift datasets`. */
export async function datasetsCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...STORE_OPTIONS, ...CLUSTER_OPTIONS, json: { type: 'boolean' } },
  });
  const connection = await connect({ ...values, nodes: '1' });
  try {
    const described = await connection.client.describe(positionals[0] ?? '');
    if (positionals[0] === undefined && !values.json) {
      const names = described as string[];
      console.log(
        names.length === 0 ? 'No datasets; create one with skysift ingest' : names.join('\n'),
      );
    } else if (values.json) {
      console.log(JSON.stringify(described, null, 2));
    } else {
      console.log(formatDescription(described as DatasetDescription));
    }
  } finally {
    await connection.close();
  }
}

/** Description of one dataset, as the transformer's Describe call returns it. */
interface DatasetDescription {
  dataset: string;
  version: number;
  createdAt: string;
  eventCount: number;
  objectCount: number;
  byteSize: number;
  objectsPerNode?: Record<string, number>;
  schema: DatasetSchema;
}

/** Renders a dataset description as a few summary lines and one line per column. */
function formatDescription(d: DatasetDescription): string {
  const nodes = Object.entries(d.objectsPerNode ?? {})
    .map(([node, count]) => `${node}: ${count}`)
    .join(', ');
  const lines = [
    `dataset:  ${d.dataset} (manifest version ${d.version}, ${d.createdAt})`,
    `events:   ${d.eventCount} in ${plural(d.objectCount, 'object')}, ${d.byteSize} bytes`,
    ...(nodes === '' ? [] : [`nodes:    ${nodes}`]),
    `columns (${d.schema.fields.length}):`,
    ...d.schema.fields.map((f) => `  ${f.name}: ${formatColumnType(f.type)}`),
  ];
  return lines.join('\n');
}

/** Runs `skysift explain`. */
export async function explainCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dataset: { type: 'string' },
      file: { type: 'string' },
      hist: { type: 'string' },
      ...STORE_OPTIONS,
      ...CLUSTER_OPTIONS,
    },
  });
  if (values.dataset === undefined)
    throw new CliError('Missing --dataset NAME: plans are checked against a dataset schema');
  const query = await queryText(values.file, positionals);
  const output = outputRequest(values.hist, query);
  const connection = await connect({ ...values, nodes: '1' });
  try {
    const explained = await connection.client.explain({ dataset: values.dataset, query, output });
    console.log(
      `qastle:\n  ${explained.qastle}\n\ntyped tree:\n${indent(explained.typedTree)}\n\nplan:\n${indent(explained.plan)}`,
    );
  } finally {
    await connection.close();
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
