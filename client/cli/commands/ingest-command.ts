import { parseArgs } from 'node:util';
import { appendTable } from '../../../object-class/dataset/append-table.js';
import { validateDatasetName } from '../../../object-class/dataset/manifest.js';
import { embeddedNodeIds } from '../../../server/embedded-cluster.js';
import { readInputFile } from '../../io/read-input-file.js';
import { CliError } from '../cli-error.js';
import { nodeCount, openStore, STORE_OPTIONS } from '../store-options.js';

export const INGEST_USAGE = `skysift ingest FILE... --dataset NAME [options]

Reads Parquet or Arrow IPC files (flat NanoAOD or nested layout) and appends their events to a
dataset as Arrow IPC objects (or row objects with --format rows), publishing a new manifest
version once every object is written.

  --dataset NAME            dataset to create or append to (required)
  --events-per-object N     events per object (default 100000)
  --batch-events N          events per Arrow record batch inside an object (default 65536)
  --compression C           object body compression: none, lz4 or zstd (default none)
  --format F                object format: arrow (columnar) or rows (FlatBuffers row objects for
                            frequent small appends; 'skysift compact' rewrites them as arrow)
                            (default arrow)
  --nodes N                 place objects on the N embedded storage nodes node-1..node-N (default 2)
  --node-ids A,B,...        place objects on these storage node ids instead
  --replicas N              nodes that can serve each object, tried in turn when one fails (default 1)
  --home DIR                home directory of the embedded default (default $SKYSIFT_HOME or ~/.skysift)
  --store URL               object store: DIR, file://DIR or s3://BUCKET[/PREFIX]
  --s3-endpoint URL         S3 endpoint (default $AWS_ENDPOINT_URL)`;

/** Runs `skysift ingest`. */
export async function ingestCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dataset: { type: 'string' },
      'events-per-object': { type: 'string' },
      'batch-events': { type: 'string' },
      compression: { type: 'string' },
      format: { type: 'string' },
      nodes: { type: 'string' },
      'node-ids': { type: 'string' },
      replicas: { type: 'string' },
      ...STORE_OPTIONS,
    },
  });
  if (values.dataset === undefined)
    throw new CliError('Missing --dataset NAME: name the dataset to ingest into');
  validateDatasetName(values.dataset);
  if (positionals.length === 0)
    throw new CliError('Missing input files: pass one or more Parquet or Arrow files');
  const compression = parseCompression(values.compression);
  const format = parseFormat(values.format);
  const nodes =
    values['node-ids']?.split(',').filter((id) => id !== '') ??
    embeddedNodeIds(nodeCount(values.nodes, 2));

  const tables = [];
  for (const file of positionals) tables.push(await readInputFile(file));
  const store = openStore(values, { createBucket: true });
  try {
    const manifest = await appendTable(store, values.dataset, tables, {
      eventsPerObject: parseCount('--events-per-object', values['events-per-object']),
      batchEvents: parseCount('--batch-events', values['batch-events']),
      compression,
      format,
      nodes,
      replicas: parseCount('--replicas', values.replicas),
    });
    const added = tables.reduce((sum, t) => sum + t.numRows, 0);
    const perNode = new Map<string, number>();
    for (const o of manifest.objects) perNode.set(o.node, (perNode.get(o.node) ?? 0) + 1);
    const bytes = manifest.objects.reduce((sum, o) => sum + o.info.byteSize, 0);
    console.log(
      `Ingested ${added} events from ${plural(positionals.length, 'file')} into dataset '${values.dataset}' ` +
        `in ${store.description}: now ${manifest.eventCount} events in ${plural(manifest.objects.length, 'object')} ` +
        `(${bytes} bytes), manifest version ${manifest.version}, nodes ` +
        [...perNode].map(([node, count]) => `${node}: ${count}`).join(', '),
    );
  } finally {
    await store.close();
  }
}

/** Writes a count with its noun, adding an 's' unless the count is 1. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function parseCompression(text: string | undefined): 'none' | 'lz4' | 'zstd' | undefined {
  if (text === undefined || text === 'none' || text === 'lz4' || text === 'zstd') return text;
  throw new CliError(`Invalid --compression value '${text}': expected none, lz4 or zstd`);
}

function parseFormat(text: string | undefined): 'arrow' | 'rows' | undefined {
  if (text === undefined || text === 'arrow' || text === 'rows') return text;
  throw new CliError(`Invalid --format value '${text}': expected arrow or rows`);
}

/** Parses a positive whole-number option, or returns undefined when it is absent. */
export function parseCount(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new CliError(`Invalid ${option} value '${text}': expected a positive whole number`);
  }
  return Number(text);
}
