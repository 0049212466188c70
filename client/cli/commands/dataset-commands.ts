import { parseArgs } from 'node:util';
import { CliError } from '../cli-error.js';
import { CLUSTER_OPTIONS, connect, STORE_OPTIONS } from '../store-options.js';
import { outputRequest, queryText } from './query-command.js';

export const DATASETS_USAGE = `skysift datasets [NAME] [options]

Lists the datasets of the store, or describes one: schema, events, objects and placement.

  --home DIR, --store URL, --s3-endpoint URL, --endpoint HOST:PORT`;

export const EXPLAIN_USAGE = `skysift explain --dataset NAME [--hist BINS,LOW,HIGH] (QUERY | --file QUERY_FILE)

Parses, type-checks and plans a query without reading data, and prints the query as qastle, the
typed tree, and the plan each object runs (columns read, selection, aggregate).`;

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
    } else {
      console.log(JSON.stringify(described, null, 2));
    }
  } finally {
    await connection.close();
  }
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
